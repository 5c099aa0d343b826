"""Org units: the tree every grant is expressed against."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.authz import is_admin
from services.common.db import Session
from services.common.problems import Forbidden, NotFound
from services.common.security import CurrentPrincipal
from services.org import tree
from services.org.admins import keeping_an_administrator
from services.org.api.deps import ValidUnit, admin_over, request_id
from services.org.journal import audit_change, emit
from services.org.models import Unit
from services.org.schemas import UnitCreate, UnitMove, UnitRead, UnitTree, UnitUpdate

router = APIRouter(prefix="/units", tags=["units"])


def _event_data(unit: Unit) -> dict:
    return UnitRead.model_validate(unit).model_dump()


@router.get("", response_model=Page[UnitRead], summary="Org units, flat, with path and parent_id")
async def list_units(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam, parent_id: int | None = Query(None),
                     under: int | None = Query(None, description="Only this unit's subtree")):
    # The shape of the org chart is company-wide knowledge: every signed-in user may read it.
    stmt = select(Unit)
    if parent_id is not None:
        stmt = stmt.where(Unit.parent_id == parent_id)
    if under is not None:
        root = await session.get(Unit, under)
        if root is None:
            raise NotFound(f"There is no unit with id {under}.", zh=f"没有编号为 {under} 的组织单元。")
        stmt = stmt.where(Unit.path.startswith(root.path))
    rows, nxt = await paginate(session, stmt, Unit.id, limit=limit, cursor=cursor)
    return Page[UnitRead](items=[UnitRead.model_validate(u) for u in rows], next_cursor=nxt)


@router.get("/tree", response_model=list[UnitTree], summary="The org tree, nested")
async def unit_tree(session: Session, principal: CurrentPrincipal):
    units = (await session.execute(select(Unit))).scalars().all()
    return tree.build_tree(list(units))


@router.get("/{unit_id}", response_model=UnitRead)
async def get_unit(unit: ValidUnit, principal: CurrentPrincipal, response: Response):
    set_etag(response, etag("unit", unit.id, unit.version))
    return unit


@router.post("", response_model=UnitRead, status_code=201, summary="Create a unit (admin over the parent)")
async def create_unit(body: UnitCreate, session: Session, principal: CurrentPrincipal, request: Request,
                      response: Response):
    parent = None
    if body.parent_id is not None:
        parent = await session.get(Unit, body.parent_id)
        if parent is None:
            raise NotFound(f"There is no unit with id {body.parent_id}.", field="parent_id",
                           zh=f"没有编号为 {body.parent_id} 的上级单元。")
        grant = admin_over(principal, parent)
    else:
        if not is_admin(principal):
            raise Forbidden("Only administrators may create a new top-level company.", right="admin",
                            zh="只有管理员才能新建顶级公司。")
        grant = None
    unit = await tree.create_unit(session, parent=parent, name=body.name, code=body.code, kind=body.kind)
    data = _event_data(unit)
    await audit_change(session, actor=principal, action="unit.created", subject_type="unit", subject_id=unit.id,
                       unit_path=unit.path, grant=grant, after=data, request_id=request_id(request))
    await emit(session, "org.unit.created", unit.id, data, unit.path)
    set_etag(response, etag("unit", unit.id, unit.version))
    return unit


@router.patch("/{unit_id}", response_model=UnitRead, summary="Rename or recode a unit")
async def update_unit(unit: ValidUnit, body: UnitUpdate, session: Session, principal: CurrentPrincipal,
                      request: Request, response: Response):
    grant = admin_over(principal, unit)
    check_if_match(request, etag("unit", unit.id, unit.version))
    before = _event_data(unit)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "code" in changes:
        await tree.check_code_free(session, changes["code"], except_id=unit.id)
    if "kind" in changes:
        parent = await session.get(Unit, unit.parent_id) if unit.parent_id else None
        tree.check_kind(parent, changes["kind"])
    for k, v in changes.items():
        setattr(unit, k, v)
    await session.flush()
    after = _event_data(unit)
    await audit_change(session, actor=principal, action="unit.updated", subject_type="unit", subject_id=unit.id,
                       unit_path=unit.path, grant=grant, before=before, after=after, request_id=request_id(request))
    await emit(session, "org.unit.updated", unit.id, after, unit.path)
    set_etag(response, etag("unit", unit.id, unit.version))
    return unit


@router.post("/{unit_id}/move", response_model=UnitRead, summary="Move a unit under another parent")
async def move_unit(unit: ValidUnit, body: UnitMove, session: Session, principal: CurrentPrincipal,
                    request: Request, response: Response):
    grant = admin_over(principal, unit)
    check_if_match(request, etag("unit", unit.id, unit.version))
    new_parent = await session.get(Unit, body.parent_id)
    if new_parent is None:
        raise NotFound(f"There is no unit with id {body.parent_id}.", field="parent_id",
                       zh=f"没有编号为 {body.parent_id} 的上级单元。")
    admin_over(principal, new_parent)
    before = _event_data(unit)
    async with keeping_an_administrator(session):  # a company moved under another is no company of its own
        old_path, new_path, moved = await tree.move_unit(session, unit=unit, new_parent=new_parent)
    after = _event_data(unit)
    await audit_change(session, actor=principal, action="unit.moved", subject_type="unit", subject_id=unit.id,
                       unit_path=new_path, grant=grant, before=before, after=after, request_id=request_id(request))
    await emit(session, "org.unit.moved", unit.id,
               {**after, "old_path": old_path, "new_path": new_path, "units_moved": moved}, new_path)
    set_etag(response, etag("unit", unit.id, unit.version))
    return unit


@router.delete("/{unit_id}", status_code=204, summary="Delete an empty unit")
async def delete_unit(unit: ValidUnit, session: Session, principal: CurrentPrincipal, request: Request):
    grant = admin_over(principal, unit)
    check_if_match(request, etag("unit", unit.id, unit.version))
    before = _event_data(unit)
    await tree.delete_unit(session, unit=unit)
    await audit_change(session, actor=principal, action="unit.deleted", subject_type="unit", subject_id=before["id"],
                       unit_path=before["path"], grant=grant, before=before, request_id=request_id(request))
    await emit(session, "org.unit.deleted", before["id"], before, before["path"])
    return Response(status_code=204)
