"""What every service's part of 经营驾驶舱 (the cockpit) shares: which unit and period it answers for, and
how a tile names the SPA page it drills down to.

Each service answers ``GET /api/<svc>/cockpit?period=&unit=`` for one unit's subtree; the gateway's
``/api/me/cockpit`` asks them all at once. The unit is resolved here (``org_units.unit_to_view``), so the
three services refuse and default alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Principal
from services.common.i18n import zh_of
from services.common.org_units import OrgUnitMixin, unit_to_view
from services.common.periods import Period, PeriodError, PeriodKind, of_date
from services.common.periods import period as parse_period
from services.common.problems import Invalid

TOP_N = 5  # rows in a "top" list of a tile
COCKPIT_KINDS = (PeriodKind.year, PeriodKind.quarter, PeriodKind.month)

Unit = TypeVar("Unit", bound=OrgUnitMixin)

# the query parameters of every ``GET /api/<svc>/cockpit``
CockpitPeriod = Annotated[str | None, Query(max_length=10, description="2026, 2026-Q4 or 2026-12; default: this month")]
CockpitUnit = Annotated[int | None, Query(ge=1, description="The unit (with its subtree); default: the highest "
                                                            "unit the caller holds 'view' over")]


class CockpitScope(BaseModel):
    """The unit (with its whole subtree) and the period a cockpit part answers for."""

    model_config = ConfigDict(extra="forbid")

    unit_id: int
    unit_name: str
    unit_path: str
    period: str = Field(description="A year, quarter or month: 2026, 2026-Q4, 2026-12")


def cockpit_period(text: str | None) -> Period:
    """The period asked (a year, quarter or month), or the current month."""
    if not text:
        return of_date(clock.today(), PeriodKind.month)
    try:
        p = parse_period(text)
    except PeriodError as exc:
        raise Invalid(str(exc), field="period", zh=zh_of(exc)) from exc
    if p.kind not in COCKPIT_KINDS:
        raise Invalid("The cockpit is by year, quarter or month (2026, 2026-Q4, 2026-12).", field="period",
                      zh="驾驶舱按年、季度或月查看（如 2026、2026-Q4、2026-12）。")
    return p


@dataclass(frozen=True)
class Asked:
    """A resolved cockpit request: the unit row and the period."""

    unit: Any
    period: Period

    @property
    def scope(self) -> CockpitScope:
        return CockpitScope(unit_id=self.unit.id, unit_name=self.unit.name, unit_path=self.unit.path,
                            period=self.period.text)


async def cockpit_asked(session: AsyncSession, model: type[Unit], principal: Principal, *,
                        unit: int | None, period: str | None) -> Asked:
    """The period first (422 for a malformed one), then the unit (404 unknown, 403 not viewable)."""
    p = cockpit_period(period)
    return Asked(unit=await unit_to_view(session, model, principal, unit), period=p)


def period_texts(p: Period) -> list[str]:
    """The plan and target periods that overlap ``p``: itself, what encloses it, and its quarters and months."""
    out = {p.text}
    for kind in (PeriodKind.year, PeriodKind.quarter):
        if p.kind != kind and (p.kind == PeriodKind.month or kind == PeriodKind.year):
            out.add(p.parent(kind).text)
    for kind in (PeriodKind.quarter, PeriodKind.month):
        if p.kind == PeriodKind.year or (p.kind == PeriodKind.quarter and kind == PeriodKind.month):
            out |= {c.text for c in p.children(kind)}
    return sorted(out)


def drill(path: str, **filters: Any) -> str:
    """The SPA page a tile opens, with its filters as query parameters (None values left out)."""
    kept = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in filters.items() if v is not None}
    return f"{path}?{urlencode(kept)}" if kept else path
