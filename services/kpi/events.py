"""The kpi service's events: what it records (EMITS) and what it consumes (CONSUMES).

Payloads are the JSON each producer recorded before they were typed: timestamps and dates
are the strings the producers wrote (``due`` as an ISO date, ``measured_at`` and the
``*_at`` of actions and assessments as ISO timestamps).
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import Field

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


EMITS: dict[str, type[EventData]] = {
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


class TrainingMeasuredView(EventView):
    """What kpi reads of org's ``org.training.measured``: a unit's training completion rate for a month, computed
    by org from its training records (ingested as ``training_completion``, source org)."""

    unit_id: int
    period: str
    required: int
    rate: float
