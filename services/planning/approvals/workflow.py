"""The approval workflow: submit, approve (或签 / 会签), return, veto, issue or publish, revise,
suggest and answer, guide. Every action is checked against the caller's grants for the plan's
unit, written to the plan's history and the audit chain, and (where others care) emitted."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import org_api
from services.common.authz import Grant, Principal, Right
from services.common.db import utcnow
from services.common.guards import Place, authorize
from services.common.problems import Conflict, Forbidden, Invalid
from services.common.runtime import Runtime
from services.planning.approvals.stages import Requirement, passed_on_submission, requirement
from services.planning.events import (
    PlanApprovedData,
    PlanCopiedData,
    PlanCountersignedData,
    PlanIssuedData,
    PlanReturnedData,
    PlanRevisedData,
    PlanRevisionVetoedData,
    PlanSignerAddedData,
    PlanSignerDueData,
    PlanStageAdvancedData,
    PlanStep,
    PlanSubmittedData,
    PlanTransferredData,
    PlanVetoedData,
    PlanWithdrawnData,
    WaitingStage,
)
from services.planning.journal import journal
from services.planning.models import (
    Flow,
    GuidanceNote,
    Plan,
    PlanAction,
    PlanAddedSigner,
    PlanCc,
    PlanResource,
    PlanTarget,
    PlanTask,
    PlanVersion,
    StageSignature,
    Suggestion,
)
from services.planning.plans.content import restore, snapshot
from services.planning.units import Units, load_units
from services.planning.vocabulary import ACTION_ZH, KIND_ZH, STATUS_ZH, SUGGESTION_STATUS_ZH

# The event each step others care about records (planning.plan.<step>), with its payload's model.
STEP_EVENTS: dict[str, type[PlanStep]] = {
    "submitted": PlanSubmittedData, "stage_advanced": PlanStageAdvancedData, "countersigned": PlanCountersignedData,
    "approved": PlanApprovedData, "returned": PlanReturnedData,
    "vetoed": PlanVetoedData, "revision_vetoed": PlanRevisionVetoedData, "issued": PlanIssuedData,
    "revised": PlanRevisedData,
    # approval controls (issue 23)
    "withdrawn": PlanWithdrawnData, "transferred": PlanTransferredData, "signer_added": PlanSignerAddedData,
    "signer_due": PlanSignerDueData, "copied": PlanCopiedData,
}

# The added steps (加签) of a stage that are still open: waiting for their adder, or to act now.
OPEN_STEP = ("waiting", "pending")


@dataclass(frozen=True)
class Person:
    """Someone org names as holding a right: user id as text, name, and where they hold it."""

    id: str
    name: str
    unit_name: str | None = None
    position_name: str | None = None

    @classmethod
    def of(cls, record: dict[str, Any]) -> Person:
        """From an org record of a person (a holder, or a user of the directory)."""
        return cls(id=str(record["id"]), name=str(record.get("display_name") or record["id"]),
                   unit_name=record.get("unit_name"), position_name=record.get("position_name"))


# Given a requirement, who holds it now (with names): asked of org for 会签 stages, transfers, added signers
# and stage CCs.
PeopleLookup = Callable[[Requirement], Awaitable[list[Person]]]


@dataclass
class PlanContext:
    """A plan with what its rules need: the session, who acts, the org units and its kind's flow."""

    session: AsyncSession
    principal: Principal
    plan: Plan
    units: Units
    flow: Flow
    # org's holders, with names (set where a control or a stage's CC needs them)
    people: PeopleLookup | None = None
    # the current stage's open added steps and whether anyone acted on the submission (load_controls)
    steps: list[PlanAddedSigner] | None = None
    acted: bool = False

    @property
    def unit_path(self) -> str:
        return self.units.path(self.plan.unit_id)

    @property
    def place(self) -> Place:
        return Place(self.unit_path, what="this plan's unit")

    def stage(self, index: int) -> Requirement:
        return requirement(self.flow.stages[index], unit_path=self.unit_path, kinds_by_path=self.units.kinds_by_path,
                           paths_by_code=self.units.paths_by_code)

    @property
    def last_stage(self) -> int:
        return len(self.flow.stages) - 1


async def hold(ctx: PlanContext) -> None:
    """Take the plan's row for this transaction (PostgreSQL: FOR UPDATE; SQLite's writers are serialised
    already) and refuse if someone changed it since it was read: of two people acting at once (a transfer and
    an approval, say) one wins and the other is told, before anything of theirs is written."""
    current = (await ctx.session.execute(select(Plan.version).where(Plan.id == ctx.plan.id).with_for_update())
               ).scalar_one()
    if current != ctx.plan.version:
        raise Conflict("Someone else changed this plan at the same moment; reload it and try again.",
                       zh="有人在同一时刻修改了这份计划，您的操作未执行；请刷新后重试。")


async def configured_flow(session: AsyncSession, kind: str) -> Flow:
    flow = (await session.execute(select(Flow).where(Flow.kind == kind))).scalar_one_or_none()
    if flow is None:
        raise Conflict(f"No approval flow is configured for {kind} plans; an administrator must set one up.",
                       zh=f"尚未为{KIND_ZH.get(kind, kind)}计划配置审批流程；请管理员先设置。")
    return flow


async def plan_context(session: AsyncSession, principal: Principal, plan: Plan,
                       units: Units | None = None) -> PlanContext:
    """The plan with the org units and its kind's flow loaded."""
    return PlanContext(session=session, principal=principal, plan=plan, units=units or await load_units(session),
                       flow=await configured_flow(session, plan.kind))


def _last_id(path: str) -> int:
    return int(path.strip("/").split("/")[-1])


def holder_records(rt: Runtime) -> Callable[[Requirement], Awaitable[list[dict[str, Any]]]]:
    """Ask org who holds a stage's right, with this service's own token: org's answer, one record each."""

    async def records(req: Requirement) -> list[dict[str, Any]]:
        return await org_api.holders(rt, req.right, _last_id(req.unit_path),
                                     held_in_unit_id=_last_id(req.held_at) if req.held_at else None)

    return records


def people_lookup(rt: Runtime) -> PeopleLookup:
    """Ask org who holds a requirement, with their names and where they hold it (also whom a 会签 stage waits on)."""

    async def lookup(req: Requirement) -> list[Person]:
        return [Person.of(u) for u in await holder_records(rt)(req)]

    return lookup


async def open_steps(session: AsyncSession, plan: Plan) -> list[PlanAddedSigner]:
    """The added steps (加签) of the stage the plan waits on that are still open, in the order they were added."""
    if plan.status != "submitted" or plan.stage_index is None:
        return []
    return list((await session.execute(select(PlanAddedSigner).where(
        PlanAddedSigner.plan_id == plan.id, PlanAddedSigner.revision == plan.revision,
        PlanAddedSigner.stage_index == plan.stage_index, PlanAddedSigner.status.in_(OPEN_STEP))
        .order_by(PlanAddedSigner.id))).scalars().all())


# What someone other than the submitter does once a plan is submitted that makes it no longer theirs to withdraw.
ACTED = ("approve", "countersign", "return", "add_signer", "sign_added", "opinion")


async def acted_on(session: AsyncSession, plan: Plan) -> bool:
    """Whether anyone signed, countersigned, returned or added a signer since the plan was last submitted."""
    last_submit = (await session.execute(select(func.max(PlanAction.id)).where(
        PlanAction.plan_id == plan.id, PlanAction.revision == plan.revision, PlanAction.action == "submit"))
    ).scalar_one()
    if last_submit is None:
        return False
    return (await session.execute(select(func.count()).where(
        PlanAction.plan_id == plan.id, PlanAction.id > last_submit, PlanAction.action.in_(ACTED)))).scalar_one() > 0


async def load_controls(ctx: PlanContext) -> PlanContext:
    """Load what the controls decide on (open added steps, whether the submission was acted on); the
    context, for chaining. :func:`allowed_actions` reads them."""
    ctx.steps = await open_steps(ctx.session, ctx.plan)
    ctx.acted = ctx.plan.status == "submitted" and await acted_on(ctx.session, ctx.plan)
    return ctx


async def load_controls_of(session: AsyncSession, contexts: Sequence[PlanContext]) -> None:
    """:func:`load_controls` for many plans in three queries (a list of plans in review, say)."""
    under_review = {c.plan.id: c for c in contexts if c.plan.status == "submitted" and c.plan.stage_index is not None}
    steps: dict[int, list[PlanAddedSigner]] = {i: [] for i in under_review}
    for c in contexts:
        c.steps, c.acted = steps.get(c.plan.id, []), False
    if not under_review:
        return
    ids = list(under_review)
    for step in (await session.execute(select(PlanAddedSigner).where(
            PlanAddedSigner.plan_id.in_(ids), PlanAddedSigner.status.in_(OPEN_STEP))
            .order_by(PlanAddedSigner.id))).scalars():
        plan = under_review[step.plan_id].plan
        if step.revision == plan.revision and step.stage_index == plan.stage_index:
            steps[step.plan_id].append(step)
    submits: dict[int, int] = dict((await session.execute(
        select(PlanAction.plan_id, func.max(PlanAction.id)).where(PlanAction.plan_id.in_(ids),
                                                                  PlanAction.action == "submit")
        .group_by(PlanAction.plan_id))).all())
    for plan_id, action_id in (await session.execute(select(PlanAction.plan_id, PlanAction.id).where(
            PlanAction.plan_id.in_(ids), PlanAction.action.in_(ACTED)))).all():
        if submits.get(plan_id) is not None and action_id > submits[plan_id]:
            under_review[plan_id].acted = True


def turn(ctx: PlanContext) -> str | None:
    """What the caller may sign on the current stage now: ``stage`` (their signature on the stage),
    ``binding`` or ``advisory`` (their added step), or None. Someone added before (前加签) acts before their
    adder; in 或签
    the stage waits on its named signer when it has one (转办, or back to the adder); an added step after (后加签)
    is due once its adder signed, and a 或签 stage then waits on it alone."""
    p, pr = ctx.plan, ctx.principal
    if p.status != "submitted" or p.submitted_by == pr.sub or p.stage_index is None:
        return None
    req = ctx.stage(p.stage_index)
    steps = ctx.steps or []
    due = [s for s in steps if s.status == "pending"]
    mine = next((s for s in due if s.user_id == pr.sub), None)
    if mine is not None:
        if mine.advisory:
            return "advisory" if pr.can("suggest", ctx.unit_path) else None
        return "binding" if req.met_by(pr) else None
    # 前加签 holds back its adder (a 会签 stage's other signers go on); in 或签 an open step holds back everyone
    if any(s.position == "before" and s.added_by == pr.sub for s in due) or (req.signers == "any" and due):
        return None
    if not req.met_by(pr):
        return None
    if p.pending_signers:
        return "stage" if pr.sub in p.pending_signers else None
    return "stage" if req.signers == "any" else None


def waiting_stage(ctx: PlanContext) -> WaitingStage | None:
    """The stage the plan waits on now, as the approval check sees it (None unless it is in review)."""
    p = ctx.plan
    if p.status != "submitted" or p.stage_index is None:
        return None
    req = ctx.stage(p.stage_index)
    return WaitingStage(index=p.stage_index, key=req.key, name=req.name, right=req.right, unit_path=req.unit_path,
                        held_at=req.held_at, signers="all" if req.signers == "all" else "any",
                        time_limit_days=req.time_limit_days, pending_signers=list(p.pending_signers or []))


def _require_status(plan: Plan, *allowed: str, action: str) -> None:
    if plan.status not in allowed:
        raise Conflict(f"Cannot {action} a plan that is {plan.status}; it must be {' or '.join(allowed)}.",
                       status_now=plan.status,
                       zh=f"计划当前为{STATUS_ZH.get(plan.status, plan.status)}，不能{ACTION_ZH.get(action, action)}；"
                          f"须为{'或'.join(STATUS_ZH.get(s, s) for s in allowed)}。")


def _grant_for(req: Requirement, principal: Principal) -> Grant:
    for g in principal.grants_for(req.right, req.unit_path):
        if req.held_at is None or g.held_at == req.held_at:
            return g
    raise Forbidden(f"The stage '{req.name}' needs {req.describe()}; you do not hold it.", right=req.right,
                    zh=f"审批环节“{req.name}”需要{req.describe_zh()}，您没有。")


async def _record(ctx: PlanContext, action: str, *, from_status: str, comment: str = "", grant: Grant | None = None,
                  stage_key: str | None = None, event: str | None = None, extra: dict[str, Any] | None = None,
                  revision: int | None = None) -> None:
    p, pr = ctx.plan, ctx.principal
    revision = p.revision if revision is None else revision
    ctx.session.add(PlanAction(plan_id=p.id, revision=revision, action=action, stage_key=stage_key, actor=pr.sub,
                               actor_name=pr.name, comment=comment, from_status=from_status, to_status=p.status,
                               grant=grant.to_claim() if grant else None))
    # the stage acted on, by name, for the record's activity stream (「…批准了计划（运营管理部汇总审核）」)
    stage = next(({"key": s["key"], "name": s.get("name", ""), "name_en": s.get("name_en", "")}
                  for s in ctx.flow.stages if s.get("key") == stage_key), None) if stage_key else None
    await journal.audit(ctx.session, actor=pr, action=f"plan.{action}", subject_type="plan", subject_id=p.id,
                        unit_path=ctx.unit_path, grant=grant, before={"status": from_status},
                        after={"status": p.status, "stage_index": p.stage_index, "revision": revision,
                               **({"stage": stage} if stage else {})},
                        note=comment)
    if event:
        await _emit(ctx, event, comment=comment, revision=revision, extra=extra)


async def _emit(ctx: PlanContext, event: str, *, comment: str = "", revision: int | None = None,
                extra: dict[str, Any] | None = None) -> None:
    p = ctx.plan
    data = STEP_EVENTS[event](plan_id=p.id, revision=p.revision if revision is None else revision, unit_id=p.unit_id,
                              unit_path=ctx.unit_path, period=p.period, kind=p.kind, title=p.title, status=p.status,
                              actor=ctx.principal.sub, comment=comment, submitted_by=p.submitted_by,
                              waiting=waiting_stage(ctx), **(extra or {}))
    await journal.emit(ctx.session, f"planning.plan.{event}", p.id, data, ctx.unit_path)


async def _save_version(ctx: PlanContext) -> None:
    snap = await snapshot(ctx.session, ctx.plan)
    row = (await ctx.session.execute(select(PlanVersion).where(PlanVersion.plan_id == ctx.plan.id,
                                                               PlanVersion.revision == ctx.plan.revision))
           ).scalar_one_or_none()
    if row is None:
        ctx.session.add(PlanVersion(plan_id=ctx.plan.id, revision=ctx.plan.revision, status=ctx.plan.status,
                                    snapshot=snap))
    else:
        row.snapshot, row.status = snap, ctx.plan.status


async def _enter_stage(ctx: PlanContext, index: int, holders: PeopleLookup | None) -> None:
    ctx.plan.stage_index = index
    ctx.plan.pending_signers, ctx.plan.signer_names = [], {}
    req = ctx.stage(index)
    if req.signers == "all":
        if holders is None:
            raise Conflict("This stage needs every holder to sign, and the org service cannot be asked who they are.",
                           zh="此环节需要全部持有人会签，但暂时无法向组织服务查询持有人。")
        people = [h for h in await holders(req) if h.id != ctx.plan.submitted_by]
        signers = [h.id for h in people]
        if not signers:
            raise Conflict(f"Nobody other than the submitter holds {req.describe()}, so '{req.name}' cannot be signed.",
                           zh=f"除提交人外没有人持有{req.describe_zh()}，环节“{req.name}”无法签署。")
        ctx.plan.pending_signers = signers
        ctx.plan.signer_names = {h.id: h.name for h in people}
    if ctx.flow.stages[index].get("cc"):
        await copy_stage(ctx, index)


async def copy_stage(ctx: PlanContext, index: int) -> None:
    """A stage's CC (抄送) when it is reached: the holders of each of its ``cc`` requirements, asked of org (the
    submitter and those already copied excepted), may read the plan and are told."""
    if ctx.people is None:
        raise Conflict("This stage copies people, and the org service cannot be asked who they are.",
                       zh="此环节配置了抄送，但暂时无法向组织服务查询抄送人。")
    stage = ctx.flow.stages[index]
    already = set((await ctx.session.execute(select(PlanCc.user_id).where(PlanCc.plan_id == ctx.plan.id))
                   ).scalars())
    found: dict[str, Person] = {}
    for i, cc in enumerate(stage.get("cc") or []):
        req = requirement({**cc, "key": f"{stage['key']}_cc{i}", "name": stage["name"], "signers": "any"},
                          unit_path=ctx.unit_path, kinds_by_path=ctx.units.kinds_by_path,
                          paths_by_code=ctx.units.paths_by_code)
        for person in await ctx.people(req):
            if person.id not in already and person.id != ctx.plan.submitted_by:
                found.setdefault(person.id, person)
    if found:
        await add_copies(ctx, list(found.values()), source="stage", stage_key=stage["key"],
                         comment=f"环节“{stage['name']}”抄送")


async def add_copies(ctx: PlanContext, people: Sequence[Person], *, source: str, stage_key: str | None,
                     comment: str, grant: Grant | None = None) -> None:
    """Copy people on the plan: each may read it from now on and is told (planning.plan.copied)."""
    pr = ctx.principal
    for person in people:
        ctx.session.add(PlanCc(plan_id=ctx.plan.id, user_id=person.id, user_name=person.name, by=pr.sub,
                               by_name=pr.name, source=source, stage_key=stage_key, comment=comment))
    ctx.plan.updated_at = utcnow()
    names = "、".join(p.name for p in people)
    await _record(ctx, "cc", from_status=ctx.plan.status, comment=f"{comment}：{names}" if comment else names,
                  grant=grant, stage_key=stage_key, event="copied",
                  extra={"user_ids": [p.id for p in people], "user_names": [p.name for p in people],
                         "source": source, "stage_key": stage_key})


async def end_round(ctx: PlanContext, *, signatures: bool = True) -> None:
    """A submission's round ends (returned, withdrawn, vetoed): its open added steps are cancelled and (unless
    vetoed, which ends the revision) its signatures go, so a resubmission starts afresh and the same approver
    can sign again (the history keeps who did what)."""
    p = ctx.plan
    if signatures:
        await ctx.session.execute(delete(StageSignature).where(StageSignature.plan_id == p.id,
                                                               StageSignature.revision == p.revision))
    for step in (await ctx.session.execute(select(PlanAddedSigner).where(
            PlanAddedSigner.plan_id == p.id, PlanAddedSigner.revision == p.revision,
            PlanAddedSigner.status.in_(OPEN_STEP)))).scalars():
        step.status, step.done_at = "cancelled", utcnow()


async def submit(ctx: PlanContext, *, comment: str, holders: PeopleLookup | None = None) -> None:
    p = ctx.plan
    _require_status(p, "draft", "returned", action="submit")
    grant = authorize(ctx.principal, ctx.place, Right.plan)
    targets = (await ctx.session.execute(select(func.count()).where(PlanTarget.plan_id == p.id))).scalar_one()
    if not targets:
        raise Invalid("Add at least one quantified target before submitting.", field="targets",
                      zh="提交前请至少添加一项量化的业务目标。")
    if p.kind == "monthly":
        await _require_owners(ctx)
    before = p.status
    p.status, p.submitted_by = "submitted", ctx.principal.sub
    index = 0
    # A stage whose holder is the submitter (the operations department submitting its own
    # consolidation, say) is passed by the submission itself; the final stage never is.
    while passed_on_submission(ctx.flow.stages, index):
        if not ctx.stage(index).met_by(ctx.principal):
            break
        ctx.session.add(StageSignature(plan_id=p.id, revision=p.revision, stage_index=index, signer=ctx.principal.sub))
        index += 1
    await _enter_stage(ctx, index, holders)
    await _save_version(ctx)
    await _record(ctx, "submit", from_status=before, comment=comment, grant=grant, event="submitted",
                  stage_key=ctx.flow.stages[index]["key"])


async def _require_owners(ctx: PlanContext) -> None:
    """Monthly plans name the responsible person (责任人) of every task."""
    tasks = (await ctx.session.execute(select(PlanTask).where(PlanTask.plan_id == ctx.plan.id)
                                       .order_by(PlanTask.id))).scalars().all()
    for i, task in enumerate(tasks):
        if task.owner_id is None:
            raise Invalid(f"Task {i + 1} '{task.title}' has no responsible person; a monthly plan names one for "
                          "every task.",
                          zh=f"第 {i + 1} 项任务「{task.title}」没有责任人；月度计划的每项任务都须指定责任人。",
                          field=f"tasks.{i}.owner_id", task={"position": i + 1, "title": task.title})


async def approve(ctx: PlanContext, *, comment: str, holders: PeopleLookup | None = None) -> None:
    """Sign the stage the plan waits on (或签: one signature; 会签: each pending signer's), or the caller's
    added step (加签) on it. The stage is done once nobody is pending on it and no added step is open."""
    p = ctx.plan
    _require_status(p, "submitted", action="approve")
    if p.submitted_by == ctx.principal.sub:
        raise Forbidden("A submitter never approves their own plan.", zh="提交人不能批准自己提交的计划。")
    index = p.stage_index or 0
    req = ctx.stage(index)
    if ctx.steps is None:
        await load_controls(ctx)
    steps = ctx.steps or []
    mine = next((s for s in steps if s.status == "pending" and s.user_id == ctx.principal.sub), None)
    if mine is not None:
        await _sign_added(ctx, mine, req, comment=comment, holders=holders)
        return
    grant = _grant_for(req, ctx.principal)
    if turn(ctx) != "stage":
        _not_your_turn(ctx, req, steps)
    ctx.session.add(StageSignature(plan_id=p.id, revision=p.revision, stage_index=index, signer=ctx.principal.sub))
    p.pending_signers = [s for s in p.pending_signers or [] if s != ctx.principal.sub]
    due_now = [s for s in steps if s.added_by == ctx.principal.sub and s.status == "waiting"]
    for s in due_now:  # 后加签: the people the caller added after themselves sign next
        s.status = "pending"
    if p.pending_signers or any(s.status == "pending" for s in steps):
        p.updated_at = utcnow()  # bumps the version: countersignatures serialise too
        await _record(ctx, "countersign", from_status=p.status, comment=comment, grant=grant, stage_key=req.key,
                      event="countersigned")
        if due_now:
            await _emit(ctx, "signer_due", comment=comment, extra={"to_users": [s.user_id for s in due_now],
                                                                   "reason": "after"})
        return
    await _complete_stage(ctx, index, req, grant=grant, comment=comment, holders=holders)


def _not_your_turn(ctx: PlanContext, req: Requirement, steps: Sequence[PlanAddedSigner]) -> None:
    due = [s for s in steps if s.status == "pending"]
    if req.signers == "all":  # a 会签 signer waits only on those they added before themselves
        due = [s for s in due if s.position == "before" and s.added_by == ctx.principal.sub]
    if due:
        names = "、".join(s.user_name for s in due)
        raise Conflict(f"'{req.name}' waits on the signer(s) added to it first: {names}.",
                       waiting_on=[s.user_name for s in due], zh=f"环节“{req.name}”正等待加签人{names}先审批。")
    if req.signers == "any" and ctx.plan.pending_signers:
        raise Conflict(f"'{req.name}' now waits on a named signer (transferred or added); it is not yours to sign.",
                       zh=f"环节“{req.name}”已转办或加签给指定的人审批，不由您签署。")
    raise Conflict(f"You have already signed '{req.name}', or you are not among its signers.",
                   zh=f"您已签署过环节“{req.name}”，或您不在其签署人之列。")


async def _complete_stage(ctx: PlanContext, index: int, req: Requirement, *, grant: Grant, comment: str,
                          holders: PeopleLookup | None) -> None:
    """The stage is signed: on to the next one, or (the last) the plan is approved."""
    p = ctx.plan
    if index < ctx.last_stage:
        await _enter_stage(ctx, index + 1, holders)
        p.updated_at = utcnow()
        # the next stage's holders are told through this event; planning.plan.approved is the last stage's
        await _record(ctx, "approve", from_status=p.status, comment=comment, grant=grant, stage_key=req.key,
                      event="stage_advanced")
        return
    open_ = (await ctx.session.execute(select(func.count()).where(
        Suggestion.plan_id == p.id, Suggestion.revision == p.revision, Suggestion.status == "open"))).scalar_one()
    if open_:
        raise Conflict(f"{open_} suggestion(s) (建议) on this plan are still unanswered; the plan's owner must accept "
                       "or decline them before final approval.", open_suggestions=open_,
                       zh=f"此计划还有 {open_} 条建议未答复；计划负责人须先采纳或不采纳，才能最终批准。")
    before = p.status
    p.status, p.stage_index, p.pending_signers = "approved", None, []
    await _record(ctx, "approve", from_status=before, comment=comment, grant=grant, stage_key=req.key,
                  event="approved")


async def _sign_added(ctx: PlanContext, step: PlanAddedSigner, req: Requirement, *, comment: str,
                      holders: PeopleLookup | None) -> None:
    """An added signer acts: a binding step is signed (with the stage's right), an advisory one gives its
    opinion (with 建议权). Once nothing is pending on the stage it is done; a 前加签 done hands the stage back
    to its adder."""
    p, pr = ctx.plan, ctx.principal
    if step.advisory:
        grant = authorize(pr, ctx.place, Right.suggest)
        if not comment.strip():
            raise Invalid("Give your opinion: you were added to this stage for it.", field="comment",
                          zh="请填写意见：您被加签到此环节是为了提出意见。")
    else:
        grant = _grant_for(req, pr)
    step.status, step.opinion, step.done_at = ("opined" if step.advisory else "signed"), comment, utcnow()
    p.updated_at = utcnow()
    steps = [s for s in ctx.steps or [] if s.id != step.id]
    ctx.steps = steps
    action = "opinion" if step.advisory else "sign_added"
    if not p.pending_signers and not steps:
        await _record(ctx, action, from_status=p.status, comment=comment, grant=grant, stage_key=req.key)
        await _complete_stage(ctx, p.stage_index or 0, req, grant=grant, comment=comment, holders=holders)
        return
    back = step.position == "before" and not any(s.position == "before" for s in steps)
    await _record(ctx, action, from_status=p.status, comment=comment, grant=grant, stage_key=req.key,
                  event="signer_due" if back else None,
                  extra={"to_users": [step.added_by], "reason": "back"} if back else None)


async def return_plan(ctx: PlanContext, *, comment: str) -> None:
    p = ctx.plan
    _require_status(p, "submitted", action="return")
    if not comment.strip():
        raise Invalid("Say what must change when returning a plan.", field="comment",
                      zh="退回计划时请在意见中说明需要修改什么。")
    req = ctx.stage(p.stage_index or 0)
    grant = _grant_for(req, ctx.principal)
    if p.submitted_by == ctx.principal.sub:
        raise Forbidden("A submitter cannot review their own plan; withdraw it while nobody has acted on it.",
                        zh="提交人不能审核自己的计划；如需撤回，请在无人审批前使用撤回。")
    before = p.status
    await end_round(ctx)
    p.status, p.stage_index, p.pending_signers = "returned", None, []
    await _record(ctx, "return", from_status=before, comment=comment, grant=grant, stage_key=req.key, event="returned")


async def veto(ctx: PlanContext, *, reason: str) -> None:
    """否决. A veto of a plan never issued ends the plan. A veto of a revision (计划调整) ends the
    revision only: the version in force stays in force, as it was, and the vetoed revision is kept
    in the history with the reason."""
    p = ctx.plan
    _require_status(p, "draft", "submitted", "approved", "returned", action="veto")
    if not reason.strip():
        raise Invalid("A veto (否决) needs a reason.", zh="否决须说明理由。", field="reason")
    grant = authorize(ctx.principal, ctx.place, Right.veto)
    before = p.status
    await end_round(ctx, signatures=False)
    if p.in_force_revision is None:
        p.status, p.stage_index, p.pending_signers = "vetoed", None, []
        await _record(ctx, "veto", from_status=before, comment=reason, grant=grant, event="vetoed")
        return
    vetoed = p.revision
    p.status, p.stage_index, p.pending_signers = "vetoed", None, []
    await _save_version(ctx)
    in_force = await _version(ctx, p.in_force_revision)
    await restore(ctx.session, p, in_force.snapshot)
    p.status, p.revision = in_force.status, in_force.revision
    # The vetoed revision's action belongs to that revision; the event carries no targets, so
    # nothing downstream (kpi) takes it for a change of what is in force.
    await _record(ctx, "veto", from_status=before, comment=reason, grant=grant, event="revision_vetoed",
                  revision=vetoed, extra={"vetoed_revision": vetoed, "in_force_revision": p.in_force_revision})


async def _version(ctx: PlanContext, revision: int) -> PlanVersion:
    row = (await ctx.session.execute(select(PlanVersion).where(PlanVersion.plan_id == ctx.plan.id,
                                                               PlanVersion.revision == revision))).scalar_one_or_none()
    if row is None:  # revise() freezes the version in force before a revision starts
        raise Conflict(f"Revision {revision} of this plan was never frozen; it cannot be restored.",
                       zh=f"本计划第 {revision} 版没有留存快照，无法恢复。")
    return row


async def issue(ctx: PlanContext, *, action: str, comment: str) -> None:
    p = ctx.plan
    _require_status(p, "approved", action=action)
    if action != ctx.flow.final_action:
        raise Conflict(f"{p.kind.capitalize()} plans are finished with '{ctx.flow.final_action}', not '{action}'.",
                       zh=f"{KIND_ZH.get(p.kind, p.kind)}计划的最后一步是"
                          f"{ACTION_ZH.get(ctx.flow.final_action, ctx.flow.final_action)}，"
                          f"不是{ACTION_ZH.get(action, action)}。")
    grant = _grant_for(ctx.stage(ctx.last_stage), ctx.principal)
    before = p.status
    p.status = "issued" if action == "issue" else "published"
    p.issued_at = utcnow()
    p.in_force_revision = p.revision
    await _save_version(ctx)
    await _record(ctx, action, from_status=before, comment=comment, grant=grant,
                  event="issued" if p.revision == 1 else "revised", extra=await _in_force(ctx))


async def _in_force(ctx: PlanContext) -> dict[str, Any]:
    """What comes into force with a version: the targets kpi turns into its targets, and the resource lines
    (budgets in kpi, planned headcount in org)."""
    targets = (await ctx.session.execute(select(PlanTarget).where(PlanTarget.plan_id == ctx.plan.id)
                                         .order_by(PlanTarget.id))).scalars().all()
    resources = (await ctx.session.execute(select(PlanResource).where(PlanResource.plan_id == ctx.plan.id)
                                           .order_by(PlanResource.id))).scalars().all()
    return {"version": ctx.plan.revision,
            "targets": [{"indicator_code": t.indicator_code, "value": t.value, "unit": t.unit,
                         "aggregation": t.aggregation} for t in targets],
            "resources": [{"id": r.id, "kind": r.kind, "description": r.description, "quantity": r.quantity,
                           "unit": r.unit, "amount": r.amount, "amount_unit": r.amount_unit,
                           "budget_item": r.budget_item} for r in resources]}


async def balance(ctx: PlanContext, *, target: PlanTarget, value: float, reason: str, grant: Grant) -> None:
    """综合平衡 applied to this plan's target. A plan in force gets a new version, issued as the old one
    was (kpi hears of the new target); a plan still in drafting or review has its working content
    changed. Either way the history says who, why, and the value before and after."""
    p = ctx.plan
    if p.status in ("vetoed", "closed"):
        raise Conflict(f"A {p.status} plan's targets are no longer balanced.",
                       zh="该计划已否决或关闭，不能再调整其目标。", status_now=p.status)
    before, comment = target.value, f"{target.indicator_code}: {target.value:g} → {value:g}. {reason}"
    in_force = p.status in ("issued", "published")
    if in_force:
        highest = (await ctx.session.execute(select(func.max(PlanVersion.revision))
                                             .where(PlanVersion.plan_id == p.id))).scalar_one() or 0
        p.revision = max(highest, p.revision) + 1
        p.in_force_revision = p.revision
    target.value = value
    p.updated_at = utcnow()
    await ctx.session.flush()
    if in_force:
        await _save_version(ctx)
    else:
        row = (await ctx.session.execute(select(PlanVersion).where(PlanVersion.plan_id == p.id,
                                                                   PlanVersion.revision == p.revision))
               ).scalar_one_or_none()
        if row is not None:  # a submitted revision's frozen copy follows its content
            row.snapshot = await snapshot(ctx.session, p)
    await _record(ctx, "balance", from_status=p.status, comment=comment, grant=grant,
                  event="revised" if in_force else None,
                  extra={**(await _in_force(ctx)), "balanced": {"indicator_code": target.indicator_code,
                                                                        "before": before, "after": value}})


async def revise(ctx: PlanContext, *, comment: str) -> None:
    """计划调整: start a new revision of an issued plan; it runs the same flow again while the
    issued version stays in force."""
    p = ctx.plan
    _require_status(p, "issued", "published", action="revise")
    if not comment.strip():
        raise Invalid("Say why the plan is being adjusted (market or policy change, say).",
                      zh="请在意见中说明调整原因（如市场或政策变化）。", field="comment")
    grant = authorize(ctx.principal, ctx.place, Right.plan)
    before = p.status
    p.in_force_revision = p.revision
    await _save_version(ctx)  # the version in force, frozen (plans issued before versions were kept have none)
    # after a vetoed revision the numbers go on: revision numbers are never reused
    highest = (await ctx.session.execute(select(func.max(PlanVersion.revision))
                                         .where(PlanVersion.plan_id == p.id))).scalar_one() or 0
    p.revision = max(highest, p.revision) + 1
    p.status, p.stage_index, p.pending_signers, p.submitted_by = "draft", None, [], None
    await _record(ctx, "revise", from_status=before, comment=comment, grant=grant)


async def suggest(ctx: PlanContext, *, text: str) -> Suggestion:
    if ctx.plan.status in ("vetoed", "closed"):
        raise Conflict(f"A {ctx.plan.status} plan takes no more suggestions.",
                       zh=f"{STATUS_ZH.get(ctx.plan.status, ctx.plan.status)}的计划不再接受建议。")
    if not text.strip():
        raise Invalid("Write the suggestion.", field="comment", zh="请填写建议内容。")
    grant = authorize(ctx.principal, ctx.place, Right.suggest)
    s = Suggestion(plan_id=ctx.plan.id, revision=ctx.plan.revision, author=ctx.principal.sub,
                   author_name=ctx.principal.name, text=text)
    ctx.session.add(s)
    await ctx.session.flush()
    await _record(ctx, "suggest", from_status=ctx.plan.status, comment=text, grant=grant)
    return s


async def answer(ctx: PlanContext, suggestion: Suggestion, *, accepted: bool, reason: str) -> None:
    if suggestion.status != "open":
        raise Conflict(f"This suggestion was already {suggestion.status}.",
                       zh=f"这条建议已答复过（{SUGGESTION_STATUS_ZH.get(suggestion.status, suggestion.status)}）。")
    grant = authorize(ctx.principal, ctx.place, Right.plan)
    suggestion.status = "accepted" if accepted else "declined"
    suggestion.response, suggestion.responded_by, suggestion.responded_at = reason, ctx.principal.sub, utcnow()
    await _record(ctx, "answer_suggestion", from_status=ctx.plan.status,
                  comment=f"{suggestion.status}: {reason}", grant=grant)


async def guide(ctx: PlanContext, *, text: str) -> GuidanceNote:
    if not text.strip():
        raise Invalid("Write the guidance.", field="comment", zh="请填写指导意见。")
    grant = authorize(ctx.principal, ctx.place, Right.guide)
    note = GuidanceNote(plan_id=ctx.plan.id, author=ctx.principal.sub, author_name=ctx.principal.name, text=text)
    ctx.session.add(note)
    await ctx.session.flush()
    await _record(ctx, "guide", from_status=ctx.plan.status, comment=text, grant=grant)
    return note


def allowed_actions(ctx: PlanContext) -> list[str]:
    """What the caller could do now (the SPA shows only these buttons). Load the controls first
    (:func:`load_controls`): who signs now depends on transfers and added signers."""
    p, pr, path = ctx.plan, ctx.principal, ctx.unit_path
    out: list[str] = []
    if p.status in ("draft", "returned") and pr.can("plan", path):
        out += ["edit", "submit"]
    now = turn(ctx)
    if now in ("stage", "binding"):
        out += ["approve", "return"]
    elif now == "advisory":
        out.append("approve")  # an opinion: advisory signers never return or veto
    if p.status == "submitted" and p.submitted_by == pr.sub and not ctx.acted and pr.can("plan", path):
        out.append("withdraw")
    if now == "stage":
        out += ["transfer", "add_signer"]
    if p.status == "approved" and ctx.stage(ctx.last_stage).met_by(pr):
        out.append(ctx.flow.final_action)
    if p.status in ("draft", "submitted", "approved", "returned") and pr.can("veto", path):
        out.append("veto")
    if p.status in ("issued", "published") and pr.can("plan", path):
        out.append("revise")
    if p.status not in ("vetoed", "closed") and pr.can("suggest", path):
        out.append("suggest")
    if pr.can("guide", path):
        out.append("guide")
    if p.submitted_by == pr.sub and p.status not in ("draft", "vetoed") and pr.can("plan", path):
        out.append("cc")
    return out


def stage_views(ctx: PlanContext, signatures: Sequence[StageSignature], *,
                steps: Sequence[PlanAddedSigner] = (), transfers: Sequence[Any] = (),
                names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Each stage with its state and signatures; the current one with who it waits on (names where Yunguan
    knows them), the signers added to it and its transfers (this revision's)."""
    p = ctx.plan
    names = names or {}
    views = []
    for i, stage in enumerate(ctx.flow.stages):
        req = ctx.stage(i)
        signed = [s.signer for s in signatures if s.stage_index == i and s.revision == p.revision]
        if p.status in ("approved", "issued", "published") or (p.stage_index is not None and i < p.stage_index):
            state = "done"
        elif p.status == "submitted" and p.stage_index == i:
            state = "current"
        else:
            state = "waiting"
        pending = list(p.pending_signers or []) if state == "current" else []
        views.append({"index": i, "key": stage["key"], "name": stage["name"], "requirement": req.describe(),
                      "signers": req.signers, "state": state, "signed_by": signed, "pending_signers": pending,
                      "signed_by_names": [names.get(s, "") for s in signed],
                      "pending_names": [names.get(s, "") for s in pending],
                      "cc": [dict(c) for c in stage.get("cc") or []],
                      "added_signers": [s for s in steps if s.stage_index == i and s.revision == p.revision],
                      "transfers": [t for t in transfers if t.stage_index == i and t.revision == p.revision]})
    return views
