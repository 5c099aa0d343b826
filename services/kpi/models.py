"""Tables of the kpi service.

Versioned tables carry ``version`` as SQLAlchemy's version_id_col: every UPDATE checks and
bumps it (it is also the ETag). Measurements are stored once per (indicator, unit, period,
source); ``kpi_rollup`` holds their aggregates for every ancestor unit and every coarser
period (all but a unit's own points for exactly its own period, which the points' unique key
serves), maintained in the ingesting transaction, so an evaluation reads a handful of rows
instead of scanning the points.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.audit import AuditEntryMixin, subject_index
from services.common.comments import CommentMixin
from services.common.db import TYPE_ANNOTATION_MAP, service_metadata, utcnow
from services.common.files import AttachmentMixin, StoredFileMixin
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
    """The kpi service's tables (the kernel's naming convention; datetimes stored as UTC)."""

    metadata = service_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


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



_BIGINT = BigInteger().with_variant(Integer, "sqlite")


# Rows of these tables can be deleted: SQLite would hand the highest deleted id to the next row
# (and its audit history with it) unless the table is AUTOINCREMENT.
NEVER_REUSED = {"sqlite_autoincrement": True}


class DataGeneration(Base):
    """One counter moved by every transaction that changes what an evaluation reads
    (``services.common.generation``): evaluations are cached per generation."""

    __tablename__ = "kpi_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Indicator(Base):
    """An indicator of the monitoring system (监控指标)."""

    __tablename__ = "kpi_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[str] = mapped_column(String(20))      # financial | efficiency | customer | internal
    unit: Mapped[str] = mapped_column(String(20), default="")  # unit of measure (万元, %, 天)
    direction: Mapped[str] = mapped_column(String(20))     # higher_better | lower_better | band
    aggregation: Mapped[str] = mapped_column(String(20))   # sum | avg | weighted_avg | last | min | max
    frequency: Mapped[str] = mapped_column(String(20), default="month")
    formula: Mapped[str | None] = mapped_column(String(500))
    # Default warning / critical values; absolute, or a fraction of the target when relative.
    warning: Mapped[float | None] = mapped_column(Float)
    critical: Mapped[float | None] = mapped_column(Float)
    threshold_mode: Mapped[str] = mapped_column(String(20), default="absolute")  # absolute | relative
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Target(Base):
    """A target value of an indicator for a unit and a period (from an issued plan, or set by hand)."""

    __tablename__ = "kpi_target"
    __table_args__ = (UniqueConstraint("indicator_id", "unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("kpi_indicator.id"), index=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    period: Mapped[str] = mapped_column(String(10))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20), default="manual")  # plan | manual
    plan_id: Mapped[int | None] = mapped_column(Integer)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class TargetHistory(Base):
    """Every value a target has had, with where it came from."""

    __tablename__ = "kpi_target_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("kpi_target.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    previous_value: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))
    plan_id: Mapped[int | None] = mapped_column(Integer)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    event_id: Mapped[str | None] = mapped_column(String(36))
    changed_by: Mapped[str] = mapped_column(String(120), default="")
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class Measurement(Base):
    """One measured value; upserted on (indicator, unit, period, source)."""

    __tablename__ = "kpi_measurement"
    __table_args__ = (
        UniqueConstraint("indicator_id", "unit_id", "period", "source"),
        Index("ix_kpi_measurement_scan", "indicator_id", "period_year", "unit_path"),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500))
    period: Mapped[str] = mapped_column(String(10))
    # The enclosing periods, so a rollup can be rebuilt with one GROUP BY.
    period_year: Mapped[str] = mapped_column(String(4))
    period_quarter: Mapped[str | None] = mapped_column(String(7))
    period_month: Mapped[str | None] = mapped_column(String(7))
    source: Mapped[str] = mapped_column(String(60), default="manual")
    value: Mapped[float] = mapped_column(Float)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    measured_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(120), default="")


class Rollup(Base):
    """Aggregates of the measurements of one indicator under one unit (its subtree) within one period.

    Leaves out the points stored at the unit itself for exactly this period: with them it
    would copy the points (``measurements.rollups.load_rollups`` adds them when reading).
    """

    __tablename__ = "kpi_rollup"

    # Key order (unit, period, indicator): an evaluation reads all indicators of one unit for
    # a few periods, which is then one index range.
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[float] = mapped_column(Float, default=0.0)
    wsum: Mapped[float] = mapped_column(Float, default=0.0)     # Σ value × weight
    wtotal: Mapped[float] = mapped_column(Float, default=0.0)   # Σ weight
    vmin: Mapped[float | None] = mapped_column(Float)
    vmax: Mapped[float | None] = mapped_column(Float)
    last_period: Mapped[str] = mapped_column(String(10), default="")
    last_total: Mapped[float] = mapped_column(Float, default=0.0)


class ThresholdRule(Base):
    """Warning / critical values of an indicator for one unit (and its subtree), overriding the indicator's."""

    __tablename__ = "kpi_threshold"
    __table_args__ = (UniqueConstraint("indicator_id", "unit_id"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("kpi_indicator.id"), index=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500))
    mode: Mapped[str] = mapped_column(String(20), default="absolute")
    warning: Mapped[float | None] = mapped_column(Float)
    critical: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ThresholdState(Base):
    """A raised level of an indicator at a unit for one period (no row: normal); a crossing is a change.

    Per period, not one per (indicator, unit): a late November value must raise November's
    warning after December's value arrived, and a stray future point must not clear it."""

    __tablename__ = "kpi_threshold_state"

    indicator_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    level: Mapped[str] = mapped_column(String(20), default="normal")
    value: Mapped[float | None] = mapped_column(Float)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnomalyRule(Base):
    """A rule such as "order delay > 5 days": a matching measurement creates a follow-up once."""

    __tablename__ = "kpi_anomaly_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("kpi_indicator.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), default="/")
    operator: Mapped[str] = mapped_column(String(4))  # gt | gte | lt | lte
    value: Mapped[float] = mapped_column(Float)
    follow_up: Mapped[str] = mapped_column(String(20), default="action")  # action | meeting
    title: Mapped[str] = mapped_column(String(200))
    due_days: Mapped[int] = mapped_column(Integer, default=7)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Benchmark(Base):
    """An industry benchmark value (行业标桿) of an indicator, with its source and date."""

    __tablename__ = "kpi_benchmark"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("kpi_indicator.id"), index=True)
    period: Mapped[str] = mapped_column(String(10))  # the period it describes (usually a year)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Scorecard(Base):
    """An assessment template (考核表): weighted indicator items and qualitative items."""

    __tablename__ = "kpi_scorecard"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    subject_kind: Mapped[str] = mapped_column(String(20), default="unit")  # unit | person
    items: Mapped[list] = mapped_column(JSON, default=list)
    grades: Mapped[list] = mapped_column(JSON, default=list)    # [{"grade": "A", "min": 90}, ...]
    outcomes: Mapped[dict] = mapped_column(JSON, default=dict)  # grade -> [{"kind": "reward", "type": "bonus"}]
    # sanctions: the share (%) of an annual assessment's total taken from the year's finalised routine ones
    routine_weight: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Assessment(Base):
    """One assessment run (考核) of a unit or a person for a period; immutable once finalised."""

    __tablename__ = "kpi_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("kpi_scorecard.id"), index=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    subject_kind: Mapped[str] = mapped_column(String(20), default="unit")
    person_id: Mapped[int | None] = mapped_column(Integer)
    person_name: Mapped[str] = mapped_column(String(100), default="")
    period: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20), default="annual")  # annual | routine
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | finalized
    items: Mapped[list] = mapped_column(JSON, default=list)        # computed item scores
    qualitative: Mapped[dict] = mapped_column(JSON, default=dict)  # key -> {score, note}
    total: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str | None] = mapped_column(String(20))
    vetoed: Mapped[bool] = mapped_column(Boolean, default=False)
    outcomes: Mapped[list] = mapped_column(JSON, default=list)
    # why it was finalised although some indicator items had no data (the assessor's words)
    incomplete_reason: Mapped[str | None] = mapped_column(Text)
    # sanctions: an annual assessment's routine part as computed (weight, the routine results, own total)
    routine: Mapped[dict | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    finalized_by: Mapped[str | None] = mapped_column(String(120))
    finalized_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ImprovementAction(Base):
    """An improvement action (整改): owner, deadline, evidence, verified by whoever raised it."""

    __tablename__ = "kpi_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    indicator_id: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[str | None] = mapped_column(String(10))
    origin: Mapped[str] = mapped_column(String(20), default="manual")  # evaluation|threshold|assessment|rule|manual
    # e.g. "threshold:<event id>" or "rule:3:6:2026-10": one follow-up per cause (NULLs never clash)
    origin_ref: Mapped[str | None] = mapped_column(String(120))
    owner_id: Mapped[int | None] = mapped_column(Integer)
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    due: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | done | verified | cancelled
    progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # percent, owner-reported
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    raised_by: Mapped[str] = mapped_column(String(120), default="")
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    verified_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("origin", "origin_ref"),)


# --- supervision: findings of inspections and audits, and the files kept as evidence ----------

class Finding(Base):
    """What an inspection or a special audit found to fix: it becomes one improvement action (整改) and is
    closed when that action is verified."""

    __tablename__ = "kpi_finding"
    __table_args__ = (UniqueConstraint("source", "source_id", "source_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # inspection | audit
    source_id: Mapped[int] = mapped_column(Integer)
    source_ref: Mapped[str | None] = mapped_column(String(120))  # e.g. the checklist item's key (NULLs never clash)
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(20))  # minor | major | critical
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | closed | withdrawn
    action_id: Mapped[int] = mapped_column(ForeignKey("kpi_action.id"), index=True)
    # {"category", "likelihood", "impact"} to raise a risk, or {"risk_id", "likelihood", "impact"} to re-assess one
    risk_request: Mapped[dict | None] = mapped_column(JSON)
    raised_by: Mapped[str] = mapped_column(String(120))
    raised_by_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class KpiFile(StoredFileMixin, Base):
    """A file uploaded as evidence (a photo of a failed check item, an audit's working paper)."""

    __tablename__ = "kpi_file"


# --- special audits (专项审计) ------------------------------------------------------------------

class Audit(Base):
    """A special audit (专项审计): scope units and period, a team, and its life draft 立项 → noticed 审计通知 →
    fieldwork 现场审计 → draft_report 征求意见稿 → responded 被审计单位意见 → final 终稿.

    ``unit_id``/``unit_path`` are the first audited unit's (who responds to the draft report);
    every audited unit is a row of ``kpi_audit_scope``. Findings are ``kpi_finding`` rows with
    source "audit"; ``responses`` and ``resolutions`` hold, per finding, the unit's accept/dispute
    and the leader's keep/withdraw.
    """

    __tablename__ = "kpi_audit"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(Text, default="")
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    leader_id: Mapped[int] = mapped_column(Integer, index=True)
    leader_name: Mapped[str] = mapped_column(String(100), default="")
    members: Mapped[list] = mapped_column(JSON, default=list)  # [{"user_id": 12, "name": "李审"}]
    team: Mapped[str] = mapped_column(String(800), default="")  # ",<leader id>,<member id>,…," (who is on it)
    planned_start: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    notice_text: Mapped[str] = mapped_column(Text, default="")
    response_due: Mapped[date | None] = mapped_column(Date)
    noticed_at: Mapped[datetime | None]
    noticed_by: Mapped[str | None] = mapped_column(String(120))
    fieldwork_at: Mapped[datetime | None]
    draft_report: Mapped[str] = mapped_column(Text, default="")
    draft_at: Mapped[datetime | None]
    responses: Mapped[list] = mapped_column(JSON, default=list)  # [{"finding_id", "verdict", "reason"}]
    response_note: Mapped[str] = mapped_column(Text, default="")
    responded_by: Mapped[str | None] = mapped_column(String(120))
    responded_at: Mapped[datetime | None]
    final_report: Mapped[str] = mapped_column(Text, default="")
    resolutions: Mapped[list] = mapped_column(JSON, default=list)  # [{"finding_id", "decision", "reasoning"}]
    finalised_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class AuditScope(Base):
    """One audited unit of an audit (who may see it: view over any of them)."""

    __tablename__ = "kpi_audit_scope"
    __table_args__ = (UniqueConstraint("audit_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("kpi_audit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)


# --- inspections (实地检查): checklist templates, schedules, inspections -----------------------

class ChecklistTemplate(Base):
    """A checklist template (检查表): weighted items with criteria, for units of one kind.

    ``family_id`` is the first revision's id; a template that inspections have used is never
    changed in place: an edit writes a new revision (the old one becomes ``superseded``), so an
    inspection keeps the items it was done with (it also holds its own copy)."""

    __tablename__ = "kpi_checklist_template"
    __table_args__ = (UniqueConstraint("family_id", "revision"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int | None] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit_kind: Mapped[str | None] = mapped_column(String(20))  # the org unit kind it applies to; null: any
    unit_id: Mapped[int] = mapped_column(Integer)              # the owning unit (guide over it edits)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    items: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | superseded | retired
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class InspectionSchedule(Base):
    """A recurring inspection: keeps one open inspection of the unit, the next generated when it closes."""

    __tablename__ = "kpi_inspection_schedule"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_family_id: Mapped[int] = mapped_column(Integer)  # the latest active revision is used
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    inspector_position_id: Mapped[int] = mapped_column(Integer)
    inspector_title: Mapped[str] = mapped_column(String(120))
    frequency: Mapped[str] = mapped_column(String(20))  # weekly | monthly | quarterly
    first_due: Mapped[date] = mapped_column(Date)       # its day of the month is kept (31st → 28 Feb → 31 Mar)
    next_due: Mapped[date] = mapped_column(Date)        # the due date of the next inspection to generate
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Inspection(Base):
    """One on-site inspection (实地检查) of a unit by whoever holds the inspector position.

    ``items`` is the template's items as they were when it was scheduled; ``results`` maps an
    item key to {outcome: pass|fail|na, score, note, files: [file ids], by, at}."""

    __tablename__ = "kpi_inspection"
    __table_args__ = (UniqueConstraint("schedule_id", "due"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("kpi_checklist_template.id"), index=True)
    template_name: Mapped[str] = mapped_column(String(200))
    template_revision: Mapped[int] = mapped_column(Integer, default=1)
    items: Mapped[list] = mapped_column(JSON, default=list)
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    inspector_position_id: Mapped[int] = mapped_column(Integer, index=True)
    inspector_title: Mapped[str] = mapped_column(String(120))
    due: Mapped[date] = mapped_column(Date)
    schedule_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), default="scheduled")  # scheduled|in_progress|submitted|cancelled
    results: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[float | None] = mapped_column(Float)
    passed_items: Mapped[int] = mapped_column(Integer, default=0)
    failed_items: Mapped[int] = mapped_column(Integer, default=0)
    scored_items: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    scheduled_by: Mapped[str] = mapped_column(String(120), default="")
    started_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    period: Mapped[str | None] = mapped_column(String(7), index=True)  # the month (business time) it counts in
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    submitted_by_name: Mapped[str] = mapped_column(String(100), default="")
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


# --- budgets: the chart of budget items, budgets from plans, actual spend ----------------------

class BudgetItem(Base):
    """An item of the company's chart of budget items (预算科目), managed by the company admin."""

    __tablename__ = "kpi_budget_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    parent_code: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Budget(Base):
    """One budget line of the plan in force for a unit and period (amount in 元). A revision of the plan
    replaces its unit-and-period's lines: the replaced rows stay, with ``replaced_at``, as history."""

    __tablename__ = "kpi_budget"
    __table_args__ = (Index("ix_kpi_budget_in_force", "unit_id", "period", "replaced_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    period: Mapped[str] = mapped_column(String(10))           # the plan's period: 2026, 2026-Q4 or 2026-11
    item_code: Mapped[str] = mapped_column(String(40))
    amount: Mapped[float] = mapped_column(Float)              # 元
    entered_amount: Mapped[float] = mapped_column(Float)      # as the plan says it, in entered_unit
    entered_unit: Mapped[str] = mapped_column(String(4), default="元")  # 元 | 万元
    description: Mapped[str] = mapped_column(Text, default="")
    plan_id: Mapped[int | None] = mapped_column(Integer)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    plan_title: Mapped[str] = mapped_column(String(200), default="")
    line_id: Mapped[int | None] = mapped_column(Integer)      # the plan's resource line
    event_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_at: Mapped[datetime | None]
    replaced_by_version: Mapped[int | None] = mapped_column(Integer)


class BudgetActual(Base):
    """Actual spend (元) of a unit in a month on a budget item, as one source reported it; upserted on
    (unit, period, item, source)."""

    __tablename__ = "kpi_budget_actual"
    __table_args__ = (UniqueConstraint("unit_id", "period", "item_code", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    period: Mapped[str] = mapped_column(String(7))  # a month
    item_code: Mapped[str] = mapped_column(String(40))
    amount: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(60))
    ref: Mapped[str | None] = mapped_column(String(120))
    recorded_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


# --- sanctions: rewards and penalties (奖惩) -----------------------------------------------------

class SanctionScale(Base):
    """The company's scale (奖惩标准): grade (and subject kind) → rewards / penalties; one row."""

    __tablename__ = "kpi_sanction_scale"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # [{"grade": "A", "subject_kind": "person"|"unit"|"any", "kind", "type", "amount", "note"}]
    lines: Mapped[list] = mapped_column(JSON, default=list)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Sanction(Base):
    """One line of the register of rewards and penalties: proposed from an assessment and confirmed, changed
    or dismissed by a holder of assess; or granted (innovation, proposal rewards) as confirmed."""

    __tablename__ = "kpi_sanction"
    __table_args__ = (UniqueConstraint("origin_ref"), NEVER_REUSED)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # assessment | innovation | proposal
    # one line per cause: "assessment:<id>:<n>", "proposal:<event id>" (NULL for innovation grants)
    origin_ref: Mapped[str | None] = mapped_column(String(120))
    assessment_id: Mapped[int | None] = mapped_column(Integer, index=True)
    proposal_id: Mapped[int | None] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(Integer)
    unit_path: Mapped[str] = mapped_column(String(500), index=True)
    subject_kind: Mapped[str] = mapped_column(String(20), default="unit")  # unit | person
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    person_name: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(20))  # reward | penalty
    type: Mapped[str] = mapped_column(String(20))  # bonus|certificate|promotion|warning|fine|demotion
    amount: Mapped[float | None] = mapped_column(Float)  # 元
    period: Mapped[str] = mapped_column(String(10))
    basis: Mapped[str] = mapped_column(String(500), default="")  # 依据
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="proposed")  # proposed | confirmed | dismissed
    proposed: Mapped[dict | None] = mapped_column(JSON)  # what the scale proposed, when it was changed
    reason: Mapped[str] = mapped_column(Text, default="")  # why changed, dismissed or granted
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Attachment(AttachmentMixin, Base):
    """A file attached to one of the service's records (services/common/attachments.py)."""

    __tablename__ = "record_attachment"
