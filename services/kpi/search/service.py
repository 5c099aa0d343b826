"""Indicators, improvement actions (整改) and findings matching a query. The indicator library is company-wide
(every signed-in user reads it); actions and findings are seen with 'view' over their unit, as their lists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.scoping import visible_to
from services.common.search import SearchHit, SearchQuery, SearchResults, best_first, results
from services.kpi.models import Finding, ImprovementAction, Indicator, OrgUnit


async def search(session: AsyncSession, *, principal: Principal, query: SearchQuery, limit: int) -> SearchResults:
    rank = query.rank(Indicator.name)
    indicators = await session.execute(
        select(Indicator, rank).where(query.matches(Indicator.name, Indicator.name_en, Indicator.code))
        .order_by(Indicator.active.desc(), *best_first(rank, Indicator.name, Indicator.id)).limit(limit))
    rank = query.rank(ImprovementAction.title)
    actions = await session.execute(
        select(ImprovementAction, OrgUnit.name, rank).outerjoin(OrgUnit, OrgUnit.id == ImprovementAction.unit_id)
        .where(visible_to(principal, "view", ImprovementAction.unit_path),
               query.matches(ImprovementAction.title, ImprovementAction.owner_name))
        .order_by(*best_first(rank, ImprovementAction.title, ImprovementAction.id)).limit(limit))
    rank = query.rank(Finding.title)
    findings = await session.execute(
        select(Finding, OrgUnit.name, rank).outerjoin(OrgUnit, OrgUnit.id == Finding.unit_id)
        .where(visible_to(principal, "view", Finding.unit_path), query.matches(Finding.title))
        .order_by(*best_first(rank, Finding.title, Finding.id)).limit(limit))
    return results(query, {
        "indicator": [SearchHit(kind="indicator", id=i.id, title=i.name, title_en=i.name_en, subtitle=i.code,
                                status="active" if i.active else "inactive",
                                url=f"/kpi?indicator={i.code}", score=score) for i, score in indicators.all()],
        "action": [SearchHit(kind="action", id=a.id, title=a.title, subtitle=" · ".join(filter(None, (
                                 a.owner_name, a.due.isoformat()))), unit_name=unit or "", status=a.status,
                             url=f"/kpi/actions?id={a.id}", score=score) for a, unit, score in actions.all()],
        "finding": [SearchHit(kind="finding", id=f.id, title=f.title, subtitle=f.severity, unit_name=unit or "",
                              status=f.status, url=f"/kpi/actions?id={f.action_id}", score=score)
                    for f, unit, score in findings.all()],
    })
