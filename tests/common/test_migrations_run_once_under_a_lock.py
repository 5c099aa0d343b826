"""Replicas starting at once migrate a service's database once: the starters take turns under the
database's advisory lock, the later ones find it at head. ``ensure_database`` leaves an existing database
alone (no CREATEDB needed) and says what to do when one is missing and cannot be made."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

import pytest
from sqlalchemy.engine import make_url

from services.common.db import Database
from services.common.migrate import DatabaseMissing, asyncpg_connect, ensure_database, is_current
from tests.support import BACKEND, PG_BASE, _pg

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="advisory locks and CREATE DATABASE are PostgreSQL's")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


async def _migrate(env: dict[str, str]) -> tuple[int, bytes]:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "services.common.migrate", "upgrade", "kpi",
                                                cwd=ROOT, env={**os.environ, **env},
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode or 0, out


async def test_two_migrators_started_at_once_both_succeed_and_migrate_once():
    prefix = f"ytm_{uuid.uuid4().hex[:8]}_"
    env = {"YUNGUAN_DATABASE_URL": PG_BASE, "YUNGUAN_DATABASE_PREFIX": prefix, "YUNGUAN_SERVICE_SECRET": "x" * 40}
    try:
        results = await asyncio.gather(_migrate(env), _migrate(env))
        assert [code for code, _ in results] == [0, 0], [out.decode()[-2000:] for _, out in results]
        url = PG_BASE + f"{prefix}kpi"
        conn = await asyncpg_connect(url)
        try:
            assert await conn.fetchval("SELECT count(*) FROM alembic_version") == 1
        finally:
            await conn.close()
        db = Database(url)
        try:
            assert await is_current(db.engine, "kpi")
        finally:
            await db.dispose()
    finally:
        await _pg(f'DROP DATABASE IF EXISTS "{prefix}kpi" WITH (FORCE)')


async def test_an_existing_database_needs_no_createdb_and_a_missing_one_says_what_to_do():
    role = f"ytm_role_{uuid.uuid4().hex[:6]}"
    existing = f"ytm_db_{uuid.uuid4().hex[:6]}"
    await _pg(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    await _pg(f'CREATE DATABASE "{existing}" OWNER "{role}"')
    try:
        u = make_url(PG_BASE).set(username=role)
        await ensure_database(u.set(database=existing).render_as_string(hide_password=False))  # nothing to do
        with pytest.raises(DatabaseMissing) as missing:
            await ensure_database(u.set(database=f"{existing}_nope").render_as_string(hide_password=False))
        message = str(missing.value)
        assert "不存在" in message and f'CREATE DATABASE "{existing}_nope" OWNER "{role}"' in message
        assert "CREATEDB" in message
    finally:
        await _pg(f'DROP DATABASE IF EXISTS "{existing}" WITH (FORCE)')
        await _pg(f'DROP ROLE IF EXISTS "{role}"')
