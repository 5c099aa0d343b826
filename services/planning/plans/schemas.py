"""Request and response bodies of the planning service (public contract: extend, don't rename)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from services.common.api import PeriodText, RequestBody
from services.common.i18n import InvalidValue
from services.common.periods import PeriodKind, period
from services.planning.flows import validate_stages

PlanStatus = Literal["draft", "submitted", "approved", "issued", "published", "returned", "vetoed", "closed"]
TaskStatus = Literal["not_started", "in_progress", "done", "blocked", "cancelled"]


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


def _plan_period(v: str) -> str:
    if period(v).kind not in (PeriodKind.year, PeriodKind.quarter, PeriodKind.month):
        raise InvalidValue("plans are annual (2027), quarterly (2027-Q1) or monthly (2027-03)",
                           "计划期间应为年度（2027）、季度（2027-Q1）或月度（2027-03）")
    return v


def _week(v: str) -> str:
    if period(v).kind != PeriodKind.week:
        raise InvalidValue("weekly reports are for a week, e.g. 2027-W05", "周报须填写周，如 2027-W05")
    return v


# a period a plan can be for: a year, a quarter or a month; and a weekly report's week
PlanPeriod = Annotated[PeriodText, AfterValidator(_plan_period), Field(
    description="A year (2027), a quarter (2027-Q1) or a month (2027-03)", examples=["2027"])]
WeekPeriod = Annotated[PeriodText, AfterValidator(_week), Field(
    description="An ISO week: 2027-W05", examples=["2027-W05"])]


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

    @model_validator(mode="after")
    def _yuan(self) -> ResourceRead:
        self.amount_yuan = in_yuan(self.amount, self.amount_unit)
        return self


class StageRead(BaseModel):
    index: int
    key: str
    name: str
    requirement: str
    signers: str
    state: Literal["done", "current", "waiting"]
    signed_by: list[str] = []
    pending_signers: list[str] = []


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


class ActionBody(RequestBody):
    comment: str = Field("", max_length=4000)
    reason: str | None = Field(None, max_length=4000)


class SuggestionRead(ORM):
    id: int
    plan_id: int
    revision: int
    author: str
    author_name: str
    text: str
    status: str
    response: str
    responded_by: str | None
    created_at: datetime
    responded_at: datetime | None


class SuggestionAnswer(RequestBody):
    accepted: bool
    reason: str = Field(min_length=1, max_length=4000)


class GuidanceRead(ORM):
    id: int
    plan_id: int
    author: str
    author_name: str
    text: str
    created_at: datetime


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


class FlowStage(RequestBody):
    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    right: str
    over: Literal["unit", "parent", "company"] = "unit"
    held_in: str | None = Field(None, max_length=60, description="null, 'company', or a unit code such as OPS")
    signers: Literal["any", "all"] = "any"


class FlowUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=200)
    stages: list[FlowStage] | None = None
    final_action: Literal["issue", "publish"] | None = None

    @field_validator("stages")
    @classmethod
    def _stages(cls, v):
        if v is not None:
            validate_stages([s.model_dump() for s in v])
        return v


class FlowRead(ORM):
    id: int
    kind: str
    name: str
    stages: list[dict[str, Any]]
    final_action: str
    version: int


class ReportItem(RequestBody):
    task_id: int
    progress: float = Field(ge=0, le=100)
    status: TaskStatus
    problems: str = Field("", max_length=4000)
    help_needed: str = Field("", max_length=4000)


class ReportIn(RequestBody):
    week: WeekPeriod
    summary: str = Field("", max_length=10000)
    items: list[ReportItem] = Field(default_factory=list, max_length=500)


class ReportRead(ORM):
    id: int
    plan_id: int
    week: str
    author: str
    author_name: str
    summary: str
    items: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    version: int


class DecisionIn(RequestBody):
    plan_id: int
    text: str = Field(min_length=1, max_length=4000)
    owner_id: int | None = None
    owner_name: str = Field("", max_length=100)
    due: date


class DecisionRead(ORM):
    id: int
    week: str
    plan_id: int
    text: str
    task_id: int | None
    author: str
    created_at: datetime


class DispatchBody(RequestBody):
    owner_id: int | None = None
    owner_name: str | None = Field(None, max_length=100)
    unit_id: int | None = None
    due: date | None = Field(None, description="A new deadline (时间节点)")
    comment: str = Field("", max_length=4000)

    @model_validator(mode="after")
    def _something(self) -> DispatchBody:
        if self.owner_id is None and self.unit_id is None and self.due is None:
            raise InvalidValue("name a new owner_id, unit_id or due date", "请更换责任人或完成期限")
        return self


class TaskUpdate(RequestBody):
    status: TaskStatus | None = None
    progress: float | None = Field(None, ge=0, le=100)
    milestones: list[Milestone] | None = None


class ProgressIn(RequestBody):
    """The owner's progress update on a task: how far, what happened, and what shows it."""

    progress: float = Field(ge=0, le=100)
    status: TaskStatus | None = Field(None, description="Unchanged when left out; 100% alone does not close a task")
    note: str = Field("", max_length=4000)
    evidence: list[str] = Field(default_factory=list, max_length=20,
                                description="Links or document references (each up to 500 characters)")

    @field_validator("evidence")
    @classmethod
    def _evidence(cls, v: list[str]) -> list[str]:
        items = [e.strip() for e in v if e.strip()]
        if any(len(e) > 500 for e in items):
            raise InvalidValue("each piece of evidence is at most 500 characters", "每项佐证材料最多 500 个字符")
        return items


class ProgressRead(ORM):
    id: int
    task_id: int
    progress: float
    status: str
    note: str
    evidence: list[str]
    author: str
    author_name: str
    created_at: datetime


class AdjustmentIn(RequestBody):
    unit_id: int = Field(description="The unit whose consolidation this balances (the company, say)")
    period: PlanPeriod
    plan_id: int | None = Field(None, description="The child unit's plan whose target is to change; without it "
                                                  "the adjustment is only a note")
    indicator_code: str = Field(min_length=1, max_length=60)
    value: float = Field(description="The new target value")
    reason: str = Field(min_length=1, max_length=4000)



# --- answers that are composed rather than read from one table -----------------------------


class Contributor(BaseModel):
    label: str
    plan_id: int | None
    value: float


class ConsolidationLine(BaseModel):
    """One indicator: the reference (top-down) value against the children combined (bottom-up)."""

    indicator_code: str
    aggregation: str
    reference: float | None
    combined: float | None
    gap: float | None
    gap_ratio: float | None
    status: str = Field(description="balanced | under | over | no_reference | no_children")
    contributors: list[Contributor] = []
    missing: list[str] = []


class PlanRef(BaseModel):
    id: int
    title: str
    status: str


class MissingUnit(BaseModel):
    unit_id: int
    name: str


class AdjustmentRead(BaseModel):
    id: int
    unit_id: int | None = None
    period: str | None = None
    plan_id: int | None = None
    plan_title: str | None = None
    indicator_code: str
    value: float
    previous_value: float | None = None
    reason: str
    status: Literal["proposed", "applied", "note"] = "note"
    author_name: str
    created_at: str = Field(description="ISO 8601 date-time, UTC")
    applied_by_name: str | None = None
    applied_at: str | None = None
    applied_revision: int | None = None


class ConsolidationRead(BaseModel):
    unit_id: int
    unit_name: str
    period: str
    plan: PlanRef | None
    lines: list[ConsolidationLine]
    units_missing_plan: list[MissingUnit]
    adjustments: list[AdjustmentRead]


class DecompositionRead(BaseModel):
    plan_id: int
    by_period: list[ConsolidationLine]
    by_unit: list[ConsolidationLine]


class AgendaProblem(BaseModel):
    """A report line that names a problem or asks for help."""

    task_id: int
    progress: float
    status: str
    problems: str = ""
    help_needed: str = ""


class AgendaReport(BaseModel):
    unit_id: int
    unit_name: str
    plan_id: int
    plan_title: str
    report: ReportRead
    problems: list[AgendaProblem]


class AgendaRead(BaseModel):
    week: str
    reports: list[AgendaReport]
    overdue_tasks: list[TaskRead]
    decisions: list[DecisionRead]


PlanRead.model_rebuild()
