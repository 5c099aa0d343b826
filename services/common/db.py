"""Database engine, sessions and the declarative base every service builds on.

One commit point per request: :func:`session_dependency` yields a session and
commits when the path operation returns (before the response is sent), or
rolls back when it raises. Domain code only flushes.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, event, text
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(at: datetime) -> datetime:
    """A time without a zone is UTC (SQLite stores them so); a zoned one is kept as it is."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value).astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class TableMixin:
    """What the kernel's table mixins (``AuditEntryMixin``, ``OutboxEventMixin``…) share: a service's
    models.py maps each onto its own declarative ``Base`` (``class AuditEntry(AuditEntryMixin, Base)``)."""

    if TYPE_CHECKING:
        # The declarative Base gives every mapped class this keyword constructor; declared here so
        # code holding only ``type[SomeMixin]`` (the kernel's) can build rows.
        def __init__(self, **columns: Any) -> None: ...


# What every service's declarative base declares (in its models.py):
#     class Base(DeclarativeBase):
#         metadata = service_metadata()
#         type_annotation_map = TYPE_ANNOTATION_MAP
TYPE_ANNOTATION_MAP: dict[Any, Any] = {datetime: UTCDateTime}


def service_metadata() -> MetaData:
    """A service's own metadata with the shared naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# A process's pool on PostgreSQL unless configured (YUNGUAN_DB_POOL_SIZE, _MAX_OVERFLOW, _POOL_TIMEOUT): small,
# because every replica of every service has one and together they must fit the server's max_connections.
POOL_DEFAULTS: dict[str, Any] = {"pool_size": 5, "max_overflow": 5, "pool_timeout": 30.0}


def create_engine(url: str, **kw: Any) -> AsyncEngine:
    """Create the async engine; on SQLite, WAL, foreign keys and serialised writers (pool options
    are for PostgreSQL and ignored there)."""
    if is_sqlite(url):
        for option in POOL_DEFAULTS:
            kw.pop(option, None)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kw)
        _configure_sqlite(engine)
        return engine
    for option, default in POOL_DEFAULTS.items():
        kw.setdefault(option, default)
    kw.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kw)


async def asyncpg_connect(url: str, *, database: str | None = None) -> Any:
    """A plain asyncpg connection to ``url`` (or to another ``database`` on its server), with the
    URL's connection options (``?ssl=require``…) applied as SQLAlchemy's asyncpg dialect applies them."""
    import asyncpg
    from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

    u = make_url(url)
    if database is not None:
        u = u.set(database=database)
    _args, params = PGDialect_asyncpg().create_connect_args(u)  # type: ignore[no-untyped-call]
    params.pop("prepared_statement_cache_size", None)
    params.pop("async_fallback", None)
    return await asyncpg.connect(**params)


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions are off),
        # so write transactions can take the write lock up front.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        # 32 MiB of page cache per connection (the default is 2 MiB): index pages of a table
        # with millions of rows stay in memory; temporary tables (batch staging) never touch disk.
        cur.execute("PRAGMA cache_size=-32768")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock at BEGIN: two read-then-write transactions can then
        # never fail half-way with SQLITE_BUSY_SNAPSHOT; they queue instead.
        if conn.get_execution_options().get("sqlite_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


# The advisory lock replicas take in turn for start-up seeding (migrations hold another: migrate.MIGRATION_LOCK).
STARTUP_LOCK = 0x59_47_53_74_61_72_74  # "YGStart"


class Database:
    """A service's engine with its reader and writer session factories."""

    def __init__(self, url: str, **engine_kw: Any):
        self.url = url
        self.engine = create_engine(url, **engine_kw)
        self.sqlite = is_sqlite(url)
        self.reader = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        write_bind = self.engine.execution_options(sqlite_write=True) if self.sqlite else self.engine
        self.writer = async_sessionmaker(write_bind, expire_on_commit=False, autoflush=True)

    async def dispose(self) -> None:
        await self.engine.dispose()

    @contextlib.asynccontextmanager
    async def one_replica_at_a_time(self) -> AsyncIterator[None]:
        """A block that replicas of this service run in turn (start-up seeding: the second finds what the
        first wrote instead of inserting it again). On PostgreSQL a session advisory lock held on a connection
        of its own for the block; SQLite has one process per service, so nothing to take."""
        if self.sqlite:
            yield
            return
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": STARTUP_LOCK})
            await conn.commit()
            try:
                yield
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": STARTUP_LOCK})
                await conn.commit()


_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; commits when the handler returns, rolls back on error."""
    db: Database = request.app.state.db
    factory = db.reader if request.method in _SAFE_METHODS else db.writer
    async with factory() as session:
        try:
            yield session
            if session.in_transaction():
                await session.commit()
            if session.info.pop("events_recorded", False):
                relay = getattr(request.app.state, "relay", None)
                if relay is not None:
                    relay.wake.set()
        except BaseException:
            await session.rollback()
            raise


Session = Annotated[AsyncSession, Depends(get_session, scope="function")]
