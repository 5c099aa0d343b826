"""Positions (岗位): a role in a unit, with responsibilities and job requirements; and the authority
they give (/authz: why may this user do this here, who holds a right over a unit)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.org.deps import PositionToAdmin, VisiblePosition
from services.org.positions import service
from services.org.positions.schemas import (
    AudienceMember,
    ExplainRead,
    HolderRead,
    PositionCreate,
    PositionRead,
    PositionUpdate,
)

router = APIRouter()


@router.get("/positions", response_model=Page[PositionRead], tags=["positions"],
            summary="Positions (the org chart's posts) in the units you may view, and the ones you hold")
async def list_positions(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam, unit_id: int | None = Query(None)):
    return await service.list_positions(session, principal=principal, unit_id=unit_id, limit=limit, cursor=cursor)


@router.get("/positions/{position_id}", response_model=PositionRead, tags=["positions"],
            summary="A position the caller can see (404 otherwise)")
async def get_position(position: VisiblePosition, response: Response):
    set_etag(response, etag("position", position.id, position.version))
    return position


@router.post("/positions", response_model=PositionRead, status_code=201, tags=["positions"],
             summary="Create a position (admin over the unit)")
async def create_position(body: PositionCreate, session: Session, principal: CurrentPrincipal, response: Response):
    pos = await service.create_position(session, principal=principal, body=body)
    set_etag(response, etag("position", pos.id, pos.version))
    return pos


@router.patch("/positions/{position_id}", response_model=PositionRead, tags=["positions"],
              summary="Edit a position (admin over the unit)")
async def update_position(position: PositionToAdmin, body: PositionUpdate, session: Session, request: Request,
                          response: Response):
    check_if_match(request, etag("position", position.item.id, position.item.version))
    updated = await service.update_position(session, position=position, body=body)
    set_etag(response, etag("position", updated.id, updated.version))
    return updated


@router.delete("/positions/{position_id}", status_code=204, tags=["positions"],
               summary="Delete a position nobody holds")
async def delete_position(position: PositionToAdmin, session: Session, request: Request):
    check_if_match(request, etag("position", position.item.id, position.item.version))
    await service.delete_position(session, position=position)
    return Response(status_code=204)


@router.get("/authz/explain", response_model=ExplainRead, tags=["auth", "authz"],
            summary="Why can (or can't) this user do this here? (admin, or about yourself)")
async def explain(session: Session, principal: CurrentPrincipal, user_id: int = Query(...),
                  right: str = Query(...), unit_id: int = Query(...)):
    return await service.explain(session, principal=principal, user_id=user_id, right=right, unit_id=unit_id)


@router.get("/authz/holders", response_model=list[HolderRead], tags=["auth", "authz"],
            summary="Who holds a right over a unit now (admin or Yunguan services; e.g. for countersigning)")
async def holders(session: Session, principal: CurrentPrincipal, right: str = Query(...), unit_id: int = Query(...),
                  held_in_unit_id: int | None = Query(None, description="Only grants held in this unit")):
    return await service.holders(session, principal=principal, right=right, unit_id=unit_id,
                                 held_in_unit_id=held_in_unit_id)


@router.get("/authz/audience", response_model=list[AudienceMember], tags=["auth", "authz"],
            summary="Who may see a unit's records: holders of a right over it and the people named (admin or "
                    "Yunguan services; e.g. whom a comment may mention)")
async def audience(session: Session, principal: CurrentPrincipal, right: str = Query("view"),
                   unit_id: int = Query(...),
                   user_id: list[int] = Query([], description="People who see the record without a grant "
                                                              "(its owner, proposer…)")):
    return await service.audience(session, principal=principal, right=right, unit_id=unit_id, user_ids=user_id)
