"""Tables of the planning service: plans with targets, tasks and resources; flows; history; tracking."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
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
    """The planning service's tables (the kernel's naming convention; datetimes stored as UTC)."""

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
    # Their names as org gave them when the stage was entered (user id → name), for the approval card.
    signer_names: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
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


class PlanTransfer(Base):
    """转办: an approver handed their pending signature on a stage to another holder of its requirement."""

    __tablename__ = "plan_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    stage_index: Mapped[int] = mapped_column(Integer)
    from_user: Mapped[str] = mapped_column(String(120))
    from_name: Mapped[str] = mapped_column(String(100), default="")
    to_user: Mapped[str] = mapped_column(String(120))
    to_name: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PlanAddedSigner(Base):
    """加签 on one stage of one revision: someone signs before the adder (``before``: the stage waits on them
    first) or after (``after``: the stage is done only once they sign too). An advisory step (the added
    person holds only 建议权 over the plan's unit) gives an opinion and never returns or vetoes."""

    __tablename__ = "plan_added_signer"
    __table_args__ = (Index("ix_plan_added_signer_stage", "plan_id", "revision", "stage_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    stage_index: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(120), index=True)
    user_name: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[str] = mapped_column(String(10))  # before | after
    advisory: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str] = mapped_column(String(120))
    added_by_name: Mapped[str] = mapped_column(String(100), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    # waiting (an 'after' step until its adder signs) | pending (must act now) | signed | opined | cancelled
    status: Mapped[str] = mapped_column(String(20), default="pending")
    opinion: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[datetime | None]


class PlanCc(Base):
    """抄送: a person copied on a plan (by its submitter, or by a stage's ``cc`` when reached). They may read the
    plan and are told; they take no decision on it."""

    __tablename__ = "plan_cc"
    __table_args__ = (UniqueConstraint("plan_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[str] = mapped_column(String(120), index=True)
    user_name: Mapped[str] = mapped_column(String(100), default="")
    by: Mapped[str] = mapped_column(String(120))
    by_name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(20))  # submitter | stage
    stage_key: Mapped[str | None] = mapped_column(String(60))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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


# --- process optimisation projects (流程优化项目, services/planning/improvement) ----------------------


class ImprovementProject(Base):
    """A process optimisation project: five stages (调研 → 诊断 → 方案 → 评估 → 实施), each with its document,
    then periodic review (定期评审) with a next review date. Started from an adopted proposal, from a
    finding, or by hand; ``links`` name what started it ("planning:proposal:<id>", "kpi:finding:<id>")."""

    __tablename__ = "improvement_project"
    __table_args__ = (Index("ix_improvement_project_review", "stage", "next_review"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    owner_name: Mapped[str] = mapped_column(String(100), default="")
    origin: Mapped[str] = mapped_column(String(20), default="manual")  # proposal | finding | manual
    links: Mapped[list] = mapped_column(JSON, default=list)  # [{"ref", "kind", "title"}]
    # research | diagnosis | proposal | evaluation | implementation | review (定期评审)
    stage: Mapped[str] = mapped_column(String(20), default="research", index=True)
    cycle: Mapped[int] = mapped_column(Integer, default=1)  # a reopened project starts a new cycle of stages
    next_review: Mapped[date | None] = mapped_column(Date)
    review_flagged_at: Mapped[datetime | None]  # when the passed review date was said (once per date)
    created_by: Mapped[str] = mapped_column(String(120))
    created_by_name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ImprovementDocument(Base):
    """A stage's document (调研报告, 诊断报告, 优化方案, 评估意见, 实施总结): a summary and a body, one per
    stage and cycle, rewritten while the stage is current."""

    __tablename__ = "improvement_document"
    __table_args__ = (UniqueConstraint("project_id", "cycle", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("improvement_project.id", ondelete="CASCADE"), index=True)
    cycle: Mapped[int] = mapped_column(Integer, default=1)
    stage: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(120))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImprovementMilestone(Base):
    """An implementation milestone (实施节点): title, due date, done."""

    __tablename__ = "improvement_milestone"
    __table_args__ = (NEVER_REUSED,)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("improvement_project.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_at: Mapped[datetime | None]


class ImprovementReview(Base):
    """A periodic review (定期评审): effective | needs_adjustment | reopen, with a note and the next date."""

    __tablename__ = "improvement_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("improvement_project.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[date | None] = mapped_column(Date)  # the review date it answered
    next_review: Mapped[date | None] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(120))
    reviewer_name: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class ImprovementStep(Base):
    """The project's history: every step with who, which grant and the comment."""

    __tablename__ = "improvement_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("improvement_project.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_stage: Mapped[str | None] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(120))
    actor_name: Mapped[str] = mapped_column(String(100), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    grant: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)


# --- improvement proposals (合理化建议) ----------------------------------------------------------


class ProposalSettings(Base):
    """The company's settings for improvement proposals (one row): whether anonymous proposals are
    allowed, the review flow's ordered stages and the reward scale."""

    __tablename__ = "proposal_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    allow_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{"key", "name", "right", "over": unit|parent|company}]
    stages: Mapped[list] = mapped_column(JSON, default=list)
    # [{"key", "name", "points": int|null, "amount": 元|null}]
    reward_levels: Mapped[list] = mapped_column(JSON, default=list)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Proposal(Base):
    """An improvement proposal (合理化建议) to the unit owning the process: reviewed stage by stage,
    decided (adopt, partly, decline), implemented as a process optimisation project, its benefit
    recorded and its proposer rewarded by the company's scale."""

    __tablename__ = "proposal"
    __table_args__ = (Index("ix_proposal_status_unit", "status", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str] = mapped_column(Text)
    expected_benefit: Mapped[str] = mapped_column(Text, default="")
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    category: Mapped[str | None] = mapped_column(String(60))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    proposer: Mapped[str] = mapped_column(String(120), index=True)
    proposer_name: Mapped[str] = mapped_column(String(100), default="")
    # in_review | adopted | partly | declined | implemented (benefit recorded) | rewarded
    status: Mapped[str] = mapped_column(String(20), default="in_review", index=True)
    # The flow's stages as they were when the proposal was submitted; the one it waits on.
    stages: Mapped[list] = mapped_column(JSON, default=list)
    stage_index: Mapped[int | None] = mapped_column(Integer)
    decision: Mapped[str | None] = mapped_column(String(20))  # adopt | partly | decline
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_by_name: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[datetime | None]
    project_id: Mapped[int | None] = mapped_column(Integer)
    benefit: Mapped[str] = mapped_column(Text, default="")
    benefit_amount: Mapped[float | None] = mapped_column(Float)  # 元
    benefit_by_name: Mapped[str] = mapped_column(String(100), default="")
    benefit_at: Mapped[datetime | None]
    reward_level: Mapped[str | None] = mapped_column(String(60))  # the level's key
    reward_name: Mapped[str] = mapped_column(String(100), default="")
    reward_points: Mapped[int | None] = mapped_column(Integer)
    reward_amount: Mapped[float | None] = mapped_column(Float)  # 元
    reward_note: Mapped[str] = mapped_column(Text, default="")
    rewarded_by_name: Mapped[str] = mapped_column(String(100), default="")
    rewarded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class ProposalStep(Base):
    """A proposal's history: submission, each stage's opinion, the decision, the benefit, the reward."""

    __tablename__ = "proposal_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # submit | adopt | partly | decline | benefit | reward
    stage_key: Mapped[str | None] = mapped_column(String(60))
    stage_name: Mapped[str] = mapped_column(String(100), default="")
    actor: Mapped[str] = mapped_column(String(120))
    actor_name: Mapped[str] = mapped_column(String(100), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    grant: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Attachment(AttachmentMixin, Base):
    """A file attached to one of the service's records (services/common/attachments.py)."""

    __tablename__ = "record_attachment"
