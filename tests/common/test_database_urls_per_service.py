"""One base URL names a server and each service gets its own database there; one service's own URL wins;
a base naming a database is refused at start, in Chinese and English."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.db import Database
from services.common.settings import ServiceSettings, SharedDatabaseURL, service_database_url


def _settings(**kw) -> ServiceSettings:
    return ServiceSettings(allow_demo_secret=True, **kw)


@pytest.mark.parametrize("base", ["postgresql+asyncpg://app:s%40cret@db.internal:5432/?ssl=require",
                                  "postgresql+asyncpg://app:s%40cret@db.internal:5432?ssl=require"])
def test_a_server_url_gives_each_service_its_own_database_with_the_query_options_kept(base):
    assert _settings(service="kpi", database_url=base).db_url == \
        "postgresql+asyncpg://app:s%40cret@db.internal:5432/yunguan_kpi?ssl=require"
    assert _settings(service="org", database_url=base, database_prefix="t1_").db_url == \
        "postgresql+asyncpg://app:s%40cret@db.internal:5432/t1_org?ssl=require"


def test_a_service_of_its_own_url_overrides_the_base_entirely():
    s = _settings(service="risk", database_url="postgresql+asyncpg://a@h/",
                  risk_database_url="postgresql+asyncpg://b@other:6432/risk_prod")
    assert s.db_url == "postgresql+asyncpg://b@other:6432/risk_prod"
    # the others still derive theirs from the base
    assert _settings(service="kpi", database_url="postgresql+asyncpg://a@h/",
                     risk_database_url="postgresql+asyncpg://b@other/x").db_url == "postgresql+asyncpg://a@h/yunguan_kpi"


def test_a_base_url_naming_a_database_is_refused_with_what_to_do_instead():
    with pytest.raises(ValueError) as refused:
        _settings(service="planning", database_url="postgresql+asyncpg://a@h:5432/yunguan")
    message = str(refused.value)
    assert "只能指明数据库服务器" in message and "alembic_version" in message
    assert "YUNGUAN_PLANNING_DATABASE_URL" not in message and "YUNGUAN_<SERVICE>_DATABASE_URL" in message
    with pytest.raises(SharedDatabaseURL):
        service_database_url("postgresql+asyncpg://a@h/yunguan", "kpi", Path("/tmp"))
    # the gateway has no database and does not care
    assert _settings(service="gateway", database_url="postgresql+asyncpg://a@h:5432/yunguan").service == "gateway"


def test_without_a_url_every_service_keeps_its_sqlite_file(tmp_path):
    assert _settings(service="kpi", data_dir=tmp_path).db_url == f"sqlite+aiosqlite:///{tmp_path / 'kpi.db'}"


async def test_pool_sizes_come_from_the_settings(tmp_path):
    s = _settings(service="kpi", database_url="postgresql+asyncpg://a@127.0.0.1:9/", db_pool_size=3,
                  db_max_overflow=2, db_pool_timeout=7.5)
    db = Database(s.db_url, **s.pool_options())
    try:
        pool = db.engine.sync_engine.pool
        assert (pool.size(), pool._max_overflow, pool._timeout) == (3, 2, 7.5)
    finally:
        await db.dispose()
    defaults = Database("postgresql+asyncpg://a@127.0.0.1:9/x")
    try:
        pool = defaults.engine.sync_engine.pool
        assert (pool.size(), pool._max_overflow, pool._timeout) == (5, 5, 30.0)
    finally:
        await defaults.dispose()
    # SQLite takes the same options and ignores them
    sqlite = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", **s.pool_options())
    await sqlite.dispose()
