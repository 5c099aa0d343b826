"""On-site inspections (实地检查): checklist templates (guide over the owning unit), scheduling (assess over
the inspected unit), performing and submitting (the holder of the inspector position)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, File, Path, Query, Request, Response, UploadFile

from services.common.api import CursorParam, LimitParam, Page, tagged, version_check
from services.common.db import Session
from services.common.files import XLSX, download_response
from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal
from services.kpi.deps import (
    CompanyAdmin,
    InspectionScheduleToAssess,
    InspectionTemplateToGuide,
    InspectionToAssess,
    ValidInspection,
    ValidInspectionTemplate,
)
from services.kpi.findings.schemas import FindingCreate, FindingRead
from services.kpi.inspections import service
from services.kpi.inspections.schemas import (
    InspectionCancel,
    InspectionCreate,
    InspectionDetail,
    InspectionRead,
    InspectionSubmit,
    InspectionUpdate,
    ResultsUpdate,
    ScheduleRead,
    TemplateCreate,
    TemplateRead,
    TemplateUpdate,
    UnitKind,
)

router = APIRouter(tags=["inspections"])

Status = Literal["scheduled", "in_progress", "submitted", "cancelled"]




# --- checklist templates ---------------------------------------------------------------------

@router.get("/inspection-templates", response_model=Page[TemplateRead],
            summary="Checklist templates of your company (active ones unless a status is asked)")
async def list_templates(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam, unit_kind: UnitKind | None = Query(None),
                         status: Literal["active", "superseded", "retired"] | None = Query(None)):
    items, nxt = await service.list_templates(session, principal=principal, limit=limit, cursor=cursor,
                                              unit_kind=unit_kind, status=status)
    return Page[TemplateRead](items=items, next_cursor=nxt)


@router.post("/inspection-templates", response_model=TemplateRead, status_code=201,
             summary="Create a checklist template (guide over its owning unit)")
async def create_template(body: TemplateCreate, response: Response, session: Session, principal: CurrentPrincipal):
    return tagged(response, "inspection-template",
                   await service.create_template(session, principal=principal, body=body))


@router.get("/inspection-templates/{template_id}", response_model=TemplateRead)
async def get_template(template: ValidInspectionTemplate, response: Response, session: Session,
                       principal: CurrentPrincipal):
    return tagged(response, "inspection-template",
                   await service.get_template(session, principal=principal, t=template))


@router.patch("/inspection-templates/{template_id}", response_model=TemplateRead,
              summary="Edit a template (guide over its owning unit; If-Match). Once inspections used it, the edit "
                      "is a new revision with a new id and this one is superseded")
async def update_template(template: InspectionTemplateToGuide, body: TemplateUpdate, request: Request,
                          response: Response, session: Session):
    return tagged(response, "inspection-template", await service.update_template(
        session, template=template, body=body, check_version=version_check(request, "inspection-template")))


@router.post("/inspection-templates/{template_id}/retire", response_model=TemplateRead,
             summary="Retire a template: no new inspections with it (guide over its owning unit; If-Match)")
async def retire_template(template: InspectionTemplateToGuide, request: Request, response: Response,
                          session: Session):
    return tagged(response, "inspection-template", await service.retire_template(
        session, template=template, check_version=version_check(request, "inspection-template")))


# --- schedules -------------------------------------------------------------------------------

@router.get("/inspection-schedules", response_model=Page[ScheduleRead],
            summary="Recurring inspections (view over the inspected unit)")
async def list_schedules(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam):
    items, nxt = await service.list_schedules(session, principal=principal, limit=limit, cursor=cursor)
    return Page[ScheduleRead](items=items, next_cursor=nxt)


@router.post("/inspection-schedules/{schedule_id}/stop", response_model=ScheduleRead,
             summary="Stop a recurring inspection (assess over the unit; If-Match); its open inspection stays")
async def stop_schedule(schedule: InspectionScheduleToAssess, request: Request, response: Response,
                        session: Session):
    return tagged(response, "inspection-schedule", await service.stop_schedule(
        session, schedule=schedule, check_version=version_check(request, "inspection-schedule")))


@router.post("/inspection-schedules/generate",
             summary="Generate the next inspection of every schedule without an open one (admin; also periodic)")
async def generate(session: Session, principal: CompanyAdmin):
    return {"generated": await service.generate_due(session)}


# --- inspections -----------------------------------------------------------------------------

@router.get("/inspections", response_model=Page[InspectionRead],
            summary="The inspection register: inspections of units you view, and those your positions perform")
async def list_inspections(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                           cursor: str | None = CursorParam,
                           unit_id: int | None = Query(None, description="Only this unit's subtree"),
                           status: Status | None = Query(None), template_id: int | None = Query(None),
                           mine: bool = Query(False, description="Only those a position you hold performs"),
                           open_only: bool = Query(False, alias="open", description="Only scheduled or ongoing ones"),
                           due_before: date | None = Query(None)):
    items, nxt = await service.list_inspections(session, principal=principal, limit=limit, cursor=cursor,
                                                unit_id=unit_id, status=status, template_id=template_id, mine=mine,
                                                open_only=open_only, due_before=due_before)
    return Page[InspectionRead](items=items, next_cursor=nxt)


@router.get("/inspections/export.xlsx", summary="The inspection register (检查台账) as an Excel workbook",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
async def export_register(session: Session, principal: CurrentPrincipal, unit_id: int | None = Query(None),
                          status: Status | None = Query(None), template_id: int | None = Query(None)) -> Response:
    content = await service.export_register(session, principal=principal, unit_id=unit_id, status=status,
                                            template_id=template_id)
    return download_response(content, "检查台账.xlsx", fallback="inspections")


@router.post("/inspections", response_model=InspectionDetail, status_code=201,
             summary="Schedule an inspection, one-off or recurring (assess over the inspected unit)")
async def schedule_inspection(body: InspectionCreate, response: Response, session: Session,
                              principal: CurrentPrincipal):
    return tagged(response, "inspection",
                   await service.schedule_inspection(session, principal=principal, body=body))


@router.get("/inspections/{inspection_id}", response_model=InspectionDetail,
            summary="An inspection with its items, results, evidence and findings (view over the unit, or the "
                    "inspector position)")
async def get_inspection(inspection: ValidInspection, response: Response, session: Session,
                         principal: CurrentPrincipal):
    return tagged(response, "inspection", await service.get_inspection(session, principal=principal, i=inspection))


@router.patch("/inspections/{inspection_id}", response_model=InspectionDetail,
              summary="Reassign or move an open inspection (assess over the unit; If-Match)")
async def update_inspection(inspection: InspectionToAssess, body: InspectionUpdate, request: Request,
                            response: Response, session: Session):
    return tagged(response, "inspection", await service.update_inspection(
        session, inspection=inspection, body=body, check_version=version_check(request, "inspection")))


@router.post("/inspections/{inspection_id}/cancel", response_model=InspectionDetail,
             summary="Cancel an open inspection, with a reason (assess over the unit; If-Match)")
async def cancel_inspection(inspection: InspectionToAssess, body: InspectionCancel, request: Request,
                            response: Response, session: Session):
    return tagged(response, "inspection", await service.cancel_inspection(
        session, inspection=inspection, body=body, check_version=version_check(request, "inspection")))


@router.post("/inspections/{inspection_id}/results", response_model=InspectionDetail,
             summary="Record results of some or all items (the inspector position's holder; If-Match)")
async def record_results(inspection: ValidInspection, body: ResultsUpdate, request: Request, response: Response,
                         session: Session, principal: CurrentPrincipal):
    return tagged(response, "inspection", await service.record_results(
        session, principal=principal, i=inspection, body=body, check_version=version_check(request, "inspection")))


@router.post("/inspections/{inspection_id}/items/{key}/evidence", response_model=InspectionDetail,
             status_code=201, summary="Upload a photo or file for one item (the inspector position's holder; "
                                      "multipart field 'file'; If-Match)")
async def add_evidence(inspection: ValidInspection, request: Request, response: Response, session: Session,
                       principal: CurrentPrincipal, rt: RuntimeDep,
                       key: str = Path(max_length=40), file: UploadFile = File(description="A photo or file")):
    return tagged(response, "inspection", await service.add_evidence(
        session, rt, principal=principal, i=inspection, key=key, upload=file,
        check_version=version_check(request, "inspection")))


@router.post("/inspections/{inspection_id}/findings", response_model=FindingRead, status_code=201,
             summary="Record a finding by hand: it becomes a 整改 action (the inspector position's holder)")
async def add_finding(inspection: ValidInspection, body: FindingCreate, session: Session,
                      principal: CurrentPrincipal, rt: RuntimeDep):
    return await service.add_finding(session, rt, principal=principal, i=inspection, body=body)


@router.post("/inspections/{inspection_id}/submit", response_model=InspectionDetail,
             summary="Submit: the score is fixed, every failed item raises a finding and its 整改 action, the "
                     "unit's inspection pass rate is measured (the inspector position's holder; If-Match)")
async def submit(inspection: ValidInspection, request: Request, response: Response, session: Session,
                 principal: CurrentPrincipal, rt: RuntimeDep, body: InspectionSubmit | None = None):
    return tagged(response, "inspection", await service.submit(
        session, rt, principal=principal, i=inspection, body=body or InspectionSubmit(),
        check_version=version_check(request, "inspection")))
