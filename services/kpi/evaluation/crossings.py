"""Threshold crossings: the level of an indicator at a unit, judged again whenever it may move.

A raised level (warning / critical) is kept per (indicator, unit, period) in
``kpi_threshold_state`` (no row: normal); ``kpi.threshold.crossed`` is emitted once per change of it, up or
down, naming the period. Each period is judged on its own: a late value raises its own
period's warning, and a point for a later period never clears an earlier one's. Levels are
judged after measurements arrive (``check_thresholds``), and again after the thresholds or
targets they depend on change (``rejudge``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import utcnow
from services.common.periods import period as parse_period
from services.kpi.evaluation.levels import LEVEL_RANK, crossed_threshold, level_of
from services.kpi.events import ThresholdCrossedData
from services.kpi.indicators.library import Library
from services.kpi.journal import journal
from services.kpi.lookups import ancestor_ids
from services.kpi.measurements.rollups import load_rollups
from services.kpi.models import Measurement, OrgUnit, ThresholdRule, ThresholdState
from services.kpi.targets.resolution import load_targets_many, resolve_target
from services.kpi.thresholds.rules import load_threshold_rules, thresholds_for

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
        ids = ancestor_ids(path)
        for depth, uid in enumerate(ids):
            if uid != unit_id and not judge_ancestor(ind_id, uid):
                continue
            prev = out.get((ind_id, uid, per))
            if prev is None or at > prev[0]:
                out[(ind_id, uid, per)] = (at, "/" + "/".join(map(str, ids[:depth + 1])) + "/")
    return out


async def check_thresholds(session: AsyncSession, touched: list[Touched], *, lib: Library,
                           cause: str = "measurement", unwatched: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Compare the level of every touched (indicator, unit) with its last one.

    Ancestors are judged too where they watch their aggregate (thresholds of their own).
    Codes in ``unwatched`` lost their thresholds: a level they still hold returns to normal.

    Emits ``kpi.threshold.crossed`` once per change of level, up or down.
    """
    touched_codes = {lib.by_id[t[0]].code for t in touched}
    candidates = touched_codes | lib.dependents_of(touched_codes)
    rules = await load_threshold_rules(session, [lib.by_code[c].id for c in candidates])
    watched = {c for c in candidates
               if lib.by_code[c].warning is not None or lib.by_code[c].critical is not None
               or lib.by_code[c].id in rules} | (set(unwatched) & candidates)
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
    rollups = await load_rollups(session, {k[0] for k in pairs}, {k[1] for k in pairs}, needed_ids)
    targets = await load_targets_many(session, {(k[0], k[1]) for k in pairs})
    states = {(s.indicator_id, s.unit_id, s.period): s for s in (await session.execute(select(ThresholdState).where(
        ThresholdState.indicator_id.in_([lib.by_code[c].id for c in watched]),
        ThresholdState.unit_id.in_(sorted({k[0] for k in pairs})),
        ThresholdState.period.in_(sorted({k[1] for k in pairs}))))).scalars()}
    values_cache: dict[tuple[int, str], dict[str, float | None]] = {}
    crossings = []
    for (unit_id, per, code), (measured_at, path) in sorted(pairs.items()):
        ind = lib.by_code[code]
        state = states.get((ind.id, unit_id, per))
        vals = values_cache.get((unit_id, per))
        if vals is None:
            vals = values_cache[(unit_id, per)] = lib.values(rollups.get((unit_id, per), {}))
        value = vals.get(code)
        p = parse_period(per)
        target = resolve_target(ind, p, targets.get(unit_id, {}))
        th = thresholds_for(ind, path, rules)
        level: str | None
        warning: float | None
        critical: float | None
        if th is None:  # nothing to judge against any more: a raised level is lifted
            if state is None or state.level == "normal":
                continue
            level, warning, critical = "normal", None, None
        else:
            warning, critical = th.absolute(target.value if target else None)
            level = level_of(ind.direction, value, warning, critical, target.value if target else None)
        if level is None:
            continue
        old = state.level if state is not None else "normal"
        if level == old:
            if state is not None:
                state.value = value
            continue
        # only raised levels are kept: a period without a row is normal (daily points write no rows)
        if level == "normal":
            if state is not None:
                await session.delete(state)
        elif state is None:
            session.add(ThresholdState(indicator_id=ind.id, unit_id=unit_id, level=level, period=per, value=value,
                                       changed_at=utcnow()))
        else:
            state.level, state.value, state.changed_at = level, value, utcnow()
        data = {"indicator_code": code, "unit_id": unit_id, "unit_path": path, "period": per, "value": value,
                "level": level, "previous_level": old,
                "threshold": crossed_threshold(ind.direction, old, level, warning, critical),
                "direction": "worse" if LEVEL_RANK[level] > LEVEL_RANK[old] else "better",
                "measured_at": measured_at.isoformat(), "cause": cause}
        await journal.emit(session, "kpi.threshold.crossed", f"{code}:{unit_id}", ThresholdCrossedData(**data), path)
        crossings.append(data)
    await session.flush()
    return crossings


async def rejudge(session: AsyncSession, *, lib: Library, indicator_ids: Iterable[int], cause: str,
                  under: str | None = None) -> list[dict[str, Any]]:
    """After thresholds or targets changed: judge the raised levels again, and the latest periods.

    Judged again: every period whose level is raised, and the latest period measured at each
    unit (older periods in order stay history); a unit with thresholds of its own is judged at
    the latest period measured under it.
    """
    ids = sorted(set(indicator_ids))
    if not ids:
        return []
    now = utcnow()
    stmt = (select(ThresholdState.indicator_id, ThresholdState.unit_id, OrgUnit.path, ThresholdState.period)
            .join(OrgUnit, OrgUnit.id == ThresholdState.unit_id).where(ThresholdState.indicator_id.in_(ids)))
    if under:
        stmt = stmt.where(OrgUnit.path.startswith(under, autoescape=True))
    touched: list[Touched] = [(i, u, path, per, now) for i, u, path, per in await session.execute(stmt)]
    m = Measurement.__table__.c
    for ind_id in ids:
        inputs = [lib.by_code[c].id for c in lib.inputs_of(lib.by_id[ind_id].code)] or [ind_id]
        latest = (select(m.unit_id, m.unit_path, func.max(m.period)).where(m.indicator_id.in_(inputs))
                  .group_by(m.unit_id, m.unit_path))
        if under:
            latest = latest.where(m.unit_path.startswith(under, autoescape=True))
        touched += [(ind_id, unit_id, path, per, now) for unit_id, path, per in await session.execute(latest)]
    rules = select(ThresholdRule.indicator_id, ThresholdRule.unit_id, ThresholdRule.unit_path) \
        .where(ThresholdRule.indicator_id.in_(ids))
    if under:
        rules = rules.where(ThresholdRule.unit_path.startswith(under, autoescape=True))
    for ind_id, unit_id, path in await session.execute(rules):
        inputs = [lib.by_code[c].id for c in lib.inputs_of(lib.by_id[ind_id].code)] or [ind_id]
        latest = (await session.execute(select(func.max(m.period)).where(
            m.indicator_id.in_(inputs), m.unit_path.startswith(path, autoescape=True)))).scalar()
        if latest is not None:
            touched.append((ind_id, unit_id, path, latest, now))
    return await check_thresholds(session, touched, lib=lib, cause=cause,
                                  unwatched={lib.by_id[i].code for i in ids})
