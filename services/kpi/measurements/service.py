"""Measurements: batches of up to 10,000 points, CSV / Excel imports, the stored points, the import template."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import paginate
from services.common.authz import Principal, Right
from services.common.guards import Place, authorize
from services.common.problems import Conflict, Forbidden, Invalid
from services.common.runtime import Runtime
from services.common.scoping import visible_to
from services.kpi.actions.followups import org_holders
from services.kpi.indicators.library import Library
from services.kpi.journal import journal
from services.kpi.lookups import indicator_by_code, parse_period_param, unit_or_404
from services.kpi.measurements import imports
from services.kpi.measurements.ingest import ConcurrentWrite, ingest, ingest_items
from services.kpi.measurements.schemas import ImportReport, MeasurementRead
from services.kpi.measurements.staging import STATUSES
from services.kpi.models import Measurement, OrgUnit

T = TypeVar("T")


@dataclass
class Writer:
    """Who writes measurements: any holder of ``plan`` somewhere, each point checked against its unit."""

    principal: Principal
    _seen: dict[str, bool] = field(default_factory=dict)

    def can_write(self, path: str) -> bool:
        ok = self._seen.get(path)
        if ok is None:
            ok = self._seen[path] = self.principal.can("plan", path)
        return ok


def writer_of(principal: Principal) -> Writer:
    if not any(g.right == "plan" for g in principal.grants):
        raise Forbidden("Writing measurements needs the 'plan' right over the units (or an API client granted it).",
                        right="plan", zh="写入数据需要对相关单位有计划权（或 API 客户端获得了该授权）。")
    return Writer(principal)


async def _stored(pending: Awaitable[T]) -> T:
    """Await a batch being stored; a concurrent writer of the same points is a 409 (nothing stored)."""
    try:
        return await pending
    except (ConcurrentWrite, IntegrityError) as exc:
        raise Conflict("Another request stored some of these points at the same moment; nothing was stored. "
                       "Send the batch again: it is idempotent.",
                       zh="另一个请求同时写入了其中部分数据，本批未保存任何数据；请重新发送（可安全重发）。") from exc


def batch_result_json(*, received: int, counts: dict[str, int], crossings: int, results_json: str) -> str:
    """A stored batch's answer, in the shape of ``BatchResultRead``.

    The per-item results arrive from the batch as JSON text (``Batch.results_json``): building
    and re-validating 10,000 result objects here would cost more than storing the points.
    """
    head = json.dumps({"received": received, **{s: counts.get(s, 0) for s in STATUSES}, "crossings": crossings})
    return f'{head[:-1]}, "results": [{results_json}]}}'


async def store_batch(session: AsyncSession, *, writer: Writer, items: Sequence[Mapping[str, Any]], rt: Runtime) -> str:
    """Store a parsed batch; every item is accepted or refused on its own. The answer as JSON text."""
    principal = writer.principal
    lib = await Library.load(session)
    result = await _stored(ingest_items(session, items, lib=lib, can_write=writer.can_write,
                                        recorded_by=principal.sub, holders=org_holders(rt)))
    counts = {s: result.count(s) for s in STATUSES}
    if counts["created"] or counts["updated"]:
        await journal.audit(session, actor=principal, action="measurements.batch", subject_type="measurement_batch",
                            subject_id=len(items), after={**counts, "crossings": len(result.crossings)})
    return batch_result_json(received=len(items), counts=counts, crossings=len(result.crossings),
                             results_json=result.results_json)


async def list_measurements(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                            indicator_code: str | None, unit_id: int | None, period: str | None,
                            source: str | None) -> tuple[list[MeasurementRead], str | None]:
    stmt = select(Measurement).where(visible_to(principal, "view", Measurement.unit_path))
    lib = await Library.load(session)
    if indicator_code:
        stmt = stmt.where(Measurement.indicator_id == (await indicator_by_code(session, indicator_code)).id)
    if unit_id is not None:
        unit = await unit_or_404(session, unit_id)
        authorize(principal, Place(unit.path, unit.name), Right.view)
        stmt = stmt.where(Measurement.unit_id == unit_id)
    if period:
        stmt = stmt.where(Measurement.period == parse_period_param(period).text)
    if source:
        stmt = stmt.where(Measurement.source == source)
    rows, nxt = await paginate(session, stmt, Measurement.id, limit=limit, cursor=cursor)
    return [MeasurementRead(
        id=m.id, indicator_code=lib.by_id[m.indicator_id].code, unit_id=m.unit_id, unit_path=m.unit_path,
        period=m.period, source=m.source, value=m.value, weight=m.weight, measured_at=m.measured_at,
        recorded_by=m.recorded_by) for m in rows], nxt


async def import_file(session: AsyncSession, *, writer: Writer, content: bytes, filename: str,
                      content_type: str | None, preview: bool, rt: Runtime) -> ImportReport:
    """Import a CSV or .xlsx file whole or not at all; with ``preview`` check it and write nothing."""
    try:
        # parsed off the event loop: a large file must not stall every other request
        rows = await asyncio.to_thread(imports.read_rows, content, filename, content_type)
    except imports.FileRejected as exc:
        raise Invalid(exc.message, field="file",
                      zh="无法读取此文件，未保存任何数据；请上传 CSV 或 Excel（xlsx）文件。") from exc
    lib = await Library.load(session)
    units = (await session.execute(select(OrgUnit))).scalars().all()
    points, errors, shown = imports.parse_rows(
        rows, indicators=lib.by_code, units_by_code={u.code: u for u in units},
        units_by_id={u.id: u for u in units}, can_write=writer.can_write)
    if preview:
        return ImportReport(status="preview", rows=len(points) + len({e["row"] for e in errors if e["row"] > 1}),
                            errors=errors, preview=shown)
    if errors:
        first, more = errors[0], len(errors) - 1
        raise Invalid(f"The file was rejected and nothing was stored: row {first['row']}, column "
                      f"'{first['column']}': {first['message']}" + (f" (and {more} more)" if more else ""),
                      errors=[{"field": f"row {e['row']}.{e['column']}", **e} for e in errors],
                      zh=f"文件未通过校验，未保存任何数据：第 {first['row']} 行“{first['column']}”列有误"
                         + (f"（另有 {more} 处）" if more else "") + "。")
    result = await _stored(ingest(session, points, lib=lib, can_write=writer.can_write,
                                  recorded_by=writer.principal.sub, holders=org_holders(rt)))
    if result.rejected:  # cannot happen after parse_rows checked every row; refuse rather than half-import
        raise Invalid("The file was rejected and nothing was stored.", errors=[
            {"field": f"row {index + 2}", "row": index + 2, "column": e["field"], "message": e["message"]}
            for index, refusals in result.rejected for e in refusals], zh="文件未通过校验，未保存任何数据。")
    counts = {s: result.count(s) for s in ("created", "updated", "unchanged")}
    await journal.audit(session, actor=writer.principal, action="measurements.imported",
                        subject_type="measurement_import", subject_id=filename or "file",
                        after={**counts, "rows": len(points)})
    return ImportReport(status="imported", rows=len(points), errors=[], preview=shown, **counts)


@dataclass
class Download:
    content: bytes
    media_type: str
    filename: str


async def template(session: AsyncSession, *, format: str) -> Download:
    """The import template: CSV, or an .xlsx workbook with the indicator library on a second sheet."""
    if format == "csv":
        return Download(imports.template_csv(), "text/csv; charset=utf-8", "kpi-measurements.csv")
    lib = await Library.load(session)
    return Download(imports.template_xlsx(lib.all),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "kpi-measurements.xlsx")
