"""Tables of the org service: units, roles, positions, users and sign-in state."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.audit import AuditEntryMixin
from services.common.db import TYPE_ANNOTATION_MAP, service_metadata, utcnow
from services.common.leases import JobLeaseMixin
from services.common.outbox import (
    DeliveryAttemptMixin,
    DeliveryMixin,
    EventTables,
    OutboxEventMixin,
    ProcessedEventMixin,
    WebhookSubscriptionMixin,
)


class Base(DeclarativeBase):
    """The org service's tables (the kernel's naming convention; datetimes stored as UTC)."""

    metadata = service_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP
# Tables whose rows can be deleted never hand a deleted row's id to a new row (SQLite reuses the highest
# id unless AUTOINCREMENT; PostgreSQL's sequences never do), so audit history never attaches to a new object.
NEVER_REUSED = {"sqlite_autoincrement": True}
# Versioned tables carry ``version`` as SQLAlchemy's version_id_col: every UPDATE checks and
# bumps it, so two concurrent writers can never both win (it is also the ETag).


class AuditEntry(AuditEntryMixin, Base):
    pass


class OutboxEvent(OutboxEventMixin, Base):
    pass


class WebhookSubscription(WebhookSubscriptionMixin, Base):
    pass


class Delivery(DeliveryMixin, Base):
    pass


class DeliveryAttempt(DeliveryAttemptMixin, Base):
    pass


class ProcessedEvent(ProcessedEventMixin, Base):
    pass


events = EventTables(outbox=OutboxEvent, delivery=Delivery, attempt=DeliveryAttempt, webhook=WebhookSubscription,
                     processed=ProcessedEvent)


class JobLease(JobLeaseMixin, Base):
    """Which replica runs each periodic job (services.common.leases)."""




class Unit(Base):
    __tablename__ = "unit"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Materialised path: "/1/4/9/". A prefix test answers "is X inside Y".
    path: Mapped[str] = mapped_column(String(500), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Role(Base):
    __tablename__ = "role"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    rights: Mapped[list] = mapped_column(JSON, default=list)  # [{"right": "plan", "scope": "subtree"}]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Position(Base):
    """A post (岗位) in a unit, with a role, responsibilities and job requirements."""

    __tablename__ = "position"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("role.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    # The post that heads its unit (负责人): the unit's own members are its subordinates (下属) too.
    heads_unit: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    responsibilities: Mapped[list] = mapped_column(JSON, default=list)
    requirements: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Assignment(Base):
    """A user holding a position from ``start_date`` until ``end_date`` (inclusive; open when null)."""

    __tablename__ = "assignment"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("position.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Delegation(Base):
    """A user lending their position rights to another user for a time window (e.g. while away)."""

    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    rights: Mapped[list] = mapped_column(JSON, default=list)  # empty: all rights of the delegator
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiClient(Base):
    """Another company system calling the API with client credentials, limited to its grants."""

    __tablename__ = "api_client"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(200))
    grants: Mapped[list] = mapped_column(JSON, default=list)  # [{"right", "unit_id", "mode"}]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class RefreshToken(Base):
    """A refresh token (only its hash is stored); rotation keeps the family, reuse revokes it."""

    __tablename__ = "refresh_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class SigningKeyRecord(Base):
    """An RSA signing key. The newest active one signs; all unretired ones are published."""

    __tablename__ = "signing_key"

    kid: Mapped[str] = mapped_column(String(40), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]


class LoginFailure(Base):
    __tablename__ = "login_failure"
    __table_args__ = (NEVER_REUSED,)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)


# --- notifications ---------------------------------------------------------------------------
# A notification is made from a domain event for the people it concerns (resolved through the org
# model), stored for the in-app centre, and carried to e-mail and group robots by outgoing messages
# written in the same transaction (a notification outbox): at least once, deduplicated per
# recipient and event, retried with backoff, parked and shown to admins after too many failures.


class Notification(Base):
    """One notice to one person, from one event (or a reminder, escalation, 催办 or digest)."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("user_id", "dedupe_key"),
                      Index("ix_notification_user_unread", "user_id", "read_at", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # approval | task | alert | digest: the kinds people choose channels for
    kind: Mapped[str] = mapped_column(String(20))
    # what it says: the event type, or notify.reminder / notify.escalation / notify.urge / notify.digest
    topic: Mapped[str] = mapped_column(String(80))
    # the same event (or reminder) never notifies the same person twice
    dedupe_key: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # {"zh-CN": {"title", "body"}, "en": {"title", "body"}}
    text: Mapped[dict] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(500), default="")  # the SPA path it opens, e.g. /plans/7
    subject_type: Mapped[str] = mapped_column(String(40), default="")
    subject_id: Mapped[str] = mapped_column(String(60), default="")
    unit_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]


class OutgoingMessage(Base):
    """One message to one address over one channel (e-mail to a person, a unit's group robot)."""

    __tablename__ = "outgoing_message"
    __table_args__ = (Index("ix_outgoing_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # email | dingtalk | wecom | feishu
    channel: Mapped[str] = mapped_column(String(20))
    # the channel's address: an e-mail address, or robot:<id>
    address: Mapped[str] = mapped_column(String(300))
    # one message per (channel, address, what it is about): a redelivered event adds none
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notification.id", ondelete="SET NULL"),
                                                        index=True)
    robot_id: Mapped[int | None] = mapped_column(ForeignKey("robot_channel.id", ondelete="SET NULL"), index=True)
    # the rendered message: {"subject", "text", "link", "language"}
    content: Mapped[dict] = mapped_column(JSON)
    # pending | sent | parked (failed too often) | dropped (no longer sendable: channel removed)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class RobotChannel(Base):
    """A unit's group robot (DingTalk, WeCom or Feishu): what concerns the unit is posted there."""

    __tablename__ = "robot_channel"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    vendor: Mapped[str] = mapped_column(String(20))  # dingtalk | wecom | feishu
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(1000))  # the robot's webhook address (holds its token)
    secret: Mapped[str] = mapped_column(String(200), default="")  # signing secret (write-only in the API)
    kinds: Mapped[list] = mapped_column(JSON, default=list)  # which kinds it posts; empty: all
    include_subunits: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class NotificationPreference(Base):
    """A person's channels for one kind of notification (without a row: the company default)."""

    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    channels: Mapped[list] = mapped_column(JSON, default=list)  # of in_app, email (in_app is always on)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NotificationDefault(Base):
    """The company's default channels for one kind, set by admins."""

    __tablename__ = "notification_default"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    channels: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NotificationSettings(Base):
    """A person's quiet hours (business time zone; e-mail waits until they end, in-app does not) and
    the language their e-mail is written in."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    quiet_start: Mapped[str | None] = mapped_column(String(5))  # "22:00"
    quiet_end: Mapped[str | None] = mapped_column(String(5))    # "07:30" (next morning when before start)
    language: Mapped[str] = mapped_column(String(10), default="zh-CN")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Watch(Base):
    """Something waiting on someone, with a time limit: an approval stage, a task, an action.

    Opened and closed by events; the reminder scan reminds the holders before ``due_at`` and tells
    the next level up after ``escalate_at``, once each."""

    __tablename__ = "watch"
    __table_args__ = (Index("ix_watch_open", "closed_at", "remind_at", "escalate_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)  # approval:plan:7:r2:s0, action:12, task:5
    kind: Mapped[str] = mapped_column(String(20))  # approval | task
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    link: Mapped[str] = mapped_column(String(500))
    unit_id: Mapped[int | None] = mapped_column(Integer)
    # who it waits on: a right over a unit path (held where), or one person
    holder_right: Mapped[str | None] = mapped_column(String(20))
    holder_unit_path: Mapped[str | None] = mapped_column(String(500))
    holder_held_at: Mapped[str | None] = mapped_column(String(500))
    holder_user_id: Mapped[int | None] = mapped_column(Integer)
    # or the people a 会签 stage still waits on (narrowed as each signs)
    holder_user_ids: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # who asked (may 催办 once a day)
    requester: Mapped[str | None] = mapped_column(String(120))
    started_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    remind_at: Mapped[datetime | None]
    escalate_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Urge(Base):
    """催办: the requester pressed it for a watch; once per person, watch and day."""

    __tablename__ = "urge"
    __table_args__ = (UniqueConstraint("watch_id", "user_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watch.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SlaPolicy(Base):
    """Time limits in working days per kind of waiting item (approval stages may set their own)."""

    __tablename__ = "sla_policy"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)  # approval | planning.task | kpi.action
    limit_days: Mapped[int] = mapped_column(Integer)  # when the item has no due date of its own
    remind_before_days: Mapped[int] = mapped_column(Integer, default=1)
    escalate_after_days: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class CalendarDay(Base):
    """The company's override of the working-day calendar for one date (a company holiday, a 调休
    the library does not know yet)."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DigestRun(Base):
    """A digest sent (daily or weekly, or the meeting's agenda) for a day: each goes out once."""

    __tablename__ = "digest_run"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)  # daily:2026-12-03, weekly:2026-W49
    at: Mapped[datetime] = mapped_column(default=utcnow)


# --- company identity (issue 18) ---------------------------------------------------------------
# Yunguan joins the company's identity landscape; its own authority model (positions → rights over
# units) stays the source of what people may do: a person signing in through a provider is linked to a
# Yunguan user (or created just in time, holding no position and so no right).


class IdentityProvider(Base):
    """A sign-in provider: an OpenID Connect issuer, or DingTalk, WeCom or Feishu (their OAuth 2.0 web
    flows and in-app free login), also the source of a directory sync."""

    __tablename__ = "identity_provider"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)  # in URLs: /auth/sso/<key>/start
    kind: Mapped[str] = mapped_column(String(20))  # oidc | dingtalk | wecom | feishu
    name: Mapped[str] = mapped_column(String(100))  # what the sign-in page shows: 使用企业微信登录
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # OIDC: the issuer (discovery at <issuer>/.well-known/openid-configuration); vendors: their API base,
    # empty for the vendor's public host (a company proxy or a private deployment sets it)
    issuer: Mapped[str] = mapped_column(String(500), default="")
    client_id: Mapped[str] = mapped_column(String(200))  # OIDC client id; DingTalk AppKey; WeCom corpid; Feishu app_id
    client_secret: Mapped[str] = mapped_column(String(500), default="")  # write-only in the API
    agent_id: Mapped[str] = mapped_column(String(60), default="")  # WeCom's agentid
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    # which claim links a provider's account to a Yunguan user: email | preferred_username | sub | mobile | userid
    link_claim: Mapped[str] = mapped_column(String(60), default="email")
    # create a user on first sign-in when none links (with no position: no rights until an admin assigns one)
    jit: Mapped[bool] = mapped_column(Boolean, default=True)
    # the vendor's contacts (departments, users, leaders) may be synchronised into the org
    sync_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    config: Mapped[dict] = mapped_column(JSON, default=dict)  # anything else a kind needs
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ExternalIdentity(Base):
    """A provider's account linked to a Yunguan user (one per provider and subject)."""

    __tablename__ = "external_identity"
    __table_args__ = (UniqueConstraint("provider_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("identity_provider.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(255))  # OIDC sub; DingTalk unionid/userid; WeCom userid; Feishu open_id
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    claims: Mapped[dict] = mapped_column(JSON, default=dict)  # as last seen (no tokens)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class CompanySetting(Base):
    """Company-wide switches, by key (``require_sso``: password sign-in only for break-glass admins)."""

    __tablename__ = "company_setting"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


# --- directory sync (issue 18) -----------------------------------------------------------------
# DingTalk, WeCom and Feishu contacts synchronised into the org: their departments become units under the
# company (this table remembers which), their people users (linked by ExternalIdentity), their leaders the
# holders of each unit's 负责人 position. Every run, dry or applied, is kept with the plan it made.


class ExternalUnit(Base):
    """A provider's department mapped to a unit (the root department maps to the company)."""

    __tablename__ = "external_unit"
    __table_args__ = (UniqueConstraint("provider_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("identity_provider.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncRun(Base):
    """One directory sync: what it found to change (the plan) and whether it applied it."""

    __tablename__ = "sync_run"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("identity_provider.id", ondelete="CASCADE"), index=True)
    dry_run: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(String(120), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # {"unit.create": 199, "user.create": 2000, …}
    plan: Mapped[list] = mapped_column(JSON, default=list)  # the changes, in the order they are applied
    kept: Mapped[list] = mapped_column(JSON, default=list)  # what the directory no longer has but Yunguan keeps


# --- SCIM provisioning (issue 18) ----------------------------------------------------------------
# An identity provider pushes users over SCIM 2.0 with a bearer token an administrator created for it.


class ScimToken(Base):
    """A bearer token an identity provider uses on the SCIM endpoints (and nowhere else); only its
    SHA-256 is kept (256 random bits: no dictionary to attack), the token is shown once."""

    __tablename__ = "scim_token"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the company (a root unit) the token provisions for: its groups are that company's positions
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    # optional: users it provisions are linked to this provider's accounts by their externalId
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("identity_provider.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ScimUser(Base):
    """What SCIM knows of a user beyond Yunguan's own columns: the provider's externalId and the SCIM
    attributes Yunguan does not use (phone numbers, title, ...), kept as sent and returned as they are."""

    __tablename__ = "scim_user"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(255), index=True)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    # DELETE over SCIM deactivates the user (their audit history stays) and hides them from SCIM (404,
    # RFC 7644 §3.6) until the provider creates the same userName again, which brings them back
    deleted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


# --- the org's Excel round trip (issue 18) -----------------------------------------------------------
# An uploaded workbook becomes a stored preview (what would be created or changed, and every row's
# errors); an administrator applies it whole, or discards it. The file itself is not kept.


class OrgImport(Base):
    """A staged import of the org workbook: its plan (the changes, with the versions they were judged
    against), its row-level errors, and whether it was applied or discarded."""

    __tablename__ = "org_import"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[str] = mapped_column(String(120))  # the principal's sub
    filename: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(20), default="staged")  # staged | applied | discarded
    plan: Mapped[dict] = mapped_column(JSON, default=dict)  # {"changes": [...], "counts": {...}}
    errors: Mapped[list] = mapped_column(JSON, default=list)  # [{sheet, row, column, en, zh}]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(120), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


# --- OpenID Connect sign-in and the SSO hand-off (issue 18, helper "oidc") ------------------------------------


class SsoLogin(Base):
    """A sign-in started at a provider: its state (hashed), nonce and PKCE verifier, kept here rather than in
    the browser; used once, within ten minutes."""

    __tablename__ = "sso_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("identity_provider.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(200))
    redirect: Mapped[str] = mapped_column(String(500), default="/")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SsoHandoff(Base):
    """The one-time code the SPA exchanges for tokens after any provider's sign-in (hashed; one use, 60 s).
    ``family_id`` is the refresh family the exchange starts (an IdP session may already be bound to it)."""

    __tablename__ = "sso_handoff"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(36))
    redirect: Mapped[str] = mapped_column(String(500), default="/")
    via: Mapped[str] = mapped_column(String(40), default="")  # the provider's key, for the audit chain
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SsoSession(Base):
    """A Yunguan refresh family started through an OIDC provider: the provider's refresh token (refreshed
    there before every Yunguan refresh, so an account disabled there is out within one access-token
    lifetime), its ID token (the hint for RP-initiated logout) and session id (for back-channel logout)."""

    __tablename__ = "sso_session"

    family_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("identity_provider.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    sid: Mapped[str] = mapped_column(String(255), default="", index=True)
    idp_refresh_token: Mapped[str] = mapped_column(Text, default="")
    id_token: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]


# --- staffing: people against plan (人员编制, issue 20, helper "staff") ---------------------------------------
# Planned headcount comes only from plans in force (their people 人力 lines, kept per unit and plan period; a
# revision replaces them); actual headcount, vacancies and the spare-staff ratio (备员率) are computed from
# positions and assignments whenever they are asked for. What was last measured per unit and month is kept, so
# ``org.staffing.measured`` goes out only when a number changed.


class PlannedHeadcount(Base):
    """A unit's planned headcount for a plan period: the sum of the people lines of its plan in force."""

    __tablename__ = "planned_headcount"
    __table_args__ = (UniqueConstraint("unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # the plan's period: 2026, 2026-Q4, 2026-11
    plan_id: Mapped[int | None] = mapped_column(Integer)  # null: demo data mirroring planning's demo plans
    plan_version: Mapped[int | None] = mapped_column(Integer)
    quantity: Mapped[float] = mapped_column(Float)
    lines: Mapped[list] = mapped_column(JSON, default=list)  # [{"id", "description", "quantity", "unit"}]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StaffingMeasure(Base):
    """The numbers last measured (and sent as ``org.staffing.measured``) for a unit and month."""

    __tablename__ = "staffing_measure"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)  # a month: 2026-12
    planned: Mapped[float | None] = mapped_column(Float)
    actual: Mapped[int] = mapped_column(Integer)
    vacancies: Mapped[int] = mapped_column(Integer)
    spare_ratio: Mapped[float | None] = mapped_column(Float)  # percent; null without a plan
    measured_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- training (培训管理, issue 20) ----------------------------------------------------------------------------
# Needs come from positions' job requirements (任职要求, derived when read), finalised assessments with low results
# (kpi.assessment.finalized) and by hand; a unit's annual training plan (its courses) is drafted by holders of plan
# over the unit and approved by holders of guide (指导权) over it; sessions of its courses record attendance and
# results per person (the training records); certifications are reminded before they expire. The completion rate
# (required trainings completed ÷ required) goes to kpi as ``org.training.measured``.


class TrainingNeed(Base):
    """A person's need for a course, from an assessment (``source`` = assessment) or entered by hand (manual)."""

    __tablename__ = "training_need"
    __table_args__ = (UniqueConstraint("user_id", "course", "source", "source_ref"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    course: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))  # assessment | manual
    source_ref: Mapped[str] = mapped_column(String(60), default="")  # the assessment's id
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TrainingPlan(Base):
    """A unit's annual training plan: drafted (plan), submitted, approved or returned (guide)."""

    __tablename__ = "training_plan"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | submitted | approved | returned
    drafted_by: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class TrainingCourse(Base):
    """A course of a training plan: its kind, its audience (positions' holders and named people), sessions and hours."""

    __tablename__ = "training_course"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("training_plan.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # new_hire 新员工 | quarterly 季度 | special 专项
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    audience_position_ids: Mapped[list] = mapped_column(JSON, default=list)
    audience_user_ids: Mapped[list] = mapped_column(JSON, default=list)
    planned_sessions: Mapped[int] = mapped_column(Integer, default=1)
    hours: Mapped[float] = mapped_column(default=0.0)


class TrainingSession(Base):
    """One session of a course: when, who trains, where."""

    __tablename__ = "training_session"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_course.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("training_plan.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    trainer_name: Mapped[str] = mapped_column(String(100), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[float] = mapped_column(default=0.0)
    recorded_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class TrainingRecord(Base):
    """A person at a session: attended or absent, and the result (pass / fail, or a score)."""

    __tablename__ = "training_record"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    attended: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[str | None] = mapped_column(String(10))  # pass | fail | null (not assessed)
    score: Mapped[float | None]
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Certification(Base):
    """A person's certificate (证书): reminded ``remind_days`` before it expires, and when it has expired."""

    __tablename__ = "certification"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    remind_days: Mapped[int] = mapped_column(Integer, default=30)
    recorded_by: Mapped[str] = mapped_column(String(120))
    warned_at: Mapped[datetime | None]
    expired_notified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
