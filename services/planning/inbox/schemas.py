"""What the inbox answers: open suggestions with their plan, and plans to rework with the decision."""

from __future__ import annotations

from datetime import datetime

from services.planning.approvals.schemas import SuggestionRead
from services.planning.plans.schemas import PlanSummary


class SuggestionToAnswer(SuggestionRead):
    """An open suggestion with the plan it is on, so the reader knows where to answer it."""

    plan_title: str
    plan_unit_id: int
    plan_period: str
    plan_status: str


class PlanToRework(PlanSummary):
    """A returned or vetoed plan with who decided so, when and why."""

    decided_by_name: str = ""
    decided_at: datetime | None = None
    reason: str = ""
