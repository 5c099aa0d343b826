"""The one way a notification is made (``notify``), and the caller's notification centre and preferences."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import decode_cursor, encode_cursor
from services.common.authz import Principal
from services.common.db import utcnow
from services.common.i18n import ZH, language
from services.common.problems import NotFound
from services.org.journal import journal
from services.org.models import (
    Notification,
    NotificationDefault,
    NotificationPreference,
    NotificationSettings,
    User,
)
from services.org.notifications import delivery
from services.org.notifications.compose import BUILT_IN_DEFAULTS, KIND_NAMES, KINDS, Note
from services.org.notifications.schemas import (
    DefaultsBody,
    DefaultsRead,
    KindChoice,
    Marked,
    NotificationPage,
    NotificationRead,
    PreferencesBody,
    PreferencesRead,
    QuietHoursRead,
    UnreadCount,
)


async def notify(session: AsyncSession, note: Note, users: Iterable[int], *, robots_for_unit: int | None = None) -> int:
    """Notify ``users`` (active ones, each once per ``note.dedupe``) in-app and on the channels they chose, and
    post to the group robots of ``robots_for_unit``. Rows only, in the caller's transaction: the channels'
    dispatcher sends after it commits. Returns how many people were newly notified."""
    now = utcnow()
    wanted = list(dict.fromkeys(u for u in users if u is not None))
    active = set((await session.execute(select(User.id).where(User.id.in_(wanted), User.active.is_(True))))
                 .scalars()) if wanted else set()
    already = set((await session.execute(select(Notification.user_id).where(
        Notification.user_id.in_(list(active)), Notification.dedupe_key == note.dedupe))).scalars())
    notified: dict[int, int] = {}
    for uid in (u for u in wanted if u in active and u not in already):
        row = Notification(user_id=uid, kind=note.kind, topic=note.topic, dedupe_key=note.dedupe,
                           event_id=note.event_id, link=note.link,
                           text={lang: {"title": t, "body": b} for lang, (t, b) in note.text.items()},
                           subject_type=note.subject_type, subject_id=note.subject_id, unit_id=note.unit_id,
                           created_at=now)
        try:
            async with session.begin_nested():  # the same person and event at once elsewhere: theirs stands
                session.add(row)
        except IntegrityError:
            continue
        notified[uid] = row.id
    await delivery.emails(session, note, notified, now)
    if robots_for_unit is not None:
        await delivery.robots(session, note, robots_for_unit, now)
    return len(notified)


# --- the caller's centre ------------------------------------------------------------------------------------


def _read(n: Notification) -> NotificationRead:
    text = n.text.get(language.get()) or n.text.get(ZH) or {"title": "", "body": ""}
    return NotificationRead(id=n.id, kind=n.kind, topic=n.topic, title=text["title"], body=text["body"], link=n.link,
                            subject_type=n.subject_type, subject_id=n.subject_id, unit_id=n.unit_id,
                            created_at=n.created_at, read_at=n.read_at)


async def _unread(session: AsyncSession, user: User) -> int:
    return int((await session.execute(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))).scalar_one())


async def list_mine(session: AsyncSession, user: User, *, unread_only: bool, kind: str | None, limit: int,
                    cursor: str | None) -> NotificationPage:
    """The caller's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    if cursor:
        stmt = stmt.where(Notification.id < decode_cursor(cursor))
    rows: Sequence[Notification] = (await session.execute(stmt.order_by(Notification.id.desc()).limit(limit + 1))
                                    ).scalars().all()
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return NotificationPage(items=[_read(n) for n in rows[:limit]], next_cursor=next_cursor,
                            unread=await _unread(session, user))


async def unread_count(session: AsyncSession, user: User) -> UnreadCount:
    return UnreadCount(unread=await _unread(session, user))


async def mark_read(session: AsyncSession, user: User, notification_id: int) -> NotificationRead:
    n = await session.get(Notification, notification_id)
    if n is None or n.user_id != user.id:  # someone else's is as absent as one that never was
        raise NotFound(f"There is no notification with id {notification_id}.",
                       zh=f"没有编号为 {notification_id} 的通知。")
    if n.read_at is None:
        n.read_at = utcnow()
    return _read(n)


async def mark_all_read(session: AsyncSession, user: User) -> Marked:
    result = await session.execute(update(Notification).where(Notification.user_id == user.id,
                                                              Notification.read_at.is_(None))
                                   .values(read_at=utcnow()))
    return Marked(marked=int(getattr(result, "rowcount", 0) or 0))


# --- preferences ---------------------------------------------------------------------------------------------


def _kind_name(kind: str) -> str:
    zh, en = KIND_NAMES[kind]
    return zh if language.get() == ZH else en


async def _company_defaults(session: AsyncSession) -> dict[str, list[str]]:
    rows = (await session.execute(select(NotificationDefault))).scalars().all()
    return {**BUILT_IN_DEFAULTS, **{d.kind: list(d.channels) for d in rows}}


async def get_preferences(session: AsyncSession, user: User, *, email_enabled: bool) -> PreferencesRead:
    defaults = await _company_defaults(session)
    own = {p.kind: list(p.channels) for p in (await session.execute(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))).scalars()}
    settings = await session.get(NotificationSettings, user.id)
    quiet = (QuietHoursRead(start=settings.quiet_start, end=settings.quiet_end)
             if settings and settings.quiet_start and settings.quiet_end else None)
    return PreferencesRead(
        kinds=[KindChoice(kind=k, name=_kind_name(k), channels=own.get(k, defaults[k]), chosen=k in own,
                          default_channels=defaults[k]) for k in KINDS],
        quiet_hours=quiet, language=settings.language if settings else ZH, email=user.email,
        email_enabled=email_enabled)


async def put_preferences(session: AsyncSession, user: User, body: PreferencesBody, *,
                          email_enabled: bool) -> PreferencesRead:
    """Replace the caller's choices: kinds not named go back to the company default."""
    existing = {p.kind: p for p in (await session.execute(
        select(NotificationPreference).where(NotificationPreference.user_id == user.id))).scalars()}
    for kind, pref in existing.items():
        if kind not in body.channels:
            await session.delete(pref)
    for kind, channels in body.channels.items():
        if kind in existing:
            existing[kind].channels = list(channels)
        else:
            session.add(NotificationPreference(user_id=user.id, kind=kind, channels=list(channels)))
    settings = await session.get(NotificationSettings, user.id)
    if settings is None:
        settings = NotificationSettings(user_id=user.id)
        session.add(settings)
    settings.quiet_start = body.quiet_hours.start if body.quiet_hours else None
    settings.quiet_end = body.quiet_hours.end if body.quiet_hours else None
    settings.language = body.language
    await session.flush()
    return await get_preferences(session, user, email_enabled=email_enabled)


async def get_defaults(session: AsyncSession) -> DefaultsRead:
    defaults = await _company_defaults(session)
    chosen = set((await session.execute(select(NotificationDefault.kind))).scalars())
    return DefaultsRead(kinds=[KindChoice(kind=k, name=_kind_name(k), channels=defaults[k], chosen=k in chosen,
                                          default_channels=defaults[k]) for k in KINDS])


async def put_defaults(session: AsyncSession, principal: Principal, body: DefaultsBody) -> DefaultsRead:
    """Set the company's default channels for the kinds named (people's own choices still win)."""
    before = (await get_defaults(session)).model_dump(mode="json")
    for kind, channels in body.channels.items():
        row = await session.get(NotificationDefault, kind)
        if row is None:
            session.add(NotificationDefault(kind=kind, channels=list(channels)))
        else:
            row.channels = list(channels)
    await session.flush()
    after = await get_defaults(session)
    await journal.audit(session, actor=principal, action="notification.defaults.changed",
                        subject_type="notification_defaults", subject_id="company", before=before,
                        after=after.model_dump(mode="json"))
    return after
