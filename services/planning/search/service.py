"""Plans and tasks matching a query, among those the caller may see (the plan list's visibility: drafts by
rights over their unit, issued plans by the whole company)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.search import SearchHit, SearchQuery, SearchResults, best_first, results
from services.planning.models import OrgUnit, Plan, PlanTask
from services.planning.plans.visibility import visible_clause


async def search(session: AsyncSession, *, principal: Principal, query: SearchQuery, limit: int) -> SearchResults:
    plan_rank = query.rank(Plan.title)
    plans = await session.execute(
        select(Plan, OrgUnit.name, plan_rank).join(OrgUnit, OrgUnit.id == Plan.unit_id)
        .where(visible_clause(principal), query.matches(Plan.title, Plan.period, OrgUnit.name))
        .order_by(*best_first(plan_rank, Plan.title, Plan.id)).limit(limit))
    task_rank = query.rank(PlanTask.title)
    tasks = await session.execute(
        select(PlanTask, Plan.title, OrgUnit.name, task_rank).join(Plan, Plan.id == PlanTask.plan_id)
        .join(OrgUnit, OrgUnit.id == Plan.unit_id)
        .where(visible_clause(principal), query.matches(PlanTask.title, PlanTask.owner_name))
        .order_by(*best_first(task_rank, PlanTask.title, PlanTask.id)).limit(limit))
    return results(query, {
        "plan": [SearchHit(kind="plan", id=p.id, title=p.title, subtitle=p.period, unit_name=unit, status=p.status,
                           url=f"/plans/{p.id}", score=score) for p, unit, score in plans.all()],
        "task": [SearchHit(kind="task", id=t.id, title=t.title, subtitle=" · ".join(filter(None, (plan, t.owner_name))),
                           unit_name=unit, status=t.status, url=f"/plans/{t.plan_id}", score=score)
                 for t, plan, unit, score in tasks.all()],
    })
