"""Work done in rounds until cancelled: the relay's deliveries, org's outgoing messages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable


async def run_rounds(round_once: Callable[[], Awaitable[int]], *, wake: asyncio.Event, idle_seconds: float,
                     log: logging.Logger, what: str) -> None:
    """Call ``round_once`` straight on while it finds work (returns more than 0); idle, wait for ``wake``
    or ``idle_seconds``. A failing round is logged and the loop goes on; cancelling stops it."""
    while True:
        # cleared before the round, not after: a wake-up arriving while it runs (work committed after the
        # round looked) is kept, and the loop goes round again at once instead of sleeping through it
        wake.clear()
        try:
            busy = await round_once()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s round failed", what)
            busy = 0
        if busy:
            continue
        try:
            async with asyncio.timeout(idle_seconds):
                await wake.wait()
        except TimeoutError:
            pass
