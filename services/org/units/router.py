"""Org units: the tree every grant is expressed against."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.org.deps import UnitToAdmin, ValidUnit
from services.org.units import service
from services.org.units.schemas import UnitCreate, UnitMove, UnitRead, UnitTree, UnitUpdate

router = APIRouter(prefix="/units", tags=["units"])


@router.get("", response_model=Page[UnitRead], summary="Org units, flat, with path and parent_id")
async def list_units(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam, parent_id: int | None = Query(None),
                     under: int | None = Query(None, description="Only this unit's subtree")):
    # The shape of the org chart is company-wide knowledge: every signed-in user may read it.
    return await service.list_units(session, parent_id=parent_id, under=under, limit=limit, cursor=cursor)


@router.get("/tree", response_model=list[UnitTree], summary="The org tree, nested")
async def unit_tree(session: Session, principal: CurrentPrincipal):
    return await service.unit_tree(session)


@router.get("/{unit_id}", response_model=UnitRead)
async def get_unit(unit: ValidUnit, principal: CurrentPrincipal, response: Response):
    set_etag(response, etag("unit", unit.id, unit.version))
    return unit


@router.post("", response_model=UnitRead, status_code=201, summary="Create a unit (admin over the parent)")
async def create_unit(body: UnitCreate, session: Session, principal: CurrentPrincipal, response: Response):
    unit = await service.create_unit(session, principal=principal, body=body)
    set_etag(response, etag("unit", unit.id, unit.version))
    return unit


@router.patch("/{unit_id}", response_model=UnitRead, summary="Rename or recode a unit")
async def update_unit(unit: UnitToAdmin, body: UnitUpdate, session: Session, request: Request, response: Response):
    check_if_match(request, etag("unit", unit.item.id, unit.item.version))
    updated = await service.update_unit(session, unit=unit, body=body)
    set_etag(response, etag("unit", updated.id, updated.version))
    return updated


@router.post("/{unit_id}/move", response_model=UnitRead, summary="Move a unit under another parent")
async def move_unit(unit: UnitToAdmin, body: UnitMove, session: Session, request: Request, response: Response):
    check_if_match(request, etag("unit", unit.item.id, unit.item.version))
    moved = await service.move_unit(session, unit=unit, body=body)
    set_etag(response, etag("unit", moved.id, moved.version))
    return moved


@router.delete("/{unit_id}", status_code=204, summary="Delete an empty unit")
async def delete_unit(unit: UnitToAdmin, session: Session, request: Request):
    check_if_match(request, etag("unit", unit.item.id, unit.item.version))
    await service.delete_unit(session, unit=unit)
    return Response(status_code=204)
