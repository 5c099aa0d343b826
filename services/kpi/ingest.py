"""Storing measurements: upsert the points, maintain rollups, detect threshold crossings.

Everything happens in the caller's transaction: the points, their rollups over every
ancestor unit and coarser period, threshold states and the ``kpi.threshold.crossed``
events either all commit or none do. The per-point work is done by the database over a
staged copy of the batch (``staging.py``); Python judges each distinct indicator, unit
and period once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import generation
from services.common.db import utcnow
from services.common.periods import Period, PeriodKind, period as parse_period
from services.kpi import aggregate as ag, rollups
from services.kpi.journal import journal
from services.kpi.models import AnomalyRule, ImprovementAction, Measurement, Rollup, ThresholdState
from services.kpi.staging import ConcurrentWrite, Leaf, Stage, sqlite_stamp, unit_paths

__all__ = ["MAX_BATCH", "BatchResult", "ConcurrentWrite", "PointIn", "ingest", "ingest_rows", "rows_from_items",
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


def rows_from_items(items: Sequence[Any], *, postgres: bool, now: datetime) -> list[tuple]:
    """Stage rows (``staging.STAGE_COLUMNS``) from parsed batch items: dicts with the MeasurementIn keys."""
    default_at = now if postgres else sqlite_stamp(now)
    return [(i, p["indicator_code"], p["unit_id"], p["period"], p["value"], p.get("source", "manual"),
             p.get("weight", 1.0), default_at if (at := p.get("measured_at")) is None
             else (at if postgres else sqlite_stamp(at))) for i, p in enumerate(items)]


async def ingest(session: AsyncSession, points: list[PointIn], *, lib: ag.Library,
                 can_write: Callable[[str], bool], recorded_by: str) -> BatchResult:
    """Validate, upsert and roll up a batch of points; returns per-item results."""
    postgres = (await session.connection()).dialect.name == "postgresql"
    now = utcnow()
    default_at = now if postgres else sqlite_stamp(now)
    rows = [(i, p.indicator_code, p.unit_id, p.period, p.value, p.source or "manual", p.weight,
             default_at if p.measured_at is None else (p.measured_at if postgres else sqlite_stamp(p.measured_at)))
            for i, p in enumerate(points)]
    return await ingest_rows(session, rows, lib=lib, can_write=can_write, recorded_by=recorded_by)


async def ingest_rows(session: AsyncSession, rows: list[tuple], *, lib: ag.Library,
                      can_write: Callable[[str], bool], recorded_by: str) -> BatchResult:
    """``ingest`` for rows already in stage form (the batch endpoint builds them straight from the body)."""
    stage = await Stage.open(session)
    await stage.load(rows)
    await stage.resolve(lib, can_write)
    await stage.pick_winners()
    out = await stage.outcome()
    crossings: list[dict[str, Any]] = []
    if out.counts["created"] or out.counts["updated"]:
        await stage.write(recorded_by, out.counts["updated"])
        generation.mark_changed(session)  # written through the driver: the ORM did not see it
        leaves = stage.leaves()
        await rollups.add(session, rollups.fan_out((lf.indicator_id, lf.unit_path, lf.period, lf.delta())
                                                   for lf in leaves))
        await _recompute_extremes(session, [lf for lf in leaves if lf.updated
                                            and lib.by_id[lf.indicator_id].aggregation in ("min", "max")])
        crossings = await check_thresholds(session, [(lf.indicator_id, lf.unit_id, lf.unit_path, lf.period,
                                                      lf.measured_at) for lf in leaves], lib=lib)
        await apply_anomaly_rules(session, stage, lib=lib)
    return BatchResult(out.counts, out.results_json, out.rejected, crossings)


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
    from services.kpi.models import (AnomalyRule, Assessment, ImprovementAction, Scorecard, Target,
                                     ThresholdRule)

    for model in (Measurement, Target, ThresholdRule, AnomalyRule, Scorecard, Assessment, ImprovementAction):
        col = model.__table__.c.unit_path
        await session.execute(update(model.__table__).where(col.startswith(old_path, autoescape=True))
                              .values(unit_path=literal(new_path) + func.substr(col, len(old_path) + 1)))
    await rebuild_rollups(session)


Touched = tuple[int, int, str, str, datetime]  # indicator id, unit id, unit path, period, newest measured_at


def _judged_units(touched: Iterable[Touched], judge_ancestor: Callable[[int, int], bool]
                  ) -> dict[tuple[int, int, str], tuple[datetime, str]]:
    """Every (indicator, unit, period) to judge, with the newest measurement time and the unit's path.

    The measured unit always; an ancestor when it has thresholds of its own for the indicator
    (a department watching its aggregate), so a plain measurement raises one crossing, not one
    per level of the tree.
    """
    out: dict[tuple[int, int, str], tuple[datetime, str]] = {}
    for ind_id, unit_id, path, per, at in touched:
        ids = ag.ancestor_ids(path)
        for depth, uid in enumerate(ids):
            if uid != unit_id and not judge_ancestor(ind_id, uid):
                continue
            prev = out.get((ind_id, uid, per))
            if prev is None or at > prev[0]:
                out[(ind_id, uid, per)] = (at, "/" + "/".join(map(str, ids[:depth + 1])) + "/")
    return out


async def check_thresholds(session: AsyncSession, touched: list[Touched], *, lib: ag.Library) -> list[dict[str, Any]]:
    """Compare the level of every touched (indicator, unit) with its last one.

    Ancestors are judged too where they watch their aggregate (thresholds of their own).

    Emits ``kpi.threshold.crossed`` once per change of level, up or down.
    """
    touched_codes = {lib.by_id[t[0]].code for t in touched}
    candidates = touched_codes | lib.dependents_of(touched_codes)
    rules = await ag.load_threshold_rules(session, [lib.by_code[c].id for c in candidates])
    watched = {c for c in candidates
               if lib.by_code[c].warning is not None or lib.by_code[c].critical is not None
               or lib.by_code[c].id in rules}
    if not watched:
        return []
    # (unit, period, indicator) to judge, with the newest measurement time and the unit's path
    pairs: dict[tuple[int, str, str], tuple[datetime, str]] = {}
    own_rules = {(r.indicator_id, r.unit_id) for rs in rules.values() for r in rs}
    measured = {(t[0], t[1]) for t in touched}

    def watched_here(ind_id: int, unit_id: int) -> set[str]:
        code = lib.by_id[ind_id].code
        codes = ({code} | lib.dependents_of({code})) & watched
        if (ind_id, unit_id) in measured:
            return codes
        return {c for c in codes if (lib.by_code[c].id, unit_id) in own_rules}

    judged = _judged_units(touched, lambda ind_id, uid: bool(watched_here(ind_id, uid)))
    for (ind_id, unit_id, per), (measured_at, path) in judged.items():
        for c in watched_here(ind_id, unit_id):
            k = (unit_id, per, c)
            prev = pairs.get(k)
            if prev is None or measured_at > prev[0]:
                pairs[k] = (measured_at, path)
    needed_ids = set()
    for code in watched:
        needed_ids |= {lib.by_code[c].id for c in lib.inputs_of(code)}
    rollups = await ag.load_rollups(session, {k[0] for k in pairs}, {k[1] for k in pairs}, needed_ids)
    targets = await ag.load_targets_many(session, {(k[0], k[1]) for k in pairs})
    states = {(s.indicator_id, s.unit_id): s for s in (await session.execute(select(ThresholdState).where(
        ThresholdState.indicator_id.in_([lib.by_code[c].id for c in watched]),
        ThresholdState.unit_id.in_(sorted({k[0] for k in pairs}))))).scalars()}
    values_cache: dict[tuple[int, str], dict[str, float | None]] = {}
    crossings = []
    for (unit_id, per, code), (measured_at, path) in sorted(pairs.items()):
        ind = lib.by_code[code]
        state = states.get((ind.id, unit_id))
        if state is not None and per < state.period:
            continue  # a late correction of an older period does not move today's level
        vals = values_cache.get((unit_id, per))
        if vals is None:
            vals = values_cache[(unit_id, per)] = lib.values(rollups.get((unit_id, per), {}))
        value = vals.get(code)
        p = parse_period(per)
        target = ag.resolve_target(ind, p, targets.get(unit_id, {}))
        th = ag.thresholds_for(ind, path, rules)
        if th is None:
            continue
        warning, critical = th.absolute(target.value if target else None)
        level = ag.level_of(ind.direction, value, warning, critical, target.value if target else None)
        if level is None:
            continue
        old = state.level if state is not None else "normal"
        if state is None:
            state = ThresholdState(indicator_id=ind.id, unit_id=unit_id, level=level, period=per, value=value,
                                   changed_at=utcnow())
            session.add(state)
            states[(ind.id, unit_id)] = state
        else:
            state.period, state.value = per, value
        if level == old:
            continue
        state.level, state.changed_at = level, utcnow()
        data = {"indicator_code": code, "unit_id": unit_id, "unit_path": path, "period": per, "value": value,
                "level": level, "previous_level": old,
                "threshold": ag.crossed_threshold(ind.direction, old, level, warning, critical),
                "direction": "worse" if ag.LEVEL_RANK[level] > ag.LEVEL_RANK[old] else "better",
                "measured_at": measured_at.isoformat()}
        await journal.emit(session, "kpi.threshold.crossed", f"{code}:{unit_id}", data, path)
        crossings.append(data)
    await session.flush()
    return crossings


_OPS = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b}


async def apply_anomaly_rules(session: AsyncSession, stage: Stage, *, lib: ag.Library) -> int:
    """Rules such as "order delay > 5 days" open one follow-up per (rule, unit, period)."""
    ids = set(stage.indicator_ids.values())
    rules = (await session.execute(select(AnomalyRule).where(AnomalyRule.indicator_id.in_(sorted(ids)),
                                                             AnomalyRule.active.is_(True)))).scalars().all()
    if not rules:
        return 0
    from services.kpi.actions import action_data

    points = await stage.changed_points({r.indicator_id for r in rules})
    created = 0
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
            action = ImprovementAction(title=title, unit_id=unit_id, unit_path=unit_path, indicator_id=ind_id,
                                       period=per, origin="rule", origin_ref=ref,
                                       due=(utcnow() + timedelta(days=rule.due_days)).date(), raised_by="system",
                                       description=f"{ind.name} = {value} ({rule.operator} {rule.value})")
            session.add(action)
            await session.flush()
            await journal.emit(session, "kpi.action.created", action.id, action_data(action, lib), unit_path)
            if rule.follow_up == "meeting":
                await journal.emit(session, "kpi.followup.requested", action.id, {
                    "kind": "meeting", "rule_id": rule.id, "action_id": action.id, "indicator_code": ind.code,
                    "unit_id": unit_id, "unit_path": unit_path, "period": per, "value": value, "title": title},
                    unit_path)
            created += 1
    return created
