"""Positions (岗位): a role in a unit, with responsibilities and job requirements."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import func, select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.db import Session
from services.common.problems import Conflict, NotFound
from services.common.security import CurrentPrincipal
from services.org.admins import keeping_an_administrator
from services.org.api.deps import ValidPosition, VisiblePosition, admin_over, positions_visible, request_id
from services.org.journal import audit_change, emit
from services.org.models import Assignment, Position, Role, Unit
from services.org.schemas import PositionCreate, PositionRead, PositionUpdate

router = APIRouter(prefix="/positions", tags=["positions"])


def _data(p: Position) -> dict:
    return PositionRead.model_validate(p).model_dump()


async def _unit(session, unit_id: int) -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
    return unit


async def _role(session, role_id: int) -> Role:
    role = await session.get(Role, role_id)
    if role is None:
        raise NotFound(f"There is no role with id {role_id}.", field="role_id", zh=f"没有编号为 {role_id} 的角色。")
    return role


@router.get("", response_model=Page[PositionRead],
            summary="Positions (the org chart's posts) in the units you may view, and the ones you hold")
async def list_positions(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam, unit_id: int | None = Query(None)):
    stmt = select(Position).where(positions_visible(principal))
    if unit_id is not None:
        stmt = stmt.where(Position.unit_id == unit_id)
    rows, nxt = await paginate(session, stmt, Position.id, limit=limit, cursor=cursor)
    return Page[PositionRead](items=[PositionRead.model_validate(p) for p in rows], next_cursor=nxt)


@router.get("/{position_id}", response_model=PositionRead, summary="A position the caller can see (404 otherwise)")
async def get_position(position: VisiblePosition, response: Response):
    set_etag(response, etag("position", position.id, position.version))
    return position


@router.post("", response_model=PositionRead, status_code=201, summary="Create a position (admin over the unit)")
async def create_position(body: PositionCreate, session: Session, principal: CurrentPrincipal, request: Request,
                          response: Response):
    unit = await _unit(session, body.unit_id)
    grant = admin_over(principal, unit)
    await _role(session, body.role_id)
    pos = Position(unit_id=unit.id, role_id=body.role_id, title=body.title, heads_unit=body.heads_unit,
                   responsibilities=body.responsibilities,
                   requirements=body.requirements.model_dump())
    session.add(pos)
    await session.flush()
    data = _data(pos)
    await audit_change(session, actor=principal, action="position.created", subject_type="position",
                       subject_id=pos.id, unit_path=unit.path, grant=grant, after=data, request_id=request_id(request))
    await emit(session, "org.position.created", pos.id, data, unit.path)
    set_etag(response, etag("position", pos.id, pos.version))
    return pos


@router.patch("/{position_id}", response_model=PositionRead, summary="Edit a position (admin over the unit)")
async def update_position(position: ValidPosition, body: PositionUpdate, session: Session,
                          principal: CurrentPrincipal, request: Request, response: Response):
    unit = await _unit(session, position.unit_id)
    grant = admin_over(principal, unit)
    check_if_match(request, etag("position", position.id, position.version))
    before = _data(position)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "role_id" in changes:
        await _role(session, changes["role_id"])
    async with keeping_an_administrator(session):
        for k, v in changes.items():
            setattr(position, k, v)
    after = _data(position)
    await audit_change(session, actor=principal, action="position.updated", subject_type="position",
                       subject_id=position.id, unit_path=unit.path, grant=grant, before=before, after=after,
                       request_id=request_id(request))
    await emit(session, "org.position.updated", position.id, after, unit.path)
    set_etag(response, etag("position", position.id, position.version))
    return position


@router.delete("/{position_id}", status_code=204, summary="Delete a position nobody holds")
async def delete_position(position: ValidPosition, session: Session, principal: CurrentPrincipal, request: Request):
    unit = await _unit(session, position.unit_id)
    grant = admin_over(principal, unit)
    check_if_match(request, etag("position", position.id, position.version))
    held = (await session.execute(select(func.count()).where(Assignment.position_id == position.id))).scalar_one()
    if held:
        raise Conflict(f"The position '{position.title}' has {held} assignment(s); end and remove them first.",
                       zh=f"岗位“{position.title}”还有 {held} 项任职；请先结束并移除这些任职。")
    before = _data(position)
    await session.delete(position)
    await audit_change(session, actor=principal, action="position.deleted", subject_type="position",
                       subject_id=before["id"], unit_path=unit.path, grant=grant, before=before,
                       request_id=request_id(request))
    await emit(session, "org.position.deleted", before["id"], before, unit.path)
    return Response(status_code=204)
