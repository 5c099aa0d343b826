"""Dependencies shared by the org routers: load-or-404 and admin checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.common.api import load_or_404
from services.common.authz import Grant, Principal, is_admin
from services.common.problems import Forbidden
from services.common.security import CurrentPrincipal
from services.org.models import ApiClient, Assignment, Delegation, Position, Role, Unit, User


ValidUnit = Annotated[Unit, Depends(load_or_404(Unit, "unit_id", "unit"))]
ValidRole = Annotated[Role, Depends(load_or_404(Role, "role_id", "role"))]
ValidPosition = Annotated[Position, Depends(load_or_404(Position, "position_id", "position"))]
ValidUser = Annotated[User, Depends(load_or_404(User, "user_id", "user"))]
ValidAssignment = Annotated[Assignment, Depends(load_or_404(Assignment, "assignment_id", "assignment"))]
ValidDelegation = Annotated[Delegation, Depends(load_or_404(Delegation, "delegation_id", "delegation"))]
ValidClient = Annotated[ApiClient, Depends(load_or_404(ApiClient, "client_pk", "API client"))]


async def require_company_admin(principal: CurrentPrincipal) -> Principal:
    if not is_admin(principal):
        raise Forbidden("Only administrators (the 'admin' right over the company) may do this.", right="admin",
                        zh="只有管理员（对全公司有管理权）才能执行此操作。")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_company_admin)]


def admin_over(principal: Principal, unit: Unit) -> Grant:
    return principal.require("admin", unit.path, what=f"the unit {unit.name}")


def request_id(request: Request) -> str:
    return request.headers.get("x-request-id", "")
