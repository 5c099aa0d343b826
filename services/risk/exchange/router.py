"""Excel import and export of the register; an import is all or nothing."""

from __future__ import annotations

from fastapi import APIRouter, File, Query, Response, UploadFile

from services.common.db import Session
from services.common.files import XLSX, download_response
from services.common.security import CurrentPrincipal
from services.risk.deps import Planner
from services.risk.exchange import service
from services.risk.exchange.schemas import ImportResult
from services.risk.register.schemas import Category, Status

router = APIRouter(tags=["import and export"])



@router.get("/risks/export", summary="The register as an Excel sheet (the risks you may see)",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
async def export_register(session: Session, principal: CurrentPrincipal,
                          unit_id: int | None = Query(None, description="Only this unit's subtree"),
                          category: Category | None = None, status: Status | None = None) -> Response:
    content = await service.export_register(session, principal=principal, unit_id=unit_id, category=category,
                                            status=status)
    return download_response(content, "风险登记表.xlsx", fallback="risk-register")


@router.post("/risks/import", response_model=ImportResult,
             summary="Create or update risks from an Excel sheet; any error refuses the whole file")
async def import_register(session: Session, principal: Planner,
                          file: UploadFile = File(description="An .xlsx in the export's layout")) -> ImportResult:
    content = await file.read(service.MAX_BYTES + 1)  # one byte more than allowed tells a file too large
    return await service.import_register(session, principal=principal, content=content)
