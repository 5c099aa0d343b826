"""Digests: the daily 我的待办, the weekly one, and the weekly meeting's agenda the working day before it.

Each goes out once: a ``DigestRun`` row keyed by the digest (``daily:2026-12-03``, ``weekly:2026-W49``,
``meeting:2026-W50``) is inserted before anyone is told, in the same transaction; a replica that loses the
insert (the key is the primary key) skips the digest. Nothing goes out on a day that is not a working day by
the company's calendar, nor before ``settings.digest_hour`` in the business time zone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.db import as_utc
from services.common.settings import ServiceSettings
from services.common.workdays import WorkCalendar
from services.org.models import Assignment, DigestRun, Position, User, Watch
from services.org.notifications.compose import KIND_NAMES, Note, render
from services.org.notifications.service import notify
from services.org.reminders.watches import days_left, deadline_text, holders_of, waits_on, work_calendar

WEEKDAYS_ZH = "一二三四五六日"
NEVER = datetime.max.replace(tzinfo=UTC)
# How many items a digest lists by name (the rest are counted).
LISTED = 20


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def _claim(session: AsyncSession, key: str) -> bool:
    """Record that digest ``key`` goes out; False when it already has (here or on another replica)."""
    if await session.get(DigestRun, key) is not None:
        return False
    try:
        async with session.begin_nested():
            session.add(DigestRun(key=key))
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class _Item:
    watch: Watch
    left: int | None
    overdue: bool


async def waiting_by_person(session: AsyncSession, cal: WorkCalendar, now: datetime) -> dict[int, list[_Item]]:
    """Every open watch, under each person it waits on; overdue ones first, then by deadline."""
    today = clock.local(now).date()
    watches = (await session.execute(select(Watch).where(Watch.closed_at.is_(None)).order_by(Watch.due_at,
                                                                                              Watch.id))).scalars()
    by_holders: dict[tuple[Any, ...], list[int]] = {}
    mine: dict[int, list[_Item]] = defaultdict(list)
    for w in watches:
        key = waits_on(w)
        if key not in by_holders:  # one look-up per right and place, not per watch
            by_holders[key] = await holders_of(session, w)
        item = _Item(w, days_left(cal, w, today), w.due_at is not None and as_utc(w.due_at) <= now)
        for uid in by_holders[key]:
            mine[uid].append(item)
    for items in mine.values():
        items.sort(key=lambda i: (not i.overdue, as_utc(i.watch.due_at or NEVER), i.watch.id))
    return mine


def _lines(items: Sequence[_Item], public_url: str) -> tuple[str, str]:
    counts: dict[str, int] = defaultdict(int)
    for i in items:
        counts[i.watch.kind] += 1
    overdue = sum(1 for i in items if i.overdue)
    zh = ["、".join(f"{KIND_NAMES.get(k, (k, k))[0]} {n} 项" for k, n in counts.items())
          + (f"，其中逾期 {overdue} 项" if overdue else "") + "。"]
    en = [", ".join(f"{KIND_NAMES.get(k, (k, k))[1]}: {n}" for k, n in counts.items())
          + (f" ({overdue} overdue)" if overdue else "") + "."]
    for i in items[:LISTED]:
        d_zh, d_en = deadline_text(i.watch)
        url = public_url.rstrip("/") + i.watch.link
        zh.append(f"{'【逾期】' if i.overdue else '- '}{i.watch.title}（时限 {d_zh}）{url}")
        en.append(f"{'[OVERDUE] ' if i.overdue else '- '}{i.watch.title} (due by {d_en}) {url}")
    if len(items) > LISTED:
        zh.append(f"……另有 {len(items) - LISTED} 项")
        en.append(f"… and {len(items) - LISTED} more")
    return "\n".join(zh), "\n".join(en)


async def _todo_digests(session: AsyncSession, settings: ServiceSettings, cal: WorkCalendar, now: datetime, *,
                        topic: str, dedupe: str, fields: dict[str, str]) -> int:
    sent = 0
    for uid, items in (await waiting_by_person(session, cal, now)).items():
        lines_zh, lines_en = _lines(items, settings.public_url)
        overdue = sum(1 for i in items if i.overdue)
        text = render(topic, fields | {"count": str(len(items)), "lines_zh": lines_zh, "lines_en": lines_en,
                                       "overdue_zh": f"，逾期 {overdue} 项" if overdue else "",
                                       "overdue_en": f", {overdue} overdue" if overdue else ""})
        note = Note(kind="digest", topic=topic, dedupe=dedupe, text=text, link="/inbox", subject_type="digest",
                    subject_id=dedupe)
        sent += await notify(session, note, [uid])
    return sent


async def heads_of_units(session: AsyncSession, today: date) -> list[int]:
    """The active people holding a post that heads a unit (负责人), today."""
    rows = await session.execute(
        select(Assignment.user_id).join(Position, Position.id == Assignment.position_id)
        .join(User, User.id == Assignment.user_id)
        .where(Position.heads_unit.is_(True), User.active.is_(True), Assignment.start_date <= today,
               (Assignment.end_date.is_(None)) | (Assignment.end_date >= today))
        .order_by(Assignment.user_id))
    return list(dict.fromkeys(rows.scalars()))


def next_meeting(today: date, weekday: int) -> date:
    """The first meeting day after ``today``."""
    ahead = (weekday - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


async def run_digests(session: AsyncSession, settings: ServiceSettings, now: datetime) -> list[str]:
    """Send the digests due at ``now`` (UTC) that have not gone out; returns their keys. The caller commits."""
    now = as_utc(now)
    local = clock.local(now)
    today = local.date()
    cal = await work_calendar(session)
    if not cal.is_workday(today) or local.hour < settings.digest_hour:
        return []
    sent: list[str] = []
    key = f"daily:{today.isoformat()}"
    if await _claim(session, key):
        await _todo_digests(session, settings, cal, now, topic="notify.digest", dedupe=f"digest:{key}",
                            fields={"day": today.isoformat()})
        sent.append(key)
    week = iso_week(today)
    monday = today - timedelta(days=today.weekday())
    if cal.add(monday, 0) == today:  # the week's first working day
        key = f"weekly:{week}"
        if await _claim(session, key):
            await _todo_digests(session, settings, cal, now, topic="notify.digest.weekly", dedupe=f"digest:{key}",
                                fields={"week": week})
            sent.append(key)
    meeting = next_meeting(today, settings.weekly_meeting_weekday)
    if cal.subtract(meeting, 1) == today:  # the working day before the meeting
        key = f"meeting:{iso_week(meeting)}"
        if await _claim(session, key):
            text = render("notify.digest.meeting", {"week": iso_week(meeting), "meeting_day": meeting.isoformat(),
                                                    "weekday_zh": f"星期{WEEKDAYS_ZH[meeting.weekday()]}"})
            note = Note(kind="digest", topic="notify.digest.meeting", dedupe=f"digest:{key}", text=text,
                        link=f"/plans/meeting?week={iso_week(meeting)}", subject_type="meeting",
                        subject_id=iso_week(meeting))
            await notify(session, note, await heads_of_units(session, today))
            sent.append(key)
    return sent
