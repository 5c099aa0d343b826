"""What waits on whom (watches), 催办, and the company's SLA policies."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Grant, Principal, Right
from services.common.db import as_utc, utcnow
from services.common.i18n import ZH, language
from services.common.problems import Conflict
from services.common.workdays import WorkCalendar
from services.org.journal import journal
from services.org.models import SlaPolicy, Unit, Urge, User, Watch
from services.org.notifications.compose import Note, render
from services.org.notifications.recipients import display_name, user_names
from services.org.notifications.service import notify
from services.org.positions.grants import user_grants
from services.org.reminders.schemas import (
    POLICY_NAMES,
    MyWatches,
    PolicyBody,
    PolicyList,
    PolicyRead,
    UrgeBody,
    UrgeRead,
    WatchList,
    WatchRead,
)
from services.org.reminders.watches import (
    DEFAULT_POLICIES,
    days_left,
    deadline_text,
    holders_of,
    left_text,
    policy,
    waits_on,
    work_calendar,
)

# --- reading watches ----------------------------------------------------------------------------------------


class _Holders:
    """Who each watch waits on, looked up once per right and place."""

    def __init__(self, session: AsyncSession):
        self.session = session
        self.cache: dict[tuple[Any, ...], list[int]] = {}

    async def of(self, w: Watch) -> list[int]:
        key = waits_on(w)
        if key not in self.cache:
            self.cache[key] = await holders_of(self.session, w)
        return self.cache[key]


def _holds(grants: Sequence[Grant], user_id: int | None, w: Watch) -> bool:
    """Whether the watch waits on this person (the test ``right_holders`` makes, for one person)."""
    if w.holder_user_id is not None:
        return w.holder_user_id == user_id
    if w.holder_user_ids:
        return user_id in w.holder_user_ids
    if not (w.holder_right and w.holder_unit_path):
        return False
    return any(g.covers(w.holder_right, w.holder_unit_path) and (w.holder_held_at is None
                                                                  or g.held_at == w.holder_held_at) for g in grants)


async def _urged_today(session: AsyncSession, user_id: int | None, watch_ids: Iterable[int]) -> set[int]:
    ids = list(watch_ids)
    if user_id is None or not ids:
        return set()
    return set((await session.execute(select(Urge.watch_id).where(
        Urge.user_id == user_id, Urge.day == clock.today(), Urge.watch_id.in_(ids)))).scalars())


async def _reads(session: AsyncSession, principal: Principal, watches: Sequence[Watch],
                 holders: _Holders | None = None) -> list[WatchRead]:
    holders = holders or _Holders(session)
    cal = await work_calendar(session)
    now, today = utcnow(), clock.today()
    waiting = {w.id: await holders.of(w) for w in watches}
    names = await user_names(session, {u for people in waiting.values() for u in people})
    urged = await _urged_today(session, principal.user_id, (w.id for w in watches))
    return [_read(w, cal, now, today, [names.get(u, "") for u in waiting[w.id]], principal, w.id in urged)
            for w in watches]


def _read(w: Watch, cal: WorkCalendar, now: datetime, today: date, waiting_on: list[str], principal: Principal,
          urged_today: bool) -> WatchRead:
    mine = w.requester is not None and w.requester == principal.sub
    return WatchRead(id=w.id, kind=w.kind, subject_type=w.subject_type, subject_id=w.subject_id, title=w.title,
                     link=w.link, unit_id=w.unit_id, started_at=w.started_at, due_at=w.due_at,
                     overdue=w.due_at is not None and as_utc(w.due_at) <= now,
                     working_days_left=days_left(cal, w, today),
                     waiting_on=waiting_on, reminded_at=w.reminded_at, escalated_at=w.escalated_at,
                     can_urge=mine and w.closed_at is None and not urged_today, urged_today=urged_today)


async def watches_on(session: AsyncSession, principal: Principal, *, subject_type: str,
                     subject_id: str) -> WatchList:
    """The open watches on one subject the caller may see: as its requester, as someone it waits on, or with
    ``view`` over its unit."""
    watches = (await session.execute(select(Watch).where(
        Watch.subject_type == subject_type, Watch.subject_id == subject_id, Watch.closed_at.is_(None))
        .order_by(Watch.id))).scalars().all()
    unit_ids = {w.unit_id for w in watches if w.unit_id is not None}
    paths = dict((await session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(sorted(unit_ids))))).all()
                 ) if unit_ids else {}
    grants = list(principal.grants)
    visible = [w for w in watches
               if (w.requester is not None and w.requester == principal.sub)
               or (w.unit_id in paths and principal.can(Right.view, paths[w.unit_id]))
               or _holds(grants, principal.user_id, w)]
    return WatchList(items=await _reads(session, principal, visible))


async def my_watches(session: AsyncSession, principal: Principal, me: User) -> MyWatches:
    """What waits on the caller, and what the caller asked for that still waits (soonest deadline first)."""
    watches = (await session.execute(select(Watch).where(Watch.closed_at.is_(None))
                                     .order_by(Watch.due_at, Watch.id))).scalars().all()
    grants = await user_grants(session, me.id)
    on_me = [w for w in watches if _holds(grants, me.id, w)]
    asked = [w for w in watches if w.requester is not None and w.requester == principal.sub]
    holders = _Holders(session)
    return MyWatches(waiting_on_me=await _reads(session, principal, on_me, holders),
                     asked_by_me=await _reads(session, principal, asked, holders))


# --- 催办 -----------------------------------------------------------------------------------------------------


async def urge(session: AsyncSession, principal: Principal, watch: Watch, body: UrgeBody) -> UrgeRead:
    """催办: the requester chases the people the watch waits on, once per business day."""
    if watch.closed_at is not None:
        raise Conflict("This item no longer waits on anyone: there is nothing to chase.",
                       zh="该事项已办结，无需催办。")
    user_id = principal.user_id or 0
    today = clock.today()
    already = "You already chased this today; you can again tomorrow."
    already_zh = "今天已经催办过了，明天可再次催办"
    if (await session.execute(select(Urge.id).where(Urge.watch_id == watch.id, Urge.user_id == user_id,
                                                    Urge.day == today))).first() is not None:
        raise Conflict(already, zh=already_zh)
    row = Urge(watch_id=watch.id, user_id=user_id, day=today, comment=body.comment.strip(), at=utcnow())
    try:
        async with session.begin_nested():  # the same person pressing twice at once: one stands
            session.add(row)
    except IntegrityError:
        raise Conflict(already, zh=already_zh) from None
    cal = await work_calendar(session)
    deadline_zh, deadline_en = deadline_text(watch)
    left_zh, left_en = left_text(days_left(cal, watch, today))
    actor = await display_name(session, principal.sub)
    text = render("notify.urge", {"title": watch.title, "actor": actor, "comment": row.comment,
                                  "deadline_zh": deadline_zh or "—", "deadline_en": deadline_en or "—",
                                  "left_zh": left_zh, "left_en": left_en})
    note = Note(kind=watch.kind, topic="notify.urge", dedupe=f"urge:{row.id}", text=text, link=watch.link,
                subject_type=watch.subject_type, subject_id=watch.subject_id, unit_id=watch.unit_id)
    notified = await notify(session, note, await holders_of(session, watch))
    await journal.audit(session, actor=principal, action="watch.urged", subject_type="watch", subject_id=watch.id,
                        after={"day": today.isoformat(), "comment": row.comment, "notified": notified})
    (read,) = await _reads(session, principal, [watch])
    return UrgeRead(id=row.id, watch_id=watch.id, day=today.isoformat(), notified=notified, watch=read)


# --- SLA policies ---------------------------------------------------------------------------------------------


def _policy_name(kind: str) -> str:
    zh, en = POLICY_NAMES[kind]
    return zh if language.get() == ZH else en


async def _policy_read(session: AsyncSession, kind: str) -> PolicyRead:
    pol = await policy(session, kind)
    chosen = await session.get(SlaPolicy, kind) is not None
    return PolicyRead(kind=kind, name=_policy_name(kind), limit_days=pol.limit_days,
                      remind_before_days=pol.remind_before_days, escalate_after_days=pol.escalate_after_days,
                      chosen=chosen)


async def list_policies(session: AsyncSession) -> PolicyList:
    """The time limits per kind of waiting item: the company's, else the built-in defaults."""
    return PolicyList(items=[await _policy_read(session, kind) for kind in DEFAULT_POLICIES])


async def put_policy(session: AsyncSession, principal: Principal, kind: str, body: PolicyBody) -> PolicyRead:
    """Set the company's limits for ``kind``. Watches already open keep the deadline and reminder times they
    were opened with: the new policy applies to items that start waiting from now on (and to an open item
    when it is reopened, e.g. a task given a new owner or due date)."""
    before = (await _policy_read(session, kind)).model_dump(mode="json")
    row = await session.get(SlaPolicy, kind)
    if row is None:
        row = SlaPolicy(kind=kind)
        session.add(row)
    row.limit_days, row.remind_before_days, row.escalate_after_days = (body.limit_days, body.remind_before_days,
                                                                        body.escalate_after_days)
    await session.flush()
    after = await _policy_read(session, kind)
    await journal.audit(session, actor=principal, action="sla_policy.changed", subject_type="sla_policy",
                        subject_id=kind, before=before, after=after.model_dump(mode="json"))
    return after
