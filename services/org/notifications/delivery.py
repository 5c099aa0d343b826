"""Where a notification goes besides the centre: the person's channels (with quiet hours) and the
unit's group robots. Rows only; the channels' dispatcher sends them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.i18n import ZH
from services.org.models import (
    NotificationDefault,
    NotificationPreference,
    NotificationSettings,
    OutgoingMessage,
    RobotChannel,
    Unit,
    User,
)
from services.org.notifications.compose import BUILT_IN_DEFAULTS, Note


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def quiet_until(now: datetime, start: str | None, end: str | None) -> datetime | None:
    """When quiet hours ``start``–``end`` (business time zone, wrapping midnight when ``end`` is earlier)
    that hold at ``now`` (UTC, naive) end, as UTC; None when ``now`` is not quiet."""
    if not start or not end or start == end:
        return None
    local = clock.local(now)
    s, e, t = _hhmm(start), _hhmm(end), local.time()
    if s < e:
        quiet, ends_on = s <= t < e, local.date()
    else:  # over midnight: 22:00–07:30
        quiet = t >= s or t < e
        ends_on = local.date() + timedelta(days=1) if t >= s else local.date()
    return clock.at(ends_on, e) if quiet else None


async def channels_for(session: AsyncSession, user_ids: Iterable[int], kind: str) -> dict[int, list[str]]:
    """Each person's channels for ``kind``: their own choice, else the company's default, else the built-in."""
    ids = list(user_ids)
    own = {p.user_id: p.channels for p in (await session.execute(
        select(NotificationPreference).where(NotificationPreference.user_id.in_(ids),
                                             NotificationPreference.kind == kind))).scalars()}
    company = await session.get(NotificationDefault, kind)
    fallback = company.channels if company is not None else BUILT_IN_DEFAULTS[kind]
    return {uid: list(own.get(uid, fallback)) for uid in ids}


def message_key(channel: str, address: str, dedupe: str) -> str:
    """An outgoing message's dedupe key (long keys hashed: the column holds 300 characters)."""
    key = f"{channel}:{address}:{dedupe}"
    return key if len(key) <= 300 else f"{channel}:{hashlib.sha256(key.encode()).hexdigest()}"


async def emails(session: AsyncSession, note: Note, notified: dict[int, int], now: datetime) -> int:
    """E-mail for the people just notified (``notified``: user id → notification id) who chose it."""
    if not notified:
        return 0
    chosen = await channels_for(session, notified, note.kind)
    users = {u.id: u for u in (await session.execute(select(User).where(User.id.in_(list(notified))))).scalars()}
    settings = {s.user_id: s for s in (await session.execute(
        select(NotificationSettings).where(NotificationSettings.user_id.in_(list(notified))))).scalars()}
    added = 0
    for uid, notification_id in notified.items():
        user = users.get(uid)
        if user is None or not user.email or "email" not in chosen.get(uid, []):
            continue
        prefs = settings.get(uid)
        language = prefs.language if prefs else ZH
        due = quiet_until(now, prefs.quiet_start, prefs.quiet_end) if prefs else None
        session.add(OutgoingMessage(
            channel="email", address=user.email, dedupe_key=message_key("email", str(uid), note.dedupe),
            notification_id=notification_id, content={"subject": note.title(language), "text": note.body(language),
                                                      "link": note.link, "language": language},
            next_attempt_at=due or now))
        added += 1
    return added


async def robots(session: AsyncSession, note: Note, unit_id: int, now: datetime) -> int:
    """One message per active group robot of the unit (and of its ancestors that take their subunits'
    news) posting this kind. Group chats read Chinese: the message is zh-CN."""
    unit = await session.get(Unit, unit_id)
    if unit is None:
        return 0
    ancestors = [int(p) for p in unit.path.split("/") if p]
    candidates = (await session.execute(
        select(RobotChannel).where(RobotChannel.active.is_(True), RobotChannel.unit_id.in_(ancestors))
        .order_by(RobotChannel.id))).scalars().all()
    added = 0
    for robot in candidates:
        if robot.unit_id != unit_id and not robot.include_subunits:
            continue
        if robot.kinds and note.kind not in robot.kinds:
            continue
        key = message_key(robot.vendor, f"robot:{robot.id}", note.dedupe)
        if (await session.execute(select(OutgoingMessage.id).where(OutgoingMessage.dedupe_key == key))).first():
            continue
        session.add(OutgoingMessage(channel=robot.vendor, address=f"robot:{robot.id}", dedupe_key=key,
                                    robot_id=robot.id, content={"subject": note.title(ZH), "text": note.body(ZH),
                                                                "link": note.link, "language": ZH},
                                    next_attempt_at=now))
        added += 1
    return added
