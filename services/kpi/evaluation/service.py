"""Evaluation (评估): actual vs target, previous period (环比), last year (同比), benchmark.

Actuals come from ``kpi_rollup``: one row per (indicator, unit, period) already holds the
aggregate of the unit's whole subtree over every finer period (the unit's own points for
exactly that period are read beside it, by key), so an evaluation reads three periods' rows
for one unit, whatever the number of stored points.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.periods import Period, PeriodKind
from services.kpi import aggregate as ag
from services.kpi.models import Benchmark, OrgUnit


async def benchmarks_for(session: AsyncSession, p: Period) -> dict[int, Benchmark]:
    """The benchmark of each indicator for the period: its own, else its year's; newest first."""
    periods = {p.text, p.parent(PeriodKind.year).text}
    rows = (await session.execute(select(Benchmark).where(Benchmark.period.in_(sorted(periods)))
                                  .order_by(Benchmark.as_of, Benchmark.id))).scalars().all()
    out: dict[int, Benchmark] = {}
    for b in rows:  # later rows win; the exact period beats the year
        cur = out.get(b.indicator_id)
        if cur is None or (cur.period != p.text or b.period == p.text):
            out[b.indicator_id] = b
    return out


def _completeness(lib: ag.Library, unit, children: list, rollups: dict, periods: list[str]):
    """Units reported / units expected per indicator, for one evaluation.

    The reporters are the unit's direct children (each with its whole subtree) and the unit
    itself (points stored at it). One is *expected* to report an indicator when it has data for
    the period, the previous one or the same one last year; it has *reported* when it has data
    for the period. A derived indicator counts a reporter when it reported every input it is
    expected to report. So a half-reported month reads as "2 of 4 units", not as a collapse.
    """
    def n(uid: int, per: str, ind_id: int) -> int:
        a = rollups.get((uid, per), {}).get(ind_id)
        return a.n if a is not None else 0

    def has(reporter: int, per: str, ind_id: int) -> bool:
        if reporter != unit.id:
            return n(reporter, per, ind_id) > 0
        return n(unit.id, per, ind_id) - sum(n(c.id, per, ind_id) for c in children) > 0  # its own points

    reporters = [(c.id, c.name) for c in children] + [(unit.id, unit.name)]
    now = periods[0]

    def of(code: str) -> dict[str, Any]:
        inputs = [lib.by_code[c].id for c in lib.inputs_of(code) if c in lib.by_code and not lib.by_code[c].formula]
        expected, missing = 0, []
        for uid, name in reporters:
            due = [i for i in inputs if any(has(uid, per, i) for per in periods)]
            if not due:
                continue
            expected += 1
            if not all(has(uid, now, i) for i in due):
                missing.append({"unit_id": uid, "name": name})
        return {"reported": expected - len(missing), "expected": expected, "missing": missing}

    return of


async def evaluate(session: AsyncSession, *, lib: ag.Library, unit, p: Period,
                   codes: set[str] | None = None) -> list[dict[str, Any]]:
    prev, last_year = p.previous(), p.same_period_last_year()
    periods = [p.text, prev.text, last_year.text]
    children = (await session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.parent_id == unit.id)
                                      .order_by(OrgUnit.id))).all()
    rollups = await ag.load_rollups(session, [unit.id] + [c.id for c in children], periods,
                                    [i.id for i in lib.all if not i.formula])
    completeness = _completeness(lib, unit, children, rollups, periods)
    targets = await ag.load_targets(session, unit.id, [p.text])
    rules = await ag.load_threshold_rules(session, [i.id for i in lib.all])
    benches = await benchmarks_for(session, p)
    now_vals = lib.values(rollups.get((unit.id, p.text), {}))
    prev_vals = lib.values(rollups.get((unit.id, prev.text), {}))
    ly_vals = lib.values(rollups.get((unit.id, last_year.text), {}))
    rows = []
    for ind in sorted(lib.all, key=lambda i: i.id):
        if codes is not None and ind.code not in codes:
            continue
        if not ind.active and now_vals.get(ind.code) is None:
            continue
        actual = now_vals.get(ind.code)
        t = ag.resolve_target(ind, p, targets)
        target = t.value if t else None
        th = ag.thresholds_for(ind, unit.path, rules)
        warning, critical = th.absolute(target) if th else (None, None)
        level = ag.level_of(ind.direction, actual, warning, critical, target)
        att = ag.attainment(ind.direction, actual, target)
        b = benches.get(ind.id)
        rows.append({
            "indicator_code": ind.code, "name": ind.name, "name_en": ind.name_en, "category": ind.category,
            "unit": ind.unit, "direction": ind.direction, "aggregation": ind.aggregation,
            "derived": bool(ind.formula), "actual": actual, "target": target,
            "target_period": t.period if t else None, "target_prorated": t.prorated if t else False,
            "attainment": att, "status": ag.status_of(level, att), "level": level,
            "warning": warning, "critical": critical,
            "previous": prev_vals.get(ind.code), "previous_period": prev.text,
            "change_previous": ag.change(actual, prev_vals.get(ind.code)),
            "last_year": ly_vals.get(ind.code), "last_year_period": last_year.text,
            "change_last_year": ag.change(actual, ly_vals.get(ind.code)),
            "benchmark": ({"value": b.value, "source": b.source, "as_of": b.as_of, "period": b.period}
                          if b is not None else None),
            "completeness": completeness(ind.code),
        })
    return rows


async def series(session: AsyncSession, *, lib: ag.Library, unit, indicator, periods: list[Period]) -> list[dict[str, Any]]:
    ids = {lib.by_code[c].id for c in lib.inputs_of(indicator.code) if c in lib.by_code}
    rollups = await ag.load_rollups(session, [unit.id], [q.text for q in periods], ids)
    targets = await ag.load_targets(session, unit.id, [q.text for q in periods])
    out = []
    for q in periods:
        vals = lib.values(rollups.get((unit.id, q.text), {}))
        t = ag.resolve_target(indicator, q, targets)
        out.append({"period": q.text, "actual": vals.get(indicator.code), "target": t.value if t else None})
    return out
