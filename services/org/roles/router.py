"""Roles: named sets of (right, scope), managed by administrators."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.org.deps import AdminPrincipal, ValidRole
from services.org.roles import service
from services.org.roles.schemas import RoleCreate, RoleRead, RoleUpdate

router = APIRouter(prefix="/roles", tags=["roles"])


@router.get("", response_model=Page[RoleRead])
async def list_roles(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam):
    return await service.list_roles(session, limit=limit, cursor=cursor)


@router.get("/{role_id}", response_model=RoleRead)
async def get_role(role: ValidRole, principal: CurrentPrincipal, response: Response):
    set_etag(response, etag("role", role.id, role.version))
    return role


@router.post("", response_model=RoleRead, status_code=201, summary="Create a role (admin)")
async def create_role(body: RoleCreate, session: Session, principal: AdminPrincipal, response: Response):
    role = await service.create_role(session, principal=principal, body=body)
    set_etag(response, etag("role", role.id, role.version))
    return role


@router.patch("/{role_id}", response_model=RoleRead, summary="Edit a role's name or rights (admin)")
async def update_role(role: ValidRole, body: RoleUpdate, session: Session, principal: AdminPrincipal,
                      request: Request, response: Response):
    check_if_match(request, etag("role", role.id, role.version))
    updated = await service.update_role(session, principal=principal, role=role, body=body)
    set_etag(response, etag("role", updated.id, updated.version))
    return updated


@router.delete("/{role_id}", status_code=204, summary="Delete a role no position uses (admin)")
async def delete_role(role: ValidRole, session: Session, principal: AdminPrincipal, request: Request):
    check_if_match(request, etag("role", role.id, role.version))
    await service.delete_role(session, principal=principal, role=role)
    return Response(status_code=204)
