"""Tables of the org service: units, roles, positions, users and sign-in state."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.audit import AuditEntryMixin
from services.common.db import TYPE_ANNOTATION_MAP, service_metadata, utcnow
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
