"""Shared pieces of the risk routers: load-or-404, who may see and change what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import or_

from services.common.api import load_or_404
from services.common.authz import Grant, Principal
from services.common.i18n import RIGHTS_ZH
from services.common.problems import Forbidden, NotFound
from services.common.scoping import visible_to
from services.risk.models import Alert, Kri, OrgUnit, Risk, RiskAction, RiskMatrix

ValidRisk = Annotated[Risk, Depends(load_or_404(Risk, "risk_id", "risk"))]
ValidKri = Annotated[Kri, Depends(load_or_404(Kri, "kri_id", "key risk indicator"))]
ValidAlert = Annotated[Alert, Depends(load_or_404(Alert, "alert_id", "alert"))]
ValidAction = Annotated[RiskAction, Depends(load_or_404(RiskAction, "action_id", "action"))]
ValidMatrix = Annotated[RiskMatrix, Depends(load_or_404(RiskMatrix, "matrix_id", "risk matrix"))]


async def unit_of(session, unit_id: int) -> OrgUnit:
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound(f"The unit {unit_id} of this record is not known to the risk service (was it deleted?).",
                       zh=f"风险服务中没有此记录所属的组织单元 {unit_id}（是否已被删除？）。")
    return unit


def is_owner(principal: Principal, owner_id: int | None) -> bool:
    return owner_id is not None and principal.user_id == owner_id


def require_view(principal: Principal, risk: Risk, unit: OrgUnit) -> None:
    """Everyone in the unit and above sees its risks (view over the unit); owners see their own."""
    if is_owner(principal, risk.owner_id) or principal.can("view", unit.path):
        return
    raise Forbidden(f"You need the 'view' right over {unit.name} ({unit.path}) to see its risks.",
                    right="view", unit_path=unit.path, zh=f"查看{unit.name}的风险需要对其有查看权。")


def require_plan(principal: Principal, unit: OrgUnit, what: str = "register or assess its risks") -> Grant:
    return principal.require("plan", unit.path, what=f"the unit {unit.name} to {what}")


def require_any(principal: Principal, rights: tuple[str, ...], unit: OrgUnit, what: str) -> Grant:
    """The first grant of any of ``rights`` over the unit; Forbidden naming them all otherwise."""
    for right in rights:
        for g in principal.grants_for(right, unit.path):
            return g
    names = " or ".join(f"'{r}'" for r in rights)
    raise Forbidden(f"You need the {names} right over {unit.name} ({unit.path}) to {what}.",
                    rights=list(rights), unit_path=unit.path,
                    zh=f"此操作需要对{unit.name}的{'或'.join(RIGHTS_ZH.get(r, r) for r in rights)}。")


def risk_visibility(principal: Principal):
    """SQL filter: risks whose unit the principal views, or that the principal owns (needs the OrgUnit join)."""
    clause = visible_to(principal, "view", OrgUnit.path)
    if principal.user_id is not None:
        clause = or_(clause, Risk.owner_id == principal.user_id)
    return clause
