"""Per-client rate limits, checked on every proxied request, on the ``limits`` library.

A client (token subject, else address) may make up to ``burst`` requests in any window of
``burst / rate`` seconds (a moving window: ``rate`` per second on average, ``burst`` at once).
Refused, it is told in ``Retry-After`` when the oldest request of its window ages out.

Where the counts live is ``YUNGUAN_RATE_LIMIT_STORAGE``: ``memory://`` (the default: each gateway
process counts alone, so N replicas allow a client N times the rate) or ``redis://host:6379/0``
(every replica counts in the same place: one budget however many gateways a client's requests reach).
If the store cannot be reached the gateway fails open: requests go through, a warning is logged (at
most every 30 s), and for a few seconds the store is not asked again, so an outage of the store
costs neither availability nor latency. The limit guards against runaway clients; it is not billing.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from typing import Any

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

log = logging.getLogger("yunguan.gateway.ratelimit")

DEFAULT_STORAGE = "memory://"
# After a failure, the store is left alone this long (requests pass) before it is tried again.
STORE_RETRY_SECONDS = 5.0
WARN_EVERY_SECONDS = 30.0
# A shared store must answer fast: a request waits for it.
STORE_TIMEOUT_SECONDS = 0.5


def subject_key(subject: str) -> str:
    """The budget of a token's subject (separate key spaces: no subject can drain an address)."""
    return "sub:" + subject


def address_key(ip: str) -> str:
    """The budget of an unauthenticated client address."""
    return "ip:" + ip


class LimitStore:
    """Where the gateway's counts live (``memory://``, ``redis://…``), shared by all its limiters."""

    def __init__(self, uri: str = DEFAULT_STORAGE):
        self.uri = uri
        scheme, _, rest = uri.partition("://")
        options: dict[str, Any] = {}
        if "redis" in scheme or "valkey" in scheme:
            # redis-py's asyncio client (installed with limits[redis]); short timeouts: a request waits for it
            options = {"implementation": "redispy", "socket_timeout": STORE_TIMEOUT_SECONDS,
                       "socket_connect_timeout": STORE_TIMEOUT_SECONDS}
        async_uri = uri if scheme.startswith("async+") else f"async+{scheme}://{rest}"
        self.storage = storage_from_string(async_uri, wrap_exceptions=True, **options)
        self.window = MovingWindowRateLimiter(self.storage)
        self.shared = not scheme.endswith("memory")
        self.errors = 0
        self._down_until = 0.0
        self._warned_at = -math.inf

    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def failed(self, exc: BaseException) -> None:
        """The store did not answer: let requests through for a while, and say so (not on every request)."""
        self.errors += 1
        now = time.monotonic()
        self._down_until = now + STORE_RETRY_SECONDS
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            log.warning("rate-limit store %s unavailable (%s: %s); requests are not limited until it answers",
                        _safe(self.uri), type(exc).__name__, exc)

    def clients(self) -> int:
        """Clients with counts in this process (the memory store; a shared store's are not counted here)."""
        events = getattr(self.storage, "events", None)
        return len(events) if isinstance(events, dict) else 0


def _safe(uri: str) -> str:
    """The URI without a password, for the log."""
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


class RateLimiter:
    """Up to ``burst`` requests per ``burst / rate`` seconds per client key; ``rate <= 0`` disables it."""

    def __init__(self, rate: float, burst: int, *, store: LimitStore | None = None, name: str = "api"):
        self.rate = float(rate)
        self.burst = max(1, int(burst))
        self.enabled = self.rate > 0
        self.store = store or LimitStore()
        self.name = name
        # whole seconds (the library's granularity), at least one
        window = max(1, round(self.burst / self.rate)) if self.enabled else 1
        self.item: RateLimitItem = RateLimitItemPerSecond(self.burst, window)
        self.refused = 0

    async def check(self, key: str) -> float:
        """Count a request of ``key``: 0.0 when allowed, else seconds until it would be."""
        if not self.enabled or not self.store.available():
            return 0.0
        try:
            if await self.store.window.hit(self.item, self.name, key):
                return 0.0
            wait = await self._wait(key)
        except Exception as exc:  # the store is down or unreachable: fail open
            self.store.failed(exc)
            return 0.0
        self.refused += 1
        return wait

    async def peek(self, key: str) -> float:
        """Like :meth:`check` without counting: 0.0 when a request would be allowed."""
        if not self.enabled or not self.store.available():
            return 0.0
        try:
            if await self.store.window.test(self.item, self.name, key):
                return 0.0
            return await self._wait(key)
        except Exception as exc:
            self.store.failed(exc)
            return 0.0

    async def _wait(self, key: str) -> float:
        stats = await self.store.window.get_window_stats(self.item, self.name, key)
        return max(0.001, stats.reset_time - time.time())

    @staticmethod
    def retry_after(wait: float) -> int:
        """Whole seconds for the ``Retry-After`` header (at least 1)."""
        return max(1, math.ceil(wait))

    def __len__(self) -> int:
        return self.store.clients()


class ClientAddress:
    """Who the client is: the connection's peer, unless the peer is a configured proxy.

    ``X-Forwarded-For`` is believed only as far as it was written by proxies we trust
    (``YUNGUAN_TRUSTED_PROXIES``: addresses or networks): the client is the right-most
    address in the chain that is not one of them. Anyone else can write anything there, so
    from an untrusted peer the header is ignored and a spoofed value buys no fresh budget.
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
                 store: LimitStore | None = None):
        store = store or LimitStore()
        self.addresses = RateLimiter(address_rate, address_burst, store=store, name="signin")
        self.failures = RateLimiter(failure_rate, failure_burst, store=store, name="signin-failed")

    async def before(self, address: str, username: str | None) -> float:
        """Seconds to wait before this attempt may be tried (0.0: go ahead; it is counted)."""
        if username is not None:
            wait = await self.failures.peek("user:" + username.casefold())
            if wait:
                return wait
        return await self.addresses.check(address_key(address))

    async def failed(self, username: str | None) -> None:
        if username is not None:
            await self.failures.check("user:" + username.casefold())
