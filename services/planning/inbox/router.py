"""我的待办's planning parts: what waits on the caller besides approvals and their own tasks."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.planning.inbox import service
from services.planning.inbox.schemas import PlanToRework, SuggestionToAnswer
from services.planning.plans.schemas import TaskRead

router = APIRouter(prefix="/inbox", tags=["inbox"])

InboxLimit = Query(100, ge=1, le=200, description="At most this many, oldest first for suggestions and tasks")


@router.get("/suggestions", response_model=list[SuggestionToAnswer],
            summary="Open suggestions (建议) on plans the caller holds 'plan' over, to accept or decline")
async def suggestions_to_answer(session: Session, principal: CurrentPrincipal, limit: int = InboxLimit):
    return await service.suggestions_to_answer(session, principal=principal, limit=limit)


@router.get("/plans-to-rework", response_model=list[PlanToRework],
            summary="Returned plans, and vetoed ones not yet replaced, that the caller submitted or plans for")
async def plans_to_rework(session: Session, principal: CurrentPrincipal, limit: int = InboxLimit):
    return await service.plans_to_rework(session, principal=principal, limit=limit)


@router.get("/overdue-tasks", response_model=list[TaskRead],
            summary="Overdue tasks of live plans: the caller's own and those in units the caller dispatches")
async def overdue_tasks(session: Session, principal: CurrentPrincipal, limit: int = InboxLimit):
    return await service.overdue_tasks(session, principal=principal, limit=limit)
