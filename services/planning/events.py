"""The events planning records (EMITS) and the ones it handles (CONSUMES).

Every ``planning.plan.*`` event carries the plan as it stands after the action (:class:`PlanStep`);
the events that bring a version into force (issued, revised) add its targets, which kpi turns
into its own targets.
"""

from __future__ import annotations

from pydantic import Field

from services.common.contracts import Emits, EventData, EventView

# --- what planning emits ----------------------------------------------------------------------


class PlanStep(EventData):
    """A step of a plan's approval flow: the plan after it, who took it and their comment."""

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


class PlanSubmittedData(PlanStep):
    """A draft or returned plan went into review."""


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


class TargetInForce(EventData):
    indicator_code: str
    value: float
    unit: str
    aggregation: str = Field(description="How child units' values combine: sum | avg")


class PlanIssuedData(PlanStep):
    """The plan's first revision came into force (issued, or published for monthly plans).

    Issued and revised plans carry their targets, so kpi keeps its own copy of them (with history).
    """

    version: int = Field(description="The revision now in force")
    targets: list[TargetInForce]


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


class TaskOverdueData(EventData):
    """A task of a live plan passed its due date unfinished (said once per task and deadline)."""

    task_id: int
    plan_id: int
    title: str
    owner_id: int | None
    due: str = Field(description="ISO date")
    unit_id: int
    unit_path: str | None


EMITS: Emits = {
    "planning.plan.submitted": PlanSubmittedData,
    "planning.plan.approved": PlanApprovedData,
    "planning.plan.returned": PlanReturnedData,
    "planning.plan.vetoed": PlanVetoedData,
    "planning.plan.revision_vetoed": PlanRevisionVetoedData,
    "planning.plan.issued": PlanIssuedData,
    "planning.plan.revised": PlanRevisedData,
    "planning.task.dispatched": TaskDispatchedData,
    "planning.task.overdue": TaskOverdueData,
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
