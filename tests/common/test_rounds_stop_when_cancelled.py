"""A loop run in rounds (the relay, org's outgoing messages) stops when cancelled, even when the
cancellation arrives in the same instant as a wake-up. Python 3.11's ``asyncio.wait_for`` returns the
awaited result in that case and drops the cancellation, so a relay stopped by its replica's shutdown
went on to wait out a whole idle interval (CI, stop 29: the relay test's cleanup timed out)."""

from __future__ import annotations

import asyncio
import logging

from services.common.rounds import run_rounds

IDLE = 60.0  # far beyond the bounded wait below: only a stop on cancellation ends the loop in time


async def test_a_cancellation_arriving_with_a_wake_up_stops_the_rounds():
    wake = asyncio.Event()
    rounds = 0
    waiting = asyncio.Event()

    async def round_once() -> int:
        nonlocal rounds
        rounds += 1
        waiting.set()
        return 0

    task = asyncio.create_task(run_rounds(round_once, wake=wake, idle_seconds=IDLE,
                                          log=logging.getLogger("test"), what="test"))
    await asyncio.wait_for(waiting.wait(), 10)
    for _ in range(3):  # let the loop settle into its idle wait
        await asyncio.sleep(0)
    wake.set()  # the wait completes ...
    task.cancel()  # ... and the loop is cancelled in the same step
    done, _pending = await asyncio.wait({task}, timeout=10)
    assert task in done, "the rounds went on after being cancelled"
    assert task.cancelled()
