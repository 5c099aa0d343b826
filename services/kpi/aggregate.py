"""Reading indicator values out of rollups: aggregation, derived formulas, targets, levels.

Pure functions where possible; the async helpers only read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.i18n import Bilingual
from services.common.periods import Period, PeriodKind
from services.common.periods import period as parse_period
from services.kpi import formula as fx
from services.kpi.models import Indicator, Measurement, Rollup, Target, ThresholdRule

# A period's coarser levels, where its points are also rolled up.
_COARSER = {
    PeriodKind.day: (PeriodKind.week, PeriodKind.month, PeriodKind.quarter, PeriodKind.year),
    PeriodKind.week: (PeriodKind.month, PeriodKind.quarter, PeriodKind.year),
    PeriodKind.month: (PeriodKind.quarter, PeriodKind.year),
    PeriodKind.quarter: (PeriodKind.year,),
    PeriodKind.year: (),
}

_FRACTION_OF_YEAR = {PeriodKind.year: 1.0, PeriodKind.quarter: 1 / 4, PeriodKind.month: 1 / 12}


def rollup_periods(p: Period) -> list[str]:
    """The period itself and every coarser period it is rolled up into."""
    return list(_rollup_periods(p.text))


@lru_cache(maxsize=8192)
def _rollup_periods(text: str) -> tuple[str, ...]:
    p = Period(text)
    return (text,) + tuple(p.parent(k).text for k in _COARSER[p.kind])


def ancestor_ids(path: str) -> list[int]:
    """Unit ids along a materialised path, the root first ("/1/7/8/" → [1, 7, 8])."""
    return [int(x) for x in path.strip("/").split("/") if x]


# A delta or aggregate as a list: [n, total, wsum, wtotal, vmin, vmax, last_period, last_total],
# where last_total is the total of the latest period seen (what a "last" indicator reports).
Delta = list


def merge_delta(acc: dict, key, d: Delta) -> None:
    """Add delta ``d`` into ``acc[key]`` (the rollup fan-out's inner loop: no argument unpacking)."""
    a = acc.get(key)
    if a is None:
        acc[key] = d[:]
        return
    a[0] += d[0]
    a[1] += d[1]
    a[2] += d[2]
    a[3] += d[3]
    if d[4] < a[4]:
        a[4] = d[4]
    if d[5] > a[5]:
        a[5] = d[5]
    if d[6] > a[6]:
        a[6], a[7] = d[6], d[7]
    elif d[6] == a[6]:
        a[7] += d[7]


@dataclass(slots=True)
class Aggregate:
    """The points of one indicator under one unit within one period, summed up."""

    n: int
    total: float
    wsum: float
    wtotal: float
    vmin: float | None
    vmax: float | None
    last_period: str
    last_total: float


def value_of(aggregation: str, r: Aggregate | None) -> float | None:
    """An indicator's value from its aggregate by its aggregation rule."""
    if r is None or not r.n:
        return None
    if aggregation == "sum":
        return r.total
    if aggregation == "avg":
        return r.total / r.n
    if aggregation == "weighted_avg":
        return r.wsum / r.wtotal if r.wtotal else None
    if aggregation == "last":
        return r.last_total
    if aggregation == "min":
        return r.vmin
    if aggregation == "max":
        return r.vmax
    return None


class Library:
    """The indicator library of one request, with parsed formulas in evaluation order."""

    def __init__(self, indicators: Iterable[Indicator]):
        self.all = list(indicators)
        self.by_code = {i.code: i for i in self.all}
        self.by_id = {i.id: i for i in self.all}
        self.parsed = {i.code: fx.parse(i.formula) for i in self.all if i.formula}
        self.order = fx.evaluation_order({i.code: i.formula for i in self.all if i.formula})

    @classmethod
    async def load(cls, session: AsyncSession) -> Library:
        return cls((await session.execute(select(Indicator))).scalars().all())

    def inputs_of(self, code: str) -> set[str]:
        """Every measured indicator a (possibly derived) indicator depends on."""
        if code not in self.parsed:
            return {code}
        out: set[str] = set()
        for ref in fx.references(self.parsed[code]):
            if ref in self.by_code:
                out |= self.inputs_of(ref)
        return out

    def dependents_of(self, codes: set[str]) -> set[str]:
        """Derived indicators whose value depends on any of ``codes``."""
        return {c for c in self.parsed if self.inputs_of(c) & codes}

    def values(self, rollups: Mapping[int, object]) -> dict[str, float | None]:
        """Every indicator's value at one (unit, period) from its rollups (indicator id → row).

        Derived indicators are computed from their inputs' aggregated values at this level
        (Σcost / Σsales), never by averaging the derived values below.
        """
        out: dict[str, float | None] = {}
        for ind in self.all:
            if not ind.formula:
                out[ind.code] = value_of(ind.aggregation, rollups.get(ind.id))
        for code in self.order:
            out[code] = fx.evaluate(self.parsed[code], lambda c: out.get(c))
        return out


async def load_rollups(session: AsyncSession, unit_ids: Iterable[int], periods: Iterable[str],
                       indicator_ids: Iterable[int]) -> dict[tuple[int, str], dict[int, Aggregate]]:
    """Aggregates per (unit id, period), then indicator id: the rollup row plus the unit's own points.

    A rollup row leaves out the points stored at its own unit for exactly its own period
    (``rollups.fan_out``): those are read here through kpi_measurement's unique key.
    """
    unit_ids, periods, indicator_ids = sorted(set(unit_ids)), sorted(set(periods)), sorted(set(indicator_ids))
    if not unit_ids or not periods or not indicator_ids:
        return {}
    R, M = Rollup, Measurement
    acc: dict[tuple[int, str, int], Delta] = {}
    rows = await session.execute(
        select(R.unit_id, R.period, R.indicator_id, R.n, R.total, R.wsum, R.wtotal, R.vmin, R.vmax, R.last_period,
               R.last_total)
        .where(R.unit_id.in_(unit_ids), R.period.in_(periods), R.indicator_id.in_(indicator_ids)))
    for unit_id, per, ind, *delta in rows:
        acc[(unit_id, per, ind)] = delta
    own = await session.execute(
        select(M.unit_id, M.period, M.indicator_id, func.count(), func.sum(M.value), func.sum(M.value * M.weight),
               func.sum(M.weight), func.min(M.value), func.max(M.value))
        .where(M.indicator_id.in_(indicator_ids), M.unit_id.in_(unit_ids), M.period.in_(periods))
        .group_by(M.unit_id, M.period, M.indicator_id))
    for unit_id, per, ind, n, total, wsum, wtotal, vmin, vmax in own:
        merge_delta(acc, (unit_id, per, ind), [n, total, wsum, wtotal, vmin, vmax, per, total])
    out: dict[tuple[int, str], dict[int, Aggregate]] = {}
    for (unit_id, per, ind), a in acc.items():
        out.setdefault((unit_id, per), {})[ind] = Aggregate(*a)
    return out


@dataclass
class ResolvedTarget:
    value: float
    target_id: int | None
    period: str
    prorated: bool


def resolve_target(indicator: Indicator, p: Period, targets: Mapping[tuple[int, str], Target]) -> ResolvedTarget | None:
    """The target for ``p``: the period's own, else the year's (prorated for summed indicators)."""
    t = targets.get((indicator.id, p.text))
    if t is not None:
        return ResolvedTarget(t.value, t.id, t.period, False)
    if p.kind in (PeriodKind.quarter, PeriodKind.month):
        year = targets.get((indicator.id, p.parent(PeriodKind.year).text))
        if year is not None:
            if indicator.aggregation == "sum" and not indicator.formula:
                return ResolvedTarget(year.value * _FRACTION_OF_YEAR[p.kind], year.id, year.period, True)
            return ResolvedTarget(year.value, year.id, year.period, False)
    return None


async def load_targets(session: AsyncSession, unit_id: int, periods: Iterable[str]) -> dict[tuple[int, str], Target]:
    wanted = set(periods)
    for text in list(wanted):
        p = parse_period(text)
        if p.kind in (PeriodKind.quarter, PeriodKind.month):
            wanted.add(p.parent(PeriodKind.year).text)
    rows = (await session.execute(select(Target).where(Target.unit_id == unit_id,
                                                       Target.period.in_(sorted(wanted))))).scalars()
    return {(t.indicator_id, t.period): t for t in rows}


async def load_targets_many(session: AsyncSession, pairs: Iterable[tuple[int, str]]) -> dict[int, dict[tuple[int, str], Target]]:
    """Targets for many (unit id, period) pairs, grouped by unit id."""
    wanted: set[tuple[int, str]] = set()
    for unit_id, text in pairs:
        wanted.add((unit_id, text))
        p = parse_period(text)
        if p.kind in (PeriodKind.quarter, PeriodKind.month):
            wanted.add((unit_id, p.parent(PeriodKind.year).text))
    out: dict[int, dict[tuple[int, str], Target]] = {}
    if not wanted:
        return out
    units = sorted({u for u, _ in wanted})
    periods = sorted({p for _, p in wanted})
    rows = (await session.execute(select(Target).where(Target.unit_id.in_(units), Target.period.in_(periods)))).scalars()
    for t in rows:
        out.setdefault(t.unit_id, {})[(t.indicator_id, t.period)] = t
    return out


def attainment(direction: str, actual: float | None, target: float | None) -> float | None:
    """How far the target is met, as a ratio (1.0 = met exactly)."""
    if actual is None or target is None:
        return None
    if direction == "lower_better":
        return None if actual == 0 else target / actual
    if target == 0:
        return None
    if direction == "band":
        return max(0.0, 1 - abs(actual - target) / abs(target))
    return actual / target


@dataclass
class Thresholds:
    warning: float | None
    critical: float | None
    mode: str  # absolute | relative
    source: str  # indicator | unit:<id>

    def absolute(self, target: float | None) -> tuple[float | None, float | None]:
        """The warning and critical values as numbers (relative ones need a target)."""
        if self.mode == "relative":
            if target is None:
                return None, None
            return (None if self.warning is None else self.warning * target,
                    None if self.critical is None else self.critical * target)
        return self.warning, self.critical


async def load_threshold_rules(session: AsyncSession, indicator_ids: Iterable[int]) -> dict[int, list[ThresholdRule]]:
    out: dict[int, list[ThresholdRule]] = {}
    ids = sorted(set(indicator_ids))
    if not ids:
        return out
    for r in (await session.execute(select(ThresholdRule).where(ThresholdRule.indicator_id.in_(ids)))).scalars():
        out.setdefault(r.indicator_id, []).append(r)
    return out


def thresholds_for(indicator: Indicator, unit_path: str, rules: Mapping[int, list[ThresholdRule]]) -> Thresholds | None:
    """The unit's own thresholds, else the nearest ancestor's, else the indicator's defaults."""
    best = None
    for r in rules.get(indicator.id, ()):
        if unit_path.startswith(r.unit_path) and (best is None or len(r.unit_path) > len(best.unit_path)):
            best = r
    if best is not None:
        return Thresholds(best.warning, best.critical, best.mode, f"unit:{best.unit_id}")
    if indicator.warning is None and indicator.critical is None:
        return None
    return Thresholds(indicator.warning, indicator.critical, indicator.threshold_mode, "indicator")


def threshold_order_problem(direction: str, warning: float | None, critical: float | None) -> str | None:
    """Why a warning / critical pair would not be judged as meant, or None.

    The critical value lies past the warning one on the bad side (below it when higher is better,
    above it when lower is better, a wider deviation for a band); otherwise level_of() would jump
    straight to critical and the warning level could never be reached.
    """
    if direction == "band" and any(v is not None and v < 0 for v in (warning, critical)):
        return Bilingual("For a band the values are allowed deviations from the target, so they cannot be negative.",
                         "区间指标的阈值是允许偏离目标的幅度，不能为负数。")
    if warning is None or critical is None:
        return None
    if direction == "higher_better" and critical > warning:
        return Bilingual(f"Higher is better for this indicator, so its critical value ({critical:g}) must be at or "
                         f"below its warning value ({warning:g}).",
                         f"此指标越高越好，告警值（{critical:g}）不能高于预警值（{warning:g}）。")
    if direction == "lower_better" and critical < warning:
        return Bilingual(f"Lower is better for this indicator, so its critical value ({critical:g}) must be at or "
                         f"above its warning value ({warning:g}).",
                         f"此指标越低越好，告警值（{critical:g}）不能低于预警值（{warning:g}）。")
    if direction == "band" and critical < warning:
        return Bilingual(f"For a band the critical deviation ({critical:g}) must be at least the warning one "
                         f"({warning:g}).", f"区间指标的告警偏离（{critical:g}）不能小于预警偏离（{warning:g}）。")
    return None


def level_of(direction: str, value: float | None, warning: float | None, critical: float | None,
             target: float | None = None) -> str | None:
    """normal / warning / critical for a value, or None when it cannot be judged.

    Higher-is-better indicators warn below their values, lower-is-better above them; for a band
    the values are allowed deviations from the target.
    """
    if value is None or (warning is None and critical is None):
        return None
    if direction == "band":
        if target is None:
            return None
        dev = abs(value - target)
        if critical is not None and dev > critical:
            return "critical"
        if warning is not None and dev > warning:
            return "warning"
        return "normal"
    if direction == "lower_better":
        if critical is not None and value > critical:
            return "critical"
        if warning is not None and value > warning:
            return "warning"
        return "normal"
    if critical is not None and value < critical:
        return "critical"
    if warning is not None and value < warning:
        return "warning"
    return "normal"


LEVEL_RANK = {"normal": 0, "warning": 1, "critical": 2}
STATUS_OF_LEVEL = {"normal": "green", "warning": "amber", "critical": "red"}


def status_of(level: str | None, attained: float | None) -> str | None:
    """green / amber / red: from thresholds when the indicator has them, else from attainment."""
    if level is not None:
        return STATUS_OF_LEVEL[level]
    if attained is None:
        return None
    if attained >= 1.0:
        return "green"
    if attained >= 0.9:
        return "amber"
    return "red"


def change(current: float | None, base: float | None) -> float | None:
    """Relative change against a base value (环比 / 同比), e.g. 0.05 for +5 %."""
    if current is None or base is None or base == 0:
        return None
    return (current - base) / abs(base)


def crossed_threshold(direction: str, old: str, new: str, warning: float | None, critical: float | None) -> float | None:
    """The threshold value crossed going from level ``old`` to ``new``."""
    worse = LEVEL_RANK[new] > LEVEL_RANK[old]
    if worse:
        return critical if new == "critical" else warning
    return warning if new == "normal" and warning is not None else critical

