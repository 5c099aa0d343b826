"""Consolidation (汇总、综合平衡): the unit's plan top-down against its child units' plans bottom-up."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from services.common.db import Session, utcnow
from services.common.i18n import zh_of
from services.common.periods import PeriodError
from services.common.periods import period as parse_period
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.common.security import CurrentPrincipal
from services.planning import plans as P
from services.planning import workflow as W
from services.planning.decomposition import ChildTargets, compare
from services.planning.models import BalancingAdjustment, Plan
from services.planning.schemas import AdjustmentIn, AdjustmentRead, ConsolidationRead
from services.planning.workflow import journal

router = APIRouter(tags=["consolidation"])


async def consolidate(session, principal, unit_id: int, period: str) -> dict:
    try:
        period = parse_period(period).text
    except PeriodError as exc:
        raise Invalid(str(exc), field="period", zh=zh_of(exc)) from exc
    units = await P.load_units(session)
    path = units.path(unit_id)
    if not (principal.can("view", path) or principal.can("plan", path)):
        raise Forbidden(f"You need 'view' or 'plan' over {units.by_id[unit_id].name} to see its consolidation.",
                        zh=f"查看{units.by_id[unit_id].name}的汇总需要对其有查看权或计划权。")
    top = await P.live_plan(session, unit_id, period)
    reference = {}
    if top is not None:
        targets, _, _ = await P.content(session, top.id)
        reference = {t.indicator_code: (t.value, t.aggregation) for t in targets}
    children, missing = [], []
    for child in units.children(unit_id):
        plan = await P.live_plan(session, child.id, period)
        if plan is None:
            missing.append({"unit_id": child.id, "name": child.name})
            continue
        targets, _, _ = await P.content(session, plan.id)
        children.append(ChildTargets(label=child.name, plan_id=plan.id,
                                     values={t.indicator_code: t.value for t in targets}))
    adjustments = await adjustment_reads(session, (BalancingAdjustment.unit_id == unit_id)
                                         & (BalancingAdjustment.period == period))
    return {
        "unit_id": unit_id, "unit_name": units.by_id[unit_id].name, "period": period,
        "plan": {"id": top.id, "title": top.title, "status": top.status} if top else None,
        "lines": [line.__dict__ for line in compare(reference, children)],
        "units_missing_plan": missing,
        "adjustments": adjustments,
    }


async def adjustment_reads(session, where) -> list[dict]:
    """Adjustments matching ``where``, with the plan each names (for the company view and the child plan)."""
    rows = (await session.execute(select(BalancingAdjustment, Plan).outerjoin(Plan, Plan.id == BalancingAdjustment.plan_id)
                                  .where(where).order_by(BalancingAdjustment.id))).all()
    return [AdjustmentRead(id=a.id, unit_id=a.unit_id, period=a.period, plan_id=a.plan_id,
                           plan_title=plan.title if plan else None, indicator_code=a.indicator_code, value=a.value,
                           previous_value=a.previous_value, reason=a.reason, status=a.status,
                           author_name=a.author_name, created_at=a.created_at.isoformat(),
                           applied_by_name=a.applied_by_name or None,
                           applied_at=a.applied_at.isoformat() if a.applied_at else None,
                           applied_revision=a.applied_revision).model_dump()
            for a, plan in rows]


@router.get("/consolidation", response_model=ConsolidationRead, summary="Top-down against bottom-up targets for a unit and period, with gaps")
async def get_consolidation(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                            period: str = Query(...)):
    return await consolidate(session, principal, unit_id, period)


@router.post("/consolidation/adjustments", status_code=201, response_model=AdjustmentRead,
             summary="Propose a balancing adjustment (综合平衡) of one child plan's target, with its reason")
async def add_adjustment(body: AdjustmentIn, session: Session, principal: CurrentPrincipal, request: Request):
    units = await P.load_units(session)
    path = units.path(body.unit_id)
    grant = principal.require("plan", path, what=units.by_id[body.unit_id].name)
    previous = None
    if body.plan_id is not None:
        plan = await session.get(Plan, body.plan_id)
        child_ids = {u.id for u in units.children(body.unit_id)}
        if plan is None or plan.status == "vetoed" or plan.period != body.period or plan.unit_id not in child_ids:
            raise Invalid(f"Plan {body.plan_id} is not the live {body.period} plan of a unit directly below "
                          f"{units.by_id[body.unit_id].name}.",
                          zh=f"所选计划不是{units.by_id[body.unit_id].name}下属单位{body.period}的有效计划。",
                          field="plan_id")
        targets, _, _ = await P.content(session, plan.id)
        target = next((t for t in targets if t.indicator_code == body.indicator_code), None)
        if target is None:
            raise Invalid(f"'{plan.title}' has no target for {body.indicator_code}.",
                          zh=f"计划「{plan.title}」没有该指标的目标。", field="indicator_code")
        previous = target.value
    adj = BalancingAdjustment(unit_id=body.unit_id, period=body.period, plan_id=body.plan_id,
                              indicator_code=body.indicator_code, value=body.value, previous_value=previous,
                              reason=body.reason, status="proposed" if body.plan_id else "note",
                              author=principal.sub, author_name=principal.name)
    session.add(adj)
    await session.flush()
    await journal.audit(session, actor=principal, action="consolidation.adjusted", subject_type="unit",
                        subject_id=body.unit_id, unit_path=path, grant=grant, after=body.model_dump(), request=request)
    return (await adjustment_reads(session, BalancingAdjustment.id == adj.id))[0]


@router.post("/consolidation/adjustments/{adjustment_id}/apply", response_model=AdjustmentRead,
             summary="Apply a proposed adjustment: the child plan's target changes, with the reason in its history "
                     "(plan right over the company; not by the proposer)")
async def apply_adjustment(adjustment_id: int, session: Session, principal: CurrentPrincipal, request: Request):
    adj = await session.get(BalancingAdjustment, adjustment_id)
    units = await P.load_units(session)
    if adj is None or not P.can_see_unit(principal, units.path(adj.unit_id)):
        raise NotFound(f"There is no balancing adjustment {adjustment_id}.", zh="没有该综合平衡调整。")
    if adj.status != "proposed":
        raise Conflict(f"This adjustment is {'already applied' if adj.status == 'applied' else 'a note, naming no plan'}.",
                       zh="该调整已经生效，或只是说明、未指定计划。", status_now=adj.status)
    company = P.root_of(units.path(adj.unit_id))
    grant = principal.require("plan", company, what=next((u.name for u in units.by_id.values() if u.path == company),
                                                          "the company"))
    if adj.author == principal.sub:
        raise Forbidden("An adjustment is applied by someone other than the person who proposed it.",
                        zh="综合平衡调整须由提出人以外、对公司有计划权的人批准生效。")
    plan = await session.get(Plan, adj.plan_id)
    targets, _, _ = await P.content(session, plan.id)
    target = next((t for t in targets if t.indicator_code == adj.indicator_code), None)
    if target is None:
        raise Conflict(f"'{plan.title}' no longer has a target for {adj.indicator_code}.",
                       zh=f"计划「{plan.title}」已没有该指标的目标。")
    ctx = W.Ctx(session=session, principal=principal, plan=plan, units=units,
                flow=await W.load_flow(session, plan.kind), request=request)
    adj.previous_value = target.value
    await W.balance(ctx, target=target, value=adj.value, reason=adj.reason, grant=grant)
    adj.status, adj.applied_by, adj.applied_by_name = "applied", principal.sub, principal.name
    adj.applied_at, adj.applied_revision = utcnow(), plan.revision
    await session.flush()
    return (await adjustment_reads(session, BalancingAdjustment.id == adj.id))[0]


@router.get("/consolidation/export.xlsx", summary="The consolidation as an Excel workbook")
async def export_consolidation(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                               period: str = Query(...)):
    from urllib.parse import quote

    from fastapi import Response

    from services.planning.export import consolidation_workbook

    data = await consolidate(session, principal, unit_id, period)
    name = quote(f"{data['unit_name']}{data['period']}汇总表.xlsx")
    return Response(consolidation_workbook(data),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})
