"""Per-client token buckets, checked on every proxied request.

A bucket holds up to ``burst`` tokens and refills at ``rate`` per second; a request
takes one. The state is two floats per client in a plain dict, updated lazily on
use (no timer task), so a check costs a dict lookup and some arithmetic.
The limit is per gateway process: with N replicas a client may get N times the
rate, which is acceptable for a guard against runaway clients (it is not billing).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable


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

    def peek(self, key: str) -> float:
        """Like :meth:`check` without taking a token: 0.0 when one is there."""
        if not self.enabled:
            return 0.0
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0
        tokens = min(self.burst, bucket[0] + (self.clock() - bucket[1]) * self.rate)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate

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


class ClientAddress:
    """Who the client is: the connection's peer, unless the peer is a configured proxy.

    ``X-Forwarded-For`` is believed only as far as it was written by proxies we trust
    (``YUNGUAN_TRUSTED_PROXIES``: addresses or networks): the client is the right-most
    address in the chain that is not one of them. Anyone else can write anything there, so
    from an untrusted peer the header is ignored and a spoofed value buys no fresh bucket.
    """

    def __init__(self, trusted: list[str]):
        self.networks = [ipaddress.ip_network(t, strict=False) for t in trusted]

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.networks)

    def of(self, peer: str, forwarded_for: bytes | None) -> str:
        if not self.networks or not forwarded_for or not self._trusted(peer):
            return peer
        hops = [h.strip() for h in forwarded_for.decode("latin-1").split(",") if h.strip()]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return hop
        return hops[0] if hops else peer


class SigninGuard:
    """The token endpoint's own limits, tighter than the general ones because each password
    check costs org a deliberately slow hash: attempts per client address, and failed
    attempts per username (so a guesser spread over many addresses is slowed per account)."""

    def __init__(self, *, address_rate: float, address_burst: int, failure_rate: float, failure_burst: int,
                 clock: Callable[[], float] = time.monotonic):
        self.addresses = RateLimiter(address_rate, address_burst, clock=clock)
        self.failures = RateLimiter(failure_rate, failure_burst, clock=clock)

    def before(self, address: str, username: str | None) -> float:
        """Seconds to wait before this attempt may be tried (0.0: go ahead; it is counted)."""
        if username is not None:
            wait = self.failures.peek("user:" + username.casefold())
            if wait:
                return wait
        return self.addresses.check(address_key(address))

    def failed(self, username: str | None) -> None:
        if username is not None:
            self.failures.check("user:" + username.casefold())
