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
    AuditView,
    CommentMentionedView,
    ImprovementReviewDueView,
    InspectionView,
    PlanCopiedView,
    PlanResourcesView,
    PlanSignerAddedView,
    PlanSignerDueView,
    PlanStepView,
    PlanTransferredView,
    PlanWithdrawnView,
    ProposalDecidedView,
    ProposalRewardedView,
    ProposalView,
    TaskCompletedView,
    TaskDispatchedView,
    TaskOverdueView,
)
from services.org.notifications import from_events
from services.org.staffing import from_plans
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
    # approval controls (issue 23): each tells the people it names (on_plan_step leaves them alone)
    *(Consumer(f"planning.plan.{step}", from_events.on_plan_control, reads=view, summary=summary)
      for step, view, summary in (
          ("withdrawn", PlanWithdrawnView, "The stage's watch closes; whoever it waited on hears it was withdrawn"),
          ("transferred", PlanTransferredView, "The transferee is told 待您审批 with the reason; the watch is on them"),
          ("signer_added", PlanSignerAddedView, "The added signer is told (待您审批, or asked for an opinion)"),
          ("signer_due", PlanSignerDueView, "Whoever the stage now waits on is told 待您审批"),
          ("copied", PlanCopiedView, "The people copied are told 抄送给您"))),
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
    # supervision and improvement (issue 19)
    *(Consumer(f"kpi.inspection.{step}", from_events.on_inspection, reads=InspectionView, summary=summary)
      for step, summary in (
          ("scheduled", "The inspector position's holders are told; each is watched to the due date"),
          ("submitted", "A submitted inspection is no longer watched"),
          ("cancelled", "A cancelled inspection is no longer watched"))),
    *(Consumer(f"kpi.audit.{step}", from_events.on_audit, reads=AuditView, summary=summary)
      for step, summary in (
          ("noticed", "The heads of every audited unit hear of the audit"),
          ("draft_issued", "The first audited unit's planners are asked to respond, watched to response_due"),
          ("responded", "The response is in: its watch closes"),
          ("finalised", "The response watch closes; the first audited unit's planners hear the final report is out"))),
    Consumer("planning.proposal.submitted", from_events.on_proposal_submitted, reads=ProposalView,
             summary="The holders of the first review stage's right are told"),
    Consumer("planning.proposal.decided", from_events.on_proposal_decided, reads=ProposalDecidedView,
             summary="Moved on: the next stage's holders are told; decided: the named proposer (never an "
                     "anonymous one)"),
    Consumer("planning.proposal.rewarded", from_events.on_proposal_rewarded, reads=ProposalRewardedView,
             summary="The named proposer hears of the reward (an anonymous one is told nothing)"),
    Consumer("planning.improvement.review_due", from_events.on_improvement_review_due,
             reads=ImprovementReviewDueView, summary="The project's owner hears its periodic review is due"),
    # comments on records (issue 23)
    *(Consumer(f"{source}.comment.mentioned", from_events.on_comment_mentioned, reads=CommentMentionedView,
               summary="Each person a comment mentions is told, with the record's link")
      for source in ("planning", "kpi", "risk")),
    # staffing (issue 20): the people lines of plans in force are the units' planned headcount
    Consumer("planning.plan.issued", from_plans.on_plan_in_force, reads=PlanResourcesView,
             summary="An issued plan's people (人力) lines become its unit's planned headcount for the period"),
    Consumer("planning.plan.revised", from_plans.on_plan_in_force, reads=PlanResourcesView,
             summary="A revised plan's people lines replace the planned headcount of its earlier revisions"),
    # training (issue 20)
    Consumer("kpi.assessment.finalized", on_assessment_finalized, reads=AssessmentFinalizedView,
             summary="A person's low assessment result (vetoed or below 60) becomes a training need"),
]
