"""Lookups every kpi concept shares: units from the org read-model, indicators by code, period parameters."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.i18n import zh_of
from services.common.org_units import load_unit
from services.common.periods import Period, PeriodError
from services.common.periods import period as parse_period
from services.common.problems import Invalid, NotFound
from services.kpi.models import Indicator, OrgUnit


async def unit_or_404(session: AsyncSession, unit_id: int, *, field: str = "unit_id") -> OrgUnit:
    unit: OrgUnit = await load_unit(session, OrgUnit, unit_id, field=field)
    return unit


async def unit_or_422(session: AsyncSession, unit_id: int, *, field: str = "unit_id") -> OrgUnit:
    """For ids inside a request body: an unknown unit is a field error, not a missing resource."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise Invalid(f"There is no org unit with id {unit_id}.", field=field, zh=f"没有编号为 {unit_id} 的组织单元。")
    return unit


async def take_turns_on(session: AsyncSession, unit_ids: Iterable[int]) -> None:
    """Writers of a total derived from several rows of the same units (a month's spend, an inspection pass rate)
    take turns: a row lock on each unit of the org read-model, in id order, until the transaction ends. The total
    summed afterwards includes every committed writer's rows (PostgreSQL; SQLite writes one at a time)."""
    ids = sorted(set(unit_ids))
    if ids:
        await session.execute(select(OrgUnit.id).where(OrgUnit.id.in_(ids)).order_by(OrgUnit.id).with_for_update())


def ancestor_ids(path: str) -> list[int]:
    """Unit ids along a materialised path, the root first ("/1/7/8/" → [1, 7, 8])."""
    return [int(x) for x in path.strip("/").split("/") if x]


async def indicator_by_code(session: AsyncSession, code: str, *, field: str = "indicator_code",
                            missing: str = "invalid") -> Indicator:
    ind = (await session.execute(select(Indicator).where(Indicator.code == code))).scalar_one_or_none()
    if ind is None:
        if missing == "404":
            raise NotFound(f"There is no indicator '{code}'.", zh=f"没有指标“{code}”。")
        raise Invalid(f"There is no indicator '{code}'.", field=field, zh=f"没有指标“{code}”。")
    return ind


async def indicator_codes(session: AsyncSession) -> dict[int, str]:
    """Every indicator's code by its id."""
    return dict((await session.execute(select(Indicator.id, Indicator.code))).all())


def parse_period_param(text: str, *, field: str = "period") -> Period:
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise Invalid(str(exc), field=field, zh=zh_of(exc)) from exc
