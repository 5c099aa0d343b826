"""Approvals: acting on a plan in its flow, what awaits the caller, suggestions and guidance, the flows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.db import utcnow
from services.common.guards import Allowed
from services.common.i18n import zh_list
from services.common.problems import Invalid, NotFound, Unavailable
from services.common.runtime import Runtime
from services.planning.approvals import controls, preview, workflow
from services.planning.approvals.schemas import (
    ActionBody,
    AddSignerBody,
    Candidate,
    CcBody,
    FlowPreviewRead,
    FlowPreviewRequest,
    FlowRead,
    FlowUpdate,
    SuggestionAnswer,
    TransferBody,
    UnitRef,
    WithdrawBody,
)
from services.planning.approvals.stages import Requirement
from services.planning.journal import journal
from services.planning.models import Flow, GuidanceNote, OrgUnit, Plan, Suggestion
from services.planning.plans.schemas import PlanRead
from services.planning.plans.service import read_plan
from services.planning.plans.visibility import visible_clause
from services.planning.units import load_units, root_of
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
    ctx.people = workflow.people_lookup(rt)
    await workflow.hold(ctx)
    comment = body.comment or ""
    if action == "submit":
        await workflow.submit(ctx, comment=comment, holders=workflow.people_lookup(rt))
    elif action == "approve":
        await workflow.approve(ctx, comment=comment, holders=workflow.people_lookup(rt))
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
    contexts = []
    for plan in plans:
        if plan.kind not in flows:
            flows[plan.kind] = await workflow.configured_flow(session, plan.kind)
        contexts.append(workflow.PlanContext(session=session, principal=principal, plan=plan, units=units,
                                             flow=flows[plan.kind]))
    await workflow.load_controls_of(session, contexts)
    for ctx in contexts:
        # a returned plan waits for its owners; a submitted or approved one for its reviewers (who signs now:
        # transfers and added signers included)
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


# --- approval controls (issue 23) ---------------------------------------------------------------


async def _org(rt: Runtime, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
    try:
        resp = await rt.call("org", "GET", path, params=params)
    except httpx.HTTPError as exc:
        raise Unavailable(f"The org service could not be reached ({type(exc).__name__}); try again shortly.",
                          zh="暂时无法连接组织服务，请稍后重试。") from exc
    if resp.status_code >= 500:
        raise Unavailable(f"The org service failed (HTTP {resp.status_code}); try again shortly.",
                          zh="组织服务暂时不可用，请稍后重试。")
    return resp


def directory_lookup(rt: Runtime) -> controls.DirectoryLookup:
    """One active person of org's directory by id, asked with this service's own token (which reads it all)."""

    async def lookup(user_id: str) -> workflow.Person | None:
        resp = await _org(rt, f"/api/org/users/{int(user_id)}")
        if resp.status_code != 200 or not resp.json().get("active", False):
            return None
        return workflow.Person.of(resp.json())

    return lookup


def directory_search(rt: Runtime, company_unit_id: int) -> controls.DirectorySearch:
    """The company's active people (matching ``q``), from org's directory: the CC picker's candidates."""

    async def search(q: str | None) -> list[workflow.Person]:
        params: dict[str, Any] = {"unit_id": company_unit_id, "limit": 50}
        if q:
            params["q"] = q
        resp = await _org(rt, "/api/org/users", params)
        if resp.status_code != 200:
            return []
        return [workflow.Person.of(u) for u in resp.json()["items"] if u.get("active", True)]

    return search


async def _controls_context(session: AsyncSession, rt: Runtime, plan: Allowed[Plan], *,
                            writing: bool = True) -> workflow.PlanContext:
    ctx = await workflow.plan_context(session, plan.principal, plan.item)
    ctx.people = workflow.people_lookup(rt)
    if writing:
        await workflow.hold(ctx)
    return ctx


async def withdraw(session: AsyncSession, rt: Runtime, plan: Allowed[Plan], body: WithdrawBody) -> PlanRead:
    """撤回: the submitter takes the plan back to draft while nobody has acted on the submission."""
    ctx = await _controls_context(session, rt, plan)
    await controls.withdraw(ctx, comment=body.comment)
    await session.flush()
    return await read_plan(ctx)


async def transfer(session: AsyncSession, rt: Runtime, plan: Allowed[Plan], body: TransferBody) -> PlanRead:
    """转办: hand the caller's pending signature to another holder of the stage's requirement."""
    ctx = await _controls_context(session, rt, plan)
    await controls.transfer(ctx, to_user_id=str(body.to_user_id), reason=body.reason,
                            directory=directory_lookup(rt))
    await session.flush()
    return await read_plan(ctx)


async def add_signer(session: AsyncSession, rt: Runtime, plan: Allowed[Plan], body: AddSignerBody) -> PlanRead:
    """加签: add someone before or after the caller on the current stage (this plan only)."""
    ctx = await _controls_context(session, rt, plan)
    await controls.add_signer(ctx, user_id=str(body.user_id), position=body.position, comment=body.comment,
                              directory=directory_lookup(rt))
    await session.flush()
    return await read_plan(ctx)


async def copy(session: AsyncSession, rt: Runtime, plan: Allowed[Plan], body: CcBody) -> PlanRead:
    """抄送 by the submitter: each person named (an active person of the company's directory) may read the plan
    and is told."""
    ctx = await _controls_context(session, rt, plan)
    lookup = directory_lookup(rt)
    people = []
    for i, user_id in enumerate(body.user_ids):
        person = await lookup(str(user_id))
        if person is None:
            raise Invalid(f"There is no active person with id {user_id}.", field=f"user_ids.{i}",
                          zh=f"没有编号为 {user_id} 的在职人员。")
        people.append(person)
    await controls.copy(ctx, people=people, comment=body.comment)
    await session.flush()
    return await read_plan(ctx)


async def candidates(session: AsyncSession, rt: Runtime, plan: Allowed[Plan], *, control: controls.Control,
                     q: str | None) -> list[Candidate]:
    """Whom the caller may name in a control now, from org's holders (CC: the company's directory)."""
    ctx = await _controls_context(session, rt, plan, writing=False)
    company_id = int(root_of(ctx.unit_path).strip("/").split("/")[0])
    found = await controls.candidates(ctx, control, search=directory_search(rt, company_id), q=q)
    return [Candidate(id=int(p.id), name=p.name, unit_name=p.unit_name, position_name=p.position_name, advisory=a)
            for p, a in found if p.id.isdigit()]


async def preview_flow(session: AsyncSession, rt: Runtime, flow: Flow, body: FlowPreviewRequest) -> FlowPreviewRead:
    """Who would sign each stage of the flow (or of the draft in ``body``) for a plan of ``body.unit_id``,
    as org's authority model says today."""
    units = await load_units(session)
    units.path(body.unit_id)  # 404 for a unit this service does not know
    draft = body.stages is not None
    stages = [s.model_dump() for s in body.stages] if body.stages is not None else FlowRead.model_validate(flow).stages
    records = workflow.holder_records(rt)

    async def asked(req: Requirement) -> list[dict[str, Any]]:
        try:
            return await records(req)
        except httpx.HTTPError as exc:
            raise Unavailable(f"The org service could not say who holds '{req.right}' ({type(exc).__name__}); "
                              "try the preview again shortly.",
                              zh="暂时无法向组织服务查询权力持有人，请稍后再预览。") from exc

    stage_previews = await preview.preview(stages, unit_id=body.unit_id, units=units, records=asked)
    unit = units.by_id[body.unit_id]
    return FlowPreviewRead(kind=flow.kind, unit=UnitRef(id=unit.id, name=unit.name), draft=draft,
                           final_action=flow.final_action, stages=stage_previews)
