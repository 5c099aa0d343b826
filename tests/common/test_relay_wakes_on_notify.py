"""On PostgreSQL an event committed in one replica wakes every replica's relay at once (LISTEN/NOTIFY):
replica B's relay, polling only every 60 s, delivers an event written in replica A's session within
seconds. Polling stays the fallback; SQLite is unchanged."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import pytest

from services.common import outbox
from services.common.db import Database
from services.common.relay import Relay
from services.planning.models import events as tables
from tests.support import BACKEND, Receiver, free_port, serve, settings

POLL_SECONDS = 60.0
BOUNDED_WAIT = 10.0  # far below the poll interval: only the notification can explain a delivery in time


class StaticTokens:
    async def token(self) -> str:
        return "test-service-token"

    def invalidate(self) -> None:
        pass


@pytest.fixture(autouse=True)
def only_kpi_subscribes(monkeypatch):
    monkeypatch.setenv("YUNGUAN_SUBSCRIPTIONS", json.dumps({"test.*": ["kpi"]}))


async def _until(condition, *, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(0.02)


@pytest.mark.skipif(BACKEND != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's")
async def test_an_event_written_in_replica_a_is_delivered_by_replica_b_without_waiting_for_its_poll(databases):
    url = await databases.fresh("planning")
    receiver = Receiver()
    port = free_port()
    replica_a = Database(url)
    replica_b = Relay(db=Database(url), tables=tables, tokens=StaticTokens(),
                      settings=settings("planning", url, kpi_url=f"http://127.0.0.1:{port}",
                                        relay_interval=POLL_SECONDS))
    async with serve(receiver, port=port):
        running = asyncio.create_task(replica_b.run_forever())
        try:
            await asyncio.wait_for(replica_b.listening.wait(), BOUNDED_WAIT)
            for n in (1, 2):  # the second proves the first wake-up did not use the listener up
                async with replica_a.writer() as s:
                    await outbox.record(s, tables.outbox, source="planning", type="test.happened", subject="x",
                                        data={"n": n})
                    await s.commit()
                await _until(lambda n=n: [e["data"]["n"] for e in receiver.events()] == list(range(1, n + 1)),
                             within=BOUNDED_WAIT, what=f"event {n} delivered by replica B")
        finally:
            # every step bounded: a relay that did not stop fails the test here instead of holding the run
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(running, BOUNDED_WAIT)
            await asyncio.wait_for(replica_b.db.dispose(), BOUNDED_WAIT)
            await asyncio.wait_for(replica_a.dispose(), BOUNDED_WAIT)

