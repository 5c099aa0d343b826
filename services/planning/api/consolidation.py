"""Consolidation (汇总、综合平衡): the unit's plan top-down against its child units' plans bottom-up."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from services.common.db import Session
from services.common.periods import PeriodError, period as parse_period
from services.common.problems import Forbidden, Invalid
from services.common.i18n import zh_of
from services.common.security import CurrentPrincipal
from services.planning import plans as P
from services.planning.decomposition import ChildTargets, compare
from services.planning.models import BalancingAdjustment, Plan
from services.planning.schemas import AdjustmentIn, ConsolidationRead
from services.planning.workflow import journal

router = APIRouter(tags=["consolidation"])


async def _current_plan(session, unit_id: int, period: str):
    """The unit's live plan for the period (the newest one that was not vetoed)."""
    return (await session.execute(select(Plan).where(Plan.unit_id == unit_id, Plan.period == period,
                                                     Plan.status != "vetoed").order_by(Plan.id.desc()).limit(1))
            ).scalar_one_or_none()


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
    top = await _current_plan(session, unit_id, period)
    reference = {}
    if top is not None:
        targets, _, _ = await P.content(session, top.id)
        reference = {t.indicator_code: (t.value, t.aggregation) for t in targets}
    children, missing = [], []
    for child in units.children(unit_id):
        plan = await _current_plan(session, child.id, period)
        if plan is None:
            missing.append({"unit_id": child.id, "name": child.name})
            continue
        targets, _, _ = await P.content(session, plan.id)
        children.append(ChildTargets(label=child.name, plan_id=plan.id,
                                     values={t.indicator_code: t.value for t in targets}))
    adjustments = (await session.execute(select(BalancingAdjustment).where(
        BalancingAdjustment.unit_id == unit_id, BalancingAdjustment.period == period)
        .order_by(BalancingAdjustment.id))).scalars().all()
    return {
        "unit_id": unit_id, "unit_name": units.by_id[unit_id].name, "period": period,
        "plan": {"id": top.id, "title": top.title, "status": top.status} if top else None,
        "lines": [line.__dict__ for line in compare(reference, children)],
        "units_missing_plan": missing,
        "adjustments": [{"id": a.id, "indicator_code": a.indicator_code, "value": a.value, "reason": a.reason,
                         "author_name": a.author_name, "created_at": a.created_at.isoformat()} for a in adjustments],
    }


@router.get("/consolidation", response_model=ConsolidationRead, summary="Top-down against bottom-up targets for a unit and period, with gaps")
async def get_consolidation(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                            period: str = Query(...)):
    return await consolidate(session, principal, unit_id, period)


@router.post("/consolidation/adjustments", status_code=201,
             summary="Record a balancing adjustment (综合平衡) with its reason")
async def add_adjustment(body: AdjustmentIn, session: Session, principal: CurrentPrincipal, request: Request):
    units = await P.load_units(session)
    path = units.path(body.unit_id)
    grant = principal.require("plan", path, what=units.by_id[body.unit_id].name)
    adj = BalancingAdjustment(unit_id=body.unit_id, period=body.period, indicator_code=body.indicator_code,
                              value=body.value, reason=body.reason, author=principal.sub, author_name=principal.name)
    session.add(adj)
    await session.flush()
    await journal.audit(session, actor=principal, action="consolidation.adjusted", subject_type="unit",
                        subject_id=body.unit_id, unit_path=path, grant=grant, after=body.model_dump(), request=request)
    return {"id": adj.id, **body.model_dump()}


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
