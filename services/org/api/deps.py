"""Dependencies shared by the org routers: load-or-404 and admin checks."""

from __future__ import annotations

import inspect
from typing import Annotated

from fastapi import Depends, Path, Request

from services.common.authz import Grant, Principal, is_admin
from services.common.db import Session
from services.common.problems import Forbidden, NotFound
from services.common.security import CurrentPrincipal
from services.org.models import ApiClient, Assignment, Delegation, Position, Role, Unit, User


def _loader(model, name: str, label: str):
    """A load-or-404 dependency reading the path parameter ``name`` (same name on every route)."""

    async def load(session, **path):
        ident = path[name]
        obj = await session.get(model, ident)
        if obj is None:
            raise NotFound(f"There is no {label} with id {ident}.")
        return obj

    # FastAPI reads the signature: expose the path parameter under its real name.
    load.__signature__ = inspect.Signature([
        inspect.Parameter("session", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Session),
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[int, Path()]),
    ])
    load.__name__ = f"valid_{name}"
    return load


ValidUnit = Annotated[Unit, Depends(_loader(Unit, "unit_id", "unit"))]
ValidRole = Annotated[Role, Depends(_loader(Role, "role_id", "role"))]
ValidPosition = Annotated[Position, Depends(_loader(Position, "position_id", "position"))]
ValidUser = Annotated[User, Depends(_loader(User, "user_id", "user"))]
ValidAssignment = Annotated[Assignment, Depends(_loader(Assignment, "assignment_id", "assignment"))]
ValidDelegation = Annotated[Delegation, Depends(_loader(Delegation, "delegation_id", "delegation"))]
ValidClient = Annotated[ApiClient, Depends(_loader(ApiClient, "client_pk", "API client"))]


async def require_company_admin(principal: CurrentPrincipal) -> Principal:
    if not is_admin(principal):
        raise Forbidden("Only administrators (the 'admin' right over the company) may do this.", right="admin")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_company_admin)]


def admin_over(principal: Principal, unit: Unit) -> Grant:
    return principal.require("admin", unit.path, what=f"the unit {unit.name}")


def request_id(request: Request) -> str:
    return request.headers.get("x-request-id", "")
