"""Plans: drafting one (checks, the row, its content, its history), listing and reading them, editing
a draft, looking back over revisions, the decomposition into child plans, and the Excel export."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import Page, etag, paginate
from services.common.authz import Principal, Right
from services.common.db import utcnow
from services.common.guards import Allowed, Place, authorize
from services.common.periods import period
from services.common.problems import Conflict, Invalid
from services.common.runtime import Runtime
from services.planning.approvals import workflow
from services.planning.approvals.schemas import CcRead
from services.planning.consolidation.arithmetic import ChildTargets, compare, outermost
from services.planning.consolidation.service import adjustment_reads
from services.planning.export import Spreadsheet, plan_workbook
from services.planning.journal import journal
from services.planning.models import (
    BalancingAdjustment,
    OrgUnit,
    Plan,
    PlanAction,
    PlanAddedSigner,
    PlanCc,
    PlanTransfer,
    PlanVersion,
    StageSignature,
    Suggestion,
)
from services.planning.plans import content
from services.planning.plans.periods import kind_of
from services.planning.plans.reach import check_reach
from services.planning.plans.schemas import (
    ActionRead,
    DecompositionRead,
    HistoryRead,
    InForceRead,
    PlanCreate,
    PlanRead,
    PlanSummary,
    PlanUpdate,
    RejectedRevision,
    TaskRead,
    VersionRead,
    in_yuan,
)
from services.planning.plans.visibility import visible_clause
from services.planning.units import Units, load_units
from services.planning.vocabulary import STATUS_ZH

EDITABLE_STATUSES = ("draft", "returned")


def plan_etag(plan: Plan | PlanRead) -> str:
    return etag("plan", plan.id, plan.version)


# --- reading a plan ---------------------------------------------------------------------------


async def inherited_guidance(session: AsyncSession, plan: Plan) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    current = plan.parent_plan_id
    while current and current not in seen:
        seen.add(current)
        parent = await session.get(Plan, current)
        if parent is None:
            break
        if parent.guidance:
            out.append({"plan_id": parent.id, "title": parent.title, "period": parent.period,
                        "guidance": parent.guidance})
        current = parent.parent_plan_id
    return out


async def vetoed_revisions(session: AsyncSession, plan: Plan) -> list[PlanAction]:
    """The vetoes that ended a revision (not the plan): the revision differs from the one in force."""
    if plan.in_force_revision is None:
        return []
    rows = (await session.execute(select(PlanAction).where(PlanAction.plan_id == plan.id,
                                                           PlanAction.action == "veto")
                                  .order_by(PlanAction.id))).scalars().all()
    return [a for a in rows if a.revision != plan.in_force_revision]


async def read_plan(ctx: workflow.PlanContext) -> PlanRead:
    """The plan with its content, stages, what the caller may do, the version in force and its adjustments."""
    session, plan = ctx.session, ctx.plan
    await session.refresh(plan)
    targets, tasks, resources = await content.content(session, plan.id)
    today = clock.today()
    task_reads = []
    for t in tasks:
        late, late_ms = content.overdue(t, today)
        task_reads.append(TaskRead.model_validate(t).model_copy(update={
            "overdue": late, "overdue_milestones": late_ms, "plan_title": plan.title, "plan_unit_id": plan.unit_id}))
    signatures = (await session.execute(select(StageSignature)
                                        .where(StageSignature.plan_id == plan.id))).scalars().all()
    open_s = (await session.execute(select(Suggestion).where(Suggestion.plan_id == plan.id,
                                                             Suggestion.status == "open"))).scalars().all()
    versions = {v.revision: v for v in (await session.execute(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id))).scalars()}
    in_force = None
    if plan.in_force_revision is not None and plan.in_force_revision != plan.revision \
            and plan.in_force_revision in versions:
        v = versions[plan.in_force_revision]
        in_force = InForceRead(revision=v.revision, status=v.status, snapshot=v.snapshot, issued_at=plan.issued_at)
    steps = (await session.execute(select(PlanAddedSigner).where(
        PlanAddedSigner.plan_id == plan.id, PlanAddedSigner.revision == plan.revision,
        PlanAddedSigner.status != "cancelled").order_by(PlanAddedSigner.id))).scalars().all()
    transfers = (await session.execute(select(PlanTransfer).where(PlanTransfer.plan_id == plan.id,
                                                                  PlanTransfer.revision == plan.revision)
                                       .order_by(PlanTransfer.id))).scalars().all()
    copied = (await session.execute(select(PlanCc).where(PlanCc.plan_id == plan.id).order_by(PlanCc.id))
              ).scalars().all()
    names = await _names(session, plan, steps, transfers)
    await workflow.load_controls(ctx)
    rejected = [RejectedRevision(revision=a.revision, reason=a.comment, actor_name=a.actor_name, at=a.at,
                                 snapshot=versions[a.revision].snapshot if a.revision in versions else {})
                for a in await vetoed_revisions(session, plan)]
    return PlanRead(
        **PlanSummary.model_validate(plan).model_dump(), guidance=plan.guidance, risk_notes=plan.risk_notes,
        linked_risks=list(plan.linked_risks or []),
        inherited_guidance=await inherited_guidance(session, plan),
        targets=targets, tasks=task_reads, resources=resources,
        budget_total=sum(in_yuan(r.amount, r.amount_unit) or 0 for r in resources if r.kind == "budget"),
        stages=workflow.stage_views(ctx, signatures, steps=steps, transfers=transfers, names=names),
        open_suggestions=len(open_s), cc=[CcRead.model_validate(c) for c in copied],
        allowed_actions=workflow.allowed_actions(ctx), in_force=in_force, rejected_revisions=rejected,
        adjustments=await adjustment_reads(session, BalancingAdjustment.plan_id == plan.id))


async def _names(session: AsyncSession, plan: Plan, steps: Sequence[PlanAddedSigner],
                 transfers: Sequence[PlanTransfer]) -> dict[str, str]:
    """The names Yunguan knows for the people on a plan's stages: a 会签 stage's signers, whoever acted on the
    plan, transferees and added signers."""
    names = dict(plan.signer_names or {})  # whom a 会签 stage waits on, as org named them when it was entered
    names |= dict((await session.execute(select(PlanAction.actor, PlanAction.actor_name)
                                         .where(PlanAction.plan_id == plan.id))).all())
    names |= {t.to_user: t.to_name for t in transfers} | {s.user_id: s.user_name for s in steps}
    return {k: v for k, v in names.items() if v}


async def get_plan(session: AsyncSession, plan: Allowed[Plan]) -> PlanRead:
    return await read_plan(await workflow.plan_context(session, plan.principal, plan.item))


async def list_plans(session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None,
                     unit_id: int | None, period: str | None, status: str | None, kind: str | None,
                     subtree: bool) -> Page[PlanSummary]:
    stmt = select(Plan).join(OrgUnit, OrgUnit.id == Plan.unit_id).where(visible_clause(principal))
    if unit_id is not None:
        if subtree:
            root = await session.get(OrgUnit, unit_id)
            stmt = stmt.where(OrgUnit.path.startswith(root.path)) if root else stmt.where(Plan.unit_id == -1)
        else:
            stmt = stmt.where(Plan.unit_id == unit_id)
    for col, val in ((Plan.period, period), (Plan.status, status), (Plan.kind, kind)):
        if val is not None:
            stmt = stmt.where(col == val)
    rows, nxt = await paginate(session, stmt, Plan.id, limit=limit, cursor=cursor)
    return Page[PlanSummary](items=[PlanSummary.model_validate(p) for p in rows], next_cursor=nxt)


# --- drafting and editing ---------------------------------------------------------------------


def second_live_plan(existing: Plan, unit_name: str) -> Conflict:
    return Conflict(f"{unit_name} already has a plan for {existing.period}: '{existing.title}' (id {existing.id}). "
                    "Revise that plan, or veto it before drafting another.",
                    zh=f"{unit_name}已有{existing.period}的计划「{existing.title}」（编号 {existing.id}）。"
                       "请调整该计划，或先否决它再另行编制。",
                    existing_plan={"id": existing.id, "title": existing.title, "status": existing.status})


async def check_parent(session: AsyncSession, units: Units, *, parent_id: int, period_text: str,
                       unit_path: str) -> Plan:
    parent = await session.get(Plan, parent_id)
    if parent is None:
        raise Invalid(f"There is no parent plan with id {parent_id}.", field="parent_plan_id",
                      zh=f"没有编号为 {parent_id} 的上级计划。")
    if parent.status == "vetoed":
        raise Invalid("The parent plan was vetoed; choose another.", field="parent_plan_id",
                      zh="上级计划已被否决；请另选一个。")
    parent_path = units.path(parent.unit_id)
    if not unit_path.startswith(parent_path):
        raise Invalid("The parent plan must be for this unit or a unit above it.", field="parent_plan_id",
                      zh="上级计划须属于本单位或其上级单位。")
    pp, cp = period(parent.period), period(period_text)
    if (pp == cp and parent_path == unit_path) or not pp.contains(cp):
        raise Invalid(f"A child plan's period must lie within its parent's ({parent.period}), and a plan for the "
                      "same period must be for a unit below.", field="parent_plan_id",
                      zh=f"下级计划的期间须在上级计划的期间（{parent.period}）之内；同一期间的计划须属于下级单位。")
    return parent


def require_editable(plan: Plan) -> None:
    if plan.status not in EDITABLE_STATUSES:
        raise Conflict(f"A {plan.status} plan cannot be edited; only drafts and returned plans can "
                       "(revise an issued plan to change it).", status_now=plan.status,
                       zh=f"{STATUS_ZH.get(plan.status, plan.status)}的计划不能编辑；"
                          "只有草稿和已退回的计划可以编辑（已下达的计划请通过调整修改）。")


async def create_plan(session: AsyncSession, rt: Runtime, principal: Principal, body: PlanCreate, *,
                      authorization: str) -> PlanRead:
    """Draft a plan for a unit and period: the plan right over the unit, a parent covering it, people,
    units and risks within the caller's reach, and no other live plan for the unit and period."""
    units = await load_units(session)
    path = units.path(body.unit_id)
    unit_name = units.by_id[body.unit_id].name
    grant = authorize(principal, Place(path, what=unit_name), Right.plan)
    kind = kind_of(body.period)
    if body.parent_plan_id is not None:
        await check_parent(session, units, parent_id=body.parent_plan_id, period_text=body.period, unit_path=path)
    flow = await workflow.configured_flow(session, kind)
    await check_reach(rt, authorization=authorization, principal=principal, units=units, plan_unit_id=body.unit_id,
                      tasks=body.tasks, linked_risks=body.linked_risks)
    existing = await content.live_plan(session, body.unit_id, body.period)
    if existing is not None:
        raise second_live_plan(existing, unit_name)
    plan = Plan(unit_id=body.unit_id, period=body.period, kind=kind, title=body.title,
                parent_plan_id=body.parent_plan_id, guidance=body.guidance, risk_notes=body.risk_notes,
                linked_risks=body.linked_risks, status="draft", created_by=principal.sub, pending_signers=[])
    session.add(plan)
    try:
        await session.flush()
    except IntegrityError:
        # Someone drafted the same unit's plan for the period at the same moment (the unique index).
        await session.rollback()
        existing = await content.live_plan(session, body.unit_id, body.period)
        if existing is None:
            raise
        raise second_live_plan(existing, unit_name) from None
    await content.replace_content(session, plan, targets=body.targets, tasks=body.tasks, resources=body.resources)
    session.add(PlanAction(plan_id=plan.id, revision=1, action="create", actor=principal.sub,
                           actor_name=principal.name, from_status="draft", to_status="draft",
                           grant=grant.to_claim()))
    await journal.audit(session, actor=principal, action="plan.created", subject_type="plan", subject_id=plan.id,
                        unit_path=path, grant=grant, after={"title": plan.title, "period": plan.period})
    ctx = workflow.PlanContext(session=session, principal=principal, plan=plan, units=units, flow=flow)
    return await read_plan(ctx)


async def update_plan(session: AsyncSession, rt: Runtime, plan: Allowed[Plan], body: PlanUpdate, *,
                      authorization: str) -> PlanRead:
    """Edit a draft or returned plan (what the body names; lists replace the plan's lists)."""
    ctx = await workflow.plan_context(session, plan.principal, plan.item)
    item = plan.item
    require_editable(item)
    _, known_tasks, _ = await content.content(session, item.id)
    await check_reach(rt, authorization=authorization, principal=plan.principal, units=ctx.units,
                      plan_unit_id=item.unit_id, tasks=body.tasks, linked_risks=body.linked_risks,
                      known_tasks=[(t.unit_id or item.unit_id, t.owner_id) for t in known_tasks]
                      + [(t.unit_id, None) for t in known_tasks if t.unit_id is not None],
                      known_risks=item.linked_risks or [])
    before = await content.snapshot(session, item)
    changes = body.model_dump(exclude_unset=True, exclude_none=True, exclude={"targets", "tasks", "resources"})
    for k, v in changes.items():
        setattr(item, k, v)
    await content.replace_content(session, item, targets=body.targets, tasks=body.tasks, resources=body.resources)
    item.updated_at = utcnow()
    after = await content.snapshot(session, item)
    await journal.audit(session, actor=plan.principal, action="plan.edited", subject_type="plan",
                        subject_id=item.id, unit_path=ctx.unit_path, grant=plan.grant,
                        before={"changes": content.diff(before, after)})
    return await read_plan(ctx)


# --- looking back, looking down, printing -----------------------------------------------------


async def history(session: AsyncSession, plan: Allowed[Plan], *, from_revision: int | None,
                  to_revision: int | None) -> HistoryRead:
    """Actions and versions, with the diff between two revisions (by default the last two, or the
    one before against the plan as it is now)."""
    item = plan.item
    actions = (await session.execute(select(PlanAction).where(PlanAction.plan_id == item.id)
                                     .order_by(PlanAction.id))).scalars().all()
    versions = (await session.execute(select(PlanVersion).where(PlanVersion.plan_id == item.id)
                                      .order_by(PlanVersion.revision))).scalars().all()
    by_rev = {v.revision: v.snapshot for v in versions}
    current = await content.snapshot(session, item)
    a = by_rev.get(from_revision) if from_revision else (versions[-2].snapshot if len(versions) > 1 else
                                                         (versions[-1].snapshot if versions else None))
    b = by_rev.get(to_revision) if to_revision else current
    if (from_revision and from_revision not in by_rev) or (to_revision and to_revision not in by_rev):
        raise Invalid("There is no such revision of this plan.", field="from" if from_revision not in by_rev else "to",
                      zh="此计划没有这个版本。")
    reasons = {x.revision: x.comment for x in actions if x.action == "veto"}
    return HistoryRead(actions=[ActionRead.model_validate(x) for x in actions],
                       versions=[VersionRead.model_validate(v).model_copy(update={
                           "reason": reasons.get(v.revision) if v.status == "vetoed" else None}) for v in versions],
                       diff=content.diff(a, b) if a is not None and b is not None else [])


async def decomposition(session: AsyncSession, plan: Allowed[Plan]) -> DecompositionRead:
    """The child plans' targets against this plan's: by period (the unit's own finer plans) and by unit."""
    item = plan.item
    units = await load_units(session)
    targets, _, _ = await content.content(session, item.id)
    reference = {t.indicator_code: (t.value, t.aggregation) for t in targets}
    children = (await session.execute(select(Plan).where(Plan.parent_plan_id == item.id,
                                                         Plan.status != "vetoed").order_by(Plan.id))).scalars().all()
    keep = outermost({ch.id: (ch.unit_id, period(ch.period)) for ch in children})
    by_period: list[ChildTargets] = []
    by_unit: list[ChildTargets] = []
    for ch in children:
        if ch.id not in keep:
            continue
        ch_targets, _, _ = await content.content(session, ch.id)
        entry = ChildTargets(label=f"{units.by_id[ch.unit_id].name if ch.unit_id in units.by_id else ch.unit_id}"
                                   f" {ch.period}", plan_id=ch.id,
                             values={t.indicator_code: t.value for t in ch_targets})
        (by_period if ch.unit_id == item.unit_id else by_unit).append(entry)
    return DecompositionRead.model_validate({
        "plan_id": item.id,
        "by_period": [line.__dict__ for line in compare(reference, by_period)] if by_period else [],
        "by_unit": [line.__dict__ for line in compare(reference, by_unit)] if by_unit else []})


async def export_plan(session: AsyncSession, plan: Allowed[Plan]) -> Spreadsheet:
    """The plan as an Excel workbook, in the layout an operations department prints."""
    ctx = await workflow.plan_context(session, plan.principal, plan.item)
    data = (await read_plan(ctx)).model_dump(mode="json")
    return Spreadsheet(plan_workbook(data, ctx.units.by_id[plan.item.unit_id].name), f"{plan.item.title}.xlsx")

