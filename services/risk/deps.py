"""Load-or-404 and who may act on what, as FastAPI dependencies the routers declare.

``ValidRisk`` loads a risk or answers 404; ``RiskToAssess`` and the like load it and let the caller
through when they hold the right over its unit (a 403 naming the right and the unit otherwise), with
the grant travelling on to the service for the audit chain. Where a resource's owner may act without
a grant, the dependency gives an :class:`OwnerOrAllowed` whose ``grant`` is None for the owner.
Checks that depend on the request body (the unit a risk moves to, the fields an owner changes) are
the services'.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends

from services.common.api import load_or_404
from services.common.audit_api import require_admin
from services.common.authz import Principal, Right
from services.common.db import Session
from services.common.guards import Allowed
from services.common.records import Record
from services.common.security import CurrentPrincipal
from services.risk.access import (
    OwnerOrAllowed,
    grant_over,
    is_owner,
    require_alert_handling,
    require_alert_view,
    require_plan_somewhere,
    require_view,
)
from services.risk.models import Alert, Kri, Risk, RiskAction, RiskMatrix
from services.risk.records import RECORDS
from services.risk.units import risk_and_unit, unit_of

# ---- load or 404

load_risk = load_or_404(Risk, "risk_id", what="risk", what_zh="风险")


load_kri = load_or_404(Kri, "kri_id", what="key risk indicator", what_zh="关键风险指标")


load_alert = load_or_404(Alert, "alert_id", what="alert", what_zh="预警")


load_action = load_or_404(RiskAction, "action_id", what="action", what_zh="应对措施")


load_matrix = load_or_404(RiskMatrix, "matrix_id", what="risk matrix", what_zh="评估矩阵")


ValidRisk = Annotated[Risk, Depends(load_risk)]
ValidKri = Annotated[Kri, Depends(load_kri)]
ValidAlert = Annotated[Alert, Depends(load_alert)]
ValidAction = Annotated[RiskAction, Depends(load_action)]
ValidMatrix = Annotated[RiskMatrix, Depends(load_matrix)]


# ---- risks

async def visible_risk(risk: ValidRisk, session: Session, principal: CurrentPrincipal) -> Risk:
    require_view(principal, risk, await unit_of(session, risk.unit_id))
    return risk


def risk_for(*rights: Right, to: str) -> Callable[..., Awaitable[Allowed[Risk]]]:
    """A dependency: the risk, allowed when the caller holds any of ``rights`` over its unit (needed ``to`` …)."""

    async def dependency(risk: ValidRisk, session: Session, principal: CurrentPrincipal) -> Allowed[Risk]:
        unit = await unit_of(session, risk.unit_id)
        return Allowed(item=risk, principal=principal, grant=grant_over(principal, unit, rights, to))

    dependency.__name__ = f"risk_to_{'_or_'.join(r.value for r in rights)}"
    return dependency


async def risk_to_change(risk: ValidRisk, session: Session, principal: CurrentPrincipal) -> OwnerOrAllowed[Risk]:
    """Planners of the unit change a risk; its owner changes the response (which fields: the service checks)."""
    unit = await unit_of(session, risk.unit_id)
    if not principal.can("plan", unit.path):
        if is_owner(principal, risk.owner_id):
            return OwnerOrAllowed(risk, principal, None)
        require_view(principal, risk, unit)  # someone who cannot even see it is told so first
    return OwnerOrAllowed(risk, principal, grant_over(principal, unit, (Right.plan,), "change its risks"))


async def risk_to_add_measures(risk: ValidRisk, session: Session,
                               principal: CurrentPrincipal) -> OwnerOrAllowed[Risk]:
    unit = await unit_of(session, risk.unit_id)
    if is_owner(principal, risk.owner_id):
        return OwnerOrAllowed(risk, principal, None)
    return OwnerOrAllowed(risk, principal, grant_over(principal, unit, (Right.plan,), "add measures"))


RiskToView = Annotated[Risk, Depends(visible_risk)]
RiskToAssess = Annotated[Allowed[Risk], Depends(risk_for(Right.plan, to="register or assess its risks"))]
RiskToDelete = Annotated[Allowed[Risk], Depends(risk_for(Right.plan, to="delete its risks"))]
RiskToAccept = Annotated[Allowed[Risk], Depends(risk_for(Right.veto, Right.plan, to="sign off accepting its risks"))]
RiskToActivate = Annotated[Allowed[Risk], Depends(risk_for(Right.dispatch, Right.plan,
                                                           to="activate its contingency plans"))]
RiskToChange = Annotated[OwnerOrAllowed[Risk], Depends(risk_to_change)]
RiskToAddMeasures = Annotated[OwnerOrAllowed[Risk], Depends(risk_to_add_measures)]


# ---- actions

async def visible_action(action: ValidAction, session: Session, principal: CurrentPrincipal) -> RiskAction:
    risk = await load_risk(action.risk_id, session)
    require_view(principal, risk, await unit_of(session, risk.unit_id))
    return action


async def action_to_update(action: ValidAction, session: Session,
                           principal: CurrentPrincipal) -> OwnerOrAllowed[RiskAction]:
    """The action's owner and the risk's owner update it; else plan or dispatch over the risk's unit."""
    risk = await load_risk(action.risk_id, session)
    unit = await unit_of(session, risk.unit_id)
    if is_owner(principal, action.owner_id) or is_owner(principal, risk.owner_id):
        return OwnerOrAllowed(action, principal, None)
    return OwnerOrAllowed(action, principal,
                          grant_over(principal, unit, (Right.plan, Right.dispatch), "update its risk actions"))


ActionToView = Annotated[RiskAction, Depends(visible_action)]
ActionToUpdate = Annotated[OwnerOrAllowed[RiskAction], Depends(action_to_update)]


# ---- key risk indicators

async def visible_kri(kri: ValidKri, session: Session, principal: CurrentPrincipal) -> Kri:
    risk, unit = await risk_and_unit(session, kri.risk_id)
    require_view(principal, risk, unit)
    return kri


def kri_for(to: str) -> Callable[..., Awaitable[Allowed[Kri]]]:
    """A dependency: the KRI, allowed when the caller plans for its risk's unit (needed ``to`` …)."""

    async def dependency(kri: ValidKri, session: Session, principal: CurrentPrincipal) -> Allowed[Kri]:
        _, unit = await risk_and_unit(session, kri.risk_id)
        return Allowed(item=kri, principal=principal, grant=grant_over(principal, unit, (Right.plan,), to))

    dependency.__name__ = "kri_to_plan"
    return dependency


async def kri_to_report(kri: ValidKri, session: Session, principal: CurrentPrincipal) -> Kri:
    """Values come from the risk's owner, its unit's planners, or planners and dispatchers of the watched unit."""
    risk, risk_unit = await risk_and_unit(session, kri.risk_id)
    watched = await unit_of(session, kri.unit_id)
    if not (is_owner(principal, risk.owner_id) or principal.can("plan", risk_unit.path)):
        grant_over(principal, watched, (Right.plan, Right.dispatch), "report values of its indicators")
    return kri


KriToView = Annotated[Kri, Depends(visible_kri)]
KriToChange = Annotated[Allowed[Kri], Depends(kri_for("change key risk indicators of its risks"))]
KriToRemove = Annotated[Allowed[Kri], Depends(kri_for("remove key risk indicators of its risks"))]
KriToReport = Annotated[Kri, Depends(kri_to_report)]


# ---- alerts

async def visible_alert(alert: ValidAlert, session: Session, principal: CurrentPrincipal) -> Alert:
    require_alert_view(principal, alert, await unit_of(session, alert.unit_id))
    return alert


async def alert_to_handle(alert: ValidAlert, session: Session, principal: CurrentPrincipal) -> Alert:
    require_alert_handling(principal, alert, await unit_of(session, alert.unit_id))
    return alert


AlertToView = Annotated[Alert, Depends(visible_alert)]
AlertToHandle = Annotated[Alert, Depends(alert_to_handle)]


# ---- the whole register

async def administrator(principal: CurrentPrincipal) -> Principal:
    require_admin(principal)
    return principal


async def planner(principal: CurrentPrincipal) -> Principal:
    require_plan_somewhere(principal)
    return principal


Administrator = Annotated[Principal, Depends(administrator)]
Planner = Annotated[Principal, Depends(planner)]


# --- records people discuss (comments, attachments, activity) -------------------------------------

RecordToView = Annotated[Record, Depends(RECORDS.to_view)]
