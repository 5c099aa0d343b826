"""Findings of inspections and special audits (recorded under their inspection or audit), and the 整改台账."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from services.common.api import CursorParam, LimitParam, Page, etag, set_etag
from services.common.db import Session
from services.common.files import XLSX, download_response
from services.common.security import CurrentPrincipal
from services.kpi.deps import ValidFinding
from services.kpi.findings import service
from services.kpi.findings.schemas import FindingRead

router = APIRouter(prefix="/findings", tags=["findings"])



@router.get("", response_model=Page[FindingRead], summary="Findings under the units the caller may see")
async def list_findings(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                        cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                        source: str | None = Query(None, pattern="^(inspection|audit)$"),
                        source_id: int | None = Query(None),
                        status: str | None = Query(None, pattern="^(open|closed|withdrawn)$"),
                        severity: str | None = Query(None, pattern="^(minor|major|critical)$")):
    items, nxt = await service.list_findings(session, principal=principal, limit=limit, cursor=cursor,
                                             unit_id=unit_id, source=source, source_id=source_id, status=status,
                                             severity=severity)
    return Page[FindingRead](items=items, next_cursor=nxt)


@router.get("/export.xlsx", summary="整改台账: the findings the caller may see, as a workbook",
            responses={200: {"content": {XLSX: {}}}})
async def export_findings(session: Session, principal: CurrentPrincipal, unit_id: int | None = Query(None),
                          source: str | None = Query(None, pattern="^(inspection|audit)$"),
                          status: str | None = Query(None, pattern="^(open|closed|withdrawn)$"),
                          severity: str | None = Query(None, pattern="^(minor|major|critical)$")):
    content = await service.export_findings(session, principal=principal, unit_id=unit_id, source=source,
                                            status=status, severity=severity)
    return download_response(content, "整改台账.xlsx", fallback="findings")


@router.get("/{finding_id}", response_model=FindingRead, summary="A finding and its rectification's state")
async def get_finding(finding: ValidFinding, session: Session, principal: CurrentPrincipal, response: Response):
    out = await service.get_finding(session, principal=principal, finding=finding)
    set_etag(response, etag("finding", out.id, out.version))
    return out
