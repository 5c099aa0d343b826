"""Users, their assignments to positions, and their passwords."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.authz import is_admin
from services.common.db import Session, utcnow
from services.common.i18n import zh_of
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.common.scoping import visible_to
from services.common.security import CurrentPrincipal
from services.org.admins import keeping_an_administrator
from services.org.api.deps import (
    AdminPrincipal,
    ValidAssignment,
    ValidUser,
    VisibleUser,
    admin_over,
    request_id,
    users_visible,
)
from services.org.journal import audit_change, emit
from services.org.models import Assignment, Position, RefreshToken, Unit, User
from services.org.passwords import check_strength
from services.org.schemas import (
    AssignmentCreate,
    AssignmentRead,
    AssignmentUpdate,
    PasswordChange,
    UserCreate,
    UserRead,
    UserUpdate,
)

router = APIRouter(tags=["users"])


def _data(u: User) -> dict:
    return UserRead.model_validate(u).model_dump()


def _assignment_data(a: Assignment) -> dict:
    return AssignmentRead.model_validate(a).model_dump(mode="json")


@router.get("/users", response_model=Page[UserRead], summary="Users the caller can see")
async def list_users(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam, q: str | None = Query(None, max_length=100),
                     unit_id: int | None = Query(None, description="Only people holding a position in this unit "
                                                                   "or below it (e.g. whom to assess)")):
    stmt = select(User)
    if unit_id is not None:
        unit = await session.get(Unit, unit_id)
        if unit is None:
            raise NotFound(f"There is no org unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
        today = utcnow().date()  # people who hold the position now
        in_unit = (select(Assignment.user_id).join(Position, Position.id == Assignment.position_id)
                   .join(Unit, Unit.id == Position.unit_id)
                   .where(Unit.path.startswith(unit.path, autoescape=True), Assignment.start_date <= today,
                          (Assignment.end_date.is_(None)) | (Assignment.end_date >= today)))
        stmt = stmt.where(User.id.in_(in_unit))
    stmt = stmt.where(users_visible(principal))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(User.username.ilike(like) | User.display_name.ilike(like))
    rows, nxt = await paginate(session, stmt, User.id, limit=limit, cursor=cursor)
    return Page[UserRead](items=[UserRead.model_validate(u) for u in rows], next_cursor=nxt)


@router.get("/users/{user_id}", response_model=UserRead, summary="A user the caller can see (404 otherwise)")
async def get_user(user: VisibleUser, response: Response):
    set_etag(response, etag("user", user.id, user.version))
    return user


@router.post("/users", response_model=UserRead, status_code=201, summary="Create a user (admin)")
async def create_user(body: UserCreate, session: Session, principal: AdminPrincipal, request: Request,
                      response: Response):
    weak = check_strength(body.password)
    if weak:
        raise Invalid(f"Choose a stronger password: {weak}.", field="password", zh=f"请设置更强的密码：{zh_of(weak)}。")
    if (await session.execute(select(User.id).where(User.username == body.username))).first():
        raise Conflict(f"The username '{body.username}' is taken.", field="username", zh=f"用户名“{body.username}”已被占用。")
    user = User(username=body.username, display_name=body.display_name, email=body.email,
                password_hash=await request.app.state.passwords.hash_async(body.password))
    session.add(user)
    await session.flush()
    data = _data(user)
    await audit_change(session, actor=principal, action="user.created", subject_type="user", subject_id=user.id,
                       after=data, request_id=request_id(request))
    await emit(session, "org.user.created", user.id, data)
    set_etag(response, etag("user", user.id, user.version))
    return user


@router.patch("/users/{user_id}", response_model=UserRead, summary="Edit a user (admin)")
async def update_user(user: ValidUser, body: UserUpdate, session: Session, principal: AdminPrincipal,
                      request: Request, response: Response):
    check_if_match(request, etag("user", user.id, user.version))
    before = _data(user)
    async with keeping_an_administrator(session):
        for k, v in body.model_dump(exclude_unset=True, exclude_none=True).items():
            setattr(user, k, v)
    if body.active is False:
        # A deactivated user keeps no live refresh token.
        for rt in (await session.execute(select(RefreshToken).where(RefreshToken.user_id == user.id,
                                                                    RefreshToken.revoked_at.is_(None)))).scalars():
            rt.revoked_at = utcnow()
    await session.flush()
    after = _data(user)
    await audit_change(session, actor=principal, action="user.updated", subject_type="user", subject_id=user.id,
                       before=before, after=after, request_id=request_id(request))
    await emit(session, "org.user.updated", user.id, after)
    set_etag(response, etag("user", user.id, user.version))
    return user


@router.post("/users/{user_id}/password", status_code=204, summary="Change a password (yourself, or admin)")
async def change_password(user: ValidUser, body: PasswordChange, session: Session, principal: CurrentPrincipal,
                          request: Request):
    passwords = request.app.state.passwords
    own = principal.user_id == user.id
    if not own and not is_admin(principal):
        raise Forbidden("You may only change your own password.", zh="您只能修改自己的密码。")
    if own and not is_admin(principal):
        if not body.current_password or not await passwords.verify_async(user.password_hash, body.current_password):
            raise Invalid("The current password is not correct.", field="current_password", zh="当前密码不正确。")
    weak = check_strength(body.new_password)
    if weak:
        raise Invalid(f"Choose a stronger password: {weak}.", field="new_password", zh=f"请设置更强的新密码：{zh_of(weak)}。")
    user.password_hash = await passwords.hash_async(body.new_password)
    for rt in (await session.execute(select(RefreshToken).where(RefreshToken.user_id == user.id,
                                                                RefreshToken.revoked_at.is_(None)))).scalars():
        rt.revoked_at = utcnow()
    await audit_change(session, actor=principal, action="user.password_changed", subject_type="user",
                       subject_id=user.id, note="self" if own else "by admin", request_id=request_id(request))
    return Response(status_code=204)


# --- assignments -------------------------------------------------------------------------------

async def _position_unit(session, position_id: int) -> tuple[Position, Unit]:
    pos = await session.get(Position, position_id)
    if pos is None:
        raise NotFound(f"There is no position with id {position_id}.", field="position_id",
                       zh=f"没有编号为 {position_id} 的岗位。")
    return pos, await session.get(Unit, pos.unit_id)


@router.get("/assignments", response_model=Page[AssignmentRead], tags=["assignments"])
async def list_assignments(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                           cursor: str | None = CursorParam, user_id: int | None = Query(None),
                           position_id: int | None = Query(None)):
    stmt = select(Assignment)
    if not is_admin(principal):
        visible = (select(Position.id).join(Unit, Unit.id == Position.unit_id)
                   .where(visible_to(principal, "view", Unit.path)))
        stmt = stmt.where(Assignment.position_id.in_(visible) | (Assignment.user_id == (principal.user_id or -1)))
    if user_id is not None:
        stmt = stmt.where(Assignment.user_id == user_id)
    if position_id is not None:
        stmt = stmt.where(Assignment.position_id == position_id)
    rows, nxt = await paginate(session, stmt, Assignment.id, limit=limit, cursor=cursor)
    return Page[AssignmentRead](items=[AssignmentRead.model_validate(a) for a in rows], next_cursor=nxt)


@router.post("/assignments", response_model=AssignmentRead, status_code=201, tags=["assignments"],
             summary="Assign a user to a position (admin over its unit)")
async def create_assignment(body: AssignmentCreate, session: Session, principal: CurrentPrincipal,
                            request: Request, response: Response):
    pos, unit = await _position_unit(session, body.position_id)
    grant = admin_over(principal, unit)
    if await session.get(User, body.user_id) is None:
        raise NotFound(f"There is no user with id {body.user_id}.", field="user_id", zh=f"没有编号为 {body.user_id} 的用户。")
    a = Assignment(user_id=body.user_id, position_id=pos.id, start_date=body.start_date, end_date=body.end_date)
    session.add(a)
    await session.flush()
    data = _assignment_data(a)
    await audit_change(session, actor=principal, action="assignment.created", subject_type="assignment",
                       subject_id=a.id, unit_path=unit.path, grant=grant, after=data, request_id=request_id(request))
    await emit(session, "org.assignment.created", a.id, data, unit.path)
    set_etag(response, etag("assignment", a.id, a.version))
    return a


@router.patch("/assignments/{assignment_id}", response_model=AssignmentRead, tags=["assignments"],
              summary="End (or reopen) an assignment")
async def update_assignment(assignment: ValidAssignment, body: AssignmentUpdate, session: Session,
                            principal: CurrentPrincipal, request: Request, response: Response):
    _, unit = await _position_unit(session, assignment.position_id)
    grant = admin_over(principal, unit)
    check_if_match(request, etag("assignment", assignment.id, assignment.version))
    if body.end_date is not None and body.end_date < assignment.start_date:
        raise Invalid("end_date must not be before start_date.", field="end_date", zh="结束日期不能早于开始日期。")
    before = _assignment_data(assignment)
    async with keeping_an_administrator(session):
        assignment.end_date = body.end_date
    after = _assignment_data(assignment)
    await audit_change(session, actor=principal, action="assignment.updated", subject_type="assignment",
                       subject_id=assignment.id, unit_path=unit.path, grant=grant, before=before, after=after,
                       request_id=request_id(request))
    await emit(session, "org.assignment.updated", assignment.id, after, unit.path)
    set_etag(response, etag("assignment", assignment.id, assignment.version))
    return assignment


@router.delete("/assignments/{assignment_id}", status_code=204, tags=["assignments"])
async def delete_assignment(assignment: ValidAssignment, session: Session, principal: CurrentPrincipal,
                            request: Request):
    _, unit = await _position_unit(session, assignment.position_id)
    grant = admin_over(principal, unit)
    check_if_match(request, etag("assignment", assignment.id, assignment.version))
    before = _assignment_data(assignment)
    async with keeping_an_administrator(session):
        await session.delete(assignment)
    await audit_change(session, actor=principal, action="assignment.deleted", subject_type="assignment",
                       subject_id=before["id"], unit_path=unit.path, grant=grant, before=before,
                       request_id=request_id(request))
    await emit(session, "org.assignment.deleted", before["id"], before, unit.path)
    return Response(status_code=204)
