"""Per-client token buckets, checked on every proxied request.

A bucket holds up to ``burst`` tokens and refills at ``rate`` per second; a request
takes one. The state is two floats per client in a plain dict, updated lazily on
use (no timer task), so a check costs a dict lookup and some arithmetic.
The limit is per gateway process: with N replicas a client may get N times the
rate, which is acceptable for a guard against runaway clients (it is not billing).
"""

from __future__ import annotations

import math
import time
from typing import Callable


def subject_key(subject: str) -> str:
    """The bucket of a token's subject (separate key spaces: no subject can drain an address)."""
    return "sub:" + subject


def address_key(ip: str) -> str:
    """The bucket of an unauthenticated client address."""
    return "ip:" + ip


class RateLimiter:
    """Token buckets keyed by client (token subject or IP)."""

    def __init__(self, rate: float, burst: int, *, max_clients: int = 100_000,
                 clock: Callable[[], float] = time.monotonic):
        self.rate = float(rate)
        self.burst = float(max(1, burst))
        self.enabled = self.rate > 0
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: dict[str, list[float]] = {}  # key -> [tokens, last refill time]
        self.refused = 0

    def check(self, key: str) -> float:
        """Take a token for ``key``: 0.0 when allowed, else seconds until one is available."""
        if not self.enabled:
            return 0.0
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._sweep(now)
            self._buckets[key] = [self.burst - 1.0, now]
            return 0.0
        tokens = bucket[0] + (now - bucket[1]) * self.rate
        if tokens > self.burst:
            tokens = self.burst
        bucket[1] = now
        if tokens >= 1.0:
            bucket[0] = tokens - 1.0
            return 0.0
        bucket[0] = tokens
        self.refused += 1
        return (1.0 - tokens) / self.rate

    @staticmethod
    def retry_after(wait: float) -> int:
        """Whole seconds for the ``Retry-After`` header (at least 1)."""
        return max(1, math.ceil(wait))

    def _sweep(self, now: float) -> None:
        # A bucket that would be full again carries no information: forget it. If the
        # table is still full (a flood of distinct clients), forget the oldest half.
        full_after = self.burst / self.rate
        self._buckets = {k: b for k, b in self._buckets.items() if now - b[1] < full_after}
        if len(self._buckets) >= self.max_clients:
            keep = sorted(self._buckets.items(), key=lambda kv: kv[1][1])[len(self._buckets) // 2:]
            self._buckets = dict(keep)

    def __len__(self) -> int:
        return len(self._buckets)
