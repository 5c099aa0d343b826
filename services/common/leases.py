"""Leases for periodic jobs: with several replicas of a service, each job runs in one of them.

A job's lease is a row of the service's ``job_lease`` table (name, holder, expires_at). At every tick
each replica tries to take or renew it in one statement, ``UPDATE … WHERE name = :job AND
(expires_at < now OR holder = me)``, or, the first time, ``INSERT … ON CONFLICT DO NOTHING``; the
replica whose statement changed a row runs the job, the others skip that tick. The holder renews at
each of its ticks; if it stops (it crashed, its node went away), the lease runs out after about two
periods and the next replica to tick takes it over. A replica shutting down gives its leases back,
so another takes over at its next tick.

Jobs that must run in every replica because they refresh the replica's own memory (org reloading its
signing keys) are marked with :func:`every_replica` and never take a lease.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import String, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from services.common.db import Database, TableMixin, utcnow

log = logging.getLogger("yunguan.leases")

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


class JobLeaseMixin(TableMixin):
    """Who runs a periodic job until when (``job_lease``); each service maps it in its models.py."""

    __tablename__ = "job_lease"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]


def every_replica(job: F) -> F:
    """Mark a periodic job that runs in every replica (it refreshes that replica's own memory)."""
    job.every_replica = True  # type: ignore[attr-defined]
    return job


def runs_in_every_replica(job: Callable[..., Any]) -> bool:
    return bool(getattr(job, "every_replica", False))


def lease_for(seconds: float) -> timedelta:
    """How long a job's lease lasts: two periods and some slack, so the holder (renewing every period
    plus the job's run) keeps it, and a standby takes it within about two periods of the holder's end."""
    return timedelta(seconds=2 * seconds + 5)


def replica_id() -> str:
    """This process, readably: host, pid and a random part (a pid is reused after a restart)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Leases:
    """This replica's side of a service's ``job_lease`` table (``clock`` injectable for tests)."""

    def __init__(self, db: Database, model: type[JobLeaseMixin], *, holder: str | None = None,
                 clock: Callable[[], datetime] = utcnow):
        self.db, self.model, self.clock = db, model, clock
        self.holder = holder or replica_id()
        self.held: set[str] = set()

    async def acquire(self, name: str, ttl: timedelta) -> bool:
        """Take or renew the lease on ``name`` for ``ttl``: True when this replica holds it now."""
        m = self.model
        now = self.clock()
        async with self.db.writer() as s:
            taken = await s.execute(
                update(m).where(m.name == name, or_(m.expires_at < now, m.holder == self.holder))
                .values(holder=self.holder, expires_at=now + ttl).execution_options(synchronize_session=False))
            got: bool = taken.rowcount == 1  # type: ignore[attr-defined]
            if not got:
                insert = sqlite_insert if self.db.sqlite else pg_insert
                made = await s.execute(insert(m).values(name=name, holder=self.holder, expires_at=now + ttl)
                                       .on_conflict_do_nothing(index_elements=["name"]))
                got = made.rowcount == 1  # type: ignore[attr-defined]
            await s.commit()
        if got:
            self.held.add(name)
        else:
            self.held.discard(name)
        return got

    async def release_all(self) -> None:
        """Give back every lease this replica holds (at shutdown): another replica takes them at its next tick."""
        if not self.held:
            return
        m = self.model
        async with self.db.writer() as s:
            await s.execute(update(m).where(m.name.in_(self.held), m.holder == self.holder)
                            .values(expires_at=self.clock() - timedelta(seconds=1))
                            .execution_options(synchronize_session=False))
            await s.commit()
        self.held.clear()


R = TypeVar("R")


async def tick(job: Callable[[R], Awaitable[Any]], runtime: R, *, seconds: float, leases: Leases | None) -> Any:
    """One tick of a periodic job: run it if it runs in every replica, or if this replica holds (or now
    takes) its lease; otherwise skip. Returns the job's result (None when skipped)."""
    if leases is not None and not runs_in_every_replica(job):
        if not await leases.acquire(job.__name__, lease_for(seconds)):
            return None
    return await job(runtime)
