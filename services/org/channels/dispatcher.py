"""The dispatcher: sends org's outgoing messages (e-mail, group robots) at least once.

Notifying writes an ``OutgoingMessage`` row in the same transaction as the notification (an outbox of
messages); the dispatcher claims due rows with a lease (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
replicas share the work; SQLite's writers serialise), sends them concurrently, and records each
attempt. Failures back off as the relay's do (:func:`services.common.relay.backoff`) and park after
``relay_max_attempts`` until an admin retries them. A robot whose channel was deleted or turned off is
not sent to: its messages are dropped.

A send is cut off well inside its lease, so no other round can claim a message while it is being
sent, and each outcome is recorded as soon as it is known (not when the round's slowest send ends). On
shutdown the round stops: what went is recorded, what was under way is released to go again at the
next start. Only a crash between a send and its record sends a message twice: e-mail carries a stable
Message-ID so mail clients fold the repeat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select, update

from services.common.db import Database, utcnow
from services.common.relay import LEASE, backoff
from services.common.rounds import run_rounds
from services.common.settings import ServiceSettings
from services.org.channels import mail, robots
from services.org.channels.sending import SendFailed
from services.org.models import OutgoingMessage, RobotChannel

log = logging.getLogger("yunguan.org.dispatcher")

# How often an idle dispatcher looks for due messages (a retried or deferred one waits at most this).
IDLE_SECONDS = 1.0
# Messages a round claims, all sent at once: none waits for a turn, so none can outlast its lease.
ROUND_SIZE = 20


@dataclass(frozen=True)
class Job:
    """A claimed message and what sending it needs, read while it was claimed."""

    id: int
    channel: str
    address: str
    dedupe_key: str
    content: dict[str, Any]
    lease: datetime
    robot: tuple[str, str, str] | None = None  # vendor, url, secret


def due(now: datetime) -> Any:
    """Messages a round may claim: pending, due, and not leased to a round under way."""
    return (OutgoingMessage.status == "pending", OutgoingMessage.next_attempt_at <= now,
            or_(OutgoingMessage.lease_until.is_(None), OutgoingMessage.lease_until < now))


class Dispatcher:
    def __init__(self, *, db: Database, settings: ServiceSettings, client: httpx.AsyncClient):
        self.db = db
        self.settings = settings
        self.client = client
        self.wake = asyncio.Event()
        self.postgres = not db.sqlite
        # The longest a send may take: it ends (cancelled if need be) a full LEASE before its claim does.
        self.send_limit = max(settings.relay_timeout, settings.smtp_timeout) + 5.0
        self.lease = LEASE + timedelta(seconds=self.send_limit)

    async def _claim(self) -> tuple[list[Job], int]:
        """Lease due messages; drop robot messages whose channel is gone or off, and e-mail while e-mail is not
        configured. (jobs, dropped)."""
        now = utcnow()
        async with self.db.reader() as s:  # an idle round never takes SQLite's write lock
            if (await s.execute(select(OutgoingMessage.id).where(*due(now)).limit(1))).first() is None:
                return [], 0
        async with self.db.writer() as s:
            stmt = (select(OutgoingMessage).where(*due(now))
                    .order_by(OutgoingMessage.next_attempt_at, OutgoingMessage.id)
                    .limit(min(self.settings.relay_batch, ROUND_SIZE)))
            if self.postgres:
                stmt = stmt.with_for_update(skip_locked=True)
            rows = (await s.execute(stmt)).scalars().all()
            robot_ids = {r.robot_id for r in rows if r.robot_id is not None}
            channels = {c.id: c for c in (await s.execute(
                select(RobotChannel).where(RobotChannel.id.in_(robot_ids)))).scalars()} if robot_ids else {}
            lease = now + self.lease
            jobs: list[Job] = []
            dropped = 0
            for row in rows:
                robot = None
                if row.channel == "email" and not mail.configured(self.settings):
                    # nowhere to send it: kept for the log (an admin who configures e-mail may retry it)
                    row.status, row.lease_until = "dropped", None
                    row.last_error = "E-mail is not configured (YUNGUAN_SMTP_HOST is empty)."
                    dropped += 1
                    continue
                if row.channel != "email":
                    channel = channels.get(row.robot_id) if row.robot_id is not None else None
                    if channel is None or not channel.active:
                        row.status, row.lease_until = "dropped", None
                        row.last_error = ("The robot channel was deactivated." if channel is not None
                                          else "The robot channel was deleted.")
                        dropped += 1
                        continue
                    robot = (channel.vendor, channel.url, channel.secret)
                row.lease_until = lease
                jobs.append(Job(id=row.id, channel=row.channel, address=row.address, dedupe_key=row.dedupe_key,
                                content=dict(row.content or {}), lease=lease, robot=robot))
            await s.commit()
        return jobs, dropped

    async def _send(self, job: Job) -> str:
        """Send one message: "" when it went, else why not."""
        try:
            if job.robot is None:
                message = mail.compose(self.settings, to=job.address, content=job.content, dedupe_key=job.dedupe_key)
                async with asyncio.timeout(self.send_limit):
                    await mail.send(self.settings, message)
            else:
                vendor, url, secret = job.robot
                async with asyncio.timeout(self.send_limit):
                    await robots.send(self.client, self.settings, vendor=vendor, url=url, secret=secret,
                                      content=job.content)
            return ""
        except SendFailed as exc:
            return str(exc) or type(exc).__name__
        except TimeoutError:
            return f"No answer within {self.send_limit:.0f} seconds."
        except Exception as exc:  # a bug or an odd failure must not stop the round's other sends
            log.exception("sending outgoing message %s failed", job.id)
            return f"{type(exc).__name__}: {exc}"[:500]

    async def _record(self, job: Job, error: str) -> None:
        """The outcome of one send, as soon as it is known."""
        now = utcnow()
        async with self.db.writer() as s:
            row = await s.get(OutgoingMessage, job.id, with_for_update=self.postgres)
            if row is None or not self._holds(row, job):
                # the lease ran out and another round took the message over: its result counts
                log.warning("outgoing message lease lost", extra={"fields": {"message": job.id}})
                return
            row.attempts += 1
            row.lease_until = None
            if not error:
                row.status, row.sent_at, row.last_error = "sent", now, ""
                if job.robot is not None:
                    # A robot that just took a message is back: what waits for it in backoff goes now. Only
                    # messages that failed before (attempts > 0): one deferred on purpose keeps its time.
                    await s.execute(update(OutgoingMessage).where(
                        OutgoingMessage.address == job.address, OutgoingMessage.status == "pending",
                        OutgoingMessage.attempts > 0, OutgoingMessage.next_attempt_at > now)
                        .values(next_attempt_at=now))
            else:
                row.last_error = error
                if row.attempts >= self.settings.relay_max_attempts:
                    row.status = "parked"
                    log.warning("outgoing message parked", extra={"fields": {
                        "message": job.id, "channel": job.channel, "error": error}})
                else:
                    row.next_attempt_at = now + timedelta(seconds=backoff(
                        row.attempts, base=self.settings.relay_backoff_base, cap=self.settings.relay_backoff_max))
            await s.commit()

    async def _release(self, jobs: Sequence[Job]) -> None:
        """Give up this round's leases on messages whose outcome is unknown (stopping mid-send): they go
        again at the next round rather than a lease later."""
        async with self.db.writer() as s:
            for job in jobs:
                row = await s.get(OutgoingMessage, job.id, with_for_update=self.postgres)
                if row is not None and self._holds(row, job):
                    row.lease_until = None
            await s.commit()

    @staticmethod
    def _holds(row: OutgoingMessage, job: Job) -> bool:
        """The round that claimed ``job`` still holds its lease (a later claim is at least LEASE later)."""
        return row.status == "pending" and row.lease_until is not None and \
            abs((row.lease_until - job.lease).total_seconds()) < 1.0

    async def run_once(self) -> int:
        """One round: claim what is due, send it concurrently, record each outcome as it comes. How many
        messages it handled (sent, failed or dropped)."""
        jobs, dropped = await self._claim()
        if not jobs:
            return dropped
        recorded: set[int] = set()

        async def one(job: Job) -> None:
            error = await self._send(job)
            # recorded at once, and finished even when shutdown comes meanwhile: a message that went is
            # never sent again because a slower one in its round was still under way
            recording = asyncio.ensure_future(self._record(job, error))
            try:
                await asyncio.shield(recording)
            except asyncio.CancelledError:
                await recording
                recorded.add(job.id)
                raise
            recorded.add(job.id)

        sends = [asyncio.create_task(one(job)) for job in jobs]
        try:
            outcomes = await asyncio.gather(*sends, return_exceptions=True)
        except asyncio.CancelledError:
            # Stopping mid-round: the sends under way are cut off; whether they arrived is unknown, so
            # they go again at the next start (at least once) instead of waiting out the lease.
            await asyncio.wait(sends)
            await self._release([job for job in jobs if job.id not in recorded])
            raise
        for job, outcome in zip(jobs, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                log.error("recording outgoing message %s failed", job.id, exc_info=outcome)
        return len(jobs) + dropped

    async def run_forever(self) -> None:
        """Rounds until cancelled: straight on while there is work, else every second (or when woken)."""
        await run_rounds(self.run_once, wake=self.wake, idle_seconds=IDLE_SECONDS, log=log, what="dispatch")
