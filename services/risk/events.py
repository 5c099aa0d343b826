"""The risk service's events: what it records (EMITS) and what it consumes (CONSUMES).

Subject: the risk id (assessments, levels) or the alert id (alerts); the envelope's ``unit_path`` is
the risk's or the KRI's unit. The event catalogue (docs/events.md) lists them.
"""

from __future__ import annotations

from datetime import datetime

from services.common.comments import CommentMentionedData
from services.common.contracts import EventData, EventView

# ---- emitted


class RiskAssessedData(EventData):
    """``risk.assessed``: a risk was scored under the matrix in force."""

    risk_id: int
    assessment_id: int
    title: str
    category: str
    unit_id: int
    unit_path: str
    kind: str  # inherent | residual
    likelihood: int
    impact: int
    score: int
    level: str
    level_label: str
    previous_level: str | None
    matrix_id: int
    owner_id: int | None
    plan_id: int | None
    assessed_at: str  # ISO 8601, as Python writes it (2026-11-02T08:00:00.123456+00:00)


class RiskLevelChangedData(EventData):
    """``risk.level.changed``: an assessment moved the risk's level (also the first one, from null)."""

    risk_id: int
    title: str
    unit_id: int
    unit_path: str
    kind: str
    score: int
    level: str
    previous_level: str | None
    owner_id: int | None
    plan_id: int | None


class AlertData(EventData):
    """The fields every alert event carries."""

    alert_id: int
    risk_id: int
    risk_title: str
    kri_id: int
    indicator_code: str
    unit_id: int
    unit_path: str
    owner_id: int | None
    level: str  # warning | critical
    value: float
    threshold: float
    period: str
    source: str  # kri | kpi
    status: str
    raised_at: str  # ISO 8601, as Python writes it


class AlertRaisedData(AlertData):
    """``risk.alert.raised``: a KRI's period crossed to warning or critical (raised, escalated or re-opened)."""

    reopened: bool
    escalated: bool
    previous_level: str


class AlertAcknowledgedData(AlertData):
    """``risk.alert.acknowledged``."""

    acknowledged_by: str
    note: str


class AlertResolvedData(AlertData):
    """``risk.alert.resolved``."""

    resolved_by: str
    note: str


EMITS: dict[str, type[EventData]] = {
    # comments on records (issue 23): people mentioned are told
    "risk.comment.mentioned": CommentMentionedData,
    "risk.assessed": RiskAssessedData,
    "risk.level.changed": RiskLevelChangedData,
    "risk.alert.raised": AlertRaisedData,
    "risk.alert.acknowledged": AlertAcknowledgedData,
    "risk.alert.resolved": AlertResolvedData,
}


# ---- consumed


class ThresholdCrossedView(EventView):
    """What risk reads of ``kpi.threshold.crossed``: the value kpi measured and the level it gives."""

    indicator_code: str
    unit_id: int
    period: str
    # kpi sends null when a raised level is lifted because the unit no longer has thresholds and
    # the period has no value: there is then nothing to give a KRI
    value: float | None
    level: str
    threshold: float | None = None  # kpi may have no threshold value for a target-relative rule
    measured_at: datetime


class FindingRiskView(EventView):
    category: str | None = None
    risk_id: int | None = None
    likelihood: int
    impact: int


class FindingRaisedView(EventView):
    """What risk reads of ``kpi.finding.raised``: the finding, and what it asks of the register (if anything)."""

    id: int
    source: str
    unit_id: int
    unit_path: str
    title: str
    description: str
    raised_by: str
    raised_by_name: str = ""
    risk: FindingRiskView | None = None
