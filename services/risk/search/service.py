"""Risks and alerts matching a query, seen as their lists see them: risks by 'view' over their unit or by their
owner; alerts also by holders of 'dispatch' over the watched unit. An alert is found by its risk's title or its
indicator's code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.search import SearchHit, SearchQuery, SearchResults, best_first, results
from services.risk.access import alert_visibility, risk_visibility
from services.risk.models import Alert, OrgUnit, Risk


async def search(session: AsyncSession, *, principal: Principal, query: SearchQuery, limit: int) -> SearchResults:
    rank = query.rank(Risk.title)
    risks = await session.execute(
        select(Risk, OrgUnit.name, rank).join(OrgUnit, OrgUnit.id == Risk.unit_id)
        .where(risk_visibility(principal), query.matches(Risk.title, Risk.category))
        .order_by(*best_first(rank, Risk.title, Risk.id)).limit(limit))
    rank = query.rank(Risk.title)
    alerts = await session.execute(
        select(Alert, Risk.title, OrgUnit.name, rank).join(Risk, Risk.id == Alert.risk_id)
        .join(OrgUnit, OrgUnit.id == Alert.unit_id)
        .where(alert_visibility(principal, mine=False), query.matches(Risk.title, Alert.indicator_code))
        .order_by(*best_first(rank, Risk.title, Alert.id.desc())).limit(limit))
    return results(query, {
        "risk": [SearchHit(kind="risk", id=r.id, title=r.title, subtitle=" · ".join(filter(None, (
                               r.category, r.current_level))),
                           unit_name=unit, status=r.status, url=f"/risk/{r.id}", score=score)
                 for r, unit, score in risks.all()],
        "alert": [SearchHit(kind="alert", id=a.id, title=title, subtitle=" · ".join(filter(None, (
                                a.indicator_code, a.period, a.level))),
                            unit_name=unit, status=a.status, url=f"/risk/{a.risk_id}", score=score)
                  for a, title, unit, score in alerts.all()],
    })
