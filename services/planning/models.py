"""Tables of the planning service: plans with targets, tasks and resources; flows; history; tracking."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.audit import AuditEntryMixin
from services.common.db import TYPE_ANNOTATION_MAP, service_metadata, utcnow
from services.common.idempotency import IdempotencyRecordMixin
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
    """The planning service's tables (the kernel's naming convention; datetimes stored as UTC)."""

    metadata = service_metadata()
    type_annotation_map = TYPE_ANNOTATION_MAP


class AuditEntry(AuditEntryMixin, Base):
    pass


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


class OrgUnit(OrgUnitMixin, Base):
    pass




# Rows of these tables can be deleted: SQLite would hand the highest deleted id to the next row
# (and its audit history with it) unless the table is AUTOINCREMENT.
NEVER_REUSED = {"sqlite_autoincrement": True}


class Flow(Base):
    """An approval flow for one plan kind: ordered stages, then issue or publish."""

    __tablename__ = "flow"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), unique=True)  # annual | quarterly | monthly
    name: Mapped[str] = mapped_column(String(200))
    # [{"key", "name", "right", "over": unit|parent|company, "held_in": null|"company"|<unit code>, "signers": any|all}]
    stages: Mapped[list] = mapped_column(JSON)
    final_action: Mapped[str] = mapped_column(String(20), default="issue")  # issue | publish
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Plan(Base):
    __tablename__ = "plan"
    __table_args__ = (
        Index("ix_plan_unit_period", "unit_id", "period"),
        # One live plan per unit and period (the period fixes the cadence); a vetoed plan makes room
        # for a new one. A partial unique index, so two people creating at once cannot both win.
        Index("uq_plan_live_unit_period", "unit_id", "period", unique=True,
              sqlite_where=text("status != 'vetoed'"), postgresql_where=text("status != 'vetoed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    period: Mapped[str] = mapped_column(String(10), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    parent_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"), index=True)
    guidance: Mapped[str] = mapped_column(Text, default="")  # 指导方针 from leadership
    risk_notes: Mapped[str] = mapped_column(Text, default="")  # 风险评估与应对措施
    # Risks in the register (risk service) this plan responds to: ids only, the register owns the rest.
    linked_risks: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    stage_index: Mapped[int | None] = mapped_column(Integer)
    # Who must still sign the current stage when it needs all holders (会签): user ids as text.
    pending_signers: Mapped[list] = mapped_column(JSON, default=list)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # The revision that was last issued or published and is in force while a newer one is drafted,
    # reviewed, returned or vetoed (None until the plan is first issued).
    in_force_revision: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(120))
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    issued_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class PlanTarget(Base):
    __tablename__ = "plan_target"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    indicator_code: Mapped[str] = mapped_column(String(60))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30), default="")
    aggregation: Mapped[str] = mapped_column(String(20), default="sum")  # how children combine: sum | avg
    note: Mapped[str] = mapped_column(Text, default="")


class PlanTask(Base):
    __tablename__ = "plan_task"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    measures: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    unit_id: Mapped[int | None] = mapped_column(Integer)  # defaults to the plan's unit
    start: Mapped[date | None] = mapped_column(Date)
    due: Mapped[date | None] = mapped_column(Date)
    milestones: Mapped[list] = mapped_column(JSON, default=list)  # [{"title", "due", "done"}]
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    source: Mapped[str] = mapped_column(String(20), default="plan")  # plan | meeting
    overdue_notified_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class TaskProgress(Base):
    """A progress update on a task by its owner: percent, a note and the evidence behind it."""

    __tablename__ = "task_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_task.id", ondelete="CASCADE"), index=True)
    progress: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list] = mapped_column(JSON, default=list)  # links or document references
    author: Mapped[str] = mapped_column(String(120))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanResource(Base):
    __tablename__ = "plan_resource"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # people | material | budget
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30), default="")
    amount: Mapped[float | None] = mapped_column(Float)  # money, in amount_unit
    amount_unit: Mapped[str] = mapped_column(String(4), default="元", server_default="元")  # 元 | 万元
    # a budget line's item in the company's chart of budget items (kpi's budgets); null: 其他 other
    budget_item: Mapped[str | None] = mapped_column(String(40))


class PlanAction(Base):
    """The plan's history: every action with who, which grant, and the comment."""

    __tablename__ = "plan_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(30))
    stage_key: Mapped[str | None] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(String(120))
    actor_name: Mapped[str] = mapped_column(String(100), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    grant: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class StageSignature(Base):
    """One signature on one stage of one revision: a person signs a stage once."""

    __tablename__ = "stage_signature"
    __table_args__ = (UniqueConstraint("plan_id", "revision", "stage_index", "signer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    stage_index: Mapped[int] = mapped_column(Integer)
    signer: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanVersion(Base):
    """A frozen copy of each revision's content, for history and diffs."""

    __tablename__ = "plan_version"
    __table_args__ = (UniqueConstraint("plan_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Suggestion(Base):
    """建议权: a suggestion the plan's owner must answer before final approval."""

    __tablename__ = "suggestion"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(120))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open | accepted | declined
    response: Mapped[str] = mapped_column(Text, default="")
    responded_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    responded_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class GuidanceNote(Base):
    """指导权: a guidance note on a plan."""

    __tablename__ = "guidance_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(120))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BalancingAdjustment(Base):
    """综合平衡: the operations department proposes a new value for one child plan's target; once a
    holder of the plan right over the company applies it, the child plan's target changes (with the
    reason in its history). Rows from before adjustments named a plan are notes (status ``note``)."""

    __tablename__ = "balancing_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)  # the unit whose consolidation it balances
    period: Mapped[str] = mapped_column(String(10))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    indicator_code: Mapped[str] = mapped_column(String(60))
    value: Mapped[float] = mapped_column(Float)
    previous_value: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)
    # proposed | applied | note
    status: Mapped[str] = mapped_column(String(20), default="proposed", server_default="proposed")
    author: Mapped[str] = mapped_column(String(120))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    applied_by: Mapped[str | None] = mapped_column(String(120))
    applied_by_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    applied_at: Mapped[datetime | None]
    applied_revision: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}


class ProgressReport(Base):
    """A plan's weekly progress report for the weekly operations meeting (周例会)."""

    __tablename__ = "progress_report"
    __table_args__ = (UniqueConstraint("plan_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    week: Mapped[str] = mapped_column(String(10), index=True)
    author: Mapped[str] = mapped_column(String(120))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[list] = mapped_column(JSON, default=list)  # [{task_id, progress, status, problems, help_needed}]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class MeetingDecision(Base):
    """A decision of the weekly meeting; it becomes a follow-up task with an owner and a due date."""

    __tablename__ = "meeting_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(10), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("plan_task.id", ondelete="SET NULL"))
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
