"""Targets per indicator, unit and period; readable with view, editable with plan over the unit."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.kpi.deps import TargetToPlan, TargetToView
from services.kpi.targets import service
from services.kpi.targets.schemas import TargetCreate, TargetHistoryRead, TargetRead, TargetUpdate

router = APIRouter(prefix="/targets", tags=["targets"])


@router.get("", response_model=Page[TargetRead], summary="Targets, by unit, period and indicator")
async def list_targets(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                       cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                       period: str | None = Query(None), indicator_code: str | None = Query(None)):
    items, nxt = await service.list_targets(session, principal=principal, limit=limit, cursor=cursor, unit_id=unit_id,
                                            period=period, indicator_code=indicator_code)
    return Page[TargetRead](items=items, next_cursor=nxt)


@router.get("/{target_id}", response_model=TargetRead)
async def get_target(target: TargetToView, session: Session, response: Response):
    set_etag(response, etag("target", target.item.id, target.item.version))
    return await service.get_target(session, target.item)


@router.get("/{target_id}/history", response_model=Page[TargetHistoryRead], summary="Every value the target had")
async def target_history(target: TargetToView, session: Session, limit: int = LimitParam,
                         cursor: str | None = CursorParam):
    items, nxt = await service.target_history(session, target.item, limit=limit, cursor=cursor)
    return Page[TargetHistoryRead](items=items, next_cursor=nxt)


@router.post("", response_model=TargetRead, status_code=201, summary="Set a target (plan over the unit)")
async def create_target(body: TargetCreate, response: Response, session: Session, principal: CurrentPrincipal):
    out = await service.create_target(session, principal=principal, body=body)
    set_etag(response, etag("target", out.id, out.version))
    return out


@router.patch("/{target_id}", response_model=TargetRead, summary="Change a target (plan over the unit; If-Match)")
async def update_target(body: TargetUpdate, request: Request, response: Response, session: Session,
                        target: TargetToPlan):
    check_if_match(request, etag("target", target.item.id, target.item.version))
    out = await service.update_target(session, target=target, body=body)
    set_etag(response, etag("target", out.id, out.version))
    return out
