"""A relay's claim on a delivery is short and renewed while its send lasts: a relay that dies
holds its deliveries for seconds, and one that is merely slow keeps them."""

import asyncio
import time
from datetime import timedelta

from sqlalchemy import func, select

from services.common import relay as relay_module
from services.common.relay import Relay
from services.planning.models import events as tables
from tests.events.test_relay import emit, make_relay, only_kpi_subscribes  # noqa: F401 (autouse: routes test.* to kpi)
from tests.support import Receiver, serve


async def outcome(db) -> tuple[str, int, int]:
    async with db.reader() as s:
        d = (await s.execute(select(tables.delivery))).scalar_one()
        attempts = (await s.execute(select(func.count()).select_from(tables.attempt))).scalar_one()
    return d.status, d.attempts, attempts


async def test_a_delivery_claimed_by_a_relay_that_died_goes_out_within_seconds(databases):
    receiver = Receiver()
    async with serve(receiver) as base:
        url = await databases.fresh("planning")
        dead, restarted = await make_relay(url, base), await make_relay(url, base)
        await emit(dead.db, ("a", 1))
        await dead.dispatch_once()
        assert len(await dead._claim()) == 1  # ... and the process is killed before it sends
        claimed_at = time.monotonic()
        assert await restarted.deliver_once() == 0  # the claim holds while its relay may be alive
        while not receiver.received:
            # within seconds, not the minute a claim used to hold
            assert time.monotonic() - claimed_at < 15, "the dead relay's claim did not run out within 15 s"
            await restarted.deliver_once()
            await asyncio.sleep(0.2)
        assert len(receiver.received) == 1
        assert await outcome(restarted.db) == ("delivered", 1, 1)
        await dead.db.dispose()
        await restarted.db.dispose()


async def test_a_send_that_outlasts_the_lease_keeps_its_delivery_from_other_relays(databases, monkeypatch):
    monkeypatch.setattr(relay_module, "LEASE", timedelta(seconds=1.2))
    receiver = Receiver()
    async with serve(receiver) as base:
        url = await databases.fresh("planning")
        slow, other = await make_relay(url, base), await make_relay(url, base)
        await emit(slow.db, ("a", 1))
        await slow.dispatch_once()
        real_send = Relay._send
        others_took = []

        async def send_slowly(self, delivery, event, hook, trace=None):
            # twice the lease passes while this send hangs; the other relay tries all along
            for _ in range(5):
                await asyncio.sleep(0.5)
                others_took.append(await other.deliver_once())
            return await real_send(self, delivery, event, hook, trace)

        slow._send = send_slowly.__get__(slow)
        assert await slow.deliver_once() == 1
        assert others_took == [0] * 5
        assert len(receiver.received) == 1
        assert await outcome(slow.db) == ("delivered", 1, 1)
        await slow.db.dispose()
        await other.db.dispose()
