"""Events the org service records (EMITS), and the views of other services' events it reads to notify
the people they concern (org consumes no event that would change the org tree: org is its source).

Every service keeps a read-model of the org tree from ``org.unit.*`` (``services.common.org_units``),
so the unit events' fields are a contract: extend them, never rename or drop one.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from services.common.contracts import EventData, EventView

# --- units -----------------------------------------------------------------------------------


class UnitData(EventData):
    """A unit as it is after the change (before it, for ``org.unit.deleted``)."""

    id: int
    parent_id: int | None
    name: str
    code: str
    kind: str
    path: str
    version: int


class UnitMovedData(UnitData):
    """A unit re-hung under another parent: every path starting with ``old_path`` now starts with ``new_path``."""

    old_path: str
    new_path: str
    units_moved: int


# --- roles -----------------------------------------------------------------------------------


class RightScopeData(EventData):
    right: str
    scope: str


class RoleData(EventData):
    id: int
    key: str
    name: str
    name_en: str
    description: str
    rights: list[RightScopeData]
    version: int


# --- positions -------------------------------------------------------------------------------


class JobRequirementsData(EventData):
    education: str
    training: list[str]
    years_experience: int
    management_years: int
    skills: list[str]
    traits: list[str]


class PositionData(EventData):
    id: int
    unit_id: int
    role_id: int
    title: str
    heads_unit: bool
    responsibilities: list[str]
    requirements: JobRequirementsData
    version: int


# --- users and assignments -------------------------------------------------------------------


class UserData(EventData):
    id: int
    username: str
    display_name: str
    email: str
    active: bool
    version: int


class AssignmentData(EventData):
    id: int
    user_id: int
    position_id: int
    start_date: date
    end_date: date | None
    version: int


# --- delegations -----------------------------------------------------------------------------


class DelegationData(EventData):
    id: int
    from_user_id: int
    to_user_id: int
    rights: list[str]
    starts_at: datetime
    ends_at: datetime
    reason: str
    revoked_at: datetime | None
    active: bool


class DelegationRevokedData(EventData):
    id: int


# --- staffing (人员编制, issue 20) ------------------------------------------------------------------


class StaffingMeasuredData(EventData):
    """A unit's people against plan for a month, sent when a number changed: planned headcount from its plan in
    force (or its sub-units' plans), people holding positions in the unit and below it, positions nobody holds,
    and the spare-staff ratio 备员率 = (actual − planned) ÷ planned in percent (the documents ask 10 %)."""

    unit_id: int
    unit_path: str
    unit_name: str
    period: str = Field(description="The month measured (2026-12)")
    planned: float | None = Field(description="Planned headcount (人); null when no plan covers the unit")
    actual: int = Field(description="People holding a position in the unit or below it")
    vacancies: int = Field(description="Positions in the unit or below it nobody holds")
    spare_ratio: float | None = Field(description="备员率 in percent; null without a planned headcount")
    target_ratio: float = Field(description="The spare-staff ratio the documents ask, in percent (10)")
# --- training (培训管理, issue 20) ------------------------------------------------------------------------------


class TrainingCourseData(EventData):
    id: int
    title: str
    kind: str = Field(description="new_hire 新员工 | quarterly 季度 | special 专项")
    required: bool
    audience_position_ids: list[int]
    audience_user_ids: list[int]
    planned_sessions: int
    hours: float


class TrainingPlanData(EventData):
    """``org.training.planned``: a unit's annual training plan approved by a holder of guide over the unit
    (``org.training.plan_returned``: sent back to its drafter with the reason)."""

    id: int
    unit_id: int
    unit_path: str
    year: int
    title: str
    status: str
    drafted_by: str
    decided_by: str | None
    decision_reason: str
    courses: list[TrainingCourseData]
    version: int


class TrainingSessionData(EventData):
    """``org.training.session_recorded``: a session held, with how many attended and passed."""

    id: int
    plan_id: int
    course_id: int
    course_title: str
    unit_id: int
    unit_path: str
    held_on: date
    trainer_id: int | None
    trainer_name: str
    location: str
    hours: float
    attended: int
    absent: int
    passed: int
    failed: int
    version: int


class TrainingMeasuredData(EventData):
    """``org.training.measured``: a unit's training completion rate (培训完成率) for a month, computed from the
    records: required trainings completed ÷ required (kpi ingests it as ``training_completion``, source org)."""

    unit_id: int
    unit_path: str
    period: str
    required: int
    completed: int
    rate: float = Field(description="completed ÷ required × 100, in %")


class CertificationData(EventData):
    """``org.certification.expiring``: a person's certificate expires within its reminder days
    (``status`` expiring) or has expired (``status`` expired)."""

    id: int
    user_id: int
    user_name: str
    unit_id: int
    unit_path: str
    name: str
    number: str
    issued_on: date
    expires_on: date | None
    status: str
    days_left: int | None


EMITS: dict[str, type[EventData]] = {
    "org.unit.created": UnitData,
    "org.unit.updated": UnitData,
    "org.unit.moved": UnitMovedData,
    "org.unit.deleted": UnitData,
    "org.role.created": RoleData,
    "org.role.updated": RoleData,
    "org.role.deleted": RoleData,
    "org.position.created": PositionData,
    "org.position.updated": PositionData,
    "org.position.deleted": PositionData,
    "org.user.created": UserData,
    "org.user.updated": UserData,
    "org.assignment.created": AssignmentData,
    "org.assignment.updated": AssignmentData,
    "org.assignment.deleted": AssignmentData,
    "org.delegation.created": DelegationData,
    "org.delegation.revoked": DelegationRevokedData,
    # staffing (issue 20)
    "org.staffing.measured": StaffingMeasuredData,
    # training (issue 20)
    "org.training.planned": TrainingPlanData,
    "org.training.plan_returned": TrainingPlanData,
    "org.training.session_recorded": TrainingSessionData,
    "org.training.measured": TrainingMeasuredData,
    "org.certification.expiring": CertificationData,
}


# --- what org reads of other services' events (to notify the people they concern) --------------


class WaitingStageView(EventView):
    """The approval stage a plan waits on: the right it needs, over which unit, held where."""

    index: int
    key: str
    name: str
    right: str
    unit_path: str
    held_at: str | None
    time_limit_days: int | None = None
    pending_signers: list[str] = []


class PlanStepView(EventView):
    """planning's ``planning.plan.*``: the plan after a step, who took it, and what it waits on now."""

    plan_id: int
    revision: int
    unit_id: int
    unit_path: str
    period: str
    title: str
    status: str
    actor: str
    comment: str
    submitted_by: str | None = None
    waiting: WaitingStageView | None = None


# approval controls (issue 23): whom a withdrawal, transfer, added signer, hand-back or copy concerns


class PlanWithdrawnView(PlanStepView):
    left: WaitingStageView | None


class PlanTransferredView(PlanStepView):
    to_user: str
    reason: str


class PlanSignerAddedView(PlanStepView):
    user_id: str
    position: str
    advisory: bool


class PlanSignerDueView(PlanStepView):
    to_users: list[str]


class PlanCopiedView(PlanStepView):
    user_ids: list[str]


class TaskDispatchedView(EventView):
    task_id: int
    plan_id: int
    owner_id: int | None
    unit_id: int | None
    due: str | None
    comment: str
    title: str = ""


class TaskOverdueView(EventView):
    task_id: int
    plan_id: int
    title: str
    owner_id: int | None
    due: str
    unit_id: int


class TaskCompletedView(EventView):
    task_id: int


class ActionView(EventView):
    """kpi's ``kpi.action.*``: an improvement (整改) action as it is now."""

    id: int
    title: str
    unit_id: int
    unit_path: str
    owner_id: int | None
    owner_name: str
    due: str
    status: str
    raised_by: str


class AssessmentFinalizedView(EventView):
    """kpi's ``kpi.assessment.finalized``: a person's low result becomes a training need (培训需求)."""

    id: int
    unit_id: int
    subject_kind: str
    person_id: int | None
    person_name: str
    period: str
    total: float | None
    grade: str | None
    vetoed: bool


class AlertRaisedView(EventView):
    """risk's ``risk.alert.raised``: a key risk indicator crossed to warning or critical."""

    alert_id: int
    risk_id: int
    risk_title: str
    indicator_code: str
    unit_id: int
    unit_path: str
    owner_id: int | None
    level: str
    value: float
    threshold: float
    period: str


# --- supervision and improvement (issue 19): what org reads to tell whom a step waits on ----------


class InspectionView(EventView):
    """kpi's ``kpi.inspection.scheduled|submitted|cancelled``: an on-site inspection and its inspector position."""

    id: int
    template_name: str
    unit_id: int
    unit_path: str
    inspector_position_id: int
    inspector_title: str
    due: str
    status: str


class AuditView(EventView):
    """kpi's ``kpi.audit.*``: a special audit after a step (the first of ``unit_ids`` responds)."""

    id: int
    title: str
    topic: str
    unit_id: int
    unit_path: str
    unit_ids: list[int]
    period_start: str
    period_end: str
    leader_id: int
    leader_name: str
    member_ids: list[int]
    planned_start: str
    planned_end: str
    status: str
    response_due: str | None


class ProposalView(EventView):
    """planning's ``planning.proposal.*``: a proposal after a step; ``proposer`` null when anonymous."""

    proposal_id: int
    title: str
    unit_id: int
    unit_path: str
    anonymous: bool
    proposer: str | None
    status: str
    actor: str | None
    waiting: WaitingStageView | None


class ProposalDecidedView(ProposalView):
    decision: str
    reason: str
    final: bool


class ProposalRewardedView(ProposalView):
    level_name: str
    points: int | None
    amount: float | None


class ImprovementReviewDueView(EventView):
    """planning's ``planning.improvement.review_due``: a project's periodic review date came without a review."""

    project_id: int
    unit_id: int
    title: str
    owner_id: int | None
    due: str


# --- comments on records (issue 23) ------------------------------------------------------------------


class CommentMentionedView(EventView):
    """planning's, kpi's and risk's ``<svc>.comment.mentioned``: a comment on a record mentioned people."""

    record_kind: str
    record_id: int
    title: str
    link: str
    unit_path: str
    comment_id: int
    author_name: str
    excerpt: str
    mentioned: list[int]


# --- staffing (issue 20): the people lines of plans in force ----------------------------------------


class PlanResourceView(EventView):
    kind: str
    description: str = ""
    quantity: float | None = None
    unit: str = ""
    id: int | None = None


class PlanResourcesView(EventView):
    """What staffing reads of ``planning.plan.issued`` / ``.revised``: the plan's unit, period, the revision now
    in force and its resource lines (the people 人力 lines are the planned headcount)."""

    plan_id: int
    version: int
    unit_id: int
    period: str
    resources: list[PlanResourceView] = []
