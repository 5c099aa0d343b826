"""KPI attainment, 整改 and budget execution for the cockpit.

Attainment is the evaluation the KPI dashboard shows (read from the rollups, so bounded by the number
of indicators, not of points); actions are counted in SQL; the budget is the execution the budget
page shows, in total.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.cockpit import TOP_N, cockpit_asked, drill
from services.common.scoping import visible_to
from services.kpi.budgets.service import execution
from services.kpi.cockpit.schemas import ActionsTile, AttainmentTile, BudgetTile, IndicatorRow, KpiCockpit
from services.kpi.evaluation.service import evaluate
from services.kpi.indicators.library import Library
from services.kpi.models import ImprovementAction, OrgUnit

STATUS_RANK = {"red": 0, "amber": 1, "green": 2}


def _attainment(rows: list[dict[str, Any]], *, unit_id: int, period: str) -> AttainmentTile:
    count = {s: sum(1 for r in rows if r["status"] == s) for s in STATUS_RANK}
    with_target = [r for r in rows if r["target"] is not None]
    with_target.sort(key=lambda r: (STATUS_RANK.get(r["status"] or "", 3),
                                    r["attainment"] if r["attainment"] is not None else float("inf"),
                                    r["indicator_code"]))
    return AttainmentTile(
        on_target=count["green"], warning=count["amber"], off_target=count["red"],
        not_judged=len(rows) - sum(count.values()),
        reported=sum(r["completeness"]["reported"] for r in rows),
        expected=sum(r["completeness"]["expected"] for r in rows),
        targets=[IndicatorRow.model_validate(r, from_attributes=False) for r in with_target[:TOP_N]],
        drill=drill("/kpi", unit_id=unit_id, period=period))


async def _actions(session: AsyncSession, principal: Principal, unit: OrgUnit) -> ActionsTile:
    a = ImprovementAction
    is_open = a.status == "open"
    n_open, n_done, n_overdue = (await session.execute(
        select(func.coalesce(func.sum(case((is_open, 1), else_=0)), 0),
               func.coalesce(func.sum(case((a.status == "done", 1), else_=0)), 0),
               func.coalesce(func.sum(case((is_open & a.overdue.is_(True), 1), else_=0)), 0))
        .where(a.unit_path.startswith(unit.path, autoescape=True), visible_to(principal, "view", a.unit_path),
               a.status.in_(("open", "done"))))).one()
    return ActionsTile(open=int(n_open), awaiting_verification=int(n_done), overdue=int(n_overdue),
                       drill=drill("/kpi/actions", unit_id=unit.id, status="open"),
                       overdue_drill=drill("/kpi/actions", unit_id=unit.id, status="open", overdue=True))


async def cockpit(session: AsyncSession, *, principal: Principal, unit: int | None, period: str | None) -> KpiCockpit:
    asked = await cockpit_asked(session, OrgUnit, principal, unit=unit, period=period)
    root, p = asked.unit, asked.period
    rows = await evaluate(session, lib=await Library.load(session), unit=root, p=p)
    spend = await execution(session, principal=principal, unit_id=root.id, period=p.text)
    total = spend.total
    budget = None if total.budget == 0 and total.actual == 0 else BudgetTile(
        budget=total.budget, spent=total.actual, rate=total.rate, elapsed=spend.elapsed,
        over_budget=total.over_budget, drill=drill("/kpi/budgets", unit_id=root.id, period=p.text))
    return KpiCockpit(scope=asked.scope, attainment=_attainment(rows, unit_id=root.id, period=p.text),
                      actions=await _actions(session, principal, root), budget=budget)
