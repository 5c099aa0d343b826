"""我的待办's risk part beside alerts: the caller's own open risk actions."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.risk.inbox import service
from services.risk.inbox.schemas import MyActionRead

router = APIRouter(prefix="/inbox", tags=["inbox"])


@router.get("/actions", response_model=list[MyActionRead],
            summary="Open contingency steps and response measures the caller owns, soonest due first")
async def my_actions(session: Session, principal: CurrentPrincipal,
                     limit: int = Query(100, ge=1, le=200, description="At most this many")) -> list[MyActionRead]:
    return await service.my_actions(session, principal=principal, limit=limit)
