"""Shared dependencies of the planning routers: the plan in context, org lookups."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.common import org_api
from services.common.db import Session
from services.common.problems import NotFound
from services.common.security import CurrentPrincipal
from services.planning.flows import Requirement
from services.planning.models import Plan
from services.planning.plans import load_units, require_visible
from services.planning.workflow import Ctx, load_flow


async def plan_ctx(plan_id: int, session: Session, principal: CurrentPrincipal, request: Request) -> Ctx:
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"There is no plan with id {plan_id}.", zh=f"没有编号为 {plan_id} 的计划。")
    units = await load_units(session)
    require_visible(principal, plan, units.path(plan.unit_id))
    return Ctx(session=session, principal=principal, plan=plan, units=units,
               flow=await load_flow(session, plan.kind), request=request)


PlanCtx = Annotated[Ctx, Depends(plan_ctx)]


def _last_id(path: str) -> int:
    return int(path.strip("/").split("/")[-1])


def holders_lookup(request: Request):
    """Ask org who holds a stage's right (for 会签 stages), with this service's own token."""

    async def lookup(req: Requirement) -> list[str]:
        found = await org_api.holders(request.app.state.runtime, req.right, _last_id(req.unit_path),
                                      held_in_unit_id=_last_id(req.held_at) if req.held_at else None)
        return [str(u["id"]) for u in found]

    return lookup
