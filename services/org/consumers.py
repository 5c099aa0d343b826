"""What org does on other services' events: it tells the people they concern (org consumes nothing that
would change the org tree: every other service follows org)."""

from __future__ import annotations

from services.common.contracts import Consumer
from services.org.events import (
    ActionView,
    AlertRaisedView,
    PlanResourcesView,
    PlanStepView,
    TaskCompletedView,
    TaskDispatchedView,
    TaskOverdueView,
)
from services.org.notifications import from_events
from services.org.staffing import from_plans

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
    # staffing (issue 20): the people lines of plans in force are the units' planned headcount
    Consumer("planning.plan.issued", from_plans.on_plan_in_force, reads=PlanResourcesView,
             summary="An issued plan's people (人力) lines become its unit's planned headcount for the period"),
    Consumer("planning.plan.revised", from_plans.on_plan_in_force, reads=PlanResourcesView,
             summary="A revised plan's people lines replace the planned headcount of its earlier revisions"),
]
