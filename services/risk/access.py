"""Who sees and handles what in risk, shared by deps.py (one record) and the services (lists, moves).

Everyone in a unit and above sees its risks (view over the unit) and a risk's owner sees their own;
alerts go to the risk's owner and to holders of dispatch over the watched unit, and viewers of the
unit see them too. Refusals name the right and the unit, as the SPA shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, or_

from services.common.authz import Grant, Principal, Right
from services.common.guards import Place, authorize
from services.common.i18n import RIGHTS_ZH
from services.common.problems import Forbidden
from services.common.scoping import visible_to
from services.risk.models import Alert, OrgUnit, Risk

T = TypeVar("T")


@dataclass(frozen=True)
class OwnerOrAllowed(Generic[T]):
    """A resource the caller may act on by a grant, or (``grant`` None) as its owner."""

    item: T
    principal: Principal
    grant: Grant | None


def is_owner(principal: Principal, owner_id: int | None) -> bool:
    return owner_id is not None and principal.user_id == owner_id


def require_view(principal: Principal, risk: Risk, unit: OrgUnit) -> None:
    """Everyone in the unit and above sees its risks (view over the unit); owners see their own."""
    if is_owner(principal, risk.owner_id) or principal.can("view", unit.path):
        return
    raise Forbidden(f"You need the 'view' right over {unit.name} ({unit.path}) to see its risks.",
                    right="view", unit_path=unit.path, zh=f"查看{unit.name}的风险需要对其有查看权。")


def grant_over(principal: Principal, unit: OrgUnit, rights: Sequence[Right], to: str) -> Grant:
    """The first grant of any of ``rights`` over the unit; Forbidden naming them and what they are needed
    ``to`` do otherwise."""
    if len(rights) == 1:
        return authorize(principal, Place(unit.path, what=f"the unit {unit.name} to {to}"), rights[0])
    for right in rights:
        for grant in principal.grants_for(right.value, unit.path):
            return grant
    names = " or ".join(f"'{r.value}'" for r in rights)
    raise Forbidden(f"You need the {names} right over {unit.name} ({unit.path}) to {to}.",
                    rights=[r.value for r in rights], unit_path=unit.path,
                    zh=f"此操作需要对{unit.name}的{'或'.join(RIGHTS_ZH.get(r.value, r.value) for r in rights)}。")


def risk_visibility(principal: Principal) -> ColumnElement[bool]:
    """SQL filter: risks whose unit the principal views, or that the principal owns (needs the OrgUnit join)."""
    clause = visible_to(principal, "view", OrgUnit.path)
    if principal.user_id is not None:
        clause = or_(clause, Risk.owner_id == principal.user_id)
    return clause


def alert_visibility(principal: Principal, *, mine: bool) -> ColumnElement[bool]:
    """Alerts go to the risk's owner and to holders of dispatch over the unit; viewers of the unit see them too."""
    clauses = [visible_to(principal, "dispatch", OrgUnit.path)]
    if principal.user_id is not None:
        clauses.append(Alert.owner_id == principal.user_id)
    if not mine:
        clauses.append(visible_to(principal, "view", OrgUnit.path))
    return or_(*clauses)


def can_handle(principal: Principal, alert: Alert, unit: OrgUnit) -> bool:
    return (is_owner(principal, alert.owner_id) or principal.can("dispatch", unit.path)
            or principal.can("plan", unit.path))


def require_alert_view(principal: Principal, alert: Alert, unit: OrgUnit) -> None:
    if not (can_handle(principal, alert, unit) or principal.can("view", unit.path)):
        raise Forbidden(f"You need the 'view' right over {unit.name} ({unit.path}) to see its alerts.",
                        right="view", unit_path=unit.path, zh=f"查看{unit.name}的预警需要对其有查看权。")


def require_alert_handling(principal: Principal, alert: Alert, unit: OrgUnit) -> None:
    if not can_handle(principal, alert, unit):
        raise Forbidden(f"Alerts on {unit.name} are handled by the risk's owner and holders of 'dispatch' "
                        f"(or 'plan') over it ({unit.path}).", rights=["dispatch", "plan"], unit_path=unit.path,
                        zh=f"{unit.name}的预警由风险责任人以及对该单位有调度权（或计划权）的人处理。")


def require_plan_somewhere(principal: Principal) -> None:
    """An import is refused at once (before the file is read) to someone who plans for no unit at all."""
    if not any(g.right == "plan" for g in principal.grants):
        raise Forbidden("Importing risks needs the plan right (计划权) over the units in the sheet.",
                        zh="导入风险需要对表中单位有计划权。", right="plan")
