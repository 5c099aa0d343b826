"""The kpi service's events: what it records (EMITS) and what it consumes (CONSUMES).

Payloads are the JSON each producer recorded before they were typed: timestamps and dates
are the strings the producers wrote (``due`` as an ISO date, ``measured_at`` and the
``*_at`` of actions and assessments as ISO timestamps).
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import Field

from services.common.comments import CommentMentionedData
from services.common.contracts import EventData, EventView

log = logging.getLogger("yunguan.kpi")


# --- emitted ---------------------------------------------------------------------------------

class ThresholdCrossedData(EventData):
    """``kpi.threshold.crossed``: the level of an indicator at a unit for a period changed, up or down.

    Subject ``"<indicator_code>:<unit_id>"``. Emitted once per crossing, both ways, of one period's
    level: levels are kept per (indicator, unit, period), so a late value raises its own period's
    crossing and a value for a later period never clears an earlier one's.
    """

    indicator_code: str
    unit_id: int
    unit_path: str
    period: str = Field(description="The period the level belongs to (2026, 2026-Q3, 2026-10, 2026-W42, 2026-10-07)")
    value: float | None = Field(description="The period's value; null when a raised level is lifted because the "
                                            "unit no longer has thresholds and the period has no value")
    level: str = Field(description="normal | warning | critical")
    previous_level: str = Field(description="That period's level before")
    threshold: float | None = Field(description="The threshold crossed; null when the crossing is back to normal")
    direction: str = Field(description="worse | better")
    measured_at: str = Field(description="When the value was measured; for thresholds_changed and target_changed, "
                                         "the time of the change")
    cause: str = Field(description="What moved the level: measurement | thresholds_changed (a unit's or the "
                                   "indicator's thresholds) | target_changed (thresholds relative to a target)")


class ActionData(EventData):
    """``kpi.action.created|completed|verified|overdue|cancelled``: the action as ``GET /actions/{id}`` shows it."""

    id: int
    title: str
    description: str
    unit_id: int
    unit_path: str
    indicator_code: str | None
    period: str | None
    origin: str
    origin_ref: str | None
    owner_id: int | None
    owner_name: str
    due: str
    status: str
    progress: int
    evidence: list[dict[str, Any]]
    raised_by: str
    overdue: bool
    completed_at: str | None
    verified_at: str | None
    verified_by: str | None
    version: int


class FollowupRequestedData(EventData):
    """``kpi.followup.requested``: an anomaly rule asks planning to put its follow-up on the meeting agenda.

    The follow-up is kpi's improvement action ``action_id``, owned by the unit's head by position (who
    holds dispatch over the unit in a position of the unit, else of the nearest unit above;
    ``owner_id`` null when org could not say). Planning puts it on this week's agenda in the live
    plan of the unit covering ``period``, naming the indicator, the action and its owner, and opens
    no task of its own.
    """

    kind: str  # meeting
    rule_id: int
    action_id: int
    indicator_code: str
    indicator_name: str
    unit_id: int
    unit_path: str
    period: str
    value: float
    title: str
    owner_id: int | None
    owner_name: str
    due: str


class AssessmentFinalizedData(EventData):
    """``kpi.assessment.finalized``: an assessment's result, grade and outcomes, now immutable."""

    id: int
    scorecard_id: int
    unit_id: int
    unit_path: str
    subject_kind: str
    person_id: int | None
    person_name: str
    period: str
    kind: str
    status: str
    total: float | None
    grade: str | None
    vetoed: bool
    missing: list[str]
    incomplete: bool
    weight_counted: float
    incomplete_reason: str | None
    outcomes: list[dict[str, Any]]
    items: list[dict[str, Any]]
    finalized_by: str | None
    finalized_at: str | None
    version: int
    routine: dict[str, Any] | None = Field(None, description="An annual assessment's routine part: the weight (%), "
                                                             "the year's finalised routine results, their average "
                                                             "and the scorecard's own total")


class FindingRiskData(EventData):
    """What a finding asks of the risk register: raise a new risk (``category``) or re-assess ``risk_id``."""

    category: str | None = None
    risk_id: int | None = None
    likelihood: int
    impact: int


class FindingData(EventData):
    """``kpi.finding.raised|closed|withdrawn``: a finding of an inspection or special audit, as
    ``GET /findings/{id}`` shows it. ``risk`` (on ``raised``) asks the risk register to raise a risk for the
    unit or to re-assess one; the risk service does it."""

    id: int
    source: str = Field(description="inspection | audit")
    source_id: int
    source_ref: str | None
    unit_id: int
    unit_path: str
    title: str
    description: str
    severity: str = Field(description="minor 一般 | major 较重 | critical 严重")
    status: str = Field(description="open | closed | withdrawn")
    action_id: int
    risk: FindingRiskData | None
    raised_by: str
    raised_by_name: str
    created_at: str
    closed_at: str | None
    version: int


class AuditData(EventData):
    """``kpi.audit.created|noticed|fieldwork_started|draft_issued|responded|finalised``: a special audit
    (专项审计) after the step, as ``GET /audits/{id}`` shows it without its findings and files.

    ``status`` is the stage reached: noticed (审计通知 issued, ``response_due`` set), fieldwork, draft_report
    (征求意见稿 to the audited unit), responded (被审计单位意见: ``responses`` per finding, accept/dispute),
    final (终稿: ``resolutions`` keep/withdraw of each disputed finding).
    """

    id: int
    title: str
    topic: str
    unit_id: int = Field(description="The first audited unit (who responds to the draft report)")
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
    responses: list[dict[str, Any]]
    resolutions: list[dict[str, Any]]
    version: int


class InspectionData(EventData):
    """``kpi.inspection.scheduled|submitted|cancelled``: an on-site inspection (实地检查) of a unit.

    ``score`` (0–100, weighted) and the item counts are final once submitted; ``period`` is the month
    its results count in (``inspection_pass_rate``). The findings a submission raises follow as
    ``kpi.finding.raised``."""

    id: int
    template_id: int
    template_name: str
    template_revision: int
    unit_id: int
    unit_path: str
    inspector_position_id: int
    inspector_title: str
    due: str
    schedule_id: int | None
    status: str = Field(description="scheduled | in_progress | submitted | cancelled")
    score: float | None
    passed_items: int
    failed_items: int
    scored_items: int
    period: str | None
    submitted_at: str | None
    submitted_by: str | None
    cancel_reason: str | None
    version: int
# --- budgets ---------------------------------------------------------------------------------

class BudgetLineData(EventData):
    item_code: str
    amount: float = Field(description="元")
    description: str


class BudgetChangedData(EventData):
    """``kpi.budget.changed``: the budgets of a unit and plan period changed, because a plan was issued or revised
    (history kept). Subject ``"<unit_id>:<period>"``."""

    unit_id: int
    unit_path: str
    period: str = Field(description="The plan's period (2026, 2026-Q4, 2026-11)")
    plan_id: int | None
    plan_version: int | None
    total: float = Field(description="The budgets now in force, in 元")
    previous_total: float = Field(description="The budgets in force before, in 元")
    lines: list[BudgetLineData]


class BudgetOverrunData(EventData):
    """``kpi.budget.overrun``: a unit's budget execution rate crossed to warning or critical for a month (its spend
    passed its budget). Subject ``"<unit_id>:<period>"``."""

    unit_id: int
    unit_path: str
    period: str
    rate: float | None = Field(description="Actual ÷ budget × 100")
    level: str = Field(description="warning | critical")
    threshold: float | None
class SanctionData(EventData):
    """``kpi.sanction.proposed|confirmed|dismissed``: a line of the register of rewards and penalties (奖惩), as
    ``GET /sanctions/{id}`` shows it. Proposed from a finalised assessment's outcome by the company scale;
    confirmed (possibly changed, with ``reason``) or dismissed by a holder of assess over ``unit_path``; innovation
    and proposal rewards are recorded confirmed."""

    id: int
    source: str = Field(description="assessment | innovation | proposal")
    assessment_id: int | None
    proposal_id: int | None
    unit_id: int
    unit_path: str
    subject_kind: str = Field(description="unit | person")
    person_id: int | None
    person_name: str
    kind: str = Field(description="reward | penalty")
    type: str = Field(description="bonus | certificate | promotion | warning | fine | demotion")
    amount: float | None = Field(description="Money, in 元")
    period: str
    basis: str
    status: str = Field(description="proposed | confirmed | dismissed")
    proposed: dict[str, Any] | None = Field(description="What the scale proposed, when the assessor changed it")
    reason: str
    decided_by: str | None
    decided_at: str | None
    version: int


EMITS: dict[str, type[EventData]] = {
    # comments on records (issue 23): people mentioned are told
    "kpi.comment.mentioned": CommentMentionedData,
    "kpi.threshold.crossed": ThresholdCrossedData,
    "kpi.action.created": ActionData,
    "kpi.action.completed": ActionData,
    "kpi.action.verified": ActionData,
    "kpi.action.overdue": ActionData,
    "kpi.followup.requested": FollowupRequestedData,
    "kpi.assessment.finalized": AssessmentFinalizedData,
    "kpi.action.cancelled": ActionData,
    "kpi.finding.raised": FindingData,
    "kpi.finding.closed": FindingData,
    "kpi.finding.withdrawn": FindingData,
    # special audits
    "kpi.audit.created": AuditData,
    "kpi.audit.noticed": AuditData,
    "kpi.audit.fieldwork_started": AuditData,
    "kpi.audit.draft_issued": AuditData,
    "kpi.audit.responded": AuditData,
    "kpi.audit.finalised": AuditData,
    # inspections (实地检查)
    "kpi.inspection.scheduled": InspectionData,
    "kpi.inspection.submitted": InspectionData,
    "kpi.inspection.cancelled": InspectionData,
    "kpi.budget.changed": BudgetChangedData,
    "kpi.budget.overrun": BudgetOverrunData,
    # sanctions (奖惩)
    "kpi.sanction.proposed": SanctionData,
    "kpi.sanction.confirmed": SanctionData,
    "kpi.sanction.dismissed": SanctionData,
}


# --- consumed --------------------------------------------------------------------------------

class PlanTargetView(EventView):
    indicator_code: str | None = None
    value: float | None = None
    period: str | None = None


class PlanIssuedView(EventView):
    """What kpi reads of ``planning.plan.issued`` / ``.revised``: the plan's unit, period and targets."""

    plan_id: int
    version: int | None = None
    unit_id: int
    unit_path: str | None = None
    period: str
    title: str | None = None
    targets: list[PlanTargetView] | None = None


class UnitMovedView(EventView):
    """What kpi reads of ``org.unit.moved``: the subtree's old and new paths."""

    old_path: str | None = None
    new_path: str | None = None


class PlanResourceView(EventView):
    kind: str | None = None
    description: str | None = None
    amount: float | None = None
    amount_unit: str | None = None
    budget_item: str | None = None
    id: int | None = None


class PlanBudgetView(EventView):
    """What budgets read of ``planning.plan.issued`` / ``.revised``: the plan's unit, period and resource lines."""

    plan_id: int
    version: int | None = None
    unit_id: int
    unit_path: str | None = None
    period: str
    title: str | None = None
    resources: list[PlanResourceView] | None = None


class ProposalRewardedView(EventView):
    """What kpi reads of ``planning.proposal.rewarded``: a proposal reward, recorded as an innovation reward.
    ``proposer`` is null for an anonymous proposal: the register then names nobody."""

    proposal_id: int
    title: str
    unit_id: int
    unit_path: str
    anonymous: bool
    proposer: str | None = None
    actor: str | None = None
    level_name: str
    amount: float | None = None


class StaffingMeasuredView(EventView):
    """What kpi reads of org's ``org.staffing.measured``: the unit, the month and its spare-staff ratio (备员率)."""

    unit_id: int
    period: str
    spare_ratio: float | None = None
class TrainingMeasuredView(EventView):
    """What kpi reads of org's ``org.training.measured``: a unit's training completion rate for a month, computed
    by org from its training records (ingested as ``training_completion``, source org)."""

    unit_id: int
    period: str
    required: int
    rate: float
