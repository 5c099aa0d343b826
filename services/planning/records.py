"""Planning's records that people discuss, attach files to and follow: plans, their tasks and proposals
(合理化建议). Each is seen exactly as its own pages show it (see services/common/records.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.records import Record, RecordKind, RecordKinds, not_found
from services.planning.models import Plan, PlanTask, Proposal
from services.planning.plans.visibility import plan_not_found, require_visible
from services.planning.proposals.service import require_visible as require_visible_proposal
from services.planning.units import load_units


async def _plan(session: AsyncSession, principal: Principal, plan_id: int) -> tuple[Plan, str]:
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise plan_not_found(plan_id)
    path = (await load_units(session)).path(plan.unit_id)
    await require_visible(session, principal, plan, path)
    return plan, path


def _subject(user_id: int | str | None) -> tuple[str, ...]:
    return (str(user_id),) if user_id is not None else ()


async def resolve_plan(session: AsyncSession, principal: Principal, plan_id: int) -> Record:
    plan, path = await _plan(session, principal, plan_id)
    return Record(service="planning", kind="plan", id=plan.id, unit_path=path, title=plan.title,
                  link=f"/plans/{plan.id}", subject_type="plan", participants=_subject(plan.submitted_by), item=plan)


async def resolve_task(session: AsyncSession, principal: Principal, task_id: int) -> Record:
    task = await session.get(PlanTask, task_id)
    if task is None:
        raise not_found("task", "任务", task_id)
    plan, path = await _plan(session, principal, task.plan_id)
    return Record(service="planning", kind="task", id=task.id, unit_path=path, title=task.title,
                  link=f"/plans/{plan.id}?task={task.id}", subject_type="task",
                  participants=_subject(task.owner_id), item=task)


async def resolve_proposal(session: AsyncSession, principal: Principal, proposal_id: int) -> Record:
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None:
        raise not_found("proposal", "合理化建议", proposal_id)
    units = await load_units(session)
    await require_visible_proposal(session, proposal, principal, units)
    return Record(service="planning", kind="proposal", id=proposal.id, unit_path=units.path(proposal.unit_id),
                  title=proposal.title, link=f"/proposals/{proposal.id}", subject_type="proposal",
                  participants=(proposal.proposer,), item=proposal)


RECORDS = RecordKinds("planning", {
    "plan": RecordKind("计划", "plan", resolve_plan),
    "task": RecordKind("任务", "task", resolve_task),
    "proposal": RecordKind("合理化建议", "proposal", resolve_proposal),
})
