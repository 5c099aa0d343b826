"""Storing measurements: upsert the points, maintain rollups, detect threshold crossings.

Everything happens in the caller's transaction: the points, their rollups over every
ancestor unit and coarser period, threshold states and the ``kpi.threshold.crossed``
events either all commit or none do. How the points themselves are judged and written is
``staging.py``; the rollups are ``rollups.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import generation
from services.common.db import utcnow
from services.common.periods import Period, PeriodKind
from services.common.periods import period as parse_period
from services.kpi.actions.followups import HoldersLookup, apply_anomaly_rules
from services.kpi.evaluation.crossings import check_thresholds
from services.kpi.indicators.library import Library
from services.kpi.measurements import rollups
from services.kpi.measurements.staging import Batch, ConcurrentWrite, Leaf, judge, store, unit_paths
from services.kpi.models import (
    AuditEntry,
    Base,
    Measurement,
    OutboxEvent,
    Rollup,
)

__all__ = ["MAX_BATCH", "BatchResult", "ConcurrentWrite", "PointIn", "ingest", "ingest_items",
           "move_units", "rebuild_rollups"]

MAX_BATCH = 10_000
points_table = cast(Table, Measurement.__table__)
rollups_table = cast(Table, Rollup.__table__)


@dataclass
class PointIn:
    indicator_code: str
    unit_id: int
    period: str
    value: float
    source: str = "manual"
    weight: float = 1.0
    measured_at: datetime | None = None


@dataclass
class BatchResult:
    counts: dict[str, int]
    results_json: str           # the per-item results, the inside of a JSON array in item order
    rejected: list[tuple[int, list[dict[str, str]]]]   # (index, errors) of each refused item
    crossings: list[dict[str, Any]]

    def count(self, status: str) -> int:
        return self.counts.get(status, 0)


async def ingest(session: AsyncSession, points: list[PointIn], *, lib: Library,
                 can_write: Callable[[str], bool], recorded_by: str,
                 holders: HoldersLookup | None = None) -> BatchResult:
    """Validate, upsert and roll up a batch of points; returns per-item results.

    ``holders`` asks org who heads a unit, for the owners of follow-ups anomaly rules open."""
    items = [{**vars(p), "source": p.source or "manual"} for p in points]
    return await ingest_items(session, items, lib=lib, can_write=can_write, recorded_by=recorded_by, holders=holders)


async def ingest_items(session: AsyncSession, items: Sequence[Mapping[str, Any]], *, lib: Library,
                       can_write: Callable[[str], bool], recorded_by: str,
                       holders: HoldersLookup | None = None) -> BatchResult:
    """``ingest`` for items parsed straight from a request body (dicts with the MeasurementIn keys)."""
    postgres = (await session.connection()).dialect.name == "postgresql"
    batch = await judge(session, items, lib=lib, can_write=can_write, recorded_by=recorded_by, now=utcnow(),
                        postgres=postgres)
    leaves, deltas, results = await store(session, batch, _from_statuses)
    crossings: list[dict[str, Any]] = []
    if batch.changed:
        generation.mark_changed(session)  # written through the driver: the ORM did not see it
        await rollups.add(session, deltas)
        await _recompute_extremes(session, [lf for lf in leaves if lf.updated
                                            and lib.by_id[lf.indicator_id].aggregation in ("min", "max")])
        crossings = await check_thresholds(session, [(lf.indicator_id, lf.unit_id, lf.unit_path, lf.period,
                                                      lf.measured_at) for lf in leaves], lib=lib)
        await apply_anomaly_rules(session, batch, lib=lib, holders=holders)
    return BatchResult(batch.counts(), results, sorted(batch.refusals.items()), crossings)


def _from_statuses(batch: Batch) -> tuple[list[Leaf], dict[tuple[int, int, str], rollups.Delta], str]:
    """What Python computes from the stored points' statuses: leaves, rollup deltas, per-item results."""
    leaves = batch.leaves()
    return (leaves, rollups.fan_out((lf.indicator_id, lf.unit_path, lf.period, lf.delta()) for lf in leaves),
            batch.results_json())


def _within(p: Period) -> ColumnElement[bool]:
    k = p.kind
    if k == PeriodKind.year:
        return points_table.c.period_year == p.text
    if k == PeriodKind.quarter:
        return points_table.c.period_quarter == p.text
    if k == PeriodKind.month:
        return points_table.c.period_month == p.text
    if k == PeriodKind.week:
        return points_table.c.period.in_([p.text] + [d.text for d in p.children(PeriodKind.day)])
    return points_table.c.period == p.text


async def _recompute_extremes(session: AsyncSession, leaves: list[Leaf]) -> None:
    """Min and max cannot be maintained by deltas when a value changes: recompute those rollups."""
    keys = rollups.fan_out((lf.indicator_id, lf.unit_path, lf.period, lf.delta()) for lf in leaves)
    paths = await unit_paths(session, {k[1] for k in keys})
    for indicator_id, unit_id, per in sorted(keys):
        row = (await session.execute(select(func.min(points_table.c.value), func.max(points_table.c.value)).where(
            points_table.c.indicator_id == indicator_id,
            points_table.c.unit_path.startswith(paths[unit_id], autoescape=True),
            _within(parse_period(per))))).one()
        await session.execute(update(rollups_table).where(rollups_table.c.indicator_id == indicator_id,
                                                          rollups_table.c.unit_id == unit_id,
                                               rollups_table.c.period == per).values(vmin=row[0], vmax=row[1]))


async def rebuild_rollups(session: AsyncSession) -> int:
    """Recompute every rollup from the stored points (after a unit moved in the org tree)."""
    await session.execute(rollups_table.delete())
    c = points_table.c
    stmt = select(c.indicator_id, c.unit_path, c.period, func.count(), func.sum(c.value), func.sum(c.value * c.weight),
                  func.sum(c.weight), func.min(c.value), func.max(c.value)
                  ).group_by(c.indicator_id, c.unit_path, c.period)
    deltas = rollups.fan_out((ind, path, per, [n, total, wsum, wtotal, vmin, vmax, per, total])
                             for ind, path, per, n, total, wsum, wtotal, vmin, vmax in await session.execute(stmt))
    await rollups.add(session, deltas)
    return len(deltas)


async def move_units(session: AsyncSession, old_path: str, new_path: str) -> None:
    """Follow an org move: re-path everything stored below ``old_path`` and rebuild the rollups.

    Every table with a ``unit_path`` follows (a new concept's table is not forgotten), except the records of
    what happened: the audit chain and the outbox keep the paths they were written with."""
    history = {cast(Table, AuditEntry.__table__).name, cast(Table, OutboxEvent.__table__).name}
    for table in Base.metadata.sorted_tables:
        if "unit_path" not in table.c or table.name in history:
            continue
        col = table.c.unit_path
        await session.execute(update(table).where(col.startswith(old_path, autoescape=True))
                              .values(unit_path=literal(new_path) + func.substr(col, len(old_path) + 1)))
    await rebuild_rollups(session)
