"""Notifications keep their promise across crashes: the notifying service (org) is ``kill -9``ed while
events arrive and e-mails and robot posts go out, restarted, and in the end every person is told of every
event exactly once in their notification centre, and every e-mail and robot post went out (at least once:
a send that finished just before a kill, unrecorded, goes again, with the same Message-ID).

The product runs as real processes (tools.stack) in demo mode; ``NOTIFY_CRASH_EVENTS`` plan submissions
(300 by default) are written into planning's outbox, as planning's own code writes them, for 市场部 plans
waiting on the operations review: each tells 李运营总监 in-app and by e-mail (a real SMTP server) and posts
to 市场部's DingTalk group (a local receiver checking DingTalk's signature). The seed is printed;
``YUNGUAN_CRASH_SEED`` replays it."""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from services.common.db import Database
from services.org.models import Notification, OutgoingMessage, RobotChannel, Unit, User
from services.planning.events import PlanSubmittedData, WaitingStage
from services.planning.journal import journal as planning_journal
from tests.flows.test_outbox_crash import kill
from tests.support import BACKEND, service_processes
from tools.stack import SERVICES, Stack

pytestmark = pytest.mark.slow

EVENTS = int(os.environ.get("NOTIFY_CRASH_EVENTS", "300"))
KILLS = 3
DEADLINE = 120 + EVENTS * 0.5


@pytest.fixture
async def stack(tmp_path, mail):
    env = {"YUNGUAN_DEMO": "1", "YUNGUAN_RELAY_INTERVAL": "0.2", "YUNGUAN_RELAY_BACKOFF_BASE": "0.2",
           "YUNGUAN_RELAY_BACKOFF_MAX": "2", "YUNGUAN_RELAY_MAX_ATTEMPTS": "1000",
           "YUNGUAN_WEBHOOK_ALLOW_PRIVATE_TARGETS": "1", **mail.env()}
    async with service_processes(tmp_path, env, tag="yn") as s:
        yield s


async def org_paths(org: Database) -> dict[str, str]:
    async with org.reader() as s:
        return dict((await s.execute(select(Unit.code, Unit.path))).all())


async def write_submissions(planning: Database, paths: dict[str, str], mkt_id: int, submitter: int) -> None:
    """``EVENTS`` 市场部 plans submitted, waiting on the operations review, in planning's outbox."""
    waiting = WaitingStage(index=0, key="ops_review", name="运营管理部汇总审核", right="plan",
                           unit_path=paths["HDGAS"], held_at=paths["OPS"], signers="any", time_limit_days=3,
                           pending_signers=[])
    async with planning.writer() as s:
        for n in range(EVENTS):
            plan_id = 10_000 + n
            await planning_journal.emit(s, "planning.plan.submitted", plan_id, PlanSubmittedData(
                plan_id=plan_id, revision=1, unit_id=mkt_id, unit_path=paths["MKT"], period="2027", kind="annual",
                title=f"崩溃测试计划{n}", status="in_review", actor=str(submitter), comment="",
                submitted_by=str(submitter), waiting=waiting), paths["MKT"])
        await s.commit()


PLANS = [str(10_000 + n) for n in range(EVENTS)]


def ours(robot_id: int):
    """The test's outgoing messages: e-mail about its plans, posts by its robot."""
    about_plans = select(Notification.id).where(Notification.subject_type == "plan",
                                                Notification.subject_id.in_(PLANS))
    return OutgoingMessage.notification_id.in_(about_plans) | (OutgoingMessage.robot_id == robot_id)


async def progress(org: Database, robot_id: int) -> tuple[int, int, int]:
    """Notifications of the test's plans, their outgoing messages sent, and in all."""
    async with org.reader() as s:
        told = (await s.execute(select(func.count()).select_from(Notification).where(
            Notification.subject_type == "plan", Notification.subject_id.in_(PLANS)))).scalar_one()
        by_status = dict((await s.execute(select(OutgoingMessage.status, func.count()).where(ours(robot_id))
                                          .group_by(OutgoingMessage.status))).all())
    return told, by_status.get("sent", 0), sum(by_status.values())


async def settled(stack: Stack) -> None:
    """Wait until the demo's own events are delivered everywhere and org's messages about them sent."""
    deadline = time.monotonic() + 60
    while True:
        busy = 0
        for svc in SERVICES:
            module = __import__(f"services.{svc}.models", fromlist=["events"])
            async with stack.dbs[svc].reader() as s:
                busy += (await s.execute(select(func.count()).select_from(module.events.outbox)
                                         .where(module.events.outbox.status == "pending"))).scalar_one()
                busy += (await s.execute(select(func.count()).select_from(module.events.delivery)
                                         .where(module.events.delivery.status == "pending"))).scalar_one()
        async with stack.dbs["org"].reader() as s:
            busy += (await s.execute(select(func.count()).select_from(OutgoingMessage)
                                     .where(OutgoingMessage.status == "pending"))).scalar_one()
        if not busy:
            return
        assert time.monotonic() < deadline, f"the demo's events never settled ({busy} pending)"
        await asyncio.sleep(0.2)


async def test_each_person_is_told_once_and_every_message_goes_out_when_org_is_killed_mid_send(
        stack, mail, robots):
    seed = int(os.environ.get("YUNGUAN_CRASH_SEED") or random.randrange(1 << 32))
    print(f"\nnotification crash test: YUNGUAN_CRASH_SEED={seed} NOTIFY_CRASH_EVENTS={EVENTS} ({BACKEND})")
    rng = random.Random(seed)
    org, planning = stack.dbs["org"], stack.dbs["planning"]
    paths = await org_paths(org)
    await settled(stack)
    mails_before = len(mail.received)
    async with org.writer() as s:
        users = dict((await s.execute(select(User.username, User.id))).all())
        mkt_id = (await s.execute(select(Unit.id).where(Unit.code == "MKT"))).scalar_one()
        hook = robots.add("dingtalk")
        robot = RobotChannel(unit_id=mkt_id, vendor="dingtalk", name="市场部工作群", url=hook.url, secret=hook.secret)
        s.add(robot)
        await s.commit()
        robot_id = robot.id

    await write_submissions(planning, paths, mkt_id, users["market_mgr"])
    total = EVENTS * 3  # per event: one notification, one e-mail, one robot post
    points = sorted(rng.uniform(0.05, 0.85) * total for _ in range(KILLS))
    print(f"kill points (notifications + messages sent): {[int(p) for p in points]}")
    deadline = time.monotonic() + DEADLINE
    started = time.monotonic()
    while True:
        told, sent, queued = await progress(org, robot_id)
        if points and told + sent >= points[0]:
            points.pop(0)
            await asyncio.sleep(rng.uniform(0, 0.3))
            kill(stack, "org")
            await asyncio.sleep(rng.uniform(0, 1.0))
            stack.start("org")
            await stack.wait_ready(["org"], timeout=60)
        elif not points and told == EVENTS and sent == queued == 2 * EVENTS:
            break
        assert time.monotonic() < deadline, f"{told} told, {sent} of {queued} sent after {DEADLINE:.0f} s"
        for name, proc in stack.procs.items():
            assert proc.poll() is None, f"{name} stopped on its own (exit {proc.returncode})"
        await asyncio.sleep(0.1)
    print(f"settled in {time.monotonic() - started:.1f} s")

    # in-app: exactly once per person and event, for the stage's approver only
    async with org.reader() as s:
        rows = (await s.execute(select(Notification.user_id, Notification.subject_id).where(
            Notification.subject_type == "plan", Notification.subject_id.in_(PLANS)))).all()
        statuses = dict((await s.execute(select(OutgoingMessage.status, func.count()).where(ours(robot_id))
                                          .group_by(OutgoingMessage.status))).all())
    assert Counter(uid for uid, _ in rows) == {users["ops_director"]: EVENTS}
    assert sorted(int(p) for _, p in rows) == list(range(10_000, 10_000 + EVENTS))
    assert statuses == {"sent": 2 * EVENTS}  # one e-mail and one robot post per event, none parked

    # e-mail and robot: every one arrived; a repeat (a send finished just before a kill) keeps its Message-ID
    await mail.wait_for(mails_before + EVENTS, timeout=30)
    test_mails = [m for m in mail.received[mails_before:] if "崩溃测试计划" in m.message["Subject"]]
    ids = Counter(m.message["Message-ID"] for m in test_mails)
    subjects = {m.message["Subject"] for m in test_mails}
    assert len(ids) == EVENTS and len(subjects) == EVENTS
    posts = await robots.wait_for(EVENTS, timeout=30)
    titles = Counter(p.body["markdown"]["title"] for p in robots.accepted)
    assert len(titles) == EVENTS and robots.rejected == []
    repeats = (sum(ids.values()) - EVENTS, sum(titles.values()) - EVENTS)
    print(f"repeats after {KILLS} kills: {repeats[0]} e-mails, {repeats[1]} robot posts")
    assert len(posts) >= EVENTS
