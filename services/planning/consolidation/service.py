"""Consolidation (汇总、综合平衡): a unit's plan top-down against its child units' plans bottom-up, and
the balancing adjustments the operations department proposes and a company planner applies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal, Right
from services.common.db import utcnow
from services.common.guards import Place, authorize
from services.common.i18n import zh_of
from services.common.periods import PeriodError, period
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.planning.approvals import workflow
from services.planning.consolidation.arithmetic import ChildTargets, compare
from services.planning.consolidation.schemas import AdjustmentIn, AdjustmentRead, ConsolidationRead
from services.planning.export import Spreadsheet, consolidation_workbook
from services.planning.journal import journal
from services.planning.models import BalancingAdjustment, Plan
from services.planning.plans import content
from services.planning.plans.visibility import can_see_unit
from services.planning.units import load_units, root_of


async def consolidate(session: AsyncSession, principal: Principal, unit_id: int, period_text: str) -> ConsolidationRead:
    """The unit's live plan for the period against its child units' plans, indicator by indicator."""
    try:
        period_text = period(period_text).text
    except PeriodError as exc:
        raise Invalid(str(exc), field="period", zh=zh_of(exc)) from exc
    units = await load_units(session)
    path = units.path(unit_id)
    if not (principal.can("view", path) or principal.can("plan", path)):
        raise Forbidden(f"You need 'view' or 'plan' over {units.by_id[unit_id].name} to see its consolidation.",
                        zh=f"查看{units.by_id[unit_id].name}的汇总需要对其有查看权或计划权。")
    top = await content.live_plan(session, unit_id, period_text)
    reference = {}
    if top is not None:
        targets, _, _ = await content.content(session, top.id)
        reference = {t.indicator_code: (t.value, t.aggregation) for t in targets}
    children: list[ChildTargets] = []
    missing: list[dict[str, Any]] = []
    # Two statements for all the children (a company has hundreds of branches), not two per child.
    below = units.children(unit_id)
    plans = await content.live_plans(session, [c.id for c in below], period_text)
    child_targets = await content.targets_of(session, [p.id for p in plans.values()])
    for child in below:
        plan = plans.get(child.id)
        if plan is None:
            missing.append({"unit_id": child.id, "name": child.name})
            continue
        children.append(ChildTargets(label=child.name, plan_id=plan.id,
                                     values={t.indicator_code: t.value for t in child_targets[plan.id]}))
    adjustments = await adjustment_reads(session, (BalancingAdjustment.unit_id == unit_id)
                                         & (BalancingAdjustment.period == period_text))
    return ConsolidationRead.model_validate({
        "unit_id": unit_id, "unit_name": units.by_id[unit_id].name, "period": period_text,
        "plan": {"id": top.id, "title": top.title, "status": top.status} if top else None,
        "lines": [line.__dict__ for line in compare(reference, children)],
        "units_missing_plan": missing,
        "adjustments": adjustments,
    })


async def adjustment_reads(session: AsyncSession, where: Any) -> list[AdjustmentRead]:
    """Adjustments matching ``where``, with the plan each names (for the company view and the child plan)."""
    rows = (await session.execute(select(BalancingAdjustment, Plan)
                                  .outerjoin(Plan, Plan.id == BalancingAdjustment.plan_id)
                                  .where(where).order_by(BalancingAdjustment.id))).all()
    return [AdjustmentRead(id=a.id, unit_id=a.unit_id, period=a.period, plan_id=a.plan_id,
                           plan_title=plan.title if plan else None, indicator_code=a.indicator_code, value=a.value,
                           previous_value=a.previous_value, reason=a.reason, status=a.status,
                           author_name=a.author_name, created_at=a.created_at.isoformat(),
                           applied_by_name=a.applied_by_name or None,
                           applied_at=a.applied_at.isoformat() if a.applied_at else None,
                           applied_revision=a.applied_revision)
            for a, plan in rows]


async def add_adjustment(session: AsyncSession, principal: Principal, body: AdjustmentIn) -> AdjustmentRead:
    """Propose a new value for one child plan's target (plan right over the unit balanced), or note one."""
    units = await load_units(session)
    path = units.path(body.unit_id)
    grant = authorize(principal, Place(path, what=units.by_id[body.unit_id].name), Right.plan)
    previous = None
    if body.plan_id is not None:
        plan = await session.get(Plan, body.plan_id)
        child_ids = {u.id for u in units.children(body.unit_id)}
        if plan is None or plan.status == "vetoed" or plan.period != body.period or plan.unit_id not in child_ids:
            raise Invalid(f"Plan {body.plan_id} is not the live {body.period} plan of a unit directly below "
                          f"{units.by_id[body.unit_id].name}.",
                          zh=f"所选计划不是{units.by_id[body.unit_id].name}下属单位{body.period}的有效计划。",
                          field="plan_id")
        targets, _, _ = await content.content(session, plan.id)
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
                        subject_id=body.unit_id, unit_path=path, grant=grant, after=body.model_dump())
    return (await adjustment_reads(session, BalancingAdjustment.id == adj.id))[0]


async def apply_adjustment(session: AsyncSession, principal: Principal, adjustment_id: int) -> AdjustmentRead:
    """Apply a proposed adjustment: the child plan's target changes, with the reason in its history
    (plan right over the company; never by the proposer)."""
    adj = await session.get(BalancingAdjustment, adjustment_id)
    units = await load_units(session)
    if adj is None or not can_see_unit(principal, units.path(adj.unit_id)):
        raise NotFound(f"There is no balancing adjustment {adjustment_id}.", zh="没有该综合平衡调整。")
    if adj.status != "proposed" or adj.plan_id is None:
        what = "already applied" if adj.status == "applied" else "a note, naming no plan"
        raise Conflict(f"This adjustment is {what}.",
                       zh="该调整已经生效，或只是说明、未指定计划。", status_now=adj.status)
    company = root_of(units.path(adj.unit_id))
    company_name = next((u.name for u in units.by_id.values() if u.path == company), "the company")
    grant = authorize(principal, Place(company, what=company_name), Right.plan)
    if adj.author == principal.sub:
        raise Forbidden("An adjustment is applied by someone other than the person who proposed it.",
                        zh="综合平衡调整须由提出人以外、对公司有计划权的人批准生效。")
    plan = await session.get(Plan, adj.plan_id)
    if plan is None:  # the plan's rows cascade with it: a proposal never outlives its plan
        raise NotFound(f"There is no balancing adjustment {adjustment_id}.", zh="没有该综合平衡调整。")
    targets, _, _ = await content.content(session, plan.id)
    target = next((t for t in targets if t.indicator_code == adj.indicator_code), None)
    if target is None:
        raise Conflict(f"'{plan.title}' no longer has a target for {adj.indicator_code}.",
                       zh=f"计划「{plan.title}」已没有该指标的目标。")
    ctx = await workflow.plan_context(session, principal, plan, units)
    adj.previous_value = target.value
    await workflow.balance(ctx, target=target, value=adj.value, reason=adj.reason, grant=grant)
    adj.status, adj.applied_by, adj.applied_by_name = "applied", principal.sub, principal.name
    adj.applied_at, adj.applied_revision = utcnow(), plan.revision
    await session.flush()
    return (await adjustment_reads(session, BalancingAdjustment.id == adj.id))[0]


async def export_consolidation(session: AsyncSession, principal: Principal, unit_id: int,
                               period_text: str) -> Spreadsheet:
    """The consolidation as an Excel workbook."""
    data = (await consolidate(session, principal, unit_id, period_text)).model_dump()
    return Spreadsheet(consolidation_workbook(data), f"{data['unit_name']}{data['period']}汇总表.xlsx")
