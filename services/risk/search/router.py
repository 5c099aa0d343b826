"""GET /search: risks and alerts the caller may see, matching a query (the gateway's /api/me/search asks here)."""

from __future__ import annotations

from fastapi import APIRouter

from services.common.db import Session
from services.common.search import LimitParam, QParam, parse_query
from services.common.security import CurrentPrincipal
from services.risk.search import service
from services.risk.search.schemas import SearchResults

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResults,
            summary="Risks and alerts the caller may see that hold every word")
async def search(session: Session, principal: CurrentPrincipal, q: str = QParam, limit: int = LimitParam):
    return await service.search(session, principal=principal, query=parse_query(q), limit=limit)
