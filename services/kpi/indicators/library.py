"""The indicator library of one request: every indicator, its parsed formula, values from aggregates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kpi.indicators.formula import evaluate, evaluation_order, parse, references
from services.kpi.models import Indicator


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
        self.parsed = {i.code: parse(i.formula) for i in self.all if i.formula}
        self.order = evaluation_order({i.code: i.formula for i in self.all if i.formula})

    @classmethod
    async def load(cls, session: AsyncSession) -> Library:
        return cls((await session.execute(select(Indicator))).scalars().all())

    def inputs_of(self, code: str) -> set[str]:
        """Every measured indicator a (possibly derived) indicator depends on."""
        if code not in self.parsed:
            return {code}
        out: set[str] = set()
        for ref in references(self.parsed[code]):
            if ref in self.by_code:
                out |= self.inputs_of(ref)
        return out

    def dependents_of(self, codes: set[str]) -> set[str]:
        """Derived indicators whose value depends on any of ``codes``."""
        return {c for c in self.parsed if self.inputs_of(c) & codes}

    def values(self, rollups: Mapping[int, Aggregate]) -> dict[str, float | None]:
        """Every indicator's value at one (unit, period) from its rollups (indicator id → aggregate).

        Derived indicators are computed from their inputs' aggregated values at this level
        (Σcost / Σsales), never by averaging the derived values below.
        """
        out: dict[str, float | None] = {}
        for ind in self.all:
            if not ind.formula:
                out[ind.code] = value_of(ind.aggregation, rollups.get(ind.id))
        for code in self.order:
            out[code] = evaluate(self.parsed[code], lambda c: out.get(c))
        return out
