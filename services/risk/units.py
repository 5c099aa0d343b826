"""The org units risk knows (its read-model of org's tree), as the concepts look them up."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.org_units import load_unit
from services.common.problems import Invalid, NotFound
from services.risk.models import OrgUnit, Risk


async def unit_of(session: AsyncSession, unit_id: int) -> OrgUnit:
    """The unit a stored record belongs to (a 404 says the read-model has lost it)."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound(f"The unit {unit_id} of this record is not known to the risk service (was it deleted?).",
                       zh=f"风险服务中没有此记录所属的组织单元 {unit_id}（是否已被删除？）。")
    return unit


async def given_unit(session: AsyncSession, unit_id: int) -> OrgUnit:
    """A unit a client named (a 404 naming ``unit_id`` when there is none)."""
    unit: OrgUnit = await load_unit(session, OrgUnit, unit_id)
    return unit


async def units_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, OrgUnit]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {u.id: u for u in (await session.execute(select(OrgUnit).where(OrgUnit.id.in_(wanted)))).scalars()}


async def risk_and_unit(session: AsyncSession, risk_id: int) -> tuple[Risk, OrgUnit]:
    """A risk a record names (a KRI's, or a new KRI's: a 422 on ``risk_id`` when there is none) and its unit."""
    risk = await session.get(Risk, risk_id)
    if risk is None:
        raise Invalid(f"There is no risk with id {risk_id}.", field="risk_id", zh=f"没有编号为 {risk_id} 的风险。")
    return risk, await unit_of(session, risk.unit_id)
