"""Roles: named sets of (right, scope), managed by administrators."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import func, select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.db import Session
from services.common.problems import Conflict
from services.common.security import CurrentPrincipal
from services.org.admins import keeping_an_administrator
from services.org.api.deps import AdminPrincipal, ValidRole, request_id
from services.org.journal import audit_change, emit
from services.org.models import Position, Role
from services.org.schemas import RoleCreate, RoleRead, RoleUpdate

router = APIRouter(prefix="/roles", tags=["roles"])


def _data(role: Role) -> dict:
    return RoleRead.model_validate(role).model_dump()


@router.get("", response_model=Page[RoleRead])
async def list_roles(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam):
    rows, nxt = await paginate(session, select(Role), Role.id, limit=limit, cursor=cursor)
    return Page[RoleRead](items=[RoleRead.model_validate(r) for r in rows], next_cursor=nxt)


@router.get("/{role_id}", response_model=RoleRead)
async def get_role(role: ValidRole, principal: CurrentPrincipal, response: Response):
    set_etag(response, etag("role", role.id, role.version))
    return role


@router.post("", response_model=RoleRead, status_code=201, summary="Create a role (admin)")
async def create_role(body: RoleCreate, session: Session, principal: AdminPrincipal, request: Request,
                      response: Response):
    if (await session.execute(select(Role.id).where(Role.key == body.key))).first():
        raise Conflict(f"A role with key '{body.key}' already exists.", field="key", zh=f"键为“{body.key}”的角色已存在。")
    role = Role(key=body.key, name=body.name, name_en=body.name_en, description=body.description,
                rights=[r.model_dump() for r in body.rights])
    session.add(role)
    await session.flush()
    data = _data(role)
    await audit_change(session, actor=principal, action="role.created", subject_type="role", subject_id=role.id,
                       after=data, request_id=request_id(request))
    await emit(session, "org.role.created", role.id, data)
    set_etag(response, etag("role", role.id, role.version))
    return role


@router.patch("/{role_id}", response_model=RoleRead, summary="Edit a role's name or rights (admin)")
async def update_role(role: ValidRole, body: RoleUpdate, session: Session, principal: AdminPrincipal,
                      request: Request, response: Response):
    check_if_match(request, etag("role", role.id, role.version))
    before = _data(role)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    async with keeping_an_administrator(session):
        for k, v in changes.items():
            setattr(role, k, v)
    after = _data(role)
    await audit_change(session, actor=principal, action="role.updated", subject_type="role", subject_id=role.id,
                       before=before, after=after, request_id=request_id(request))
    await emit(session, "org.role.updated", role.id, after)
    set_etag(response, etag("role", role.id, role.version))
    return role


@router.delete("/{role_id}", status_code=204, summary="Delete a role no position uses (admin)")
async def delete_role(role: ValidRole, session: Session, principal: AdminPrincipal, request: Request):
    check_if_match(request, etag("role", role.id, role.version))
    used = (await session.execute(select(func.count()).where(Position.role_id == role.id))).scalar_one()
    if used:
        raise Conflict(f"The role '{role.name}' is used by {used} position(s); give them another role first.",
                       zh=f"角色“{role.name}”正被 {used} 个岗位使用；请先为这些岗位换一个角色。")
    before = _data(role)
    await session.delete(role)
    await audit_change(session, actor=principal, action="role.deleted", subject_type="role", subject_id=before["id"],
                       before=before, request_id=request_id(request))
    await emit(session, "org.role.deleted", before["id"], before)
    return Response(status_code=204)
