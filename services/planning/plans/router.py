"""Plans: create, read, edit, act on, and look back at."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.db import Session, utcnow
from services.common.i18n import zh_list
from services.common.periods import period as parse_period
from services.common.problems import Invalid, NotFound
from services.common.security import CurrentPrincipal
from services.planning import plans as P
from services.planning import workflow as W
from services.planning.api.consolidation import adjustment_reads
from services.planning.api.deps import PlanCtx, holders_lookup
from services.planning.decomposition import ChildTargets, compare, outermost
from services.planning.flows import ACTION_ZH
from services.planning.models import (
    BalancingAdjustment,
    GuidanceNote,
    OrgUnit,
    Plan,
    PlanAction,
    PlanVersion,
    StageSignature,
    Suggestion,
)
from services.planning.reach import check_reach
from services.planning.schemas import (
    ActionBody,
    ActionRead,
    DecompositionRead,
    GuidanceRead,
    HistoryRead,
    InForceRead,
    PlanCreate,
    PlanRead,
    PlanSummary,
    PlanUpdate,
    RejectedRevision,
    SuggestionAnswer,
    SuggestionRead,
    TaskRead,
    VersionRead,
    in_yuan,
)

router = APIRouter(tags=["plans"])

ACTIONS = ("submit", "approve", "return", "veto", "issue", "publish", "revise", "suggest", "guide")


def plan_etag(plan: Plan) -> str:
    return etag("plan", plan.id, plan.version)


async def inherited_guidance(session, plan: Plan) -> list[dict]:
    out, seen, current = [], set(), plan.parent_plan_id
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


async def read_plan(ctx: W.Ctx, response: Response | None = None) -> PlanRead:
    session, plan = ctx.session, ctx.plan
    await session.refresh(plan)
    targets, tasks, resources = await P.content(session, plan.id)
    today = date.today()
    task_reads = []
    for t in tasks:
        late, late_ms = P.overdue(t, today)
        task_reads.append(TaskRead.model_validate(t).model_copy(update={
            "overdue": late, "overdue_milestones": late_ms, "plan_title": plan.title, "plan_unit_id": plan.unit_id}))
    signatures = (await session.execute(select(StageSignature).where(StageSignature.plan_id == plan.id))).scalars().all()
    open_s = (await session.execute(select(Suggestion).where(Suggestion.plan_id == plan.id,
                                                             Suggestion.status == "open"))).scalars().all()
    if response is not None:
        set_etag(response, plan_etag(plan))
    versions = {v.revision: v for v in (await session.execute(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id))).scalars()}
    in_force = None
    if plan.in_force_revision is not None and plan.in_force_revision != plan.revision \
            and plan.in_force_revision in versions:
        v = versions[plan.in_force_revision]
        in_force = InForceRead(revision=v.revision, status=v.status, snapshot=v.snapshot, issued_at=plan.issued_at)
    rejected = [RejectedRevision(revision=a.revision, reason=a.comment, actor_name=a.actor_name, at=a.at,
                                 snapshot=versions[a.revision].snapshot if a.revision in versions else {})
                for a in await vetoed_revisions(session, plan)]
    return PlanRead(
        **PlanSummary.model_validate(plan).model_dump(), guidance=plan.guidance, risk_notes=plan.risk_notes,
        linked_risks=list(plan.linked_risks or []),
        inherited_guidance=await inherited_guidance(session, plan),
        targets=targets, tasks=task_reads, resources=resources,
        budget_total=sum(in_yuan(r.amount, r.amount_unit) or 0 for r in resources if r.kind == "budget"),
        stages=W.stage_views(ctx, signatures), open_suggestions=len(open_s), allowed_actions=W.allowed_actions(ctx),
        in_force=in_force, rejected_revisions=rejected,
        adjustments=await adjustment_reads(session, BalancingAdjustment.plan_id == plan.id))


async def vetoed_revisions(session, plan: Plan) -> list[PlanAction]:
    """The vetoes that ended a revision (not the plan): the revision differs from the one in force."""
    if plan.in_force_revision is None:
        return []
    rows = (await session.execute(select(PlanAction).where(PlanAction.plan_id == plan.id,
                                                           PlanAction.action == "veto")
                                  .order_by(PlanAction.id))).scalars().all()
    return [a for a in rows if a.revision != plan.in_force_revision]


@router.post("/plans", response_model=PlanRead, status_code=201, summary="Draft a plan for a unit and period")
async def create_plan(body: PlanCreate, session: Session, principal: CurrentPrincipal, request: Request,
                      response: Response):
    units = await P.load_units(session)
    path = units.path(body.unit_id)
    grant = principal.require("plan", path, what=f"{units.by_id[body.unit_id].name}")
    kind = P.kind_of(body.period)
    if body.parent_plan_id is not None:
        await P.check_parent(session, units, parent_id=body.parent_plan_id, period_text=body.period, unit_path=path)
    flow = await W.load_flow(session, kind)
    await check_reach(request=request, principal=principal, units=units, plan_unit_id=body.unit_id,
                      tasks=body.tasks, linked_risks=body.linked_risks)
    unit_name = units.by_id[body.unit_id].name
    existing = await P.live_plan(session, body.unit_id, body.period)
    if existing is not None:
        raise P.second_live_plan(existing, unit_name)
    plan = Plan(unit_id=body.unit_id, period=body.period, kind=kind, title=body.title,
                parent_plan_id=body.parent_plan_id, guidance=body.guidance, risk_notes=body.risk_notes,
                linked_risks=body.linked_risks, status="draft", created_by=principal.sub, pending_signers=[])
    session.add(plan)
    try:
        await session.flush()
    except IntegrityError:
        # Someone drafted the same unit's plan for the period at the same moment (the unique index).
        await session.rollback()
        existing = await P.live_plan(session, body.unit_id, body.period)
        if existing is None:
            raise
        raise P.second_live_plan(existing, unit_name) from None
    await P.replace_content(session, plan, targets=body.targets, tasks=body.tasks, resources=body.resources)
    ctx = W.Ctx(session=session, principal=principal, plan=plan, units=units, flow=flow, request=request)
    session.add(PlanAction(plan_id=plan.id, revision=1, action="create", actor=principal.sub,
                           actor_name=principal.name, from_status="draft", to_status="draft",
                           grant=grant.to_claim()))
    await W.journal.audit(session, actor=principal, action="plan.created", subject_type="plan", subject_id=plan.id,
                          unit_path=path, grant=grant, after={"title": plan.title, "period": plan.period},
                          request=request)
    return await read_plan(ctx, response)


@router.get("/plans", response_model=Page[PlanSummary], summary="Plans the caller may see")
async def list_plans(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                     period: str | None = Query(None), status: str | None = Query(None),
                     kind: str | None = Query(None), subtree: bool = Query(False,
                                                                           description="Include units below unit_id")):
    stmt = select(Plan).join(OrgUnit, OrgUnit.id == Plan.unit_id).where(P.visible_clause(principal))
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


@router.get("/plans/awaiting-me", response_model=list[PlanRead],
            summary="Plans waiting for the caller's action (approve, return, issue, publish, answer)")
async def awaiting_me(session: Session, principal: CurrentPrincipal, request: Request,
                      limit: int = Query(50, ge=1, le=200)):
    stmt = (select(Plan).join(OrgUnit, OrgUnit.id == Plan.unit_id)
            .where(P.visible_clause(principal), Plan.status.in_(("submitted", "approved", "returned")))
            .order_by(Plan.updated_at.desc()).limit(500))
    plans = (await session.execute(stmt)).scalars().all()
    units = await P.load_units(session)
    flows = {}
    out = []
    wanted = {"approve", "issue", "publish", "submit"}
    for plan in plans:
        if plan.kind not in flows:
            flows[plan.kind] = await W.load_flow(session, plan.kind)
        ctx = W.Ctx(session=session, principal=principal, plan=plan, units=units, flow=flows[plan.kind],
                    request=request)
        # a returned plan waits for its owners; a submitted or approved one for its reviewers
        if wanted & set(W.allowed_actions(ctx)):
            out.append(await read_plan(ctx))
            if len(out) >= limit:
                break
    return out


@router.get("/plans/{plan_id}", response_model=PlanRead)
async def get_plan(ctx: PlanCtx, response: Response):
    return await read_plan(ctx, response)


@router.patch("/plans/{plan_id}", response_model=PlanRead, summary="Edit a draft or returned plan")
async def update_plan(ctx: PlanCtx, body: PlanUpdate, request: Request, response: Response):
    check_if_match(request, plan_etag(ctx.plan))
    grant = ctx.principal.require("plan", ctx.unit_path, what="this plan's unit")
    P.require_editable(ctx.plan)
    _, known_tasks, _ = await P.content(ctx.session, ctx.plan.id)
    await check_reach(request=request, principal=ctx.principal, units=ctx.units, plan_unit_id=ctx.plan.unit_id,
                      tasks=body.tasks, linked_risks=body.linked_risks,
                      known_tasks=[(t.unit_id or ctx.plan.unit_id, t.owner_id) for t in known_tasks]
                      + [(t.unit_id, None) for t in known_tasks if t.unit_id is not None],
                      known_risks=ctx.plan.linked_risks or [])
    before = await P.snapshot(ctx.session, ctx.plan)
    changes = body.model_dump(exclude_unset=True, exclude_none=True, exclude={"targets", "tasks", "resources"})
    for k, v in changes.items():
        setattr(ctx.plan, k, v)
    await P.replace_content(ctx.session, ctx.plan, targets=body.targets, tasks=body.tasks, resources=body.resources)
    ctx.plan.updated_at = utcnow()
    after = await P.snapshot(ctx.session, ctx.plan)
    await W.journal.audit(ctx.session, actor=ctx.principal, action="plan.edited", subject_type="plan",
                          subject_id=ctx.plan.id, unit_path=ctx.unit_path, grant=grant,
                          before={"changes": P.diff(before, after)}, request=request)
    return await read_plan(ctx, response)


@router.post("/plans/{plan_id}/{action}", response_model=PlanRead,
             summary="Act on a plan: submit, approve, return, veto, issue, publish, revise, suggest, guide")
async def act(ctx: PlanCtx, action: str, body: ActionBody, request: Request, response: Response):
    if action not in ACTIONS:
        raise NotFound(f"Plans have no action '{action}'; actions are {', '.join(ACTIONS)}.",
                       zh=f"计划没有这项操作；可用的操作为：{zh_list(ACTION_ZH.get(a, a) for a in ACTIONS)}。")
    check_if_match(request, plan_etag(ctx.plan))
    comment = body.comment or ""
    if action == "submit":
        await W.submit(ctx, comment=comment, holders=holders_lookup(request))
    elif action == "approve":
        await W.approve(ctx, comment=comment, holders=holders_lookup(request))
    elif action == "return":
        await W.return_plan(ctx, comment=comment)
    elif action == "veto":
        await W.veto(ctx, reason=body.reason or comment)
    elif action in ("issue", "publish"):
        await W.issue(ctx, action=action, comment=comment)
    elif action == "revise":
        await W.revise(ctx, comment=comment)
    elif action == "suggest":
        await W.suggest(ctx, text=comment)
    elif action == "guide":
        await W.guide(ctx, text=comment)
    await ctx.session.flush()
    return await read_plan(ctx, response)


@router.get("/plans/{plan_id}/history", response_model=HistoryRead, summary="Actions and versions, with a diff")
async def history(ctx: PlanCtx, from_revision: int | None = Query(None, alias="from"),
                  to_revision: int | None = Query(None, alias="to")):
    s = ctx.session
    actions = (await s.execute(select(PlanAction).where(PlanAction.plan_id == ctx.plan.id)
                               .order_by(PlanAction.id))).scalars().all()
    versions = (await s.execute(select(PlanVersion).where(PlanVersion.plan_id == ctx.plan.id)
                                .order_by(PlanVersion.revision))).scalars().all()
    by_rev = {v.revision: v.snapshot for v in versions}
    current = await P.snapshot(s, ctx.plan)
    a = by_rev.get(from_revision) if from_revision else (versions[-2].snapshot if len(versions) > 1 else
                                                         (versions[-1].snapshot if versions else None))
    b = by_rev.get(to_revision) if to_revision else current
    if (from_revision and from_revision not in by_rev) or (to_revision and to_revision not in by_rev):
        raise Invalid("There is no such revision of this plan.", field="from" if from_revision not in by_rev else "to",
                      zh="此计划没有这个版本。")
    reasons = {a.revision: a.comment for a in actions if a.action == "veto"}
    return HistoryRead(actions=[ActionRead.model_validate(x) for x in actions],
                       versions=[VersionRead.model_validate(v).model_copy(update={
                           "reason": reasons.get(v.revision) if v.status == "vetoed" else None}) for v in versions],
                       diff=P.diff(a, b) if a is not None else [])


@router.get("/plans/{plan_id}/suggestions", response_model=list[SuggestionRead])
async def list_suggestions(ctx: PlanCtx):
    rows = (await ctx.session.execute(select(Suggestion).where(Suggestion.plan_id == ctx.plan.id)
                                      .order_by(Suggestion.id))).scalars().all()
    return rows


@router.post("/plans/{plan_id}/suggestions/{suggestion_id}/answer", response_model=SuggestionRead,
             summary="The plan's owner accepts or declines a suggestion, with a reason")
async def answer_suggestion(ctx: PlanCtx, suggestion_id: int, body: SuggestionAnswer):
    s = await ctx.session.get(Suggestion, suggestion_id)
    if s is None or s.plan_id != ctx.plan.id:
        raise NotFound(f"This plan has no suggestion {suggestion_id}.", zh=f"此计划没有编号为 {suggestion_id} 的建议。")
    await W.answer(ctx, s, accepted=body.accepted, reason=body.reason)
    ctx.plan.updated_at = utcnow()
    return s


@router.get("/plans/{plan_id}/guidance-notes", response_model=list[GuidanceRead])
async def list_guidance(ctx: PlanCtx):
    return (await ctx.session.execute(select(GuidanceNote).where(GuidanceNote.plan_id == ctx.plan.id)
                                      .order_by(GuidanceNote.id))).scalars().all()


@router.get("/plans/{plan_id}/decomposition", response_model=DecompositionRead, summary="Child plans' targets against this plan's (gaps shown)")
async def decomposition(ctx: PlanCtx):
    s = ctx.session
    targets, _, _ = await P.content(s, ctx.plan.id)
    reference = {t.indicator_code: (t.value, t.aggregation) for t in targets}
    children = (await s.execute(select(Plan).where(Plan.parent_plan_id == ctx.plan.id,
                                                   Plan.status != "vetoed").order_by(Plan.id))).scalars().all()
    keep = outermost({ch.id: (ch.unit_id, parse_period(ch.period)) for ch in children})
    by_period, by_unit = [], []
    for ch in children:
        if ch.id not in keep:
            continue
        ch_targets, _, _ = await P.content(s, ch.id)
        entry = ChildTargets(label=f"{ctx.units.by_id[ch.unit_id].name if ch.unit_id in ctx.units.by_id else ch.unit_id}"
                                   f" {ch.period}", plan_id=ch.id,
                             values={t.indicator_code: t.value for t in ch_targets})
        (by_period if ch.unit_id == ctx.plan.unit_id else by_unit).append(entry)
    return {"plan_id": ctx.plan.id,
            "by_period": [line.__dict__ for line in compare(reference, by_period)] if by_period else [],
            "by_unit": [line.__dict__ for line in compare(reference, by_unit)] if by_unit else []}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/plans/{plan_id}/export.xlsx", summary="The plan as an Excel workbook", response_class=Response)
async def export_plan(ctx: PlanCtx):
    from urllib.parse import quote

    from services.planning.export import plan_workbook

    plan = (await read_plan(ctx)).model_dump(mode="json")
    body = plan_workbook(plan, ctx.units.by_id[ctx.plan.unit_id].name)
    name = quote(f"{ctx.plan.title}.xlsx")
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})
