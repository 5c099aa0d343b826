"""People and org units matching a query. People as the user list shows them (administrators everyone, others
the holders of positions in units they view, and themselves), each with the positions the caller may see; the
org chart's units are company-wide knowledge, as the unit list."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Principal
from services.common.search import SearchHit, SearchQuery, SearchResults, best_first, results
from services.org.deps import positions_visible, users_visible
from services.org.models import Assignment, Position, Unit, User


async def search(session: AsyncSession, *, principal: Principal, query: SearchQuery, limit: int) -> SearchResults:
    rank = query.rank(User.display_name)
    people = (await session.execute(
        select(User, rank).where(User.active.is_(True), users_visible(principal),
                                 query.matches(User.display_name, User.username))
        .order_by(*best_first(rank, User.display_name, User.id)).limit(limit))).all()
    held: dict[int, list[tuple[str, Unit]]] = defaultdict(list)
    if people:
        today = clock.today()
        rows = await session.execute(
            select(Assignment.user_id, Position.title, Unit).join(Position, Position.id == Assignment.position_id)
            .join(Unit, Unit.id == Position.unit_id)
            .where(Assignment.user_id.in_([u.id for u, _ in people]), positions_visible(principal),
                   Assignment.start_date <= today, Assignment.end_date.is_(None) | (Assignment.end_date >= today))
            .order_by(Assignment.id))
        for user_id, title, unit in rows.all():
            held[user_id].append((title, unit))
    rank = query.rank(Unit.name)
    units = await session.execute(
        select(Unit, rank).where(query.matches(Unit.name, Unit.code))
        .order_by(*best_first(rank, Unit.name, Unit.id)).limit(limit))
    return results(query, {
        "person": [SearchHit(kind="person", id=u.id, title=u.display_name,
                             subtitle=" · ".join(title for title, _ in held[u.id]) or u.username,
                             unit_name="、".join(dict.fromkeys(unit.name for _, unit in held[u.id])),
                             url=f"/org/tree?unit={held[u.id][0][1].id}" if held[u.id] else "/org/tree",
                             score=score) for u, score in people],
        "unit": [SearchHit(kind="unit", id=unit.id, title=unit.name, subtitle=unit.code,
                           url=f"/org/tree?unit={unit.id}", score=score) for unit, score in units.all()],
    })
