"""The outbox keeps its promise across crashes: no event lost, none applied twice.

``YUNGUAN_CRASH_EVENTS`` events (1,000 by default; 10,000 is the full proof, opt-in: on this
project's 2-core CI machine, shared and loaded, deliveries flow at about 30 a second on
either database, so 10,000 events, 30,000 deliveries, take 15 minutes or more; 2,000 took
192 s on SQLite, 1,500 took 245 s on PostgreSQL).

The product runs as real processes (org, planning, kpi, risk) on a throw-away folder.
While org is stopped, ``YUNGUAN_CRASH_EVENTS`` ``org.unit.*`` events are written into its
outbox in one transaction, with the units they describe, exactly as org's own code writes
them (``tree.create_unit``, ``journal.emit`` with the unit's read shape and version; the
audit entries aside, which travel nowhere): the
count is then cheap to reach, and what is under test is the delivery, which starts when org
does. While the real relay delivers them over HTTP, signed, with org's service token, to
the three real consumers, the test ``kill -9``s org (the sender) and a receiver at random
points of the flow (seeded: the seed is printed, ``YUNGUAN_CRASH_SEED`` replays it),
restarts each, and waits with a deadline until every delivery is delivered. Then:

- lost: every event id of org's outbox is in each consumer's processed-event rows;
- applied twice: no event id is counted more than once there, and while the events
  flowed no unit's version in a consumer's read-model ever went back;
- each consumer's read-model ends as the sequence implies: the last rename of each unit,
  at its last version;
- every delivery ends ``delivered``, none parked, each with one attempt recorded as its
  success (the sender recorded nothing twice).
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import signal
import time

import pytest
from sqlalchemy import func, select, update

from services.common.db import Database
from services.org.events import UnitData
from services.org.journal import emit
from services.org.models import Unit
from services.org.models import events as org_events
from services.org.units import tree
from services.org.units.schemas import UnitRead
from tests.support import BACKEND, service_processes
from tools.stack import Stack

EVENTS = int(os.environ.get("YUNGUAN_CRASH_EVENTS", "1000"))
UNITS = 100  # subjects: the relay keeps order per unit, so the work spreads over this many queues
# (a relay round then carries up to one delivery per unit and receiver: 300, YUNGUAN_RELAY_BATCH)
RECEIVERS = ["planning", "kpi", "risk"]
SENDER_KILLS, RECEIVER_KILLS = 3, 3
DEADLINE = 300 + EVENTS * 0.2  # seconds; at 30 deliveries a second, each event's three take 0.1 s


def consumer_tables(svc: str):
    module = __import__(f"services.{svc}.models", fromlist=["events", "OrgUnit"])
    return module.events, module.OrgUnit


@pytest.fixture
async def stack(tmp_path):
    # Not demo mode: nothing but the test's events flows. Retries are kept short so a receiver
    # that was down is retried within seconds, and a delivery is never parked for the seconds
    # a killed service takes to start again (parking is not what this test is about).
    env = {"YUNGUAN_SERVICE_SECRET": secrets.token_hex(32), "YUNGUAN_RELAY_INTERVAL": "0.2",
           "YUNGUAN_RELAY_BACKOFF_BASE": "0.2", "YUNGUAN_RELAY_BACKOFF_MAX": "2",
           "YUNGUAN_RELAY_MAX_ATTEMPTS": "1000", "YUNGUAN_RELAY_BATCH": "300"}
    async with service_processes(tmp_path, env, tag="yc") as s:
        yield s


def kill(stack: Stack, name: str) -> None:
    """``kill -9`` the service's whole process group: no shutdown, no cleanup."""
    proc = stack.procs.pop(name)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def unit_data(unit: dict) -> UnitData:
    """The payload org's events carry for a unit (its EMITS model)."""
    return UnitData(**{k: unit[k] for k in UnitData.model_fields})


async def write_events(db: Database, rng: random.Random, count: int) -> dict[int, tuple[str, int]]:
    """Org's units and ``count`` events about them in one transaction, as org writes them;
    returns each unit's last name and version (what its events add up to)."""
    async with db.writer() as s:
        company = await tree.create_unit(s, parent=None, name="崩溃测试公司", code="CRASH", kind="company")
        units = [await tree.create_unit(s, parent=company, name=f"部门{i}", code=f"D{i}", kind="department")
                 for i in range(UNITS)]
        last = {}
        for u in [company, *units]:
            data = UnitRead.model_validate(u).model_dump()
            await emit(s, "org.unit.created", u.id, unit_data(data), u.path)
            last[u.id] = data
        for n in range(count - UNITS - 1):
            data = dict(last[rng.choice(units).id])  # renames: the company keeps its name
            data["name"], data["version"] = f"部门{data['id']}-第{n}次改名", data["version"] + 1
            await emit(s, "org.unit.updated", data["id"], unit_data(data), data["path"])
            last[data["id"]] = data
        for uid, data in last.items():
            # the unit ends as its last event says (org bumps the version with every change)
            await s.execute(update(Unit).where(Unit.id == uid).values(name=data["name"], version=data["version"]))
        await s.commit()
    return {uid: (d["name"], d["version"]) for uid, d in last.items()}


async def delivered(db: Database) -> int:
    deliveries = org_events.delivery
    async with db.reader() as s:
        return (await s.execute(select(func.count()).where(deliveries.status == "delivered"))).scalar_one()


async def versions(db: Database, model) -> dict[int, int]:
    async with db.reader() as s:
        return dict((await s.execute(select(model.id, model.version))).all())


async def test_no_event_is_lost_or_applied_twice_when_sender_and_receivers_are_killed(stack):
    seed = int(os.environ.get("YUNGUAN_CRASH_SEED") or random.randrange(1 << 32))
    print(f"\noutbox crash test: YUNGUAN_CRASH_SEED={seed} YUNGUAN_CRASH_EVENTS={EVENTS} ({BACKEND})")
    rng = random.Random(seed)
    started = time.monotonic()
    org = stack.dbs["org"]

    kill(stack, "org")
    expected = await write_events(org, rng, EVENTS)
    async with org.reader() as s:
        sent = dict((await s.execute(select(org_events.outbox.id, org_events.outbox.type))).all())
    assert len(sent) == EVENTS
    total = EVENTS * len(RECEIVERS)

    # Kill points: random shares of the deliveries done, so each kill falls while events flow
    # however fast this machine is; each victim is killed a random moment after its point.
    victims = ["org"] * SENDER_KILLS + [rng.choice(RECEIVERS) for _ in range(RECEIVER_KILLS)]
    rng.shuffle(victims)
    points = sorted(rng.uniform(0.05, 0.9) * total for _ in victims)
    print(f"kills: {list(zip(victims, [int(p) for p in points], strict=False))}")
    stack.start("org")

    seen: dict[str, dict[int, int]] = {svc: {} for svc in RECEIVERS}
    went_back: list[tuple[str, int, int, int]] = []

    async def watch_versions() -> None:
        for svc in RECEIVERS:
            now = await versions(stack.dbs[svc], consumer_tables(svc)[1])
            for uid, v in now.items():
                if v < seen[svc].get(uid, 0):
                    went_back.append((svc, uid, seen[svc][uid], v))
                seen[svc][uid] = v

    deadline = time.monotonic() + DEADLINE
    kills = {"org": 0, "receiver": 0}
    shown = time.monotonic()
    while True:
        done = await delivered(org)
        if time.monotonic() - shown > 10:
            shown = time.monotonic()
            print(f"{shown - started:5.0f} s: {done} of {total} delivered")
        await watch_versions()
        if points and done >= points[0]:
            points.pop(0)
            victim = victims.pop(0)
            await asyncio.sleep(rng.uniform(0, 0.3))
            kill(stack, victim)
            kills["org" if victim == "org" else "receiver"] += 1
            await asyncio.sleep(rng.uniform(0, 1.0))
            stack.start(victim)
        elif not points and done >= total:
            break
        assert time.monotonic() < deadline, f"{done} of {total} deliveries delivered after {DEADLINE:.0f} s"
        for name, proc in stack.procs.items():
            assert proc.poll() is None, f"{name} stopped on its own (exit {proc.returncode})"
        await asyncio.sleep(0.1)
    elapsed = time.monotonic() - started

    # the sender: every delivery delivered, none parked or pending, one success recorded each
    deliveries, attempts = org_events.delivery, org_events.attempt
    async with org.reader() as s:
        statuses = dict((await s.execute(select(deliveries.status, func.count()).group_by(deliveries.status))).all())
        per_target = dict((await s.execute(select(deliveries.target, func.count()).group_by(deliveries.target))).all())
        successes = dict((await s.execute(select(attempts.delivery_id, func.count()).where(attempts.ok.is_(True))
                                          .group_by(attempts.delivery_id))).all())
        resent = (await s.execute(select(func.count(func.distinct(attempts.delivery_id)))
                                  .where(attempts.ok.is_(False)))).scalar_one()
        outbox_pending = (await s.execute(select(func.count()).where(org_events.outbox.status != "dispatched")
                                          )).scalar_one()
    assert statuses == {"delivered": total}, statuses
    assert per_target == {f"service:{svc}": EVENTS for svc in RECEIVERS}, per_target
    assert outbox_pending == 0
    assert len(successes) == total and set(successes.values()) == {1}, \
        [d for d, n in successes.items() if n != 1][:10]

    # the receivers: each event applied exactly once, the read-model as the events add up to
    lost, doubled = {}, {}
    for svc in RECEIVERS:
        events, model = consumer_tables(svc)
        processed = events.processed
        async with stack.dbs[svc].reader() as s:
            counts = dict((await s.execute(select(processed.event_id, func.count())
                                           .where(processed.type.like("org.unit.%"))
                                           .group_by(processed.event_id))).all())
            units = {u.id: (u.name, u.version) for u in (await s.execute(select(model))).scalars() if u.id in expected}
        lost[svc] = len(set(sent) - set(counts))
        doubled[svc] = sum(1 for n in counts.values() if n > 1)
        assert set(counts) == set(sent), f"{svc}: {lost[svc]} events lost, {len(set(counts) - set(sent))} unknown"
        wrong = [(u, units.get(u), e) for u, e in expected.items() if units.get(u) != e]
        assert wrong == [], f"{svc}: {len(wrong)} units not as their events left them, e.g. {wrong[:5]}"
    assert went_back == [], went_back[:10]
    assert doubled == dict.fromkeys(RECEIVERS, 0)
    print(f"events {EVENTS}, deliveries {total}, kills sender {kills['org']} receiver {kills['receiver']}, "
          f"deliveries retried {resent}, lost {sum(lost.values())}, applied twice {sum(doubled.values())}, "
          f"{elapsed:.0f} s")
