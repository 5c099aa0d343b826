"""Shared lookups and checks of the kpi routers."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Grant, Principal
from services.common.i18n import zh_of
from services.common.org_units import load_unit
from services.common.periods import Period, PeriodError
from services.common.periods import period as parse_period
from services.common.problems import Invalid, NotFound
from services.kpi.aggregate import threshold_order_problem
from services.kpi.journal import journal
from services.kpi.models import Indicator, OrgUnit


async def unit_or_404(session: AsyncSession, unit_id: int, *, field: str = "unit_id") -> Any:
    return await load_unit(session, OrgUnit, unit_id, field=field)


async def unit_or_422(session: AsyncSession, unit_id: int, *, field: str = "unit_id") -> Any:
    """For ids inside a request body: an unknown unit is a field error, not a missing resource."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise Invalid(f"There is no org unit with id {unit_id}.", field=field, zh=f"没有编号为 {unit_id} 的组织单元。")
    return unit


async def indicator_by_code(session: AsyncSession, code: str, *, field: str = "indicator_code",
                            missing: str = "invalid") -> Indicator:
    ind = (await session.execute(select(Indicator).where(Indicator.code == code))).scalar_one_or_none()
    if ind is None:
        if missing == "404":
            raise NotFound(f"There is no indicator '{code}'.", zh=f"没有指标“{code}”。")
        raise Invalid(f"There is no indicator '{code}'.", field=field, zh=f"没有指标“{code}”。")
    return ind


def parse_period_param(text: str, *, field: str = "period") -> Period:
    try:
        return parse_period(text)
    except PeriodError as exc:
        raise Invalid(str(exc), field=field, zh=zh_of(exc)) from exc


def check_thresholds(direction: str, warning: float | None, critical: float | None) -> None:
    """422 for a warning / critical pair in the wrong order for the indicator's direction."""
    problem = threshold_order_problem(direction, warning, critical)
    if problem:
        raise Invalid(problem, field="critical", zh=zh_of(problem))


def require_any(principal: Principal, rights: tuple[str, ...], unit_path: str, *, what: str) -> Grant:
    """The first grant giving any of ``rights`` over the unit (403 naming the first right otherwise)."""
    for right in rights:
        for g in principal.grants_for(right, unit_path):
            return g
    return principal.require(rights[0], unit_path, what=what)


async def audit(session: AsyncSession, request: Request, principal: Principal, action: str, subject_type: str,
                subject_id: Any, *, unit_path: str | None = None, grant: Grant | None = None, before: Any = None,
                after: Any = None, note: str = "") -> None:
    await journal.audit(session, actor=principal, action=action, subject_type=subject_type, subject_id=subject_id,
                        unit_path=unit_path, grant=grant, before=before, after=after, note=note, request=request)
