"""Measurements: JSON batches of up to 10,000 points, CSV / Excel import, the import template."""

from __future__ import annotations

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from services.common.api import CursorParam, LimitParam, Page
from services.common.db import Session
from services.common.files import download_response
from services.common.problems import Invalid
from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal
from services.kpi.deps import MeasurementWriter
from services.kpi.measurements import imports, service
from services.kpi.measurements.ingest import MAX_BATCH
from services.kpi.measurements.schemas import (
    BatchResultRead,
    ImportReport,
    MeasurementIn,
    MeasurementItem,
    MeasurementRead,
)

router = APIRouter(prefix="/measurements", tags=["measurements"])

_BATCH = TypeAdapter(list[MeasurementItem])
_BATCH_SCHEMA = {"type": "array", "maxItems": MAX_BATCH, "items": MeasurementIn.model_json_schema()}


@router.post("/batch", response_model=BatchResultRead, summary="Store up to 10,000 points; per-item results",
             description="A JSON array of `{indicator_code, unit_id, period, value, source}`. Upserts on "
                         "(indicator, unit, period, source). A malformed item rejects the whole request (422 naming "
                         "the item's index); an item that breaks a rule (unknown indicator or unit, no right, bad "
                         "period) is refused on its own and the others are stored.",
             openapi_extra={"requestBody": {"required": True,
                                            "content": {"application/json": {"schema": _BATCH_SCHEMA}}}})
async def post_batch(request: Request, session: Session, writer: MeasurementWriter, rt: RuntimeDep):
    # Parsed by pydantic-core straight from the bytes: a 10,000-point body costs milliseconds, not a second.
    try:
        items = _BATCH.validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from None
    if len(items) > MAX_BATCH:
        raise Invalid(f"At most {MAX_BATCH} points per batch; split the rest into another call.", field="body",
                      zh=f"每批最多 {MAX_BATCH} 条数据；其余请分批发送。")
    body = await service.store_batch(session, writer=writer, items=items, rt=rt)
    return Response(body, media_type="application/json")


@router.get("", response_model=Page[MeasurementRead], summary="Stored points (view over their unit)")
async def list_measurements(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                            cursor: str | None = CursorParam, indicator_code: str | None = Query(None),
                            unit_id: int | None = Query(None), period: str | None = Query(None),
                            source: str | None = Query(None)):
    items, nxt = await service.list_measurements(session, principal=principal, limit=limit, cursor=cursor,
                                                 indicator_code=indicator_code, unit_id=unit_id, period=period,
                                                 source=source)
    return Page[MeasurementRead](items=items, next_cursor=nxt)


@router.post("/import", response_model=ImportReport,
             summary="Import a CSV or .xlsx file (preview=true checks it and writes nothing)",
             description="Columns: indicator_code, unit_code (or unit_id), period, value, source. The file is "
                         "imported whole or not at all: any bad cell rejects it (422) with every error's row and "
                         "column, and nothing is stored.")
async def import_file(session: Session, writer: MeasurementWriter, rt: RuntimeDep, file: UploadFile = File(...),
                      preview: bool = Query(False)):
    content = await file.read(imports.MAX_BYTES + 1)
    return await service.import_file(session, writer=writer, content=content, filename=file.filename or "",
                                     content_type=file.content_type, preview=preview, rt=rt)


@router.get("/template", summary="The import template (format=csv or xlsx)",
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument."
                                                       "spreadsheetml.sheet": {}}}})
async def template(session: Session, principal: CurrentPrincipal, format: str = Query("csv", pattern="^(csv|xlsx)$")):
    out = await service.template(session, format=format)
    return download_response(out.content, out.filename, media_type=out.media_type, fallback="template")
