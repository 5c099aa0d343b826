"""Improvement actions: raised by plan or assess holders over the unit, completed by the owner or
plan holders, verified only by whoever raised them."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, tagged, version_check
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.kpi.actions import service
from services.kpi.actions.schemas import (
    ActionComplete,
    ActionCreate,
    ActionProgress,
    ActionRead,
    ActionUpdate,
    ActionVerify,
)
from services.kpi.deps import ActionToRaise, CompanyAdmin, ValidAction

router = APIRouter(prefix="/actions", tags=["improvement actions"])




@router.get("", response_model=Page[ActionRead], summary="Improvement actions (view over their unit)")
async def list_actions(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                       cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                       status: str | None = Query(None), overdue: bool | None = Query(None),
                       owner_id: int | None = Query(None)):
    items, nxt = await service.list_actions(session, principal=principal, limit=limit, cursor=cursor, unit_id=unit_id,
                                            status=status, overdue=overdue, owner_id=owner_id)
    return Page[ActionRead](items=items, next_cursor=nxt)


@router.get("/{action_id}", response_model=ActionRead)
async def get_action(principal: CurrentPrincipal, action: ValidAction, session: Session, response: Response):
    return tagged(response, "action", await service.get_action(session, principal=principal, a=action))


@router.post("", response_model=ActionRead, status_code=201, summary="Raise an action (plan or assess over the unit)")
async def create_action(body: ActionCreate, response: Response, session: Session, principal: CurrentPrincipal):
    return tagged(response, "action", await service.create_action(session, principal=principal, body=body))


@router.patch("/{action_id}", response_model=ActionRead, summary="Change title, owner or deadline (If-Match)")
async def update_action(body: ActionUpdate, request: Request, response: Response, session: Session,
                        action: ActionToRaise):
    check_if_match(request, etag("action", action.item.id, action.item.version))
    return tagged(response, "action", await service.update_action(session, action=action, body=body))


@router.post("/{action_id}/progress", response_model=ActionRead,
             summary="Report progress on an open action, with a note and an optional link (its owner, or plan "
                     "over the unit; If-Match)")
async def report_progress(principal: CurrentPrincipal, action: ValidAction, body: ActionProgress, request: Request,
                          response: Response, session: Session):
    return tagged(response, "action", await service.report_progress(session, principal=principal, a=action, body=body,
                                                           check_version=version_check(request, "action")))


@router.post("/{action_id}/complete", response_model=ActionRead,
             summary="Report the action done, with evidence (its owner, or plan over the unit)")
async def complete_action(principal: CurrentPrincipal, action: ValidAction, body: ActionComplete, request: Request,
                          response: Response, session: Session):
    return tagged(response, "action", await service.complete_action(session, principal=principal, a=action, body=body,
                                                           check_version=version_check(request, "action")))


@router.post("/{action_id}/verify", response_model=ActionRead,
             summary="Accept or send back a completed action (only whoever raised it)")
async def verify_action(principal: CurrentPrincipal, action: ValidAction, body: ActionVerify, request: Request,
                        response: Response, session: Session):
    return tagged(response, "action", await service.verify_action(session, principal=principal, a=action, body=body,
                                                         check_version=version_check(request, "action")))


@router.post("/overdue-scan", summary="Flag overdue actions now (admin; also runs periodically)")
async def scan_overdue(session: Session, principal: CompanyAdmin):
    return {"flagged": await service.scan_overdue(session)}
