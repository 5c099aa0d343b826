"""Watches: something waiting on someone with a time limit in working days, opened and closed by events.

A watch's deadline is its own due date (a task's, an action's) or its start plus a limit in working days
(an approval stage's own limit, else the company's SLA policy for the kind). The holders are reminded on the
working day ``remind_before_days`` before the deadline (09:00, business time zone) and the next level up is
told ``escalate_after_days`` working days after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.db import as_utc, utcnow
from services.common.workdays import WorkCalendar
from services.org.models import CalendarDay, SlaPolicy, Unit, Watch
from services.org.notifications.recipients import holders

REMIND_AT = time(9, 0)


@dataclass(frozen=True)
class Policy:
    limit_days: int
    remind_before_days: int
    escalate_after_days: int


# The company's SLA before an admin sets one: approval stages 3 working days, tasks 5, actions 10.
DEFAULT_POLICIES = {"approval": Policy(3, 1, 0), "planning.task": Policy(5, 1, 0), "kpi.action": Policy(10, 1, 0)}


async def work_calendar(session: AsyncSession) -> WorkCalendar:
    """The statutory calendar with the company's overrides."""
    rows = (await session.execute(select(CalendarDay.day, CalendarDay.workday))).all()
    return WorkCalendar({d: bool(w) for d, w in rows})


async def policy(session: AsyncSession, kind: str) -> Policy:
    row = await session.get(SlaPolicy, kind)
    if row is None:
        return DEFAULT_POLICIES[kind]
    return Policy(row.limit_days, row.remind_before_days, row.escalate_after_days)


@dataclass(frozen=True)
class Timing:
    due_at: datetime
    remind_at: datetime | None
    escalate_at: datetime


def timing(cal: WorkCalendar, pol: Policy, *, started_at: datetime, due_on: date | None,
           limit_days: int | None) -> Timing:
    """When a watch started at ``started_at`` is due, reminded and escalated (aware, UTC)."""
    if due_on is not None:
        last_day = due_on
        due_at = clock.at(due_on + timedelta(days=1), time(0, 0))
    else:
        due_at = cal.deadline(started_at, pol.limit_days if limit_days is None else limit_days)
        last_day = clock.local(due_at).date() - timedelta(days=1)
    remind_at = None
    if pol.remind_before_days > 0:
        remind_at = clock.at(cal.subtract(last_day, pol.remind_before_days), REMIND_AT)
        if as_utc(remind_at) <= as_utc(started_at):
            remind_at = None  # too short a limit to remind before it
    escalate_at = due_at
    if pol.escalate_after_days > 0:
        escalate_at = clock.at(cal.add(last_day, pol.escalate_after_days) + timedelta(days=1), time(0, 0))
    return Timing(due_at, remind_at, escalate_at)


async def open_watch(session: AsyncSession, *, key: str, kind: str, policy_kind: str, subject_type: str,
                     subject_id: str, title: str, link: str, unit_id: int | None, started_at: datetime,
                     due_on: date | None = None, limit_days: int | None = None, holder_right: str | None = None,
                     holder_unit_path: str | None = None, holder_held_at: str | None = None,
                     holder_user_id: int | None = None, holder_user_ids: Sequence[int] = (),
                     requester: str | None = None) -> Watch:
    """Open the watch ``key`` (or bring an open one up to date: a new owner or due date starts its reminders
    afresh). It waits on ``holder_user_id``, else on ``holder_user_ids`` (a 会签 stage's signers), else on the
    holders of ``holder_right`` over ``holder_unit_path``."""
    t = timing(await work_calendar(session), await policy(session, policy_kind), started_at=started_at,
               due_on=due_on, limit_days=limit_days)
    w = (await session.execute(select(Watch).where(Watch.key == key))).scalar_one_or_none()
    if w is None:
        w = Watch(key=key, kind=kind, subject_type=subject_type, subject_id=subject_id, started_at=started_at)
        session.add(w)
    elif (w.due_at is None or as_utc(w.due_at) != as_utc(t.due_at) or w.holder_user_id != holder_user_id
          or w.closed_at is not None):
        # (the database gives times back zoned, the calendar works in naive UTC: compare them as UTC)
        w.reminded_at = w.escalated_at = None
    w.title, w.link, w.unit_id = title[:300], link, unit_id
    w.holder_right, w.holder_unit_path, w.holder_held_at, w.holder_user_id = (holder_right, holder_unit_path,
                                                                              holder_held_at, holder_user_id)
    w.holder_user_ids = list(holder_user_ids)
    w.requester = requester
    w.due_at, w.remind_at, w.escalate_at, w.closed_at = t.due_at, t.remind_at, t.escalate_at, None
    await session.flush()
    return w


async def narrow_watch(session: AsyncSession, key: str, user_ids: Sequence[int]) -> None:
    """A 会签 stage's watch now waits on ``user_ids`` only (someone signed): its deadline and reminders stand."""
    w = (await session.execute(select(Watch).where(Watch.key == key, Watch.closed_at.is_(None)))
         ).scalar_one_or_none()
    if w is not None and w.holder_user_ids and list(user_ids):
        w.holder_user_ids = list(user_ids)
        await session.flush()


async def close_watches(session: AsyncSession, key_prefix: str) -> None:
    """Close every open watch whose key starts with ``key_prefix`` (the item was decided or finished)."""
    await session.execute(update(Watch).where(Watch.key.startswith(key_prefix, autoescape=True),
                                              Watch.closed_at.is_(None))
                          .values(closed_at=utcnow(), version=Watch.version + 1))


# --- who a watch waits on, and how long it has left ---------------------------------------------------------


def waits_on(w: Watch) -> tuple[Any, ...]:
    """What decides whom a watch waits on: watches alike in it wait on the same people (looked up once)."""
    return (w.holder_user_id, tuple(w.holder_user_ids or ()), w.holder_right, w.holder_unit_path, w.holder_held_at)


async def holders_of(session: AsyncSession, w: Watch) -> list[int]:
    """The people the watch waits on now: its one person, a 会签 stage's signers still to sign, or whoever holds
    its right over its unit."""
    if w.holder_user_id is not None:
        return [w.holder_user_id]
    if w.holder_user_ids:
        return list(w.holder_user_ids)
    if w.holder_right and w.holder_unit_path:
        return await holders(session, w.holder_right, w.holder_unit_path, w.holder_held_at)
    return []


async def responsible_path(session: AsyncSession, w: Watch) -> str | None:
    """The unit whose line of heads answers for the watch: where the needed right is held, else (a person's
    watch) the watch's own unit, else the unit the right is over."""
    if w.holder_held_at:
        return w.holder_held_at
    if w.holder_user_id is not None and w.unit_id is not None:
        path = (await session.execute(select(Unit.path).where(Unit.id == w.unit_id))).scalar_one_or_none()
        if path:
            return path
    return w.holder_unit_path


def last_day(w: Watch) -> date | None:
    """The last working day of the watch's limit (local): the day before its deadline's midnight."""
    if w.due_at is None:
        return None
    due = clock.local(w.due_at)
    return due.date() - timedelta(days=1) if due.time() == time(0, 0) else due.date()


def days_left(cal: WorkCalendar, w: Watch, today: date) -> int | None:
    """Working days after ``today`` up to the last day of the limit (0: due today; negative: overdue)."""
    end = last_day(w)
    return None if end is None else cal.between(today, end)


def deadline_text(w: Watch) -> tuple[str, str]:
    """The deadline as people read it, in the business time zone (zh, en)."""
    if w.due_at is None:
        return "", ""
    due = clock.local(w.due_at)
    if due.time() == time(0, 0):
        end = due.date() - timedelta(days=1)
        return f"{end.isoformat()} 日终", f"the end of {end.isoformat()}"
    return due.strftime("%Y-%m-%d %H:%M"), due.strftime("%Y-%m-%d %H:%M")


def left_text(left: int | None) -> tuple[str, str]:
    if left is None:
        return "", ""
    if left > 0:
        return f"还剩 {left} 个工作日", f"{left} working day{'s' if left != 1 else ''} left"
    if left == 0:
        return "今天到期", "due today"
    return f"已逾期 {-left} 个工作日", f"{-left} working day{'s' if left != -1 else ''} overdue"
