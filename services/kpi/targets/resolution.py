"""Which target applies to a period: its own, else its year's (prorated for summed indicators)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.periods import Period, PeriodKind
from services.common.periods import period as parse_period
from services.kpi.models import Indicator, Target

_FRACTION_OF_YEAR = {PeriodKind.year: 1.0, PeriodKind.quarter: 1 / 4, PeriodKind.month: 1 / 12}


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


async def load_targets_many(session: AsyncSession,
                            pairs: Iterable[tuple[int, str]]) -> dict[int, dict[tuple[int, str], Target]]:
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
    rows = (await session.execute(select(Target).where(Target.unit_id.in_(units),
                                                       Target.period.in_(periods)))).scalars()
    for t in rows:
        out.setdefault(t.unit_id, {})[(t.indicator_id, t.period)] = t
    return out
