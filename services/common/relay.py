"""The relay: fans outbox events out to subscribers and delivers them over HTTP.

- Order is kept per (subscriber, subject): a delivery waits while an earlier one
  for the same subject is still pending (in backoff, say) or not yet fanned out.
- Failures back off exponentially with jitter; after ``relay_max_attempts`` a
  delivery is parked (dead-lettered) until an admin retries it. A parked delivery
  does not hold back later events of its subject.
- Deliveries are claimed with a lease; on PostgreSQL the claim uses
  ``FOR UPDATE SKIP LOCKED``, so several replicas share the work and no delivery
  is claimed twice. On SQLite there is one relay per service (writers serialise).
  The lease is short and renewed while its sends last: a relay that dies (``kill -9``,
  a lost node) holds up its deliveries, and the later events of their subjects, for
  seconds, not for a minute after it comes back.
- Every attempt is logged (status code, latency, error).
- On PostgreSQL each replica's relay LISTENs on its service's outbox channel: the transaction
  writing an event notifies it (outbox.notify_relays), so whichever replica wrote the event, every
  relay wakes at its commit instead of at its next poll; polling stays as the fallback (a lost
  listening connection is made again, and the relay looks for work once it is back).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from datetime import datetime, timedelta
from typing import Protocol

import httpx
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from services.common import webhooks
from services.common.db import Database, asyncpg_connect, utcnow
from services.common.outbox import (
    DeliveryMixin,
    EventTables,
    OutboxEventMixin,
    WebhookSubscriptionMixin,
    envelope,
    outbox_channel,
)
from services.common.rounds import run_rounds
from services.common.service_auth import event_signing_secret
from services.common.settings import ServiceSettings
from services.common.subscriptions import consumers_of, matches_any
from services.common.tracing import Tracing, delivery_span, mark_failed

log = logging.getLogger("yunguan.relay")

# How long a claim holds without renewal: what a crashed relay's deliveries wait before another
# round (its own after a restart, or another replica's) takes them over.
LEASE = timedelta(seconds=10)


class TokenSource(Protocol):
    async def token(self) -> str: ...
    def invalidate(self) -> None: ...


def backoff(attempts: int, *, base: float, cap: float, rng: random.Random = random.Random()) -> float:
    """Seconds to wait after ``attempts`` failures: exponential, capped, with ±50 % jitter."""
    return min(cap, base * (2.0 ** max(0, attempts - 1))) * rng.uniform(0.5, 1.5)


# A claimed delivery, its event and (for a webhook) the subscription.
Claimed = tuple[DeliveryMixin, OutboxEventMixin, WebhookSubscriptionMixin | None]


class Relay:
    def __init__(self, *, db: Database, tables: EventTables, settings: ServiceSettings, tokens: TokenSource | None,
                 client: httpx.AsyncClient | None = None, tracing: Tracing | None = None):
        self.db = db
        self.t = tables
        self.settings = settings
        self.service = settings.service
        self.tokens = tokens
        self.client = client or httpx.AsyncClient()
        self.tracing = tracing
        self.wake = asyncio.Event()
        self.postgres = not db.sqlite
        self.event_secret = event_signing_secret(settings.service_secret, settings.service)
        self._leases: dict[int, datetime] = {}  # delivery id → the lease this relay holds on it
        self.listening = asyncio.Event()  # set while the LISTEN connection is up (PostgreSQL)

    # --- fan-out ---------------------------------------------------------------------------

    async def dispatch_once(self) -> int:
        """Create one delivery per subscriber for each event not yet fanned out."""
        outbox, delivery, webhook = self.t.outbox, self.t.delivery, self.t.webhook
        async with self.db.writer() as s:
            stmt = (select(outbox).where(outbox.status == "pending").order_by(outbox.seq)
                    .limit(self.settings.relay_batch))
            if self.postgres:
                stmt = stmt.with_for_update(skip_locked=True)
            events = (await s.execute(stmt)).scalars().all()
            if not events:
                return 0
            hooks = (await s.execute(select(webhook).where(webhook.active.is_(True)))).scalars().all()
            now = utcnow()
            for e in events:
                for svc in consumers_of(e.type, source=self.service):
                    s.add(delivery(event_seq=e.seq, event_id=e.id, subject=e.subject, target=f"service:{svc}",
                                   url=f"{self.settings.service_url(svc)}/api/{svc}/events", next_attempt_at=now))
                for h in hooks:
                    if matches_any(h.event_types, e.type):
                        s.add(delivery(event_seq=e.seq, event_id=e.id, subject=e.subject, target=f"webhook:{h.id}",
                                       webhook_id=h.id, url=h.url, next_attempt_at=now))
                e.status, e.dispatched_at = "dispatched", now
            await s.commit()
            return len(events)

    # --- delivery --------------------------------------------------------------------------

    async def _claim(self) -> list[Claimed]:
        outbox, delivery, webhook = self.t.outbox, self.t.delivery, self.t.webhook
        earlier = aliased(delivery)
        now = utcnow()
        async with self.db.writer() as s:
            stmt = (
                select(delivery)
                .where(delivery.status == "pending", delivery.next_attempt_at <= now,
                       or_(delivery.lease_until.is_(None), delivery.lease_until < now),
                       ~exists().where(and_(earlier.target == delivery.target, earlier.subject == delivery.subject,
                                            earlier.event_seq < delivery.event_seq, earlier.status == "pending")),
                       ~exists().where(and_(outbox.subject == delivery.subject, outbox.seq < delivery.event_seq,
                                            outbox.status == "pending")))
                .order_by(delivery.event_seq, delivery.id)
                .limit(self.settings.relay_batch))
            if self.postgres:
                stmt = stmt.with_for_update(skip_locked=True, of=delivery)
            claimed = (await s.execute(stmt)).scalars().all()
            lease = now + LEASE
            for d in claimed:
                d.lease_until = lease
                self._leases[d.id] = lease
            await s.commit()
            if not claimed:
                return []
            events = {e.seq: e for e in (await s.execute(
                select(outbox).where(outbox.seq.in_([d.event_seq for d in claimed])))).scalars()}
            hook_ids = [d.webhook_id for d in claimed if d.webhook_id]
            hooks = {h.id: h for h in (await s.execute(select(webhook).where(webhook.id.in_(hook_ids)))).scalars()} \
                if hook_ids else {}
            return [(d, events[d.event_seq], hooks.get(d.webhook_id) if d.webhook_id is not None else None)
                    for d in claimed]

    async def _traced_send(self, delivery: DeliveryMixin, event: OutboxEventMixin,
                           hook: WebhookSubscriptionMixin | None) -> tuple[bool, int | None, float, str]:
        """One send, continuing the trace of the request that recorded the event (services.common.tracing)."""
        with delivery_span(self.tracing, event_type=event.type, event_id=event.id, target=delivery.target,
                           stored={"traceparent": event.traceparent, "tracestate": event.tracestate}) as trace:
            result = await self._send(delivery, event, hook, trace)
            if not result[0] and self.tracing is not None:
                mark_failed(result[3])
            return result

    async def _send(self, delivery: DeliveryMixin, event: OutboxEventMixin, hook: WebhookSubscriptionMixin | None,
                    trace: dict[str, str] | None = None) -> tuple[bool, int | None, float, str]:
        body = json.dumps(envelope(event), ensure_ascii=False, separators=(",", ":")).encode()
        start = time.perf_counter()
        try:
            if delivery.target.startswith("webhook:"):
                if hook is None or not hook.active:
                    return False, None, 0.0, "the webhook subscription was removed or disabled"
                # checked again at every delivery, and the connection pinned to the address checked
                target = await asyncio.to_thread(webhooks.check_target, delivery.url,
                                                 allow_private=self.settings.webhook_allow_private_targets)
                options = target.request_options()
                resp = await self.client.post(target.url, content=body, timeout=self.settings.relay_timeout,
                                              headers={**webhooks.headers(hook.secret, event.id, body),
                                                       **options.get("headers", {}), **(trace or {})},
                                              extensions=options.get("extensions"))
            else:
                if self.tokens is None:
                    return False, None, 0.0, "this service has no token to call other services with"
                headers = {**webhooks.headers(self.event_secret, event.id, body),
                           "authorization": f"Bearer {await self.tokens.token()}", **(trace or {})}
                resp = await self.client.post(delivery.url, content=body, headers=headers,
                                              timeout=self.settings.relay_timeout)
            latency = (time.perf_counter() - start) * 1000
            if resp.status_code == 401 and self.tokens is not None:
                self.tokens.invalidate()
            ok = 200 <= resp.status_code < 300
            return ok, resp.status_code, latency, "" if ok else f"HTTP {resp.status_code}: {resp.text[:300]}"
        except webhooks.UnsafeTarget as exc:
            return False, None, (time.perf_counter() - start) * 1000, str(exc)
        except Exception as exc:  # connection refused, timeout, token fetch failure...
            return False, None, (time.perf_counter() - start) * 1000, f"{type(exc).__name__}: {exc}"[:500]

    async def deliver_once(self) -> int:
        """Claim due deliveries, send them concurrently, record every attempt."""
        claimed = await self._claim()
        if not claimed:
            return 0
        sent = asyncio.Event()
        ids = [d.id for d, _e, _h in claimed]
        renewing = asyncio.create_task(self._renew_leases(ids, sent))
        try:
            results = await asyncio.gather(*[self._traced_send(d, e, h) for d, e, h in claimed])
        finally:
            # let a renewal under way finish: cancelled mid-commit, it would leave a lease this
            # relay no longer recognises as its own, and the results would go unrecorded
            sent.set()
            await renewing
        delivery, attempt = self.t.delivery, self.t.attempt
        now = utcnow()
        async with self.db.writer() as s:
            for (d, _e, _h), (ok, code, latency, error) in zip(claimed, results, strict=True):
                row = await s.get(delivery, d.id, with_for_update=self.postgres)
                lease = self._leases.pop(d.id, None)
                if row is None or not self._still_ours(row, lease):
                    # The send outlived the lease and another relay claimed the delivery again:
                    # its result is the one that counts (the receiver applies an event once).
                    log.warning("delivery lease lost", extra={"fields": {"delivery": d.id, "target": d.target}})
                    continue
                s.add(attempt(delivery_id=d.id, at=now, status_code=code, latency_ms=round(latency, 2), ok=ok,
                              error=error))
                row.attempts += 1
                row.lease_until = None
                if ok:
                    row.status, row.delivered_at, row.last_error = "delivered", now, ""
                else:
                    row.last_error = error
                    if row.attempts >= self.settings.relay_max_attempts:
                        row.status = "parked"
                        log.warning("delivery parked", extra={"fields": {"delivery": d.id, "target": d.target,
                                                                          "error": error}})
                    else:
                        row.next_attempt_at = now + timedelta(seconds=backoff(
                            row.attempts, base=self.settings.relay_backoff_base, cap=self.settings.relay_backoff_max))
            # A target that just answered is back: what waits for it in backoff goes out now,
            # instead of after each delivery's own (possibly long) backoff runs out.
            recovered = {d.target for (d, _e, _h), (ok, *_rest) in zip(claimed, results, strict=True) if ok}
            if recovered:
                await s.execute(update(delivery).where(delivery.target.in_(recovered), delivery.status == "pending",
                                                       delivery.next_attempt_at > now).values(next_attempt_at=now))
            await s.commit()
        return len(claimed)

    async def _renew_leases(self, ids: list[int], sent: asyncio.Event) -> None:
        """Extend this relay's leases on ``ids`` every third of a lease until ``sent`` is set."""
        delivery = self.t.delivery
        while True:
            try:
                async with asyncio.timeout(LEASE.total_seconds() / 3):
                    await sent.wait()
                return
            except TimeoutError:
                pass
            try:
                async with self.db.writer() as s:
                    stmt = select(delivery).where(delivery.id.in_(ids))
                    if self.postgres:
                        stmt = stmt.with_for_update(skip_locked=True)
                    lease = utcnow() + LEASE
                    renewed: list[int] = []
                    for row in (await s.execute(stmt)).scalars():
                        if self._still_ours(row, self._leases.get(row.id)):
                            row.lease_until = lease
                            renewed.append(row.id)
                    await s.commit()
                self._leases.update(dict.fromkeys(renewed, lease))
            except Exception:  # the database busy or away: the leases may run out, the results then count elsewhere
                log.exception("renewing delivery leases failed")

    @staticmethod
    def _still_ours(row: DeliveryMixin | None, lease: datetime | None) -> bool:
        if row is None or lease is None or row.lease_until is None or row.status != "pending":
            return False
        # another claim is at least LEASE after ours, so a second's slack only absorbs storage precision
        return abs((row.lease_until - lease).total_seconds()) < 1.0

    async def run_once(self) -> int:
        return await self.dispatch_once() + await self.deliver_once()

    async def run_forever(self) -> None:
        listener = asyncio.create_task(self.listen_forever(), name=f"{self.service}-relay-listen") \
            if self.postgres else None
        try:
            await run_rounds(self.run_once, wake=self.wake, idle_seconds=self.settings.relay_interval, log=log,
                             what="relay")
        finally:
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(BaseException):
                    await listener

    async def listen_forever(self) -> None:
        """PostgreSQL: wake this relay whenever an outbox row of its service is committed (by any replica),
        over a connection of its own that is made again, with backoff, when lost."""
        delay = 1.0
        while True:
            conn = None
            try:
                conn = await asyncpg_connect(self.db.url)
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
                await conn.add_listener(outbox_channel(self.service), lambda *_args: self.wake.set())
                self.listening.set()
                self.wake.set()  # anything committed while nobody listened
                delay = 1.0
                await lost.wait()
                log.warning("the relay's LISTEN connection was lost; polling until it is back")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("the relay cannot LISTEN (%s: %s); polling until it can", type(exc).__name__, exc)
            finally:
                self.listening.clear()
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=2)
            await asyncio.sleep(delay)
            delay = min(30.0, delay * 2)
