"""Evaluation (评估): actual vs target, previous period (环比), last year (同比), benchmark.

Actuals come from ``kpi_rollup``: one row per (indicator, unit, period) already holds the
aggregate of the unit's whole subtree over every finer period (the unit's own points for
exactly that period are read beside it, by key), so an evaluation reads three periods' rows
for one unit, whatever the number of stored points.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import generation
from services.common.authz import Principal, Right
from services.common.guards import Place, authorize
from services.common.periods import Period, PeriodKind
from services.common.problems import Invalid
from services.kpi.evaluation.levels import attainment, change, level_of, status_of
from services.kpi.evaluation.schemas import EvaluationPage, SeriesRead
from services.kpi.indicators.library import Aggregate, Library
from services.kpi.lookups import parse_period_param, unit_or_404
from services.kpi.measurements.rollups import load_rollups
from services.kpi.models import Benchmark, DataGeneration, Indicator, OrgUnit
from services.kpi.targets.resolution import load_targets, resolve_target
from services.kpi.thresholds.rules import load_threshold_rules, thresholds_for

MAX_SERIES = 120


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


def _completeness(lib: Library, unit: OrgUnit, children: Sequence[Any],
                  rollups: dict[tuple[int, str], dict[int, Aggregate]],
                  periods: list[str]) -> Callable[[str], dict[str, Any]]:
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


async def evaluate(session: AsyncSession, *, lib: Library, unit: OrgUnit, p: Period,
                   codes: set[str] | None = None) -> list[dict[str, Any]]:
    prev, last_year = p.previous(), p.same_period_last_year()
    periods = [p.text, prev.text, last_year.text]
    children = (await session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.parent_id == unit.id)
                                      .order_by(OrgUnit.id))).all()
    rollups = await load_rollups(session, [unit.id] + [c.id for c in children], periods,
                                    [i.id for i in lib.all if not i.formula])
    completeness = _completeness(lib, unit, children, rollups, periods)
    targets = await load_targets(session, unit.id, [p.text])
    rules = await load_threshold_rules(session, [i.id for i in lib.all])
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
        t = resolve_target(ind, p, targets)
        target = t.value if t else None
        th = thresholds_for(ind, unit.path, rules)
        warning, critical = th.absolute(target) if th else (None, None)
        level = level_of(ind.direction, actual, warning, critical, target)
        att = attainment(ind.direction, actual, target)
        b = benches.get(ind.id)
        rows.append({
            "indicator_code": ind.code, "name": ind.name, "name_en": ind.name_en, "category": ind.category,
            "unit": ind.unit, "direction": ind.direction, "aggregation": ind.aggregation,
            "derived": bool(ind.formula), "actual": actual, "target": target,
            "target_period": t.period if t else None, "target_prorated": t.prorated if t else False,
            "attainment": att, "status": status_of(level, att), "level": level,
            "warning": warning, "critical": critical,
            "previous": prev_vals.get(ind.code), "previous_period": prev.text,
            "change_previous": change(actual, prev_vals.get(ind.code)),
            "last_year": ly_vals.get(ind.code), "last_year_period": last_year.text,
            "change_last_year": change(actual, ly_vals.get(ind.code)),
            "benchmark": ({"value": b.value, "source": b.source, "as_of": b.as_of, "period": b.period}
                          if b is not None else None),
            "completeness": completeness(ind.code),
        })
    return rows


async def series(session: AsyncSession, *, lib: Library, unit: OrgUnit, indicator: Indicator,
                 periods: list[Period]) -> list[dict[str, Any]]:
    ids = {lib.by_code[c].id for c in lib.inputs_of(indicator.code) if c in lib.by_code}
    rollups = await load_rollups(session, [unit.id], [q.text for q in periods], ids)
    targets = await load_targets(session, unit.id, [q.text for q in periods])
    out = []
    for q in periods:
        vals = lib.values(rollups.get((unit.id, q.text), {}))
        t = resolve_target(indicator, q, targets)
        out.append({"period": q.text, "actual": vals.get(indicator.code), "target": t.value if t else None})
    return out


# --- answers, cached per data generation -----------------------------------------------------

@dataclass
class Answer:
    """An evaluation or series as JSON, with its ETag; ``not_modified`` when the caller has it already."""

    body: str
    etag: str
    not_modified: bool = False


class _Generation:
    """A read answered from the per-generation cache when it can be (``services/common/generation.py``).

    Dashboards ask for the same evaluations and series over and over between writes; every
    change to an input moves the data generation (in any replica), so an answer computed at
    the current one is still right. Rights are checked on every request, cached or not.
    """

    def __init__(self, cache: generation.Cache, gen: int, key: tuple[Hashable, ...], if_none_match: str):
        self.cache, self.gen, self.key = cache, gen, (gen, *key)
        self.tag, self.if_none_match = f'W/"g{gen}"', if_none_match

    @classmethod
    async def current(cls, session: AsyncSession, cache: generation.Cache, key: tuple[Hashable, ...],
                      if_none_match: str) -> _Generation:
        gen = await generation.current(session, cast(Table, DataGeneration.__table__))
        return cls(cache, gen, key, if_none_match)

    def cached(self, principal: Principal) -> Answer | None:
        hit = self.cache.get(self.key)
        if hit is None:
            return None
        path, name, body = hit
        authorize(principal, Place(path, name), Right.view)
        return Answer(body, self.tag, not_modified=self.tag in self.if_none_match)

    async def library(self, session: AsyncSession) -> Library:
        lib: Library | None = self.cache.get(("library", self.gen))
        if lib is None:  # the library is an evaluation input too: good for the same generation
            lib = await Library.load(session)
            self.cache.put(("library", self.gen), lib)
        return lib

    def answer(self, unit: OrgUnit, model: BaseModel) -> Answer:
        body = model.model_dump_json()
        self.cache.put(self.key, (unit.path, unit.name, body))
        return Answer(body, self.tag)


async def evaluation_answer(session: AsyncSession, *, cache: generation.Cache, principal: Principal, path: str,
                            if_none_match: str, unit_id: int, period: str, indicator_code: list[str] | None,
                            category: str | None) -> Answer:
    """Every indicator of a unit (its whole subtree) for a period, as ``EvaluationPage`` JSON."""
    out = await _Generation.current(session, cache, (path, unit_id, period, tuple(sorted(indicator_code or ())),
                                                     category), if_none_match)
    if (hit := out.cached(principal)) is not None:
        return hit
    unit = await unit_or_404(session, unit_id)
    authorize(principal, Place(unit.path, unit.name), Right.view)
    p = parse_period_param(period)
    lib = await out.library(session)
    codes = None
    if indicator_code:
        unknown = [c for c in indicator_code if c not in lib.by_code]
        if unknown:
            raise Invalid(f"There is no indicator '{unknown[0]}'.", field="indicator_code",
                          zh=f"没有指标“{unknown[0]}”。")
        codes = set(indicator_code)
    if category:
        codes = (codes or set(lib.by_code)) & {i.code for i in lib.all if i.category == category}
    rows = await evaluate(session, lib=lib, unit=unit, p=p, codes=codes)
    return out.answer(unit, EvaluationPage.model_validate({"items": rows, "unit_id": unit.id, "unit_path": unit.path,
                                                           "period": p.text}))


async def series_answer(session: AsyncSession, *, cache: generation.Cache, principal: Principal, path: str,
                        if_none_match: str, indicator_code: str, unit_id: int, start: str, end: str) -> Answer:
    """An indicator's actual and target per period from ``start`` to ``end``, as ``SeriesRead`` JSON."""
    out = await _Generation.current(session, cache, (path, indicator_code, unit_id, start, end), if_none_match)
    if (hit := out.cached(principal)) is not None:
        return hit
    unit = await unit_or_404(session, unit_id)
    authorize(principal, Place(unit.path, unit.name), Right.view)
    lib = await out.library(session)
    ind = lib.by_code.get(indicator_code)
    if ind is None:
        raise Invalid(f"There is no indicator '{indicator_code}'.", field="indicator_code",
                      zh=f"没有指标“{indicator_code}”。")
    a, b = parse_period_param(start, field="from"), parse_period_param(end, field="to")
    if a.kind != b.kind:
        raise Invalid("'from' and 'to' must be periods of the same kind (e.g. 2025-01 and 2026-10).", field="to",
                      zh="起始和截止须为同一类期间（如 2025-01 和 2026-10）。")
    if b.start < a.start:
        raise Invalid("'to' is before 'from'.", field="to", zh="截止期间早于起始期间。")
    periods: list[Period] = []
    q = a
    while len(periods) <= MAX_SERIES and (q.start <= b.start):
        periods.append(q)
        q = q.next()
    if len(periods) > MAX_SERIES:
        raise Invalid(f"A series has at most {MAX_SERIES} periods.", field="to",
                      zh=f"一个趋势最多 {MAX_SERIES} 个期间。")
    items = await series(session, lib=lib, unit=unit, indicator=ind, periods=periods)
    return out.answer(unit, SeriesRead.model_validate({"indicator_code": ind.code, "unit_id": unit.id,
                                                       "kind": a.kind.value, "items": items}))
