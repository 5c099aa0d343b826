"""GET /search: indicators, actions and findings the caller may see, matching a query (for /api/me/search)."""

from __future__ import annotations

from fastapi import APIRouter

from services.common.db import Session
from services.common.search import LimitParam, QParam, parse_query
from services.common.security import CurrentPrincipal
from services.kpi.search import service
from services.kpi.search.schemas import SearchResults

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResults,
            summary="Indicators, improvement actions (整改) and findings the caller may see that hold every word")
async def search(session: Session, principal: CurrentPrincipal, q: str = QParam, limit: int = LimitParam):
    return await service.search(session, principal=principal, query=parse_query(q), limit=limit)
