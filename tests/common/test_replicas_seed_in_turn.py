"""Two replicas of a service starting at the same moment on an empty PostgreSQL database both come up, and
what start-up seeds (planning's approval flows) is written once: the replicas seed in turn
(Database.one_replica_at_a_time), the second finding what the first wrote."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import func, select

from services.common.db import Database
from services.planning.app import create_app
from services.planning.approvals.stages import SEED_FLOWS
from services.planning.models import Flow
from tests.support import BACKEND, running, settings


@pytest.mark.skipif(BACKEND != "postgresql", reason="several replicas share one database only on PostgreSQL")
async def test_two_replicas_starting_together_both_start_and_seed_the_flows_once(databases):
    url = await databases.fresh("planning")
    up = asyncio.Event()
    started: list[str] = []

    async def replica(name: str) -> None:
        async with running(create_app(settings("planning", url))):
            started.append(name)
            if len(started) == 2:
                up.set()
            await up.wait()

    async with asyncio.timeout(60):
        results = await asyncio.gather(replica("a"), replica("b"), return_exceptions=True)
    assert results == [None, None], results
    assert sorted(started) == ["a", "b"]
    db = Database(url)
    try:
        async with db.reader() as s:
            assert (await s.execute(select(func.count()).select_from(Flow))).scalar_one() == len(SEED_FLOWS)
    finally:
        with contextlib.suppress(Exception):
            await db.dispose()
