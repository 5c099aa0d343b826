"""Measurements: JSON batches of up to 10,000 points, CSV / Excel import, the import template."""

from __future__ import annotations

import asyncio
import json

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common.api import CursorParam, LimitParam, Page, paginate
from services.common.db import Session
from services.common.problems import Conflict, Forbidden, Invalid
from services.common.scoping import visible_to
from services.common.security import CurrentPrincipal
from services.kpi import imports
from services.kpi.actions import org_holders
from services.kpi.aggregate import Library
from services.kpi.api.deps import audit, indicator_by_code, parse_period_param, unit_or_404
from services.kpi.ingest import MAX_BATCH, ConcurrentWrite, ingest, ingest_items
from services.kpi.models import Measurement, OrgUnit
from services.kpi.schemas import BatchResultRead, ImportReport, MeasurementIn, MeasurementItem, MeasurementRead

router = APIRouter(prefix="/measurements", tags=["measurements"])


def _writer(principal):
    if not any(g.right == "plan" for g in principal.grants):
        raise Forbidden("Writing measurements needs the 'plan' right over the units (or an API client granted it).",
                        right="plan", zh="写入数据需要对相关单位有计划权（或 API 客户端获得了该授权）。")
    cache: dict[str, bool] = {}

    def can_write(path: str) -> bool:
        ok = cache.get(path)
        if ok is None:
            ok = cache[path] = principal.can("plan", path)
        return ok

    return can_write


async def _stored(pending):
    """Await a batch being stored; a concurrent writer of the same points is a 409 (nothing stored)."""
    try:
        return await pending
    except (ConcurrentWrite, IntegrityError) as exc:
        raise Conflict("Another request stored some of these points at the same moment; nothing was stored. "
                       "Send the batch again: it is idempotent.",
                       zh="另一个请求同时写入了其中部分数据，本批未保存任何数据；请重新发送（可安全重发）。") from exc


_BATCH = TypeAdapter(list[MeasurementItem])
_BATCH_SCHEMA = {"type": "array", "maxItems": MAX_BATCH, "items": MeasurementIn.model_json_schema()}


@router.post("/batch", response_model=BatchResultRead, summary="Store up to 10,000 points; per-item results",
             description="A JSON array of `{indicator_code, unit_id, period, value, source}`. Upserts on "
                         "(indicator, unit, period, source). A malformed item rejects the whole request (422 naming "
                         "the item's index); an item that breaks a rule (unknown indicator or unit, no right, bad "
                         "period) is refused on its own and the others are stored.",
             openapi_extra={"requestBody": {"required": True,
                                            "content": {"application/json": {"schema": _BATCH_SCHEMA}}}})
async def post_batch(request: Request, session: Session, principal: CurrentPrincipal):
    can_write = _writer(principal)
    # Parsed by pydantic-core straight from the bytes: a 10,000-point body costs milliseconds, not a second.
    try:
        items = _BATCH.validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from None
    if len(items) > MAX_BATCH:
        raise Invalid(f"At most {MAX_BATCH} points per batch; split the rest into another call.", field="body",
                      zh=f"每批最多 {MAX_BATCH} 条数据；其余请分批发送。")
    lib = await Library.load(session)
    result = await _stored(ingest_items(session, items, lib=lib, can_write=can_write, recorded_by=principal.sub,
                                        holders=org_holders(request.app.state.runtime)))
    counts = {s: result.count(s) for s in ("created", "updated", "unchanged", "superseded", "rejected")}
    if counts["created"] or counts["updated"]:
        await audit(session, request, principal, "measurements.batch", "measurement_batch", len(items),
                    after={**counts, "crossings": len(result.crossings)})
    # The shape is BatchResultRead; the per-item results arrive from the database as JSON text
    # (building and re-validating 10,000 result objects here would cost more than storing the points).
    head = json.dumps({"received": len(items), **counts, "crossings": len(result.crossings)})
    return Response(f'{head[:-1]}, "results": [{result.results_json}]}}', media_type="application/json")


@router.get("", response_model=Page[MeasurementRead], summary="Stored points (view over their unit)")
async def list_measurements(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                            cursor: str | None = CursorParam, indicator_code: str | None = Query(None),
                            unit_id: int | None = Query(None), period: str | None = Query(None),
                            source: str | None = Query(None)):
    stmt = select(Measurement).where(visible_to(principal, "view", Measurement.unit_path))
    lib = await Library.load(session)
    if indicator_code:
        stmt = stmt.where(Measurement.indicator_id == (await indicator_by_code(session, indicator_code)).id)
    if unit_id is not None:
        unit = await unit_or_404(session, unit_id)
        principal.require("view", unit.path, what=unit.name)
        stmt = stmt.where(Measurement.unit_id == unit_id)
    if period:
        stmt = stmt.where(Measurement.period == parse_period_param(period).text)
    if source:
        stmt = stmt.where(Measurement.source == source)
    rows, nxt = await paginate(session, stmt, Measurement.id, limit=limit, cursor=cursor)
    return Page[MeasurementRead](items=[MeasurementRead(
        id=m.id, indicator_code=lib.by_id[m.indicator_id].code, unit_id=m.unit_id, unit_path=m.unit_path,
        period=m.period, source=m.source, value=m.value, weight=m.weight, measured_at=m.measured_at,
        recorded_by=m.recorded_by) for m in rows], next_cursor=nxt)


@router.post("/import", response_model=ImportReport,
             summary="Import a CSV or .xlsx file (preview=true checks it and writes nothing)",
             description="Columns: indicator_code, unit_code (or unit_id), period, value, source. The file is "
                         "imported whole or not at all: any bad cell rejects it (422) with every error's row and "
                         "column, and nothing is stored.")
async def import_file(request: Request, session: Session, principal: CurrentPrincipal,
                      file: UploadFile = File(...), preview: bool = Query(False)):
    can_write = _writer(principal)
    content = await file.read(imports.MAX_BYTES + 1)
    try:
        # parsed off the event loop: a large file must not stall every other request
        rows = await asyncio.to_thread(imports.read_rows, content, file.filename or "", file.content_type)
    except imports.FileRejected as exc:
        raise Invalid(exc.message, field="file", zh="无法读取此文件，未保存任何数据；请上传 CSV 或 Excel（xlsx）文件。") from exc
    lib = await Library.load(session)
    units = (await session.execute(select(OrgUnit))).scalars().all()
    points, errors, shown = imports.parse_rows(
        rows, indicators=lib.by_code, units_by_code={u.code: u for u in units},
        units_by_id={u.id: u for u in units}, can_write=can_write)
    if preview:
        return ImportReport(status="preview", rows=len(points) + len({e["row"] for e in errors if e["row"] > 1}),
                            errors=errors, preview=shown)
    if errors:
        first = errors[0]
        raise Invalid(f"The file was rejected and nothing was stored: row {first['row']}, column "
                      f"'{first['column']}': {first['message']}" + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
                      errors=[{"field": f"row {e['row']}.{e['column']}", **e} for e in errors],
                      zh=f"文件未通过校验，未保存任何数据：第 {first['row']} 行“{first['column']}”列有误" + (f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else "") + "。")
    result = await _stored(ingest(session, points, lib=lib, can_write=can_write, recorded_by=principal.sub,
                                  holders=org_holders(request.app.state.runtime)))
    if result.rejected:  # cannot happen after parse_rows checked every row; refuse rather than half-import
        raise Invalid("The file was rejected and nothing was stored.", errors=[
            {"field": f"row {index + 2}", "row": index + 2, "column": e["field"], "message": e["message"]}
            for index, errors in result.rejected for e in errors], zh="文件未通过校验，未保存任何数据。")
    counts = {s: result.count(s) for s in ("created", "updated", "unchanged")}
    await audit(session, request, principal, "measurements.imported", "measurement_import", file.filename or "file",
                after={**counts, "rows": len(points)})
    return ImportReport(status="imported", rows=len(points), errors=[], preview=shown, **counts)


@router.get("/template", summary="The import template (format=csv or xlsx)",
            responses={200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument."
                                                       "spreadsheetml.sheet": {}}}})
async def template(session: Session, principal: CurrentPrincipal, format: str = Query("csv", pattern="^(csv|xlsx)$")):
    if format == "csv":
        return Response(imports.template_csv(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="kpi-measurements.csv"'})
    lib = await Library.load(session)
    return Response(imports.template_xlsx(lib.all),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="kpi-measurements.xlsx"'})
