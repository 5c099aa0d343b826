"""Who a notification is for, found through the org model — never a hand-typed list."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import parent_path
from services.org.models import Assignment, Position, Unit, User
from services.org.positions.grants import right_holders


def user_id_of(subject: str | None) -> int | None:
    """The user a token subject names (people's subjects are their id as text; clients' are not people)."""
    return int(subject) if subject and subject.isdigit() else None


async def holders(session: AsyncSession, right: str, unit_path: str, held_at: str | None = None) -> list[int]:
    """Who holds ``right`` over ``unit_path`` now (held in the unit at ``held_at`` when given)."""
    return [u.id for u in await right_holders(session, right, unit_path, held_at)]


async def heads_of(session: AsyncSession, unit_id: int) -> list[int]:
    """The active people holding a position that heads the unit (负责人), today."""
    today = clock.today()
    rows = await session.execute(
        select(Assignment.user_id).join(Position, Position.id == Assignment.position_id)
        .join(User, User.id == Assignment.user_id)
        .where(Position.unit_id == unit_id, Position.heads_unit.is_(True), User.active.is_(True),
               Assignment.start_date <= today, (Assignment.end_date.is_(None)) | (Assignment.end_date >= today))
        .order_by(Assignment.user_id))
    return list(dict.fromkeys(rows.scalars()))


async def position_holders(session: AsyncSession, position_id: int) -> tuple[list[int], str | None]:
    """The active people holding the position today (by assignment: a delegate does not hold a position), and
    the path of the position's unit (None when there is no such position)."""
    unit_path = (await session.execute(select(Unit.path).join(Position, Position.unit_id == Unit.id)
                                       .where(Position.id == position_id))).scalar_one_or_none()
    if unit_path is None:
        return [], None
    today = clock.today()
    rows = await session.execute(
        select(Assignment.user_id).join(User, User.id == Assignment.user_id)
        .where(Assignment.position_id == position_id, User.active.is_(True), Assignment.start_date <= today,
               (Assignment.end_date.is_(None)) | (Assignment.end_date >= today))
        .order_by(Assignment.user_id))
    return list(dict.fromkeys(rows.scalars())), unit_path


async def next_level_up(session: AsyncSession, unit_path: str, exclude: set[int]) -> list[int]:
    """The next level up (by position) from the people in ``exclude`` for ``unit_path``: the unit's heads
    other than them, else the parent unit's heads, and so on to the top (empty above the top)."""
    path: str | None = unit_path
    while path:
        unit_id = int(path.strip("/").split("/")[-1])
        heads = [u for u in await heads_of(session, unit_id) if u not in exclude]
        if heads:
            return heads
        path = parent_path(path)
    return []


async def unit_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict((await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids)))).all())


async def user_names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return dict(rows.all())


async def display_name(session: AsyncSession, subject: str | None) -> str:
    """A token subject as people read it: the user's name, or the subject itself (an API client)."""
    uid = user_id_of(subject)
    if uid is None:
        return subject or ""
    return (await user_names(session, {uid})).get(uid, subject or "")
