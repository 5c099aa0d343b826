"""What org does on other services' events: it tells the people they concern (org consumes nothing that
would change the org tree: every other service follows org)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.contracts import Consumer
from services.org.events import (
    ActionView,
    AlertRaisedView,
    AssessmentFinalizedView,
    PlanStepView,
    TaskCompletedView,
    TaskDispatchedView,
    TaskOverdueView,
)
from services.org.notifications import from_events
from services.org.training.service import need_from_assessment


async def on_assessment_finalized(session: AsyncSession, event: dict[str, Any]) -> None:
    """A person's finalised assessment with a low result becomes their training need (培训需求)."""
    a = AssessmentFinalizedView.model_validate(event["data"])
    if a.subject_kind == "person":
        await need_from_assessment(session, assessment_id=a.id, person_id=a.person_id, unit_id=a.unit_id,
                                   period=a.period, total=a.total, grade=a.grade, vetoed=a.vetoed)


CONSUMES: list[Consumer] = [
    Consumer("planning.plan.*", from_events.on_plan_step, reads=PlanStepView,
             summary="The stage a plan waits on is watched and its holders told; decisions reach the submitter"),
    Consumer("planning.task.dispatched", from_events.on_task_dispatched, reads=TaskDispatchedView,
             summary="A dispatched task's owner is told; the task is watched to its due date"),
    Consumer("planning.task.overdue", from_events.on_task_overdue, reads=TaskOverdueView,
             summary="An overdue task's owner is told; its watch escalates to the next level up"),
    Consumer("planning.task.completed", from_events.on_task_completed, reads=TaskCompletedView,
             summary="A finished task is no longer watched"),
    Consumer("kpi.action.*", from_events.on_action, reads=ActionView,
             summary="An action's owner is told and it is watched; done, its raiser is asked to verify"),
    Consumer("risk.alert.raised", from_events.on_alert_raised, reads=AlertRaisedView,
             summary="A KRI alert reaches the unit's heads, the risk's owner and the unit's group robots"),
    # training (issue 20)
    Consumer("kpi.assessment.finalized", on_assessment_finalized, reads=AssessmentFinalizedView,
             summary="A person's low assessment result (vetoed or below 60) becomes a training need"),
]
