"""A risk's tracked actions: response measures (措施) and contingency steps, with their progress."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.risk.actions import service
from services.risk.actions.schemas import ActionCreate, ActionRead, ActionUpdate
from services.risk.deps import ActionToUpdate, ActionToView, RiskToAddMeasures, RiskToView
from services.risk.models import RiskAction

router = APIRouter(tags=["risks"])


def action_etag(action: RiskAction | ActionRead) -> str:
    return etag("action", action.id, action.version)


@router.get("/risks/{risk_id}/actions", response_model=Page[ActionRead], summary="The risk's tracked actions")
async def list_actions(risk: RiskToView, session: Session, limit: int = LimitParam,
                       cursor: str | None = CursorParam, status: str | None = Query(None),
                       source: str | None = Query(None, pattern="^(measure|contingency)$")) -> Page[ActionRead]:
    return await service.list_actions(session, risk=risk, status=status, source=source, limit=limit, cursor=cursor)


@router.post("/risks/{risk_id}/actions", response_model=ActionRead, status_code=201,
             summary="Add a response measure (措施) as a tracked action (plan over the unit, or the owner)")
async def create_action(risk: RiskToAddMeasures, body: ActionCreate, session: Session,
                        response: Response) -> ActionRead:
    action = await service.add_measure(session, allowed=risk, body=body)
    set_etag(response, action_etag(action))
    return action


@router.get("/actions/{action_id}", response_model=ActionRead)
async def get_action(action: ActionToView, response: Response) -> ActionRead:
    set_etag(response, action_etag(action))
    return ActionRead.model_validate(action)


@router.patch("/actions/{action_id}", response_model=ActionRead,
              summary="Update an action: progress, done (its owner, the risk's owner, or plan over the unit)")
async def update_action(action: ActionToUpdate, body: ActionUpdate, session: Session, request: Request,
                        response: Response) -> ActionRead:
    check_if_match(request, action_etag(action.item))
    updated = await service.update_action(session, allowed=action, body=body)
    set_etag(response, action_etag(updated))
    return updated
