"""Users, their assignments to positions, and their passwords."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.org.deps import AdminPrincipal, AssignmentToAdmin, ValidUser, VisibleUser
from services.org.runtime import OrgRuntimeDep
from services.org.users import service
from services.org.users.schemas import (
    AssignmentCreate,
    AssignmentRead,
    AssignmentUpdate,
    PasswordChange,
    UserCreate,
    UserListed,
    UserRead,
    UserUpdate,
)

router = APIRouter(tags=["users"])


@router.get("/users", response_model=Page[UserListed], summary="Users the caller can see, with their post today")
async def list_users(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam, q: str | None = Query(None, max_length=100),
                     unit_id: int | None = Query(None, description="Only people holding a position in this unit "
                                                                   "or below it (e.g. whom to assess)")):
    return await service.list_users(session, principal=principal, q=q, unit_id=unit_id, limit=limit, cursor=cursor)


@router.get("/users/{user_id}", response_model=UserRead, summary="A user the caller can see (404 otherwise)")
async def get_user(user: VisibleUser, response: Response):
    set_etag(response, etag("user", user.id, user.version))
    return user


@router.post("/users", response_model=UserRead, status_code=201, summary="Create a user (admin)")
async def create_user(body: UserCreate, session: Session, principal: AdminPrincipal, rt: OrgRuntimeDep,
                      response: Response):
    user = await service.create_user(session, rt, principal=principal, body=body)
    set_etag(response, etag("user", user.id, user.version))
    return user


@router.patch("/users/{user_id}", response_model=UserRead, summary="Edit a user (admin)")
async def update_user(user: ValidUser, body: UserUpdate, session: Session, principal: AdminPrincipal,
                      request: Request, response: Response):
    check_if_match(request, etag("user", user.id, user.version))
    updated = await service.update_user(session, principal=principal, user=user, body=body)
    set_etag(response, etag("user", updated.id, updated.version))
    return updated


@router.post("/users/{user_id}/password", status_code=204, summary="Change a password (yourself, or admin)")
async def change_password(user: ValidUser, body: PasswordChange, session: Session, principal: CurrentPrincipal,
                          rt: OrgRuntimeDep):
    await service.change_password(session, rt, principal=principal, user=user, body=body)
    return Response(status_code=204)


# --- assignments -------------------------------------------------------------------------------

@router.get("/assignments", response_model=Page[AssignmentRead], tags=["assignments"])
async def list_assignments(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                           cursor: str | None = CursorParam, user_id: int | None = Query(None),
                           position_id: int | None = Query(None)):
    return await service.list_assignments(session, principal=principal, user_id=user_id, position_id=position_id,
                                          limit=limit, cursor=cursor)


@router.post("/assignments", response_model=AssignmentRead, status_code=201, tags=["assignments"],
             summary="Assign a user to a position (admin over its unit)")
async def create_assignment(body: AssignmentCreate, session: Session, principal: CurrentPrincipal,
                            response: Response):
    assignment = await service.create_assignment(session, principal=principal, body=body)
    set_etag(response, etag("assignment", assignment.id, assignment.version))
    return assignment


@router.patch("/assignments/{assignment_id}", response_model=AssignmentRead, tags=["assignments"],
              summary="End (or reopen) an assignment")
async def update_assignment(assignment: AssignmentToAdmin, body: AssignmentUpdate, session: Session,
                            request: Request, response: Response):
    check_if_match(request, etag("assignment", assignment.item.id, assignment.item.version))
    updated = await service.update_assignment(session, assignment=assignment, body=body)
    set_etag(response, etag("assignment", updated.id, updated.version))
    return updated


@router.delete("/assignments/{assignment_id}", status_code=204, tags=["assignments"])
async def delete_assignment(assignment: AssignmentToAdmin, session: Session, request: Request):
    check_if_match(request, etag("assignment", assignment.item.id, assignment.item.version))
    await service.delete_assignment(session, assignment=assignment)
    return Response(status_code=204)
