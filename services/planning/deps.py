"""Load-or-404 dependencies and the typed permission aliases of planning's routers.

A plan is first loaded (404 when there is none) and then shown only to those who may see it (404
again: whether someone else's draft exists is not the caller's business); the aliases below add a
right over the plan's unit (403 naming the right and the unit). Tasks are seen through their plan.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import load_or_404
from services.common.audit_api import require_admin
from services.common.authz import Principal, Right
from services.common.db import Session
from services.common.guards import Allowed, Place, allowed
from services.common.problems import NotFound
from services.common.records import Record
from services.common.security import CurrentPrincipal
from services.planning.improvement.access import ProjectAccess, seeing_grant
from services.planning.models import Flow, ImprovementProject, OrgUnit, Plan, PlanTask, Proposal
from services.planning.plans.visibility import plan_not_found, require_visible
from services.planning.records import RECORDS
from services.planning.units import unit_path

# --- plans ------------------------------------------------------------------------------------


async def load_plan(plan_id: int, session: Session) -> Plan:
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise plan_not_found(plan_id)
    return plan


ValidPlan = Annotated[Plan, Depends(load_plan)]


async def plan_place(session: AsyncSession, plan: Plan) -> Place:
    return Place(await unit_path(session, plan.unit_id), what="this plan's unit")


async def plan_to_view(principal: CurrentPrincipal, plan: ValidPlan, session: Session) -> Allowed[Plan]:
    """The plan, when the caller may see it (the grant that lets them). The caller is known first: an
    unsigned request is refused (401) before anything is looked up."""
    place = await plan_place(session, plan)
    grant = await require_visible(session, principal, plan, place.unit_path)
    return Allowed(item=plan, principal=principal, grant=grant)


PlanToView = Annotated[Allowed[Plan], Depends(plan_to_view)]


async def visible_plan(plan: PlanToView) -> Plan:
    return plan.item


# Drafting, editing and reporting on a plan: the plan right over its unit.
PlanToPlan = Annotated[Allowed[Plan], Depends(allowed(visible_plan, plan_place, Right.plan))]


# --- tasks ------------------------------------------------------------------------------------


load_task = load_or_404(PlanTask, "task_id", what="task", what_zh="任务")


ValidTask = Annotated[PlanTask, Depends(load_task)]


async def task_place(session: AsyncSession, task: PlanTask) -> Place:
    """Where a task's plan sits (refusals name the unit)."""
    plan = await load_plan(task.plan_id, session)
    unit = await session.get(OrgUnit, plan.unit_id)
    return Place(await unit_path(session, plan.unit_id), what=unit.name if unit else "this unit")


async def task_to_view(principal: CurrentPrincipal, task: ValidTask, session: Session) -> Allowed[PlanTask]:
    """The task, when the caller may see its plan."""
    plan = await load_plan(task.plan_id, session)
    place = await task_place(session, task)
    grant = await require_visible(session, principal, plan, place.unit_path)
    return Allowed(item=task, principal=principal, grant=grant)


TaskToView = Annotated[Allowed[PlanTask], Depends(task_to_view)]


async def visible_task(task: TaskToView) -> PlanTask:
    return task.item


# 调度: reassigning a task's owner, unit or deadline needs the dispatch right over its plan's unit.
TaskToDispatch = Annotated[Allowed[PlanTask], Depends(allowed(visible_task, task_place, Right.dispatch))]


# --- flows ------------------------------------------------------------------------------------


async def admin(principal: CurrentPrincipal) -> Principal:
    require_admin(principal)
    return principal


Admin = Annotated[Principal, Depends(admin)]


async def load_flow(kind: str, session: Session) -> Flow:
    flow = (await session.execute(select(Flow).where(Flow.kind == kind))).scalar_one_or_none()
    if flow is None:
        raise NotFound(f"There is no flow for '{kind}' plans; kinds are annual, quarterly and monthly.",
                       zh="没有这种计划类型的审批流程；类型为年度、季度、月度。")
    return flow


ValidFlow = Annotated[Flow, Depends(load_flow)]


# --- process optimisation projects (improvement) ---------------------------------------------


load_project = load_or_404(ImprovementProject, "project_id", what="process optimisation project",
                           what_zh="流程优化项目")


async def project_to_view(principal: CurrentPrincipal, project: Annotated[ImprovementProject, Depends(load_project)],
                          session: Session) -> ProjectAccess:
    """The project, when the caller may see it (a right over its unit, or its owner); 404 otherwise.
    What they may do on it is decided by the step (services/planning/improvement/access.py)."""
    unit = await session.get(OrgUnit, project.unit_id)
    path = unit.path if unit is not None else await unit_path(session, project.unit_id)
    grant = seeing_grant(principal, project, path)
    return ProjectAccess(item=project, principal=principal, unit_path=path, unit_name=unit.name if unit else "",
                         grant=grant)


ProjectToView = Annotated[ProjectAccess, Depends(project_to_view)]


# --- improvement proposals (合理化建议) ------------------------------------------------------------
# Loaded or 404 here; who may see one (its proposer, 'view' over its unit) and who may act on it (the
# stage's right, 'plan' or the project's owner for the benefit, 'assess' for the reward) is decided in
# services/planning/proposals/service.py, since the stage's right depends on the proposal's state.

load_proposal = load_or_404(Proposal, "proposal_id", what="proposal", what_zh="合理化建议")

ValidProposal = Annotated[Proposal, Depends(load_proposal)]


# --- records people discuss (comments, attachments, activity) -------------------------------------

RecordToView = Annotated[Record, Depends(RECORDS.to_view)]
