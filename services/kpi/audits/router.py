"""Special audits (专项审计): 立项 and notice by assess over every audited unit, fieldwork and reports by the
audit team, the response by plan over the first audited unit (see ``service``)."""

from __future__ import annotations

from fastapi import APIRouter, File, Query, Request, Response, UploadFile

from services.common.api import CursorParam, LimitParam, Page, etag, set_etag, tagged, version_check
from services.common.db import Session
from services.common.files import XLSX
from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal
from services.kpi.audits import service
from services.kpi.audits.schemas import (
    AuditCreate,
    AuditDetail,
    AuditDraftReport,
    AuditFinal,
    AuditFindingCreate,
    AuditNotice,
    AuditRead,
    AuditResponse,
    AuditStatus,
    AuditUpdate,
)
from services.kpi.deps import AuditToRespond, ValidAudit
from services.kpi.files.schemas import FileRead
from services.kpi.findings.schemas import FindingRead

router = APIRouter(prefix="/audits", tags=["special audits"])




@router.get("", response_model=Page[AuditRead],
            summary="The audit register (view over an audited unit, the team, or its creator)")
async def list_audits(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                      cursor: str | None = CursorParam, status: AuditStatus | None = Query(None),
                      unit_id: int | None = Query(None), year: int | None = Query(None, ge=2000, le=2100),
                      q: str | None = Query(None, max_length=100)):
    items, nxt = await service.list_audits(session, principal=principal, limit=limit, cursor=cursor, status=status,
                                           unit_id=unit_id, year=year, q=q)
    return Page[AuditRead](items=items, next_cursor=nxt)


@router.get("/awaiting-me", response_model=list[AuditRead], summary="Audits whose next step is the caller's")
async def awaiting_me(session: Session, principal: CurrentPrincipal):
    return await service.awaiting_me(session, principal=principal)


@router.get("/export.xlsx", summary="The audit register (审计台账) as an Excel workbook",
            responses={200: {"content": {XLSX: {}}}})
async def export_register(session: Session, principal: CurrentPrincipal, status: AuditStatus | None = Query(None),
                          year: int | None = Query(None, ge=2000, le=2100),
                          q: str | None = Query(None, max_length=100)):
    return await service.export_register(session, principal=principal, status=status, year=year, q=q)


@router.post("", response_model=AuditRead, status_code=201,
             summary="立项: open a special audit (assess over every audited unit)")
async def create_audit(body: AuditCreate, response: Response, session: Session, principal: CurrentPrincipal):
    return tagged(response, "audit", await service.create_audit(session, principal=principal, body=body))


@router.get("/{audit_id}", response_model=AuditDetail, summary="An audit with its findings and working papers")
async def get_audit(audit: ValidAudit, principal: CurrentPrincipal, session: Session, response: Response):
    out = await service.get_audit(session, principal=principal, a=audit)
    set_etag(response, etag("audit", out.id, out.version))
    return out


@router.patch("/{audit_id}", response_model=AuditRead,
              summary="Change a draft audit (assess over every audited unit; If-Match)")
async def update_audit(audit: ValidAudit, body: AuditUpdate, principal: CurrentPrincipal, request: Request,
                       response: Response, session: Session):
    return tagged(response, "audit", await service.update_audit(session, principal=principal, a=audit, body=body,
                                                        check_version=version_check(request, "audit")))


@router.post("/{audit_id}/notice", response_model=AuditRead,
             summary="Issue the audit notice 审计通知 (assess over every audited unit; If-Match)")
async def issue_notice(audit: ValidAudit, body: AuditNotice, principal: CurrentPrincipal, request: Request,
                       response: Response, session: Session):
    return tagged(response, "audit", await service.issue_notice(session, principal=principal, a=audit, body=body,
                                                        check_version=version_check(request, "audit")))


@router.post("/{audit_id}/fieldwork", response_model=AuditRead,
             summary="Start fieldwork 现场审计 (the audit team; If-Match)")
async def start_fieldwork(audit: ValidAudit, principal: CurrentPrincipal, request: Request, response: Response,
                          session: Session):
    return tagged(response, "audit", await service.start_fieldwork(session, principal=principal, a=audit,
                                                           check_version=version_check(request, "audit")))


@router.post("/{audit_id}/findings", response_model=FindingRead, status_code=201,
             summary="Record a finding during fieldwork; it becomes a 整改 action (the audit team)")
async def record_finding(audit: ValidAudit, body: AuditFindingCreate, principal: CurrentPrincipal, rt: RuntimeDep,
                         session: Session):
    return await service.record_audit_finding(session, rt, principal=principal, a=audit, body=body)


@router.post("/{audit_id}/files", response_model=FileRead, status_code=201,
             summary="Add a working paper 审计底稿 (the audit team; multipart field `file`)")
async def upload_paper(audit: ValidAudit, principal: CurrentPrincipal, rt: RuntimeDep, session: Session,
                       file: UploadFile = File(...)):
    return await service.upload_paper(session, rt, principal=principal, a=audit, upload=file)


@router.get("/{audit_id}/files/{file_id}", summary="A working paper (whoever may see the audit; ?inline=1 for "
                                                  "images and PDF)", response_class=Response)
async def get_paper(audit: ValidAudit, file_id: int, principal: CurrentPrincipal, rt: RuntimeDep, session: Session,
                    inline: bool = Query(False)):
    return await service.paper(session, rt, principal=principal, a=audit, file_id=file_id, inline=inline)


@router.post("/{audit_id}/draft-report", response_model=AuditRead,
             summary="Issue the draft report 征求意见稿 to the audited unit (the team leader; If-Match)")
async def issue_draft(audit: ValidAudit, body: AuditDraftReport, principal: CurrentPrincipal, request: Request,
                      response: Response, session: Session):
    return tagged(response, "audit", await service.issue_draft(session, principal=principal, a=audit, body=body,
                                                       check_version=version_check(request, "audit")))


@router.post("/{audit_id}/response", response_model=AuditRead,
             summary="The audited unit's response 被审计单位意见, per finding (plan over the first audited unit; "
                     "If-Match)")
async def respond(audit: AuditToRespond, body: AuditResponse, request: Request, response: Response,
                  session: Session):
    return tagged(response, "audit", await service.respond(session, audit=audit, body=body,
                                                   check_version=version_check(request, "audit")))


@router.post("/{audit_id}/final", response_model=AuditRead,
             summary="Issue the final report 终稿, keeping or withdrawing disputed findings (the team leader; "
                     "If-Match)")
async def finalise(audit: ValidAudit, body: AuditFinal, principal: CurrentPrincipal, request: Request,
                   response: Response, session: Session):
    return tagged(response, "audit", await service.finalise(session, principal=principal, a=audit, body=body,
                                                    check_version=version_check(request, "audit")))
