"""One dependency idiom for every service: load a resource or 404, then authorise it by the authority model.

A service's ``deps.py`` declares, per resource,

    async def load_risk(risk_id: int, session: Session) -> Risk: ...            # the row or NotFound
    ValidRisk = Annotated[Risk, Depends(load_risk)]                             # load-or-404

    async def risk_place(session: AsyncSession, risk: Risk) -> Place: ...      # its unit path and name
    RiskToView = Annotated[Allowed[Risk], Depends(allowed(load_risk, risk_place, Right.view))]
    RiskToPlan = Annotated[Allowed[Risk], Depends(allowed(load_risk, risk_place, Right.plan))]

and a router takes ``risk: RiskToPlan``: the risk is loaded, the caller holds ``plan`` over its
unit (or gets a 403 naming the right and the unit), and the grant that allowed it travels on to
the service layer for the audit chain. Checks that depend on the request body (the unit a risk
moves to) stay in the service layer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Grant, Principal, Right
from services.common.db import Session
from services.common.security import CurrentPrincipal

T = TypeVar("T")


@dataclass(frozen=True)
class Place:
    """Where a resource sits in the org tree: its unit's path, and how a refusal names it."""

    unit_path: str
    what: str = "this unit"


@dataclass(frozen=True)
class Allowed(Generic[T]):
    """A resource the caller may act on, with who they are and the grant that allows it."""

    item: T
    principal: Principal
    grant: Grant


def authorize(principal: Principal, place: Place, *rights: Right | str) -> Grant:
    """The first grant giving any of ``rights`` over the place; Forbidden naming the first right otherwise."""
    for right in rights:
        for grant in principal.grants_for(str(getattr(right, "value", right)), place.unit_path):
            return grant
    first = rights[0]
    return principal.require(str(getattr(first, "value", first)), place.unit_path, what=place.what)


def allowed(load: Callable[..., Awaitable[T]], place: Callable[[AsyncSession, T], Awaitable[Place]],
            *rights: Right | str) -> Callable[..., Awaitable[Allowed[T]]]:
    """A dependency: ``load`` the resource (its own parameters come from the path), find its
    ``place``, and let the caller through when they hold any of ``rights`` over it."""
    if not rights:
        raise ValueError("allowed() needs at least one right")

    # The caller first (401 before anything is looked up), then the resource (404), then the right (403).
    async def dependency(principal: CurrentPrincipal, item: Annotated[Any, Depends(load)],
                         session: Session) -> Allowed[T]:
        where = await place(session, item)
        return Allowed(item=item, principal=principal, grant=authorize(principal, where, *rights))

    # The annotation names ``load``, a local: FastAPI resolves string annotations (this module's
    # ``from __future__ import annotations``) in the module's globals, so it gets the object itself.
    dependency.__annotations__["item"] = Annotated[Any, Depends(load)]
    names = "_or_".join(str(getattr(r, "value", r)) for r in rights)
    dependency.__name__ = f"{getattr(load, '__name__', 'load')}_to_{names}"
    return dependency
