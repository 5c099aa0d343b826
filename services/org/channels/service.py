"""Outgoing channels: the units' group robots, test sends, the channels' status and the delivery log."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import webhooks
from services.common.api import Page, decode_cursor, encode_cursor, paginate
from services.common.authz import Principal
from services.common.db import utcnow
from services.common.guards import Allowed
from services.common.problems import Conflict, Invalid
from services.common.settings import ServiceSettings
from services.org.channels import mail, robots
from services.org.channels.schemas import (
    ChannelsStatus,
    EmailStatus,
    EmailTest,
    OutgoingMessageRead,
    RobotCreate,
    RobotRead,
    RobotUpdate,
    SendResult,
)
from services.org.channels.sending import SendFailed
from services.org.deps import robot_unit
from services.org.journal import journal
from services.org.models import OutgoingMessage, RobotChannel, Unit

STATUS_ZH = {"pending": "待发送", "sent": "已发送", "parked": "已搁置", "dropped": "已放弃"}

# What a test send says, in Chinese first (robot groups and test mailboxes are read by people).
TEST_CONTENT = {
    "subject": "运管测试消息",
    "text": "这是一条来自运管的测试消息：收到它，说明此渠道已配置正确。\nThis is a test message from Yunguan.",
    "link": "/",
    "language": "zh-CN",
}


def robot_read(robot: RobotChannel) -> RobotRead:
    """A robot as the API shows it: the address's token masked, the secret only as ``has_secret``."""
    return RobotRead(id=robot.id, unit_id=robot.unit_id, vendor=robot.vendor, name=robot.name,
                     url=robots.masked_url(robot.url), has_secret=bool(robot.secret), kinds=list(robot.kinds or []),
                     include_subunits=robot.include_subunits, active=robot.active, created_at=robot.created_at,
                     updated_at=robot.updated_at, version=robot.version)


def _audit_data(robot: RobotChannel) -> dict[str, Any]:
    # the audit chain keeps what the API shows: never the secret or the address's token
    return robot_read(robot).model_dump(mode="json", exclude={"created_at", "updated_at"})


def _check_url(settings: ServiceSettings, url: str) -> None:
    """422 for an address the SSRF guard refuses: not http(s), credentials in it, this machine or a
    loopback or private address written out. A name is not resolved here (the API's host may not see
    the company's DNS, or the vendor's, at that moment): every send resolves it and checks each address."""
    try:
        webhooks.check_target(url, allow_private=settings.webhook_allow_private_targets, resolve=False)
    except webhooks.UnsafeTarget as exc:
        raise Invalid(f"The robot's address cannot be used: {exc}", field="url",
                      zh=f"机器人地址不可用：{exc.zh or exc}") from exc


async def list_robots(session: AsyncSession, *, unit: Unit, limit: int, cursor: str | None) -> Page[RobotRead]:
    rows, nxt = await paginate(session, select(RobotChannel).where(RobotChannel.unit_id == unit.id), RobotChannel.id,
                               limit=limit, cursor=cursor)
    return Page[RobotRead](items=[robot_read(r) for r in rows], next_cursor=nxt)


async def create_robot(session: AsyncSession, *, unit: Allowed[Unit], body: RobotCreate,
                       settings: ServiceSettings) -> RobotRead:
    url = body.url.strip()
    _check_url(settings, url)
    robot = RobotChannel(unit_id=unit.item.id, vendor=body.vendor, name=body.name, url=url, secret=body.secret,
                         kinds=list(dict.fromkeys(body.kinds)), include_subunits=body.include_subunits,
                         active=body.active)
    session.add(robot)
    await session.flush()
    await journal.audit(session, actor=unit.principal, action="robot.created", subject_type="robot_channel",
                        subject_id=robot.id, unit_path=unit.item.path, grant=unit.grant, after=_audit_data(robot))
    return robot_read(robot)


async def update_robot(session: AsyncSession, *, robot: Allowed[RobotChannel], body: RobotUpdate,
                       settings: ServiceSettings) -> RobotRead:
    item = robot.item
    before = _audit_data(item)
    changes = body.model_dump(exclude_unset=True)
    for field in ("name", "kinds", "include_subunits", "active"):
        if changes.get(field) is None:
            changes.pop(field, None)
    url = changes.pop("url", None)
    # the masked address a client read back means "keep it"
    if url is not None and url.strip() != robots.masked_url(item.url):
        item.url = url.strip()
        _check_url(settings, item.url)
    secret = changes.pop("secret", None)
    if secret is not None:
        item.secret = secret
    if "kinds" in changes:
        changes["kinds"] = list(dict.fromkeys(changes["kinds"]))
    for name, value in changes.items():
        setattr(item, name, value)
    await session.flush()
    unit = await robot_unit(session, item)
    await journal.audit(session, actor=robot.principal, action="robot.updated", subject_type="robot_channel",
                        subject_id=item.id, unit_path=unit.path, grant=robot.grant, before=before,
                        after=_audit_data(item), note="secret changed" if secret is not None else "")
    return robot_read(item)


async def delete_robot(session: AsyncSession, *, robot: Allowed[RobotChannel]) -> None:
    item = robot.item
    before = _audit_data(item)
    unit = await robot_unit(session, item)
    # its messages waiting to go have nowhere to go now
    waiting = (await session.execute(select(OutgoingMessage).where(OutgoingMessage.robot_id == item.id,
                                                                   OutgoingMessage.status == "pending"))).scalars()
    for message in waiting:
        message.status, message.lease_until, message.last_error = "dropped", None, "The robot channel was deleted."
    await session.delete(item)
    await session.flush()
    await journal.audit(session, actor=robot.principal, action="robot.deleted", subject_type="robot_channel",
                        subject_id=before["id"], unit_path=unit.path, grant=robot.grant, before=before)


async def send_robot_test(session: AsyncSession, *, robot: Allowed[RobotChannel], settings: ServiceSettings,
                     client: httpx.AsyncClient) -> SendResult:
    """Post a test message to the robot now; its answer (ok, or the vendor's reason) either way."""
    item = robot.item
    try:
        await robots.send(client, settings, vendor=item.vendor, url=item.url, secret=item.secret,
                          content=TEST_CONTENT)
        result = SendResult(ok=True)
    except SendFailed as exc:
        result = SendResult(ok=False, error=str(exc))
    unit = await robot_unit(session, item)
    await journal.audit(session, actor=robot.principal, action="robot.tested", subject_type="robot_channel",
                        subject_id=item.id, unit_path=unit.path, grant=robot.grant, after=result.model_dump())
    return result


async def send_email_test(session: AsyncSession, *, principal: Principal, body: EmailTest,
                     settings: ServiceSettings) -> SendResult:
    """Send a Chinese test e-mail to ``body.to`` now; 409 when e-mail is not configured."""
    if not mail.configured(settings):
        raise Conflict("E-mail is not configured: set YUNGUAN_SMTP_HOST (and the other YUNGUAN_SMTP_* settings) "
                       "and restart org.",
                       zh="尚未配置邮件发送：请设置 YUNGUAN_SMTP_HOST（及其他 YUNGUAN_SMTP_* 设置）后重启组织服务。")
    message = mail.compose(settings, to=body.to, content=TEST_CONTENT,
                           dedupe_key=f"email-test:{body.to}:{utcnow().isoformat()}")
    try:
        await mail.send(settings, message)
        result = SendResult(ok=True)
    except SendFailed as exc:
        result = SendResult(ok=False, error=str(exc))
    await journal.audit(session, actor=principal, action="channels.email_tested", subject_type="channels",
                        subject_id="email", after={"to": body.to, **result.model_dump()})
    return result


async def channels_status(session: AsyncSession, *, settings: ServiceSettings) -> ChannelsStatus:
    counts: dict[str, int] = dict((await session.execute(
        select(OutgoingMessage.status, func.count()).where(OutgoingMessage.status.in_(["pending", "parked"]))
        .group_by(OutgoingMessage.status))).all())
    robots_count = (await session.execute(select(func.count()).select_from(RobotChannel))).scalar_one()
    return ChannelsStatus(
        email=EmailStatus(configured=mail.configured(settings), host=settings.smtp_host, port=settings.smtp_port,
                          security=settings.smtp_security, from_=settings.smtp_from),
        robots_count=robots_count, pending=counts.get("pending", 0), parked=counts.get("parked", 0))


def message_read(message: OutgoingMessage) -> OutgoingMessageRead:
    return OutgoingMessageRead(id=message.id, channel=message.channel, address=message.address,
                               robot_id=message.robot_id, subject=str((message.content or {}).get("subject") or ""),
                               status=message.status, attempts=message.attempts, last_error=message.last_error,
                               created_at=message.created_at, next_attempt_at=message.next_attempt_at,
                               sent_at=message.sent_at)


async def list_messages(session: AsyncSession, *, status: str | None, channel: str | None, limit: int,
                        cursor: str | None) -> Page[OutgoingMessageRead]:
    """The delivery log, newest first."""
    stmt = select(OutgoingMessage)
    if status is not None:
        stmt = stmt.where(OutgoingMessage.status == status)
    if channel is not None:
        stmt = stmt.where(OutgoingMessage.channel == channel)
    if cursor:
        stmt = stmt.where(OutgoingMessage.id < decode_cursor(cursor))
    rows = (await session.execute(stmt.order_by(OutgoingMessage.id.desc()).limit(limit + 1))).scalars().all()
    nxt = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return Page[OutgoingMessageRead](items=[message_read(m) for m in rows[:limit]], next_cursor=nxt)


async def retry_message(session: AsyncSession, *, principal: Principal,
                        message: OutgoingMessage) -> OutgoingMessageRead:
    """A parked or dropped message goes out again at the dispatcher's next round (409 for any other)."""
    if message.status not in ("parked", "dropped"):
        raise Conflict(f"Only parked or dropped messages can be retried; this one is {message.status}.",
                       zh=f"只有已搁置或已放弃的消息才能重试；这条是{STATUS_ZH.get(message.status, message.status)}。")
    before = message_read(message).model_dump(mode="json")
    message.status, message.attempts, message.next_attempt_at = "pending", 0, utcnow()
    message.lease_until, message.last_error = None, ""
    await session.flush()
    after = message_read(message)
    await journal.audit(session, actor=principal, action="outgoing_message.retried", subject_type="outgoing_message",
                        subject_id=message.id, before=before, after=after.model_dump(mode="json"))
    return after
