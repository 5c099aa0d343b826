"""Tables of the risk service: the register, assessments, the matrix, actions, KRIs and alerts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.audit import AuditEntryMixin, subject_index
from services.common.comments import CommentMixin
from services.common.db import TYPE_ANNOTATION_MAP, service_metadata, utcnow
from services.common.files import AttachmentMixin
from services.common.idempotency import IdempotencyRecordMixin
from services.common.leases import JobLeaseMixin
from services.common.org_units import OrgUnitMixin
from services.common.outbox import (
    DeliveryAttemptMixin,
    DeliveryMixin,
    EventTables,
    OutboxEventMixin,
    ProcessedEventMixin,
    WebhookSubscriptionMixin,
)


class Base(DeclarativeBase):
    """The risk service's tables (the kernel's naming convention; datetimes stored as UTC)."""

    metadata = service_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP
# Tables whose rows can be deleted never hand a deleted row's id to a new row (SQLite reuses the highest
# id unless AUTOINCREMENT; PostgreSQL's sequences never do), so audit history never attaches to a new object.
NEVER_REUSED = {"sqlite_autoincrement": True}


class AuditEntry(AuditEntryMixin, Base):
    __table_args__ = (subject_index(),)  # a record's activity stream


class Comment(CommentMixin, Base):
    """Comments and @mentions on this service's records (services/common/comments.py)."""


class IdempotencyRecord(IdempotencyRecordMixin, Base):
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


class OrgUnit(OrgUnitMixin, Base):
    pass



# Versioned tables carry ``version`` as SQLAlchemy's version_id_col: every UPDATE checks and
# bumps it (two concurrent writers can never both win) and it is the ETag.


class RiskMatrix(Base):
    """The likelihood × impact bands; exactly one is in force (``active``) at a time."""

    __tablename__ = "risk_matrix"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # [{"level": "low", "label": "低", "min_score": 1, "max_score": 4}, ...] in ascending order
    bands: Mapped[list] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_by: Mapped[str] = mapped_column(String(120), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Risk(Base):
    """One entry of the risk register (风险登记)."""

    __tablename__ = "risk"
    __table_args__ = (Index("ix_risk_unit_status", "unit_id", "status"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(30), index=True)
    # The unit the risk belongs to; its path comes from the org read-model (moves follow).
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    plan_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), default="identified")
    strategy: Mapped[str | None] = mapped_column(String(20))
    strategy_note: Mapped[str] = mapped_column(Text, default="")
    next_review_date: Mapped[date | None] = mapped_column(Date, index=True)
    # The latest assessment of each kind, and the latest of either ("current").
    inherent_likelihood: Mapped[int | None]
    inherent_impact: Mapped[int | None]
    inherent_score: Mapped[int | None]
    inherent_level: Mapped[str | None] = mapped_column(String(20))
    residual_likelihood: Mapped[int | None]
    residual_impact: Mapped[int | None]
    residual_score: Mapped[int | None]
    residual_level: Mapped[str | None] = mapped_column(String(20))
    current_likelihood: Mapped[int | None]
    current_impact: Mapped[int | None]
    current_score: Mapped[int | None]
    current_level: Mapped[str | None] = mapped_column(String(20), index=True)
    assessed_at: Mapped[datetime | None]
    # 预案: {"trigger", "steps": [{"title", "due_in_days"}], "owner_id", "fallback_resources": [..]}
    contingency_plan: Mapped[dict | None] = mapped_column(JSON)
    contingency_activated_at: Mapped[datetime | None]
    contingency_activated_by: Mapped[str | None] = mapped_column(String(120))
    # Acceptance of a high risk: who signed it off, under which grant, until when.
    acceptance_signed_by: Mapped[str | None] = mapped_column(String(120))
    acceptance_signed_name: Mapped[str | None] = mapped_column(String(200))
    acceptance_signed_at: Mapped[datetime | None]
    acceptance_expires_on: Mapped[date | None] = mapped_column(Date, index=True)
    acceptance_grant: Mapped[dict | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Assessment(Base):
    """One scoring of a risk, with a snapshot of the matrix it was scored under (never changes)."""

    __tablename__ = "risk_assessment"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # inherent | residual
    likelihood: Mapped[int]
    impact: Mapped[int]
    score: Mapped[int]
    level: Mapped[str] = mapped_column(String(20))
    level_label: Mapped[str] = mapped_column(String(60))
    matrix_id: Mapped[int] = mapped_column(ForeignKey("risk_matrix.id"))
    matrix_snapshot: Mapped[dict] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    assessed_by: Mapped[str] = mapped_column(String(120))
    assessed_by_name: Mapped[str] = mapped_column(String(200), default="")
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RiskAction(Base):
    """A tracked action: a response measure (措施) or a step of an activated contingency plan."""

    __tablename__ = "risk_action"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="measure")  # measure | contingency
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    due: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | in_progress | done | cancelled
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Kri(Base):
    """A key risk indicator: a kpi indicator of a unit watched for a risk, with its own thresholds."""

    __tablename__ = "kri"
    __table_args__ = (Index("ix_kri_indicator_unit", "indicator_code", "unit_id"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    indicator_code: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[int] = mapped_column(Integer)
    measure_unit: Mapped[str] = mapped_column(String(30), default="")
    warning: Mapped[float] = mapped_column(Float)
    critical: Mapped[float] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(10))  # below | above: alert when the value goes there
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_value: Mapped[float | None] = mapped_column(Float)
    last_level: Mapped[str] = mapped_column(String(20), default="normal")
    last_measured_at: Mapped[datetime | None]
    last_period: Mapped[str] = mapped_column(String(20), default="", server_default="")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class KriValue(Base):
    """Every value a KRI was given, whether posted to it or carried by a kpi event."""

    __tablename__ = "kri_value"
    __table_args__ = (Index("ix_kri_value_kri_period", "kri_id", "period", "measured_at"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    kri_id: Mapped[int] = mapped_column(ForeignKey("kri.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))  # kri | kpi
    period: Mapped[str] = mapped_column(String(20), default="")
    event_id: Mapped[str | None] = mapped_column(String(36))
    measured_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120), default="")


class Alert(Base):
    """An early warning (预警) on a KRI for one period; re-opened when that period crosses again."""

    __tablename__ = "risk_alert"
    __table_args__ = (Index("ix_risk_alert_status_unit", "status", "unit_id"), UniqueConstraint("kri_id", "period"),
                      NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    kri_id: Mapped[int] = mapped_column(ForeignKey("kri.id", ondelete="CASCADE"), index=True)
    risk_id: Mapped[int] = mapped_column(ForeignKey("risk.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    unit_path: Mapped[str] = mapped_column(String(500))
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    indicator_code: Mapped[str] = mapped_column(String(80))
    level: Mapped[str] = mapped_column(String(20))  # warning | critical
    value: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    period: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(20))  # kri | kpi
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | acknowledged | resolved
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_crossed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))
    acknowledged_at: Mapped[datetime | None]
    acknowledge_note: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str | None] = mapped_column(String(120))
    resolved_at: Mapped[datetime | None]
    resolve_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Attachment(AttachmentMixin, Base):
    """A file attached to one of the service's records (services/common/attachments.py)."""

    __tablename__ = "record_attachment"
