"""Roles: named sets of (right, scope), created, edited and deleted by administrators."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import Page, paginate
from services.common.authz import Principal
from services.common.problems import Conflict
from services.org.admins import keeping_an_administrator
from services.org.events import RoleData
from services.org.journal import journal
from services.org.models import Position, Role
from services.org.roles.schemas import RoleCreate, RoleRead, RoleUpdate


def role_data(role: Role) -> RoleData:
    return RoleData(**RoleRead.model_validate(role).model_dump())


async def list_roles(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[RoleRead]:
    rows, nxt = await paginate(session, select(Role), Role.id, limit=limit, cursor=cursor)
    return Page[RoleRead](items=[RoleRead.model_validate(r) for r in rows], next_cursor=nxt)


async def create_role(session: AsyncSession, *, principal: Principal, body: RoleCreate) -> Role:
    if (await session.execute(select(Role.id).where(Role.key == body.key))).first():
        raise Conflict(f"A role with key '{body.key}' already exists.", field="key",
                       zh=f"键为“{body.key}”的角色已存在。")
    role = Role(key=body.key, name=body.name, name_en=body.name_en, description=body.description,
                rights=[r.model_dump() for r in body.rights])
    session.add(role)
    await session.flush()
    data = role_data(role)
    await journal.audit(session, actor=principal, action="role.created", subject_type="role", subject_id=role.id,
                        after=data.model_dump(mode="json"))
    await journal.emit(session, "org.role.created", role.id, data)
    return role


async def update_role(session: AsyncSession, *, principal: Principal, role: Role, body: RoleUpdate) -> Role:
    before = role_data(role)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    async with keeping_an_administrator(session):
        for k, v in changes.items():
            setattr(role, k, v)
    after = role_data(role)
    await journal.audit(session, actor=principal, action="role.updated", subject_type="role", subject_id=role.id,
                        before=before.model_dump(mode="json"), after=after.model_dump(mode="json"))
    await journal.emit(session, "org.role.updated", role.id, after)
    return role


async def delete_role(session: AsyncSession, *, principal: Principal, role: Role) -> None:
    used = (await session.execute(select(func.count()).where(Position.role_id == role.id))).scalar_one()
    if used:
        raise Conflict(f"The role '{role.name}' is used by {used} position(s); give them another role first.",
                       zh=f"角色“{role.name}”正被 {used} 个岗位使用；请先为这些岗位换一个角色。")
    before = role_data(role)
    await session.delete(role)
    await journal.audit(session, actor=principal, action="role.deleted", subject_type="role", subject_id=before.id,
                        before=before.model_dump(mode="json"))
    await journal.emit(session, "org.role.deleted", before.id, before)
