"""A service's data generation: one counter, bumped by every transaction that changes watched tables.

Read caches key on it. A cached answer stays good while the generation it was computed at is
still the current one, in every replica, because the counter lives in the database and moves
in the same transaction as the change. Reading it is one primary-key lookup.

Changes are noticed by the ORM (flushed objects and ``session.execute`` DML on a watched
table); code that writes through the driver directly calls ``mark_changed``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from itertools import chain
from typing import Any, cast

from sqlalchemy import CursorResult, FromClause, event, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

_WATCH = "generation_watch"   # session.info: (generation table, watched table names)
_DIRTY = "generation_dirty"   # session.info: this transaction changed a watched table


def watch(factory: async_sessionmaker[AsyncSession], table: FromClause, watched: set[str]) -> None:
    """Bump ``table``'s counter on commit in sessions of ``factory`` that changed any of ``watched``."""
    info = dict(factory.kw.get("info") or {})
    info[_WATCH] = (table, frozenset(watched))
    factory.configure(info=info)


def mark_changed(session: AsyncSession) -> None:
    """For writes the ORM does not see (the driver's own executemany or COPY)."""
    session.sync_session.info[_DIRTY] = True


async def current(session: AsyncSession, table: FromClause) -> int:
    value = (await session.execute(select(table.c.value).where(table.c.id == 1))).scalar()
    return value or 0  # the migration seeds the row; 0 until then


def _watched(session: Session) -> frozenset[str] | None:
    spec = session.info.get(_WATCH)
    return spec[1] if spec else None


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: UOWTransaction) -> None:
    watched = _watched(session)
    if not watched or session.info.get(_DIRTY):
        return
    for obj in chain(session.new, session.dirty, session.deleted):
        table = getattr(obj, "__table__", None)
        if table is not None and table.name in watched:
            session.info[_DIRTY] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    watched = _watched(state.session)
    if not watched or not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if table is not None and getattr(table, "name", None) in watched:
        state.session.info[_DIRTY] = True


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if _watched(session) is None:
        return
    session.flush()  # commit flushes only after this event: see pending changes now
    if not session.info.pop(_DIRTY, False):
        return
    table = session.info[_WATCH][0]
    # DML answers with a CursorResult, which the session's signature does not say
    done = cast(CursorResult[Any], session.execute(update(table).where(table.c.id == 1)
                                                   .values(value=table.c.value + 1)))
    if not done.rowcount:  # the row the migration seeds is missing
        session.execute(insert(table).values(id=1, value=1))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_DIRTY, None)


class Cache:
    """Answers keyed by (generation, request), least recently used dropped first.

    A key holds the generation it was computed at, so once the data moves on, old entries
    are simply never asked for again and age out.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
