"""Storing measurements: upsert the points, maintain rollups, detect threshold crossings.

Everything happens in the caller's transaction: the points, their rollups over every
ancestor unit and coarser period, threshold states and the ``kpi.threshold.crossed``
events either all commit or none do. How the points themselves are judged and written is
``staging.py``; the rollups are ``rollups.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import generation
from services.common.db import utcnow
from services.common.periods import Period, PeriodKind
from services.common.periods import period as parse_period
from services.kpi import aggregate as ag
from services.kpi import rollups
from services.kpi.actions import HoldersLookup, action_data, unit_head
from services.kpi.crossings import check_thresholds
from services.kpi.journal import journal
from services.kpi.models import AnomalyRule, ImprovementAction, Measurement, Rollup
from services.kpi.staging import Batch, ConcurrentWrite, Leaf, judge, store, unit_paths

__all__ = ["MAX_BATCH", "BatchResult", "ConcurrentWrite", "PointIn", "ingest", "ingest_items",
           "move_units", "rebuild_rollups"]

MAX_BATCH = 10_000
_M = Measurement.__table__
_R = Rollup.__table__


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


async def ingest(session: AsyncSession, points: list[PointIn], *, lib: ag.Library,
                 can_write: Callable[[str], bool], recorded_by: str,
                 holders: HoldersLookup | None = None) -> BatchResult:
    """Validate, upsert and roll up a batch of points; returns per-item results.

    ``holders`` asks org who heads a unit, for the owners of follow-ups anomaly rules open."""
    items = [{**vars(p), "source": p.source or "manual"} for p in points]
    return await ingest_items(session, items, lib=lib, can_write=can_write, recorded_by=recorded_by, holders=holders)


async def ingest_items(session: AsyncSession, items: Sequence[dict], *, lib: ag.Library,
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


def _from_statuses(batch: Batch) -> tuple[list[Leaf], dict, str]:
    """What Python computes from the stored points' statuses: leaves, rollup deltas, per-item results."""
    leaves = batch.leaves()
    return (leaves, rollups.fan_out((lf.indicator_id, lf.unit_path, lf.period, lf.delta()) for lf in leaves),
            batch.results_json())


def _within(p: Period):
    k = p.kind
    if k == PeriodKind.year:
        return _M.c.period_year == p.text
    if k == PeriodKind.quarter:
        return _M.c.period_quarter == p.text
    if k == PeriodKind.month:
        return _M.c.period_month == p.text
    if k == PeriodKind.week:
        return _M.c.period.in_([p.text] + [d.text for d in p.children(PeriodKind.day)])
    return _M.c.period == p.text


async def _recompute_extremes(session: AsyncSession, leaves: list[Leaf]) -> None:
    """Min and max cannot be maintained by deltas when a value changes: recompute those rollups."""
    keys = rollups.fan_out((lf.indicator_id, lf.unit_path, lf.period, lf.delta()) for lf in leaves)
    paths = await unit_paths(session, {k[1] for k in keys})
    for indicator_id, unit_id, per in sorted(keys):
        row = (await session.execute(select(func.min(_M.c.value), func.max(_M.c.value)).where(
            _M.c.indicator_id == indicator_id, _M.c.unit_path.startswith(paths[unit_id], autoescape=True),
            _within(parse_period(per))))).one()
        await session.execute(update(_R).where(_R.c.indicator_id == indicator_id, _R.c.unit_id == unit_id,
                                               _R.c.period == per).values(vmin=row[0], vmax=row[1]))


async def rebuild_rollups(session: AsyncSession) -> int:
    """Recompute every rollup from the stored points (after a unit moved in the org tree)."""
    await session.execute(_R.delete())
    stmt = select(_M.c.indicator_id, _M.c.unit_path, _M.c.period, func.count(), func.sum(_M.c.value),
                  func.sum(_M.c.value * _M.c.weight), func.sum(_M.c.weight), func.min(_M.c.value),
                  func.max(_M.c.value)).group_by(_M.c.indicator_id, _M.c.unit_path, _M.c.period)
    deltas = rollups.fan_out((ind, path, per, [n, total, wsum, wtotal, vmin, vmax, per, total])
                             for ind, path, per, n, total, wsum, wtotal, vmin, vmax in await session.execute(stmt))
    await rollups.add(session, deltas)
    return len(deltas)


async def move_units(session: AsyncSession, old_path: str, new_path: str) -> None:
    """Follow an org move: re-path everything stored below ``old_path`` and rebuild the rollups."""
    from services.kpi.models import AnomalyRule, Assessment, ImprovementAction, Scorecard, Target, ThresholdRule

    for model in (Measurement, Target, ThresholdRule, AnomalyRule, Scorecard, Assessment, ImprovementAction):
        col = model.__table__.c.unit_path
        await session.execute(update(model.__table__).where(col.startswith(old_path, autoescape=True))
                              .values(unit_path=literal(new_path) + func.substr(col, len(old_path) + 1)))
    await rebuild_rollups(session)


_OPS = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b}


async def apply_anomaly_rules(session: AsyncSession, batch: Batch, *, lib: ag.Library,
                              holders: HoldersLookup | None = None) -> int:
    """Rules such as "order delay > 5 days" open one follow-up per (rule, unit, period).

    The follow-up is one improvement action, for the measured period, owned by the unit's head by
    position (``unit_head``); a meeting rule also asks planning to put it on the weekly meeting's
    agenda (``kpi.followup.requested``, naming the action and its owner), where it is discussed,
    not opened a second time.
    """
    ids = batch.indicator_ids
    rules = (await session.execute(select(AnomalyRule).where(AnomalyRule.indicator_id.in_(sorted(ids)),
                                                             AnomalyRule.active.is_(True)))).scalars().all()
    if not rules:
        return 0
    points = batch.changed_points({r.indicator_id for r in rules})
    created = 0
    heads: dict[str, tuple[int | None, str]] = {}
    for rule in rules:
        for ind_id, unit_id, unit_path, per, value in points:
            if ind_id != rule.indicator_id or not unit_path.startswith(rule.unit_path):
                continue
            if not _OPS[rule.operator](value, rule.value):
                continue
            ref = f"rule:{rule.id}:{unit_id}:{per}"
            if (await session.execute(select(ImprovementAction.id).where(
                    ImprovementAction.origin == "rule", ImprovementAction.origin_ref == ref))).first():
                continue
            ind = lib.by_id[ind_id]
            title = rule.title.format(indicator=ind.name, value=value, period=per)
            if unit_path not in heads:
                heads[unit_path] = await unit_head(holders, unit_path)
            owner_id, owner_name = heads[unit_path]
            action = ImprovementAction(title=title, unit_id=unit_id, unit_path=unit_path, indicator_id=ind_id,
                                       period=per, origin="rule", origin_ref=ref, owner_id=owner_id,
                                       owner_name=owner_name,
                                       due=(utcnow() + timedelta(days=rule.due_days)).date(), raised_by="system",
                                       description=f"{ind.name} = {value} ({rule.operator} {rule.value})")
            session.add(action)
            await session.flush()
            await journal.emit(session, "kpi.action.created", action.id, action_data(action, lib), unit_path)
            if rule.follow_up == "meeting":
                await journal.emit(session, "kpi.followup.requested", action.id, {
                    "kind": "meeting", "rule_id": rule.id, "action_id": action.id, "indicator_code": ind.code,
                    "indicator_name": ind.name,
                    "unit_id": unit_id, "unit_path": unit_path, "period": per, "value": value, "title": title,
                    "owner_id": owner_id, "owner_name": owner_name, "due": action.due.isoformat()},
                    unit_path)
            created += 1
    return created
