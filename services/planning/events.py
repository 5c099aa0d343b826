"""The events planning records (EMITS) and the ones it handles (CONSUMES).

Every ``planning.plan.*`` event carries the plan as it stands after the action (:class:`PlanStep`),
with who submitted it and the stage it now waits on (so the stage's holders can be told and chased);
the events that bring a version into force (issued, revised) add its targets, which kpi turns
into its own targets.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from services.common.comments import CommentMentionedData
from services.common.contracts import Emits, EventData, EventView

# --- what planning emits ----------------------------------------------------------------------


class WaitingStage(EventData):
    """The approval stage a plan waits on: who may sign it (holders of ``right`` over ``unit_path``,
    held at ``held_at`` when set) and how long they have."""

    index: int = Field(description="The stage's position in the flow, from 0")
    key: str
    name: str
    right: str = Field(description="The right a signer holds over unit_path")
    unit_path: str = Field(description="The unit the right must cover (the plan's unit, its parent or the company)")
    held_at: str | None = Field(description="Where the grant must be held (a unit path), or null for anywhere")
    signers: Literal["any", "all"] = Field(description="any: one holder signs (或签); all: every holder (会签)")
    time_limit_days: int | None = Field(description="Working days the signers have; null: the company's default")
    pending_signers: list[str] = Field(
        description="Who the stage waits on by name (user ids as text): for all (会签) those who have still "
                    "to sign; for any (或签) the named signer after a transfer (转办) or an added signer (加签), "
                    "else empty (any holder signs)")


class PlanStep(EventData):
    """A step of a plan's approval flow: the plan after it, who took it and their comment, who submitted
    the revision and the stage the plan now waits on."""

    plan_id: int
    revision: int = Field(description="The revision the step belongs to")
    unit_id: int
    unit_path: str
    period: str
    kind: str = Field(description="annual | quarterly | monthly")
    title: str
    status: str = Field(description="The plan's status after the step")
    actor: str = Field(description="Who took the step (token subject)")
    comment: str
    submitted_by: str | None = Field(
        description="Who submitted the revision (token subject); null for a revision never submitted")
    waiting: WaitingStage | None = Field(
        description="The stage the plan now waits on: {index, key, name, right, unit_path, held_at, signers "
                    "(any|all), time_limit_days (working days, null: the company's default), pending_signers (user "
                    "ids as text: 会签's signers left, or 或签's named signer)}; null when it waits on none "
                    "(approved and waiting to be issued, returned, vetoed, issued)")


class PlanSubmittedData(PlanStep):
    """A draft or returned plan went into review."""


class PlanStageAdvancedData(PlanStep):
    """A stage other than the last approved the plan: it moves on to the next stage (``waiting``)."""


class PlanCountersignedData(PlanStep):
    """One signer of a stage every holder signs (会签) signed; ``waiting.pending_signers`` are those left."""


class PlanApprovedData(PlanStep):
    """The last stage approved the plan: it waits to be issued or published."""


class PlanReturnedData(PlanStep):
    """A reviewer sent the plan back to its owners; the comment says what must change."""


class PlanVetoedData(PlanStep):
    """A plan never issued was vetoed (否决): it ends; the comment is the reason."""


class PlanRevisionVetoedData(PlanStep):
    """A revision (计划调整) was vetoed: the version in force stays in force. No targets: nothing
    downstream takes it for a change of what is in force."""

    vetoed_revision: int
    in_force_revision: int


# --- approval controls (issue 23) --------------------------------------------------------------


class PlanWithdrawnData(PlanStep):
    """撤回: the submitter took the plan back to draft before anyone acted on it; ``left`` is the stage it no
    longer waits on (its holders may be told)."""

    left: WaitingStage | None = Field(description="The stage the plan waited on when withdrawn")


class PlanTransferredData(PlanStep):
    """转办: a signer handed their pending signature on the current stage to ``to_user``, who holds the same
    requirement; ``waiting.pending_signers`` now name them (或签: alone)."""

    to_user: str = Field(description="Who signs instead (user id as text)")
    to_name: str
    from_name: str
    reason: str


class PlanSignerAddedData(PlanStep):
    """加签: ``user_id`` was added to the current stage, before its adder (acts now) or after (acts once the
    adder signed). Advisory: they hold only 建议权 and give an opinion."""

    user_id: str
    user_name: str
    position: Literal["before", "after"]
    advisory: bool
    added_by_name: str


class PlanSignerDueData(PlanStep):
    """The current stage now waits on ``to_users``: an added signer after their adder signed (``after``), or
    the adder once everyone added before them acted (``back``)."""

    to_users: list[str] = Field(description="User ids (as text) who must act now")
    reason: Literal["after", "back"]


class PlanCopiedData(PlanStep):
    """抄送: people were copied on the plan (by its submitter, or by a stage's cc when reached); they may read
    it and take no decision."""

    user_ids: list[str] = Field(description="Who was copied (user ids as text)")
    user_names: list[str]
    source: Literal["submitter", "stage"]
    stage_key: str | None = Field(description="The stage whose cc copied them (source stage)")


class TargetInForce(EventData):
    indicator_code: str
    value: float
    unit: str
    aggregation: str = Field(description="How child units' values combine: sum | avg")


class ResourceInForce(EventData):
    id: int
    kind: str = Field(description="people 人力 | material 物力 | budget 财力")
    description: str
    quantity: float | None
    unit: str = Field(description="The quantity's unit (人, 台 …)")
    amount: float | None = Field(description="Money, in amount_unit")
    amount_unit: str = Field(description="元 | 万元")
    budget_item: str | None = Field(description="A budget line's item code in the company's chart; null: other")


class PlanIssuedData(PlanStep):
    """The plan's first revision came into force (issued, or published for monthly plans).

    Issued and revised plans carry their targets, so kpi keeps its own copy of them (with history), and their
    resource lines (people, material, budget) as they are in force.
    """

    version: int = Field(description="The revision now in force")
    targets: list[TargetInForce]
    resources: list[ResourceInForce] = Field(default_factory=list)


class BalancedTarget(EventData):
    indicator_code: str
    before: float
    after: float


class PlanRevisedData(PlanIssuedData):
    """A later revision came into force: issued after a 计划调整, or a balancing adjustment (综合平衡)
    applied to a plan in force."""

    balanced: BalancedTarget | None = Field(
        None, exclude_if=lambda value: value is None,
        description="Only for a balancing adjustment: the target that changed (absent otherwise)")


class TaskDispatchedData(EventData):
    """调度: a task's owner, unit or deadline was changed by a holder of the dispatch right."""

    task_id: int
    plan_id: int
    owner_id: int | None
    owner_name: str
    unit_id: int | None
    due: str | None = Field(description="ISO date")
    comment: str
    title: str
    unit_path: str = Field(description="The path of the task's unit (its plan's unit when it has none of its own)")


class TaskCompletedData(EventData):
    """A task became finished (done, or cancelled): said once each time it moves from unfinished to finished."""

    task_id: int
    plan_id: int
    title: str
    owner_id: int | None
    unit_id: int = Field(description="The task's unit (its plan's unit when it has none of its own)")
    unit_path: str
    status: Literal["done", "cancelled"]
    completed_at: str = Field(description="When it was finished (ISO time, UTC)")


class TaskOverdueData(EventData):
    """A task of a live plan passed its due date unfinished (said once per task and deadline)."""

    task_id: int
    plan_id: int
    title: str
    owner_id: int | None
    due: str = Field(description="ISO date")
    unit_id: int
    unit_path: str | None


# --- process optimisation projects (流程优化项目) -------------------------------------------------


class ImprovementProjectData(EventData):
    """A process optimisation project as it stands after the step."""

    project_id: int
    unit_id: int
    unit_path: str
    title: str
    owner_id: int | None
    owner_name: str
    origin: Literal["proposal", "finding", "manual"] = Field(description="What started it")
    links: list[str] = Field(description='What it links to: "planning:proposal:<id>", "kpi:finding:<id>", or a '
                                         'manual reference')
    stage: str = Field(description="research | diagnosis | proposal | evaluation | implementation | review")
    cycle: int = Field(description="1 at the start; a review that reopens the project starts the next cycle")
    next_review: str | None = Field(description="ISO date of the next periodic review (in review only)")
    actor: str = Field(description="Who took the step (token subject); the scan's steps say 'system'")


class ImprovementStartedData(ImprovementProjectData):
    """A project was started: from an adopted proposal, from a finding, or by hand."""


class ImprovementStageAdvancedData(ImprovementProjectData):
    """The project moved to its next stage (``stage``); from implementation it enters periodic review."""

    from_stage: str
    comment: str


class ImprovementReviewedData(ImprovementProjectData):
    """A periodic review was recorded: effective or needs_adjustment set the next review date; reopen sends
    the project back to research for a new cycle."""

    outcome: Literal["effective", "needs_adjustment", "reopen"]
    note: str


class ImprovementReviewDueData(ImprovementProjectData):
    """A project's periodic review date came without a review (said once per review date)."""

    due: str = Field(description="ISO date the review was due")



# --- improvement proposals (合理化建议) --------------------------------------------------------


class ProposalState(EventData):
    """An improvement proposal after a step. ``proposer`` is null for an anonymous proposal: its
    proposer is never told to anyone else, events included."""

    proposal_id: int
    title: str
    unit_id: int
    unit_path: str
    category: str | None
    anonymous: bool
    proposer: str | None = Field(description="Who proposed it (token subject); null when anonymous")
    status: str = Field(description="in_review | adopted | partly | declined | implemented | rewarded")
    actor: str | None = Field(description="Who took the step (token subject); null for an anonymous submission")
    waiting: WaitingStage | None = Field(
        description="The review stage it now waits on (signers any; no time limit: null); null once decided")


class ProposalSubmittedData(ProposalState):
    """A proposal was submitted to the unit owning the process; it waits on the first review stage."""


class ProposalDecidedData(ProposalState):
    """A review stage decided: adopt or partly (采纳 / 部分采纳) at a stage before the last moves it on
    (``waiting``); at the last stage, or decline at any, it is the decision."""

    decision: Literal["adopt", "partly", "decline"]
    reason: str
    final: bool = Field(description="True when this is the proposal's decision (no stage left to wait on)")
    project_id: int | None = Field(description="The process optimisation project it started (adopt or partly)")


class ProposalRewardedData(ProposalState):
    """A reward by the company's scale was granted to the proposer."""

    level: str = Field(description="The reward level's key")
    level_name: str
    points: int | None
    amount: float | None = Field(description="Money, in 元")

EMITS: Emits = {
    # comments on records (issue 23): people mentioned are told
    "planning.comment.mentioned": CommentMentionedData,
    "planning.plan.submitted": PlanSubmittedData,
    "planning.plan.stage_advanced": PlanStageAdvancedData,
    "planning.plan.countersigned": PlanCountersignedData,
    "planning.plan.approved": PlanApprovedData,
    "planning.plan.returned": PlanReturnedData,
    "planning.plan.vetoed": PlanVetoedData,
    "planning.plan.revision_vetoed": PlanRevisionVetoedData,
    "planning.plan.issued": PlanIssuedData,
    "planning.plan.revised": PlanRevisedData,
    "planning.plan.withdrawn": PlanWithdrawnData,
    "planning.plan.transferred": PlanTransferredData,
    "planning.plan.signer_added": PlanSignerAddedData,
    "planning.plan.signer_due": PlanSignerDueData,
    "planning.plan.copied": PlanCopiedData,
    "planning.task.dispatched": TaskDispatchedData,
    "planning.task.overdue": TaskOverdueData,
    "planning.task.completed": TaskCompletedData,
    # process optimisation projects
    "planning.improvement.started": ImprovementStartedData,
    "planning.improvement.stage_advanced": ImprovementStageAdvancedData,
    "planning.improvement.reviewed": ImprovementReviewedData,
    "planning.improvement.review_due": ImprovementReviewDueData,
    # improvement proposals
    "planning.proposal.submitted": ProposalSubmittedData,
    "planning.proposal.decided": ProposalDecidedData,
    "planning.proposal.rewarded": ProposalRewardedData,
}


# --- what planning consumes -------------------------------------------------------------------


class FollowupRequested(EventView):
    """kpi's ``kpi.followup.requested``: an anomaly rule asks for a meeting item (the fields read here)."""

    unit_id: int
    indicator_code: str
    indicator_name: str | None = None  # events from before kpi sent it carry the code only
    title: str | None = None
    value: int | float | None = None  # as kpi sent it: 7 reads "7", not "7.0"
    period: str | None = None
    owner_name: str | None = None
    action_id: int | None = None
