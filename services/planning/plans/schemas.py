"""Plans' request and response bodies (public contract: extend, don't rename)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.common.api import RequestBody
from services.common.i18n import InvalidValue
from services.planning.approvals.schemas import CcRead, StageRead
from services.planning.consolidation.schemas import AdjustmentRead, ConsolidationLine
from services.planning.plans.periods import PlanPeriod


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Milestone(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    due: date
    done: bool = False


class TargetIn(RequestBody):
    indicator_code: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    value: float
    unit: str = Field("", max_length=30)
    aggregation: Literal["sum", "avg"] = "sum"
    note: str = Field("", max_length=1000)


class TaskIn(RequestBody):
    title: str = Field(min_length=1, max_length=300)
    measures: str = Field("", max_length=4000)
    owner_id: int | None = None
    owner_name: str = Field("", max_length=100)
    unit_id: int | None = None
    start: date | None = None
    due: date | None = None
    milestones: list[Milestone] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dates(self) -> TaskIn:
        if self.start and self.due and self.due < self.start:
            raise InvalidValue("due must not be before start", "完成时间不能早于开始时间")
        return self


MoneyUnit = Literal["元", "万元"]


YUAN_PER = {"元": 1, "万元": 10_000}


def in_yuan(amount: float | None, unit: str) -> float | None:
    return None if amount is None else amount * YUAN_PER.get(unit, 1)


class ResourceIn(RequestBody):
    kind: Literal["people", "material", "budget"]
    description: str = Field(min_length=1, max_length=1000)
    quantity: float | None = Field(None, ge=0)
    unit: str = Field("", max_length=30, description="The quantity's unit (人, 台 …); money goes in amount")
    amount: float | None = Field(None, ge=0, description="Money, in amount_unit")
    amount_unit: MoneyUnit = Field("元", description="元 or 万元 (ten thousand 元): 120 万元 is 1,200,000 元")
    budget_item: str | None = Field(None, min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$",
                                    description="For a budget line: the code of its item in the company's chart of "
                                                "budget items (人工成本, 材料费 …); left out, it counts as other")

    @model_validator(mode="after")
    def _item_only_for_budget(self) -> ResourceIn:
        if self.budget_item is not None and self.kind != "budget":
            raise InvalidValue("budget_item is for budget lines only", "只有预算类资源才填写预算科目")
        return self


def _risk_ids(ids: list[int] | None) -> list[int] | None:
    """Positive ids, each once, in the order given (the register lives in the risk service)."""
    if ids is None:
        return None
    if any(i <= 0 for i in ids):
        raise InvalidValue("risk ids are positive integers", "关联风险的编号应为正整数")
    return list(dict.fromkeys(ids))


def _unique_codes(targets: list[TargetIn]) -> list[TargetIn]:
    codes = [t.indicator_code for t in targets]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise InvalidValue(f"each indicator may have one target; repeated: {', '.join(dupes)}",
                           f"每个指标只能有一个目标；重复的指标：{'、'.join(dupes)}")
    return targets


class PlanCreate(RequestBody):
    unit_id: int
    period: PlanPeriod
    title: str = Field(min_length=1, max_length=300)
    parent_plan_id: int | None = None
    guidance: str = Field("", max_length=10000)
    risk_notes: str = Field("", max_length=10000)
    targets: list[TargetIn] = Field(default_factory=list, max_length=200)
    tasks: list[TaskIn] = Field(default_factory=list, max_length=500)
    resources: list[ResourceIn] = Field(default_factory=list, max_length=200)
    linked_risks: list[int] = Field(default_factory=list, max_length=50,
                                    description="Ids of risks in the risk register this plan responds to")

    _targets = field_validator("targets")(lambda cls, v: _unique_codes(v))
    _risks = field_validator("linked_risks")(lambda cls, v: _risk_ids(v))


class PlanUpdate(RequestBody):
    title: str | None = Field(None, min_length=1, max_length=300)
    guidance: str | None = Field(None, max_length=10000)
    risk_notes: str | None = Field(None, max_length=10000)
    targets: list[TargetIn] | None = Field(None, max_length=200)
    tasks: list[TaskIn] | None = Field(None, max_length=500)
    resources: list[ResourceIn] | None = Field(None, max_length=200)
    linked_risks: list[int] | None = Field(None, max_length=50)

    _targets = field_validator("targets")(lambda cls, v: v if v is None else _unique_codes(v))
    _risks = field_validator("linked_risks")(lambda cls, v: _risk_ids(v))


class TargetRead(ORM):
    id: int
    indicator_code: str
    value: float
    unit: str
    aggregation: str
    note: str


class TaskRead(ORM):
    id: int
    plan_id: int
    title: str
    measures: str
    owner_id: int | None
    owner_name: str
    unit_id: int | None
    start: date | None
    due: date | None
    milestones: list[dict[str, Any]]
    status: str
    progress: float
    source: str
    overdue: bool = False
    overdue_milestones: list[str] = []
    plan_title: str = ""
    plan_unit_id: int | None = None
    version: int


class ResourceRead(ORM):
    id: int
    kind: str
    description: str
    quantity: float | None
    unit: str
    amount: float | None = Field(description="Money, in amount_unit, as entered")
    amount_unit: MoneyUnit = "元"
    amount_yuan: float | None = Field(None, description="The same amount in 元")
    budget_item: str | None = None

    @model_validator(mode="after")
    def _yuan(self) -> ResourceRead:
        self.amount_yuan = in_yuan(self.amount, self.amount_unit)
        return self


class PlanSummary(ORM):
    id: int
    unit_id: int
    period: str
    kind: str
    title: str
    parent_plan_id: int | None
    status: str
    revision: int
    in_force_revision: int | None = Field(None, description="The issued or published revision in force (None until "
                                                            "first issued); while a newer revision is drafted, "
                                                            "reviewed or returned, this one still applies")
    stage_index: int | None
    created_by: str
    submitted_by: str | None
    created_at: datetime
    updated_at: datetime
    issued_at: datetime | None
    version: int


class InForceRead(BaseModel):
    """The version in force while the plan shows a newer revision being worked on."""

    revision: int
    status: str
    snapshot: dict[str, Any]
    issued_at: datetime | None


class RejectedRevision(BaseModel):
    """A revision (计划调整) that was vetoed: it never came into force."""

    revision: int
    reason: str
    actor_name: str
    at: datetime
    snapshot: dict[str, Any] = {}


class PlanRead(PlanSummary):
    guidance: str
    risk_notes: str
    linked_risks: list[int] = []
    inherited_guidance: list[dict[str, Any]] = []
    targets: list[TargetRead] = []
    tasks: list[TaskRead] = []
    resources: list[ResourceRead] = []
    budget_total: float = Field(0.0, description="The budget lines' amounts summed, in 元")
    stages: list[StageRead] = []
    open_suggestions: int = 0
    allowed_actions: list[str] = []
    in_force: InForceRead | None = Field(None, description="Set while the plan shows a revision that is not in force")
    rejected_revisions: list[RejectedRevision] = []
    adjustments: list[AdjustmentRead] = Field([], description="Balancing adjustments (综合平衡) of this plan's targets")
    cc: list[CcRead] = Field([], description="Who is copied on the plan (抄送): they may read it, nothing more")


class ActionRead(ORM):
    id: int
    revision: int
    action: str
    stage_key: str | None
    actor: str
    actor_name: str
    comment: str
    from_status: str
    to_status: str
    grant: dict[str, Any] | None
    at: datetime


class VersionRead(ORM):
    revision: int
    status: str
    snapshot: dict[str, Any]
    created_at: datetime
    reason: str | None = Field(None, description="Why a vetoed revision was vetoed")


class HistoryRead(BaseModel):
    actions: list[ActionRead]
    versions: list[VersionRead]
    diff: list[dict[str, Any]] = []


class DecompositionRead(BaseModel):
    plan_id: int
    by_period: list[ConsolidationLine]
    by_unit: list[ConsolidationLine]
