"""The reminder scan: remind the holders of a watch before its limit, tell the next level up after it.

Each watch is reminded once and escalated once. A watch is claimed by a conditional update
(``reminded_at``/``escalated_at`` still null, the version read) in the scan's own transaction before anyone is
told, so two replicas scanning at once cannot both act on it: on PostgreSQL the second update waits for the
first transaction's row lock and then matches nothing; on SQLite writers are serialised at BEGIN. Every note
also carries a dedupe key (the watch's key and deadline), and ``notify`` writes one notice per person and key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.db import as_utc
from services.common.workdays import WorkCalendar
from services.org.models import Watch
from services.org.notifications.compose import Note, render
from services.org.notifications.recipients import next_level_up, user_names
from services.org.notifications.service import notify
from services.org.reminders.watches import (
    days_left,
    deadline_text,
    holders_of,
    left_text,
    responsible_path,
    work_calendar,
)

# One scan's share of work; what is left waits for the next run (a minute later).
BATCH = 500


@dataclass
class ScanResult:
    reminded: int = 0  # watches whose holders were reminded
    escalated: int = 0  # watches told to the next level up
    notified: int = 0  # notices newly written (people × notes)


def _stamp(w: Watch) -> str:
    return w.due_at.isoformat() if w.due_at else ""


async def _claim(session: AsyncSession, w: Watch, column: str, now: datetime) -> bool:
    """Mark the watch reminded (or escalated) unless someone else did first."""
    stamp = getattr(Watch, column)
    result = await session.execute(
        update(Watch).where(Watch.id == w.id, Watch.version == w.version, stamp.is_(None), Watch.closed_at.is_(None))
        .values({column: now, "version": Watch.version + 1}).execution_options(synchronize_session=False))
    if not getattr(result, "rowcount", 0):
        return False
    await session.refresh(w)
    return True


def _fields(cal: WorkCalendar, w: Watch, now: datetime) -> dict[str, Any]:
    deadline_zh, deadline_en = deadline_text(w)
    left_zh, left_en = left_text(days_left(cal, w, clock.local(now).date()))
    return {"title": w.title, "deadline_zh": deadline_zh, "deadline_en": deadline_en, "left_zh": left_zh,
            "left_en": left_en, "since": clock.local(w.started_at).strftime("%Y-%m-%d %H:%M")}


def _note(w: Watch, topic: str, dedupe: str, fields: dict[str, Any]) -> Note:
    return Note(kind=w.kind, topic=topic, dedupe=dedupe, text=render(topic, fields), link=w.link,
                subject_type=w.subject_type, subject_id=w.subject_id, unit_id=w.unit_id)


async def _remind(session: AsyncSession, cal: WorkCalendar, w: Watch, now: datetime) -> int:
    people = await holders_of(session, w)
    note = _note(w, "notify.reminder", f"reminder:{w.key}:{_stamp(w)}", _fields(cal, w, now))
    return await notify(session, note, people)


async def _escalate(session: AsyncSession, cal: WorkCalendar, w: Watch, now: datetime) -> int:
    people = await holders_of(session, w)
    path = await responsible_path(session, w)
    above = await next_level_up(session, path, exclude=set(people)) if path else []
    names = await user_names(session, set(people) | set(above))
    fields = _fields(cal, w, now) | {
        "waiting_on": "、".join(names.get(u, "") for u in people) or "（无人）",
        "waiting_on_en": ", ".join(names.get(u, "") for u in people) or "(nobody)",
        "escalated_to": "、".join(names.get(u, "") for u in above) or "上级",
        "escalated_to_en": ", ".join(names.get(u, "") for u in above) or "the next level up"}
    told = await notify(session, _note(w, "notify.escalation", f"escalation:{w.key}:{_stamp(w)}", fields), above)
    told += await notify(session, _note(w, "notify.overdue", f"overdue:{w.key}:{_stamp(w)}", fields), people)
    return told


async def scan(session: AsyncSession, now: datetime) -> ScanResult:
    """Remind and escalate the watches due at ``now`` (UTC), once each. The caller commits."""
    now = as_utc(now)
    due = (await session.execute(
        select(Watch).where(Watch.closed_at.is_(None), or_(
            and_(Watch.remind_at <= now, Watch.reminded_at.is_(None), Watch.due_at > now),
            and_(Watch.escalate_at <= now, Watch.escalated_at.is_(None))))
        .order_by(Watch.id).limit(BATCH))).scalars().all()
    result = ScanResult()
    if not due:
        return result
    cal = await work_calendar(session)
    for w in due:
        escalate = w.escalate_at is not None and as_utc(w.escalate_at) <= now and w.escalated_at is None
        if escalate:
            if await _claim(session, w, "escalated_at", now):
                result.escalated += 1
                result.notified += await _escalate(session, cal, w, now)
        elif await _claim(session, w, "reminded_at", now):
            result.reminded += 1
            result.notified += await _remind(session, cal, w, now)
    return result
