"""Alembic runner: every service has its own migration history and its own database.

``upgrade(service, url)`` creates the database when it is missing (a SQLite
file under ``data/`` or ``yunguan_<service>`` on PostgreSQL) and migrates it to
head over one async connection, which the service's ``env.py`` picks up.

Several starters at once (replicas, each pod's init container) take turns: on PostgreSQL the
upgrade runs under a transaction-scoped advisory lock of the service's database, so the first
migrates and the others, let in after its commit, find the database at head and do nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SERVICES_DIR = Path(__file__).resolve().parents[1]


def alembic_config(service: str, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SERVICES_DIR / service / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["service"] = service
    return cfg


# The advisory lock every migrator of a service's database takes (one database per service, so
# one key serves all; chosen not to collide with anything else the application locks).
MIGRATION_LOCK = 0x59_75_6E_47_75_61_6E  # "YunGuan"


class DatabaseMissing(RuntimeError):
    """The service's database does not exist and this account may not create it."""


async def asyncpg_connect(url: str, *, database: str | None = None) -> Any:
    """A plain asyncpg connection to ``url`` (or to another ``database`` on its server), with the
    URL's connection options (``?ssl=require``…) applied as SQLAlchemy's asyncpg dialect applies them."""
    import asyncpg
    from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

    u = make_url(url)
    if database is not None:
        u = u.set(database=database)
    _args, params = PGDialect_asyncpg().create_connect_args(u)
    params.pop("prepared_statement_cache_size", None)
    params.pop("async_fallback", None)
    return await asyncpg.connect(**params)


async def ensure_database(url: str) -> None:
    """Create the target database (or SQLite folder) when it does not exist yet.

    A database that exists is left alone without touching the ``postgres`` database, so an account
    without CREATEDB is fine once its database was made for it; one that is missing and cannot be
    created stops the start with what to do."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        return
    import asyncpg

    name = u.database or ""
    try:
        conn = await asyncpg_connect(url)
    except asyncpg.InvalidCatalogNameError:
        pass  # missing: create it below
    else:
        await conn.close()
        return
    try:
        conn = await asyncpg_connect(url, database="postgres")
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
    except (asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
        return  # another starter made it a moment ago
    except (asyncpg.InsufficientPrivilegeError, asyncpg.InvalidCatalogNameError,
            asyncpg.InvalidAuthorizationSpecificationError) as exc:
        raise DatabaseMissing(
            f"数据库“{name}”不存在，且用户“{u.username}”无法创建它（{type(exc).__name__}: {exc}）。请由数据库管理员创建："
            f"CREATE DATABASE \"{name}\" OWNER \"{u.username}\"；或授予该用户 CREATEDB 权限。 / "
            f"The database \"{name}\" does not exist and the user \"{u.username}\" cannot create it "
            f"({type(exc).__name__}: {exc}). Have a database administrator create it: "
            f"CREATE DATABASE \"{name}\" OWNER \"{u.username}\"; or grant the user CREATEDB.") from exc


def _upgrade_sync(connection: Connection, cfg: Config, revision: str) -> None:
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, revision)


def _check_sync(connection: Connection, cfg: Config) -> None:
    cfg.attributes["connection"] = connection
    command.check(cfg)


async def upgrade(service: str, url: str, revision: str = "head") -> None:
    """Create the service's database if needed and migrate it to ``revision``; on PostgreSQL under
    the database's migration lock, held until the upgrade commits (concurrent starters queue)."""
    await ensure_database(url)
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            await conn.run_sync(_upgrade_sync, alembic_config(service, url), revision)
    finally:
        await engine.dispose()


async def check(service: str, url: str) -> None:
    """Fail (alembic's AutogenerateDiffsDetected) if the models drifted from the migrations."""
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_check_sync, alembic_config(service, url))
    finally:
        await engine.dispose()


def head_revisions(service: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(service, "sqlite://")).get_heads())


async def is_current(engine: AsyncEngine, service: str, heads: set[str] | None = None) -> bool:
    """Whether the database is at the head of the service's migration history."""
    heads = heads if heads is not None else head_revisions(service)

    def _current(conn: Connection) -> set[str]:
        return set(MigrationContext.configure(conn).get_current_heads())

    async with engine.connect() as conn:
        return await conn.run_sync(_current) == heads


def run_env(target_metadata: Any) -> None:
    """The body of every service's ``migrations/env.py``."""
    from alembic import context

    cfg = context.config
    render = {"target_metadata": target_metadata, "render_as_batch": True, "compare_type": True}
    connection = cfg.attributes.get("connection")

    def run(conn: Connection) -> None:
        context.configure(connection=conn, **render)
        with context.begin_transaction():
            context.run_migrations()

    if connection is not None:
        run(connection)
        return
    if context.is_offline_mode():
        context.configure(url=cfg.get_main_option("sqlalchemy.url"), literal_binds=True, **render)
        with context.begin_transaction():
            context.run_migrations()
        return

    async def online() -> None:
        url = cfg.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("the migration configuration names no database (sqlalchemy.url)")
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as conn:
            await conn.run_sync(run)
        await engine.dispose()

    asyncio.run(online())




async def autogenerate(service: str, message: str, workdir: Path) -> None:
    """Write a new migration for ``service`` from its models (developer tool)."""
    url = f"sqlite+aiosqlite:///{workdir / (service + '.db')}"
    await upgrade(service, url)
    engine = create_async_engine(url, poolclass=pool.NullPool)

    def _rev(connection: Connection) -> None:
        cfg = alembic_config(service, url)
        cfg.attributes["connection"] = connection
        command.revision(cfg, message=message, autogenerate=True)

    async with engine.begin() as conn:
        await conn.run_sync(_rev)
    await engine.dispose()


def main() -> None:
    """``python -m services.common.migrate upgrade <service>...`` or ``revision <service> <message>``."""
    import sys
    import tempfile

    from services.common.settings import settings_for

    verb, args = sys.argv[1], sys.argv[2:]
    if verb == "upgrade":
        for service in args:
            asyncio.run(upgrade(service, settings_for(service).db_url))
    elif verb == "revision":
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(autogenerate(args[0], args[1], Path(tmp)))
    else:
        raise SystemExit("usage: migrate upgrade <service>... | revision <service> <message>")


if __name__ == "__main__":
    main()
