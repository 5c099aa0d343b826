"""A record's activity stream (动态): 整改 (improvement) actions and findings, as their pages show them."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.common.api import CursorParam, Page
from services.common.db import Session
from services.kpi.activity import service
from services.kpi.activity.schemas import ActivityEntryRead, Order
from services.kpi.deps import RecordToView

router = APIRouter(prefix="/records", tags=["activity"])


@router.get("/{kind}/{record_id}/activity", response_model=Page[ActivityEntryRead],
            summary="What happened to a record (整改 action, finding): decisions, edits, comments and files, "
                    "told in the caller's language")
async def record_activity(record: RecordToView, session: Session,
                          limit: int = Query(30, ge=1, le=100, description="Page size"),
                          cursor: str | None = CursorParam,
                          order: Order = Query("desc", description="desc: newest first; asc: oldest first")):
    return await service.activity(session, record=record, limit=limit, cursor=cursor,
                                  order=order)
