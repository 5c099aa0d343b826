"""Approvals: acting on a plan in its flow, what awaits the caller, suggestions and guidance, the flows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.db import utcnow
from services.common.guards import Allowed
from services.common.i18n import zh_list
from services.common.problems import NotFound
from services.common.runtime import Runtime
from services.planning.approvals import workflow
from services.planning.approvals.schemas import ActionBody, FlowRead, FlowUpdate, SuggestionAnswer
from services.planning.journal import journal
from services.planning.models import Flow, GuidanceNote, OrgUnit, Plan, Suggestion
from services.planning.plans.schemas import PlanRead
from services.planning.plans.service import read_plan
from services.planning.plans.visibility import visible_clause
from services.planning.units import load_units
from services.planning.vocabulary import ACTION_ZH

ACTIONS = ("submit", "approve", "return", "veto", "issue", "publish", "revise", "suggest", "guide")


def unknown_action(action: str) -> NotFound | None:
    """The refusal of an action plans do not have (None for one they have)."""
    if action in ACTIONS:
        return None
    return NotFound(f"Plans have no action '{action}'; actions are {', '.join(ACTIONS)}.",
                    zh=f"计划没有这项操作；可用的操作为：{zh_list(ACTION_ZH.get(a, a) for a in ACTIONS)}。")


async def act(session: AsyncSession, rt: Runtime, plan: Allowed[Plan], *, action: str, body: ActionBody) -> PlanRead:
    """Submit, approve, return, veto, issue, publish, revise, suggest or guide; the plan as it is after."""
    ctx = await workflow.plan_context(session, plan.principal, plan.item)
    comment = body.comment or ""
    if action == "submit":
        await workflow.submit(ctx, comment=comment, holders=workflow.holders_lookup(rt))
    elif action == "approve":
        await workflow.approve(ctx, comment=comment, holders=workflow.holders_lookup(rt))
    elif action == "return":
        await workflow.return_plan(ctx, comment=comment)
    elif action == "veto":
        await workflow.veto(ctx, reason=body.reason or comment)
    elif action in ("issue", "publish"):
        await workflow.issue(ctx, action=action, comment=comment)
    elif action == "revise":
        await workflow.revise(ctx, comment=comment)
    elif action == "suggest":
        await workflow.suggest(ctx, text=comment)
    elif action == "guide":
        await workflow.guide(ctx, text=comment)
    await session.flush()
    return await read_plan(ctx)


async def awaiting_me(session: AsyncSession, principal: Principal, *, limit: int) -> list[PlanRead]:
    """Plans in review the caller could move on now (approve, issue, publish), and returned ones to resubmit."""
    stmt = (select(Plan).join(OrgUnit, OrgUnit.id == Plan.unit_id)
            .where(visible_clause(principal), Plan.status.in_(("submitted", "approved", "returned")))
            .order_by(Plan.updated_at.desc()).limit(500))
    plans = (await session.execute(stmt)).scalars().all()
    units = await load_units(session)
    flows: dict[str, Flow] = {}
    out: list[PlanRead] = []
    wanted = {"approve", "issue", "publish", "submit"}
    for plan in plans:
        if plan.kind not in flows:
            flows[plan.kind] = await workflow.configured_flow(session, plan.kind)
        ctx = workflow.PlanContext(session=session, principal=principal, plan=plan, units=units,
                                   flow=flows[plan.kind])
        # a returned plan waits for its owners; a submitted or approved one for its reviewers
        if wanted & set(workflow.allowed_actions(ctx)):
            out.append(await read_plan(ctx))
            if len(out) >= limit:
                break
    return out


async def list_suggestions(session: AsyncSession, plan: Allowed[Plan]) -> Sequence[Suggestion]:
    return (await session.execute(select(Suggestion).where(Suggestion.plan_id == plan.item.id)
                                  .order_by(Suggestion.id))).scalars().all()


async def answer_suggestion(session: AsyncSession, plan: Allowed[Plan], suggestion_id: int,
                            body: SuggestionAnswer) -> Suggestion:
    """The plan's owner accepts or declines a suggestion (建议), with a reason."""
    suggestion = await session.get(Suggestion, suggestion_id)
    if suggestion is None or suggestion.plan_id != plan.item.id:
        raise NotFound(f"This plan has no suggestion {suggestion_id}.", zh=f"此计划没有编号为 {suggestion_id} 的建议。")
    ctx = await workflow.plan_context(session, plan.principal, plan.item)
    await workflow.answer(ctx, suggestion, accepted=body.accepted, reason=body.reason)
    plan.item.updated_at = utcnow()
    return suggestion


async def list_guidance(session: AsyncSession, plan: Allowed[Plan]) -> Sequence[GuidanceNote]:
    return (await session.execute(select(GuidanceNote).where(GuidanceNote.plan_id == plan.item.id)
                                  .order_by(GuidanceNote.id))).scalars().all()


async def list_flows(session: AsyncSession) -> Sequence[Flow]:
    return (await session.execute(select(Flow).order_by(Flow.id))).scalars().all()


async def update_flow(session: AsyncSession, principal: Principal, flow: Flow, body: FlowUpdate) -> Flow:
    """Change a flow's name, stages or final action (admin); plans in review keep going."""
    before = FlowRead.model_validate(flow).model_dump()
    if body.name is not None:
        flow.name = body.name
    if body.stages is not None:
        flow.stages = [s.model_dump() for s in body.stages]
    if body.final_action is not None:
        flow.final_action = body.final_action
    await session.flush()
    await journal.audit(session, actor=principal, action="flow.updated", subject_type="flow", subject_id=flow.id,
                        before=before, after=FlowRead.model_validate(flow).model_dump())
    return flow
