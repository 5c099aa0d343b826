"""The outbox and its relay: commit-bound events, ordered delivery, backoff, parking, no double delivery."""

import asyncio
import json
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from services.common import outbox
from services.common.db import Database
from services.common.relay import Relay, backoff
from services.planning.models import events as tables
from tests.support import Receiver, free_port, serve, settings


class StaticTokens:
    async def token(self) -> str:
        return "test-service-token"

    def invalidate(self) -> None:
        pass


@pytest.fixture(autouse=True)
def only_kpi_subscribes(monkeypatch):
    # Route every test event from planning to "kpi", which these tests point at a Receiver.
    monkeypatch.setenv("YUNGUAN_SUBSCRIPTIONS", json.dumps({"test.*": ["kpi"]}))


async def make_relay(url: str, receiver_url: str, **kw) -> Relay:
    s = settings("planning", url, kpi_url=receiver_url, relay_backoff_base=0.01, relay_backoff_max=0.05, **kw)
    return Relay(db=Database(url), tables=tables, settings=s, tokens=StaticTokens())


async def emit(db: Database, *pairs: tuple[str, int]) -> None:
    async with db.writer() as s:
        for subject, n in pairs:
            await outbox.record(s, tables.outbox, source="planning", type="test.happened", subject=subject,
                                data={"n": n})
        await s.commit()


async def drain(*relays: Relay, rounds: int = 200) -> None:
    for _ in range(rounds):
        done = await asyncio.gather(*[r.run_once() for r in relays])
        async with relays[0].db.reader() as s:
            left = (await s.execute(select(func.count()).select_from(tables.delivery)
                                    .where(tables.delivery.status == "pending"))).scalar_one()
            undispatched = (await s.execute(select(func.count()).select_from(tables.outbox)
                                            .where(tables.outbox.status == "pending"))).scalar_one()
        if not left and not undispatched:
            return
        if not any(done):
            await asyncio.sleep(0.02)
    raise AssertionError("the relay did not finish")


async def test_an_event_exists_only_if_its_transaction_commits(databases):
    db = Database(await databases.fresh("planning"))
    async with db.writer() as s:
        await outbox.record(s, tables.outbox, source="planning", type="test.rolled_back", subject="1", data={})
        await s.rollback()
    async with db.writer() as s:
        await outbox.record(s, tables.outbox, source="planning", type="test.committed", subject="1", data={})
        await s.commit()
    async with db.reader() as s:
        types = (await s.execute(select(tables.outbox.type))).scalars().all()
    assert types == ["test.committed"]
    await db.dispose()


async def test_a_subscriber_that_was_down_gets_every_event_in_order_per_subject(databases):
    url = await databases.fresh("planning")
    port = free_port()
    relay = await make_relay(url, f"http://127.0.0.1:{port}")
    await emit(relay.db, ("a", 1), ("b", 1), ("a", 2), ("a", 3), ("b", 2))
    for _ in range(3):  # nobody listens: connection refused, backoff
        await relay.run_once()
        await asyncio.sleep(0.06)
    async with relay.db.reader() as s:
        failed = (await s.execute(select(func.count()).select_from(tables.attempt)
                                  .where(tables.attempt.ok.is_(False)))).scalar_one()
    assert failed >= 2
    receiver = Receiver()
    async with serve(receiver, port=port):
        await emit(relay.db, ("a", 4))
        await drain(relay)
    got = receiver.events()
    assert sorted((e["subject"], e["data"]["n"]) for e in got) == \
        [("a", 1), ("a", 2), ("a", 3), ("a", 4), ("b", 1), ("b", 2)]
    for subject in ("a", "b"):
        ns = [e["data"]["n"] for e in got if e["subject"] == subject]
        assert ns == sorted(ns), f"subject {subject} arrived out of order: {ns}"
    assert all(r["headers"]["authorization"] == "Bearer test-service-token" for r in receiver.received)
    await relay.db.dispose()


async def test_failures_back_off_and_then_park_and_a_parked_delivery_can_be_retried(databases):
    url = await databases.fresh("planning")
    receiver = Receiver()
    receiver.fail_with = 500
    async with serve(receiver) as base:
        relay = await make_relay(url, base, relay_max_attempts=3)
        await emit(relay.db, ("x", 1), ("x", 2))
        for _ in range(30):
            await relay.run_once()
            await asyncio.sleep(0.03)
        async with relay.db.reader() as s:
            statuses = (await s.execute(select(tables.delivery.status).order_by(tables.delivery.id))).scalars().all()
            attempts = (await s.execute(select(tables.attempt))).scalars().all()
        assert statuses == ["parked", "parked"]
        assert {a.status_code for a in attempts} == {500} and all(a.error.startswith("HTTP 500") for a in attempts)
        receiver.fail_with = None
        async with relay.db.writer() as s:  # what the admin retry endpoint does
            for d in (await s.execute(select(tables.delivery))).scalars():
                d.status, d.attempts = "pending", 0
            await s.commit()
        await drain(relay)
    assert [e["data"]["n"] for e in receiver.events()] == [1, 2]
    await relay.db.dispose()


async def test_two_relays_never_deliver_one_event_twice(databases):
    url = await databases.fresh("planning")
    receiver = Receiver()
    async with serve(receiver) as base:
        r1, r2 = await make_relay(url, base), await make_relay(url, base)
        await emit(r1.db, *[(f"s{i % 7}", i) for i in range(120)])
        await drain(r1, r2)
    ids = [e["id"] for e in receiver.events()]
    assert len(ids) == 120 and len(set(ids)) == 120
    per_subject = defaultdict(list)
    for e in receiver.events():
        per_subject[e["subject"]].append(e["data"]["n"])
    assert all(ns == sorted(ns) for ns in per_subject.values())
    await r1.db.dispose()
    await r2.db.dispose()


def test_backoff_grows_exponentially_with_jitter_and_a_cap():
    waits = [backoff(n, base=1, cap=60) for n in range(1, 10)]
    assert 0.5 <= waits[0] <= 1.5 and 4 <= waits[3] <= 12
    assert all(w <= 90 for w in waits)


async def test_a_recovered_target_gets_its_backlog_without_waiting_out_each_backoff(databases):
    url = await databases.fresh("planning")
    port = free_port()
    relay = await make_relay(url, f"http://127.0.0.1:{port}")
    relay.settings.relay_backoff_base, relay.settings.relay_backoff_max = 60.0, 60.0  # long waits after a failure
    await emit(relay.db, ("a", 1), ("b", 1))
    await relay.run_once()  # both fail: connection refused; next attempts are a minute away
    receiver = Receiver()
    async with serve(receiver, port=port):
        await emit(relay.db, ("c", 1))  # a fresh event goes out at once and shows the target is back
        for _ in range(5):
            await relay.run_once()
    assert sorted(e["subject"] for e in receiver.events()) == ["a", "b", "c"]
    await relay.db.dispose()
