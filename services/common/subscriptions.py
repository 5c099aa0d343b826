"""Which service consumes which events: configuration in one place, not code in services.

Patterns use ``*`` for one or more dot-separated parts (``org.unit.*``). Deployments
may replace the table with ``YUNGUAN_SUBSCRIPTIONS`` (JSON of the same shape).
"""

from __future__ import annotations

import fnmatch
import json
import os

INTERNAL_SUBSCRIPTIONS: dict[str, list[str]] = {
    # every service keeps a read-model of the org tree
    "org.unit.*": ["planning", "kpi", "risk"],
    # issued and revised plans become KPI targets
    "planning.plan.issued": ["kpi"],
    "planning.plan.revised": ["kpi"],
    # KPIs crossing warning values raise risk alerts
    "kpi.threshold.crossed": ["risk"],
    # inspection and audit findings may raise or re-assess a risk
    "kpi.finding.raised": ["risk"],
    # proposal rewards granted in planning join kpi's register of rewards and penalties (奖惩)
    "planning.proposal.rewarded": ["kpi"],
    # anomaly rules ask for weekly-meeting items
    "kpi.followup.requested": ["planning"],
    # org tells people what waits on them, reminds and escalates (notifications, issue 17)
    "planning.plan.*": ["org"],
    "planning.task.*": ["org"],
    "kpi.action.*": ["org"],
    "risk.alert.*": ["org"],
    # ... and when a supervision or improvement step waits on them (issue 19)
    "kpi.inspection.*": ["org"],
    "kpi.audit.noticed": ["org"],
    "kpi.audit.draft_issued": ["org"],
    "kpi.audit.responded": ["org"],
    "kpi.audit.finalised": ["org"],
    "planning.proposal.*": ["org"],
    "planning.improvement.review_due": ["org"],
    # ... and when a comment on a record mentions them (issue 23)
    "planning.comment.mentioned": ["org"],
    "kpi.comment.mentioned": ["org"],
    "risk.comment.mentioned": ["org"],
    # people against plan (人员编制, issue 20): the spare-staff ratio becomes a KPI
    "org.staffing.measured": ["kpi"],
    # training (issue 20): completion rates become kpi's training_completion; low assessment results training needs
    "org.training.measured": ["kpi"],
    "kpi.assessment.finalized": ["org"],
}


def matches(pattern: str, event_type: str) -> bool:
    return fnmatch.fnmatchcase(event_type, pattern)


def matches_any(patterns: list[str], event_type: str) -> bool:
    return any(matches(p, event_type) for p in patterns)


def subscriptions() -> dict[str, list[str]]:
    raw = os.environ.get("YUNGUAN_SUBSCRIPTIONS")
    return json.loads(raw) if raw else INTERNAL_SUBSCRIPTIONS


def consumers_of(event_type: str, *, source: str, table: dict[str, list[str]] | None = None) -> list[str]:
    """Services that subscribed to ``event_type`` (a service never receives its own events)."""
    out: list[str] = []
    for pattern, services in (table or subscriptions()).items():
        if matches(pattern, event_type):
            out.extend(s for s in services if s != source and s not in out)
    return out
