"""Periodic jobs with several replicas: each tick, only the replica holding a job's lease runs it; a
holder that stops renewing loses the lease to another after it runs out; a job marked every_replica
runs everywhere. Time is an injected clock (no sleeps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.common.db import Database
from services.common.leases import Leases, every_replica, lease_for, tick
from services.kpi.models import JobLease


@pytest.fixture
async def kpi_db(databases):
    db = Database(await databases.fresh("kpi"))
    yield db
    await db.dispose()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def counting(name: str, runs: list[str]):
    async def job(replica: str) -> int:
        runs.append(replica)
        return 0

    job.__name__ = name
    return job


async def test_two_replicas_on_one_database_run_a_job_once_per_tick(kpi_db):
    clock = Clock()
    a = Leases(kpi_db, JobLease, holder="replica-a", clock=clock)
    b = Leases(kpi_db, JobLease, holder="replica-b", clock=clock)
    runs: list[str] = []
    job = counting("overdue_scan", runs)
    for _ in range(5):
        await tick(job, "a", seconds=60, leases=a)
        await tick(job, "b", seconds=60, leases=b)
        clock.advance(60)
    assert runs == ["a"] * 5
    # another job's lease is its own: b may hold it while a holds the first
    other: list[str] = []
    await tick(counting("inspection_schedules", other), "b", seconds=60, leases=b)
    await tick(counting("inspection_schedules", other), "a", seconds=60, leases=a)
    assert other == ["b"]


async def test_a_lease_is_taken_over_once_its_holder_stops_renewing(kpi_db):
    clock = Clock()
    a = Leases(kpi_db, JobLease, holder="replica-a", clock=clock)
    b = Leases(kpi_db, JobLease, holder="replica-b", clock=clock)
    runs: list[str] = []
    job = counting("sweep_once", runs)
    await tick(job, "a", seconds=60, leases=a)
    # a stops (crashed); b keeps ticking and is refused until a's lease has run out
    ttl = lease_for(60).total_seconds()
    clock.advance(ttl - 1)
    await tick(job, "b", seconds=60, leases=b)
    assert runs == ["a"]
    clock.advance(2)
    await tick(job, "b", seconds=60, leases=b)
    assert runs == ["a", "b"]
    # a comes back: b renews at its ticks, so a stays out
    clock.advance(60)
    await tick(job, "a", seconds=60, leases=a)
    await tick(job, "b", seconds=60, leases=b)
    assert runs == ["a", "b", "b"]


async def test_a_replica_shutting_down_hands_its_leases_over_at_once(kpi_db):
    clock = Clock()
    a = Leases(kpi_db, JobLease, holder="replica-a", clock=clock)
    b = Leases(kpi_db, JobLease, holder="replica-b", clock=clock)
    assert await a.acquire("anchor_chain", lease_for(300))
    assert not await b.acquire("anchor_chain", lease_for(300))
    await a.release_all()
    assert await b.acquire("anchor_chain", lease_for(300))


async def test_a_job_marked_every_replica_runs_in_each_without_a_lease(kpi_db):
    clock = Clock()
    a = Leases(kpi_db, JobLease, holder="replica-a", clock=clock)
    b = Leases(kpi_db, JobLease, holder="replica-b", clock=clock)
    runs: list[str] = []
    job = every_replica(counting("reload_keys", runs))
    await tick(job, "a", seconds=60, leases=a)
    await tick(job, "b", seconds=60, leases=b)
    assert runs == ["a", "b"]
    assert not a.held and not b.held


def test_every_service_runs_its_periodic_jobs_under_leases_but_org_reloads_keys_everywhere(tmp_path):
    """Each service hands the kernel its job_lease table, so none of its periodic jobs (the audit anchor
    included) runs in every replica by accident; the one marked is org's key reload (each replica's keys)."""
    import importlib

    from services.org import app as org_app
    from tests.support import settings

    for service in ("org", "planning", "kpi", "risk"):
        module = importlib.import_module(f"services.{service}.app")
        app = module.create_app(settings(service, f"sqlite+aiosqlite:///{tmp_path / service}.db"))
        assert app.state.lease_model is importlib.import_module(f"services.{service}.models").JobLease, service
    assert getattr(org_app.reload_keys, "every_replica", False)
