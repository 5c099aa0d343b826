"""GET /search: plans and tasks the caller may see, matching a query (the gateway's /api/me/search asks here)."""

from __future__ import annotations

from fastapi import APIRouter

from services.common.db import Session
from services.common.search import LimitParam, QParam, parse_query
from services.common.security import CurrentPrincipal
from services.planning.search import service
from services.planning.search.schemas import SearchResults

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResults,
            summary="Plans and tasks the caller may see whose title (or period, unit, owner) holds every word")
async def search(session: Session, principal: CurrentPrincipal, q: str = QParam, limit: int = LimitParam):
    return await service.search(session, principal=principal, query=parse_query(q), limit=limit)
