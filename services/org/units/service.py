"""Units: creating, editing, moving and deleting them, each recorded in the audit chain and as an event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import Page, paginate
from services.common.authz import Grant, Principal, Right, is_admin
from services.common.guards import Allowed, authorize
from services.common.problems import Forbidden, NotFound
from services.org.admins import keeping_an_administrator
from services.org.deps import unit_place_of
from services.org.events import UnitData, UnitMovedData
from services.org.journal import journal
from services.org.models import Unit
from services.org.units import tree
from services.org.units.schemas import UnitCreate, UnitMove, UnitRead, UnitUpdate


def unit_data(unit: Unit) -> UnitData:
    return UnitData(**UnitRead.model_validate(unit).model_dump())


async def list_units(session: AsyncSession, *, parent_id: int | None, under: int | None, limit: int,
                     cursor: str | None) -> Page[UnitRead]:
    """A page of units (the shape of the org chart is company-wide knowledge: anyone signed in reads it)."""
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


async def unit_tree(session: AsyncSession) -> list[dict[str, Any]]:
    units: Sequence[Unit] = (await session.execute(select(Unit))).scalars().all()
    return tree.build_tree(list(units))


async def create_unit(session: AsyncSession, *, principal: Principal, body: UnitCreate) -> Unit:
    parent = None
    grant: Grant | None = None
    if body.parent_id is not None:
        parent = await session.get(Unit, body.parent_id)
        if parent is None:
            raise NotFound(f"There is no unit with id {body.parent_id}.", field="parent_id",
                           zh=f"没有编号为 {body.parent_id} 的上级单元。")
        grant = authorize(principal, unit_place_of(parent), Right.admin)
    elif not is_admin(principal):
        raise Forbidden("Only administrators may create a new top-level company.", right="admin",
                        zh="只有管理员才能新建顶级公司。")
    unit = await tree.create_unit(session, parent=parent, name=body.name, code=body.code, kind=body.kind)
    data = unit_data(unit)
    await journal.audit(session, actor=principal, action="unit.created", subject_type="unit", subject_id=unit.id,
                        unit_path=unit.path, grant=grant, after=data.model_dump(mode="json"))
    await journal.emit(session, "org.unit.created", unit.id, data, unit.path)
    return unit


async def update_unit(session: AsyncSession, *, unit: Allowed[Unit], body: UnitUpdate) -> Unit:
    item = unit.item
    before = unit_data(item)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "code" in changes:
        await tree.check_code_free(session, changes["code"], except_id=item.id)
    if "kind" in changes:
        parent = await session.get(Unit, item.parent_id) if item.parent_id else None
        tree.check_kind(parent, changes["kind"])
    for k, v in changes.items():
        setattr(item, k, v)
    await session.flush()
    after = unit_data(item)
    await journal.audit(session, actor=unit.principal, action="unit.updated", subject_type="unit", subject_id=item.id,
                        unit_path=item.path, grant=unit.grant, before=before.model_dump(mode="json"),
                        after=after.model_dump(mode="json"))
    await journal.emit(session, "org.unit.updated", item.id, after, item.path)
    return item


async def move_unit(session: AsyncSession, *, unit: Allowed[Unit], body: UnitMove) -> Unit:
    item = unit.item
    new_parent = await session.get(Unit, body.parent_id)
    if new_parent is None:
        raise NotFound(f"There is no unit with id {body.parent_id}.", field="parent_id",
                       zh=f"没有编号为 {body.parent_id} 的上级单元。")
    authorize(unit.principal, unit_place_of(new_parent), Right.admin)
    before = unit_data(item)
    async with keeping_an_administrator(session):  # a company moved under another is no company of its own
        old_path, new_path, moved = await tree.move_unit(session, unit=item, new_parent=new_parent)
    after = unit_data(item)
    await journal.audit(session, actor=unit.principal, action="unit.moved", subject_type="unit", subject_id=item.id,
                        unit_path=new_path, grant=unit.grant, before=before.model_dump(mode="json"),
                        after=after.model_dump(mode="json"))
    await journal.emit(session, "org.unit.moved", item.id,
                       UnitMovedData(**after.model_dump(), old_path=old_path, new_path=new_path, units_moved=moved),
                       new_path)
    return item


async def delete_unit(session: AsyncSession, *, unit: Allowed[Unit]) -> None:
    before = unit_data(unit.item)
    await tree.delete_unit(session, unit=unit.item)
    await journal.audit(session, actor=unit.principal, action="unit.deleted", subject_type="unit",
                        subject_id=before.id, unit_path=before.path, grant=unit.grant,
                        before=before.model_dump(mode="json"))
    await journal.emit(session, "org.unit.deleted", before.id, before, before.path)
