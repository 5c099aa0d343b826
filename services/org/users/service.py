"""Users, their passwords, and their assignments to positions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import Page, paginate
from services.common.authz import Principal, Right, is_admin
from services.common.db import utcnow
from services.common.guards import Allowed, authorize
from services.common.i18n import zh_of
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.common.scoping import visible_to
from services.org.admins import keeping_an_administrator
from services.org.deps import assignment_position, position_unit, unit_place_of, users_visible
from services.org.events import AssignmentData, UserData
from services.org.journal import journal
from services.org.models import Assignment, Position, RefreshToken, Unit, User
from services.org.positions.grants import PostToday, posts_today
from services.org.runtime import OrgRuntime
from services.org.staffing import service as staffing
from services.org.users.passwords import check_strength
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


def user_data(user: User) -> UserData:
    return UserData(**UserRead.model_validate(user).model_dump())


def assignment_data(assignment: Assignment) -> AssignmentData:
    return AssignmentData(**AssignmentRead.model_validate(assignment).model_dump())


async def list_users(session: AsyncSession, *, principal: Principal, q: str | None, unit_id: int | None, limit: int,
                     cursor: str | None) -> Page[UserListed]:
    stmt = select(User)
    if unit_id is not None:
        unit = await session.get(Unit, unit_id)
        if unit is None:
            raise NotFound(f"There is no org unit with id {unit_id}.", field="unit_id",
                           zh=f"没有编号为 {unit_id} 的组织单元。")
        today = clock.today()  # people who hold the position now (the company's day)
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
    held = await posts_today(session, [u.id for u in rows])
    return Page[UserListed](items=[_listed(u, held.get(u.id, [])) for u in rows], next_cursor=nxt)


def _listed(user: User, posts: list[PostToday]) -> UserListed:
    """The user with their post today: the one held longest (earliest start, then the first assigned)."""
    main = min(posts, key=lambda p: (p.start_date, p.assignment_id), default=None)
    return UserListed(**UserRead.model_validate(user).model_dump(),
                      position_name=main.title if main else None, unit_name=main.unit_name if main else None)


async def create_user(session: AsyncSession, rt: OrgRuntime, *, principal: Principal, body: UserCreate) -> User:
    weak = check_strength(body.password)
    if weak:
        raise Invalid(f"Choose a stronger password: {weak}.", field="password", zh=f"请设置更强的密码：{zh_of(weak)}。")
    return await add_user(session, principal=principal, username=body.username, display_name=body.display_name,
                          email=body.email, password_hash=await rt.passwords.hash_async(body.password))


async def add_user(session: AsyncSession, *, principal: Principal, username: str, display_name: str, email: str,
                   password_hash: str, active: bool = True) -> User:
    """A new user with a password hash already made (or a marker no password matches: people who sign in
    through a provider, or whom an administrator gives a password later), audited and announced."""
    if (await session.execute(select(User.id).where(User.username == username))).first():
        raise Conflict(f"The username '{username}' is taken.", field="username",
                       zh=f"用户名“{username}”已被占用。")
    user = User(username=username, display_name=display_name, email=email, password_hash=password_hash,
                active=active)
    session.add(user)
    await session.flush()
    data = user_data(user)
    await journal.audit(session, actor=principal, action="user.created", subject_type="user", subject_id=user.id,
                        after=data.model_dump(mode="json"))
    await journal.emit(session, "org.user.created", user.id, data)
    return user


async def _revoke_refresh_tokens(session: AsyncSession, user: User) -> None:
    for token in (await session.execute(select(RefreshToken).where(RefreshToken.user_id == user.id,
                                                                   RefreshToken.revoked_at.is_(None)))).scalars():
        token.revoked_at = utcnow()


async def update_user(session: AsyncSession, *, principal: Principal, user: User, body: UserUpdate) -> User:
    before = user_data(user)
    async with keeping_an_administrator(session):
        for k, v in body.model_dump(exclude_unset=True, exclude_none=True).items():
            setattr(user, k, v)
    if body.active is False:
        # A deactivated user keeps no live refresh token.
        await _revoke_refresh_tokens(session, user)
    await session.flush()
    after = user_data(user)
    await journal.audit(session, actor=principal, action="user.updated", subject_type="user", subject_id=user.id,
                        before=before.model_dump(mode="json"), after=after.model_dump(mode="json"))
    await journal.emit(session, "org.user.updated", user.id, after)
    return user


async def change_password(session: AsyncSession, rt: OrgRuntime, *, principal: Principal, user: User,
                          body: PasswordChange) -> None:
    passwords = rt.passwords
    own = principal.user_id == user.id
    if not own and not is_admin(principal):
        raise Forbidden("You may only change your own password.", zh="您只能修改自己的密码。")
    if own and not is_admin(principal):
        if not body.current_password or not await passwords.verify_async(user.password_hash, body.current_password):
            raise Invalid("The current password is not correct.", field="current_password", zh="当前密码不正确。")
    weak = check_strength(body.new_password)
    if weak:
        raise Invalid(f"Choose a stronger password: {weak}.", field="new_password",
                      zh=f"请设置更强的新密码：{zh_of(weak)}。")
    user.password_hash = await passwords.hash_async(body.new_password)
    await _revoke_refresh_tokens(session, user)
    await journal.audit(session, actor=principal, action="user.password_changed", subject_type="user",
                        subject_id=user.id, note="self" if own else "by admin")


# --- assignments -------------------------------------------------------------------------------

async def list_assignments(session: AsyncSession, *, principal: Principal, user_id: int | None,
                           position_id: int | None, limit: int, cursor: str | None) -> Page[AssignmentRead]:
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


async def create_assignment(session: AsyncSession, *, principal: Principal, body: AssignmentCreate) -> Assignment:
    pos = await session.get(Position, body.position_id)
    if pos is None:
        raise NotFound(f"There is no position with id {body.position_id}.", field="position_id",
                       zh=f"没有编号为 {body.position_id} 的岗位。")
    unit = await position_unit(session, pos)
    grant = authorize(principal, unit_place_of(unit), Right.admin)
    if await session.get(User, body.user_id) is None:
        raise NotFound(f"There is no user with id {body.user_id}.", field="user_id",
                       zh=f"没有编号为 {body.user_id} 的用户。")
    a = Assignment(user_id=body.user_id, position_id=pos.id, start_date=body.start_date, end_date=body.end_date)
    session.add(a)
    await session.flush()
    data = assignment_data(a)
    await journal.audit(session, actor=principal, action="assignment.created", subject_type="assignment",
                        subject_id=a.id, unit_path=unit.path, grant=grant, after=data.model_dump(mode="json"))
    await journal.emit(session, "org.assignment.created", a.id, data, unit.path)
    await staffing.position_changed(session, position_id=a.position_id)  # people against plan (issue 20)
    return a


async def _assignment_unit(session: AsyncSession, assignment: Assignment) -> Unit:
    return await position_unit(session, await assignment_position(session, assignment))


async def update_assignment(session: AsyncSession, *, assignment: Allowed[Assignment],
                            body: AssignmentUpdate) -> Assignment:
    item = assignment.item
    unit = await _assignment_unit(session, item)
    if body.end_date is not None and body.end_date < item.start_date:
        raise Invalid("end_date must not be before start_date.", field="end_date", zh="结束日期不能早于开始日期。")
    before = assignment_data(item)
    async with keeping_an_administrator(session):
        item.end_date = body.end_date
    after = assignment_data(item)
    await journal.audit(session, actor=assignment.principal, action="assignment.updated", subject_type="assignment",
                        subject_id=item.id, unit_path=unit.path, grant=assignment.grant,
                        before=before.model_dump(mode="json"), after=after.model_dump(mode="json"))
    await journal.emit(session, "org.assignment.updated", item.id, after, unit.path)
    await staffing.position_changed(session, position_id=item.position_id)  # people against plan (issue 20)
    return item


async def delete_assignment(session: AsyncSession, *, assignment: Allowed[Assignment]) -> None:
    item = assignment.item
    unit = await _assignment_unit(session, item)
    before = assignment_data(item)
    async with keeping_an_administrator(session):
        await session.delete(item)
    await journal.audit(session, actor=assignment.principal, action="assignment.deleted", subject_type="assignment",
                        subject_id=before.id, unit_path=unit.path, grant=assignment.grant,
                        before=before.model_dump(mode="json"))
    await journal.emit(session, "org.assignment.deleted", before.id, before, unit.path)
    await staffing.position_changed(session, position_id=before.position_id)  # people against plan (issue 20)
