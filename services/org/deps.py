"""Dependencies shared by the org routers: load-or-404 and admin checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select, true

from services.common.api import load_or_404
from services.common.authz import Grant, Principal, is_admin
from services.common.db import Session
from services.common.problems import Forbidden, NotFound
from services.common.scoping import visible_to
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


def users_visible(principal: Principal):
    """Which users a principal sees: administrators everyone; others the people holding positions in the
    units they may view, and themselves (the user list, a user by id, and the positions follow it)."""
    if is_admin(principal):
        return true()
    holders = (select(Assignment.user_id).join(Position, Position.id == Assignment.position_id)
               .join(Unit, Unit.id == Position.unit_id).where(visible_to(principal, "view", Unit.path)))
    return User.id.in_(holders) | (User.id == (principal.user_id or -1))


def positions_visible(principal: Principal):
    """Positions in the units the principal may view, and the ones they hold (administrators: all)."""
    if is_admin(principal):
        return true()
    in_view = select(Unit.id).where(visible_to(principal, "view", Unit.path))
    held = select(Assignment.position_id).where(Assignment.user_id == (principal.user_id or -1))
    return Position.unit_id.in_(in_view) | Position.id.in_(held)


async def visible_user(user: ValidUser, session: Session, principal: CurrentPrincipal) -> User:
    if (await session.execute(select(User.id).where(User.id == user.id, users_visible(principal)))).first() is None:
        raise NotFound(f"There is no user with id {user.id}.",
                       zh=f"没有编号为 {user.id} 的用户。")  # as for one that does not exist
    return user


async def visible_position(position: ValidPosition, session: Session, principal: CurrentPrincipal) -> Position:
    if (await session.execute(select(Position.id).where(Position.id == position.id,
                                                        positions_visible(principal)))).first() is None:
        raise NotFound(f"There is no position with id {position.id}.", zh=f"没有编号为 {position.id} 的岗位。")
    return position


VisibleUser = Annotated[User, Depends(visible_user)]
VisiblePosition = Annotated[Position, Depends(visible_position)]


def request_id(request: Request) -> str:
    return request.headers.get("x-request-id", "")
