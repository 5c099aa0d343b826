"""Request and response bodies of the kpi API (Pydantic v2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from typing_extensions import TypedDict

from services.common.api import PERIOD_DOC, PeriodText, RequestBody
from services.common.i18n import InvalidValue

Category = Literal["financial", "efficiency", "customer", "internal"]
Direction = Literal["higher_better", "lower_better", "band"]
Aggregation = Literal["sum", "avg", "weighted_avg", "last", "min", "max"]
Frequency = Literal["day", "week", "month", "quarter", "year"]
ThresholdMode = Literal["absolute", "relative"]
CODE_PATTERN = r"^[a-z_][a-z0-9_]{0,59}$"


class _Orm(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# ---- indicators ---------------------------------------------------------------------------

class IndicatorCreate(RequestBody):
    code: str = Field(pattern=CODE_PATTERN, description="lower-case code used in formulas and integrations")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    category: Category
    unit: str = Field("", max_length=20)
    direction: Direction = "higher_better"
    aggregation: Aggregation = "sum"
    frequency: Frequency = "month"
    formula: str | None = Field(None, max_length=500, description="e.g. cost / sales * 100")
    warning: float | None = Field(None, allow_inf_nan=False)
    critical: float | None = Field(None, allow_inf_nan=False)
    threshold_mode: ThresholdMode = "absolute"
    description: str = Field("", max_length=2000)


class IndicatorUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    category: Category | None = None
    unit: str | None = Field(None, max_length=20)
    direction: Direction | None = None
    aggregation: Aggregation | None = None
    frequency: Frequency | None = None
    formula: str | None = Field(None, max_length=500)
    warning: float | None = Field(None, allow_inf_nan=False)
    critical: float | None = Field(None, allow_inf_nan=False)
    threshold_mode: ThresholdMode | None = None
    description: str | None = Field(None, max_length=2000)
    active: bool | None = None


class IndicatorRead(_Orm):
    id: int
    code: str
    name: str
    name_en: str
    category: str
    unit: str
    direction: str
    aggregation: str
    frequency: str
    formula: str | None
    inputs: list[str] = []
    warning: float | None
    critical: float | None
    threshold_mode: str
    description: str
    active: bool
    version: int


# ---- targets -----------------------------------------------------------------------------

class TargetCreate(RequestBody):
    indicator_code: str
    unit_id: int
    period: PeriodText
    value: float = Field(allow_inf_nan=False)
    note: str = Field("", max_length=2000)


class TargetUpdate(RequestBody):
    value: float = Field(allow_inf_nan=False)
    note: str = Field("", max_length=2000)


class TargetRead(BaseModel):
    id: int
    indicator_code: str
    unit_id: int
    unit_path: str
    period: str
    value: float
    source: str
    plan_id: int | None
    plan_version: int | None
    note: str
    updated_by: str
    updated_at: datetime
    version: int


class TargetHistoryRead(_Orm):
    id: int
    value: float
    previous_value: float | None
    source: str
    plan_id: int | None
    plan_version: int | None
    event_id: str | None
    changed_by: str
    changed_at: datetime
    note: str


# ---- measurements ------------------------------------------------------------------------

# Ids beyond a 64-bit integer cannot exist, and no database driver can carry them.
UnitId = Annotated[int, Field(ge=-2**63, lt=2**63)]


class MeasurementIn(BaseModel):
    indicator_code: str = Field(min_length=1, max_length=60)
    unit_id: UnitId
    period: str = Field(min_length=4, max_length=10, **PERIOD_DOC)  # judged per item, not at parsing
    value: float
    source: str = Field("manual", min_length=1, max_length=60)
    weight: float = 1.0
    measured_at: datetime | None = None


class MeasurementItem(TypedDict):
    """MeasurementIn as a TypedDict: the batch endpoint parses 10,000 of these 4× faster than models."""

    indicator_code: Annotated[str, Field(min_length=1, max_length=60)]
    unit_id: UnitId
    period: Annotated[str, Field(min_length=4, max_length=10, **PERIOD_DOC)]  # judged per item, not at parsing
    value: float
    source: NotRequired[Annotated[str, Field(min_length=1, max_length=60)]]
    weight: NotRequired[float]
    measured_at: NotRequired[datetime | None]


class ItemResultRead(BaseModel):
    index: int
    status: str
    errors: list[dict[str, str]] = []


class BatchResultRead(BaseModel):
    received: int
    created: int
    updated: int
    unchanged: int
    superseded: int
    rejected: int
    crossings: int
    results: list[ItemResultRead]


class MeasurementRead(BaseModel):
    id: int
    indicator_code: str
    unit_id: int
    unit_path: str
    period: str
    source: str
    value: float
    weight: float
    measured_at: datetime
    recorded_by: str


class ImportError_(BaseModel):
    row: int
    column: str
    message: str


class ImportReport(BaseModel):
    status: Literal["preview", "imported", "rejected"]
    rows: int
    errors: list[ImportError_]
    preview: list[dict[str, Any]]
    created: int = 0
    updated: int = 0
    unchanged: int = 0


# ---- evaluation --------------------------------------------------------------------------

class BenchmarkRef(BaseModel):
    value: float
    source: str
    as_of: date
    period: str


class EvaluationRow(BaseModel):
    indicator_code: str
    name: str
    name_en: str
    category: str
    unit: str
    direction: str
    aggregation: str
    derived: bool
    actual: float | None
    target: float | None
    target_period: str | None = None
    target_prorated: bool = False
    attainment: float | None
    status: str | None
    level: str | None
    warning: float | None = None
    critical: float | None = None
    previous: float | None
    previous_period: str
    change_previous: float | None
    last_year: float | None
    last_year_period: str
    change_last_year: float | None
    benchmark: BenchmarkRef | None
    completeness: Completeness


class MissingUnit(BaseModel):
    unit_id: int
    name: str


class Completeness(BaseModel):
    """How complete the period's data is: units reported / units expected (the unit's direct children
    and the unit itself; expected = with data for the period, the previous one or the same one last year)."""

    reported: int
    expected: int
    missing: list[MissingUnit] = Field(description="The expected units without data for the period")


EvaluationRow.model_rebuild()


class EvaluationPage(BaseModel):
    items: list[EvaluationRow]
    next_cursor: str | None = None
    unit_id: int
    unit_path: str
    period: str


class SeriesPoint(BaseModel):
    period: str
    actual: float | None
    target: float | None


class SeriesRead(BaseModel):
    indicator_code: str
    unit_id: int
    kind: str
    items: list[SeriesPoint]


# ---- benchmarks, thresholds, rules ------------------------------------------------------

class BenchmarkCreate(RequestBody):
    indicator_code: str
    period: PeriodText
    value: float = Field(allow_inf_nan=False)
    source: str = Field(min_length=1, max_length=200)
    as_of: date
    note: str = Field("", max_length=2000)


class BenchmarkRead(BaseModel):
    id: int
    indicator_code: str
    period: str
    value: float
    source: str
    as_of: date
    note: str
    version: int


class ThresholdCreate(RequestBody):
    indicator_code: str
    unit_id: int
    mode: ThresholdMode = "absolute"
    warning: float | None = Field(None, allow_inf_nan=False)
    critical: float | None = Field(None, allow_inf_nan=False)


class ThresholdRead(BaseModel):
    id: int
    indicator_code: str
    unit_id: int
    unit_path: str
    mode: str
    warning: float | None
    critical: float | None
    version: int


class AnomalyRuleCreate(RequestBody):
    indicator_code: str
    unit_id: int | None = None
    operator: Literal["gt", "gte", "lt", "lte"]
    value: float = Field(allow_inf_nan=False)
    follow_up: Literal["action", "meeting"] = "action"
    title: str = Field(min_length=1, max_length=200, description="may use {indicator}, {value}, {period}")
    due_days: int = Field(7, ge=1, le=365)


class AnomalyRuleRead(BaseModel):
    id: int
    indicator_code: str
    unit_id: int | None
    unit_path: str
    operator: str
    value: float
    follow_up: str
    title: str
    due_days: int
    active: bool
    version: int


class AnomalyRuleUpdate(RequestBody):
    active: bool = Field(description="false stops the rule opening follow-ups; the ones it opened stay")


# ---- assessments -------------------------------------------------------------------------

class ScoringRule(RequestBody):
    type: Literal["linear_cap", "tiered", "deduction", "veto"] = "linear_cap"
    cap: float = Field(1.2, gt=0, le=10, description="linear_cap: attainment counted up to this ratio")
    tiers: list[dict[str, float]] = Field(default_factory=list,
                                          description="tiered: [{min: 1.0, score: 100}, {min: 0.9, score: 80}]")
    per_percent: float = Field(2.0, ge=0, description="deduction: points off per % below target")
    floor: float = Field(1.0, ge=0, description="veto: attainment below this vetoes the whole assessment")

    @field_validator("tiers")
    @classmethod
    def _tiers(cls, v: list[dict[str, float]]) -> list[dict[str, float]]:
        for t in v:
            if set(t) != {"min", "score"}:
                raise InvalidValue("each tier needs exactly 'min' and 'score'", "每一档须填写达成率下限和得分")
        return v


class ScorecardItem(RequestBody):
    key: str = Field(pattern=CODE_PATTERN)
    kind: Literal["indicator", "qualitative"]
    name: str = Field("", max_length=200)
    weight: float = Field(gt=0, le=100)
    indicator_code: str | None = None
    rule: ScoringRule | None = None
    max_score: float = Field(100, gt=0)


class GradeBand(RequestBody):
    grade: str = Field(min_length=1, max_length=20)
    min: float


class Outcome(RequestBody):
    kind: Literal["reward", "penalty"]
    type: Literal["bonus", "certificate", "promotion", "warning", "fine", "demotion"]
    amount: float | None = None
    note: str = Field("", max_length=500)


class ScorecardCreate(RequestBody):
    name: str = Field(min_length=1, max_length=200)
    unit_id: int
    subject_kind: Literal["unit", "person"] = "unit"
    items: list[ScorecardItem] = Field(min_length=1, max_length=50)
    grades: list[GradeBand] = Field(default_factory=lambda: [
        GradeBand(grade="A", min=90), GradeBand(grade="B", min=80), GradeBand(grade="C", min=60),
        GradeBand(grade="D", min=0)])
    outcomes: dict[str, list[Outcome]] = Field(default_factory=dict)


class ScorecardUpdate(RequestBody):
    """Any of the template's parts; the result is checked as a whole, like a new template."""

    name: str | None = Field(None, min_length=1, max_length=200)
    items: list[ScorecardItem] | None = Field(None, min_length=1, max_length=50)
    grades: list[GradeBand] | None = None
    outcomes: dict[str, list[Outcome]] | None = None


class ScorecardRead(_Orm):
    id: int
    name: str
    unit_id: int
    unit_path: str
    subject_kind: str
    items: list[ScorecardItem]
    grades: list[GradeBand]
    outcomes: dict[str, list[Outcome]]
    created_by: str
    version: int


class AssessmentCreate(RequestBody):
    scorecard_id: int
    unit_id: int
    period: PeriodText
    kind: Literal["annual", "routine"] = "annual"
    person_id: int | None = None
    person_name: str = Field("", max_length=100)


class QualitativeScore(RequestBody):
    score: float = Field(ge=0, allow_inf_nan=False)
    note: str = Field("", max_length=2000)


class ScoresUpdate(RequestBody):
    qualitative: dict[str, QualitativeScore]


class FinalizeBody(RequestBody):
    outcomes: list[Outcome] | None = Field(None, description="overrides the scorecard's outcome for the grade")
    note: str = Field("", max_length=2000)
    incomplete_reason: str = Field("", max_length=2000,
                                   description="Required when indicator items have no data: why the assessment "
                                               "is finalised on the others")


class AssessmentItemRead(BaseModel):
    """One scored item: indicator items carry their figures and rule, qualitative ones the assessor's score."""

    key: str
    kind: Literal["indicator", "qualitative"]
    name: str = ""
    weight: float
    indicator_code: str | None = None
    rule: ScoringRule | None = None
    actual: float | None = None
    target: float | None = None
    attainment: float | None = None
    score: float | None = None
    vetoed: bool = False
    no_data: bool = Field(False, description="An indicator item without actual or target: no score, left out "
                                             "of the total")
    max_score: float | None = None

    @model_validator(mode="after")
    def _no_data(self) -> AssessmentItemRead:
        # items scored before no_data was recorded: an indicator item without attainment had no data
        if self.kind == "indicator" and self.attainment is None:
            self.no_data = True
        return self


class QualitativeRead(BaseModel):
    score: float
    note: str = ""
    by: str = ""


class AssessmentRead(_Orm):
    id: int
    scorecard_id: int
    scorecard_name: str = ""
    unit_id: int
    unit_name: str = ""
    unit_path: str
    subject_kind: str
    person_id: int | None
    person_name: str
    period: str
    kind: str
    status: str
    items: list[AssessmentItemRead]
    qualitative: dict[str, QualitativeRead]
    total: float | None
    grade: str | None
    vetoed: bool
    missing: list[str] = Field([], description="Keys of the indicator items without data")
    incomplete: bool = Field(False, description="Some indicator items have no data: the total is taken over "
                                                "the others, their weights re-normalised")
    weight_counted: float = Field(100.0, description="The share of the weight (%) the total was taken over")
    incomplete_reason: str | None = None
    outcomes: list[Outcome]
    created_by: str
    finalized_by: str | None
    finalized_at: datetime | None
    version: int


# ---- improvement actions -----------------------------------------------------------------

class ActionCreate(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    unit_id: int
    indicator_code: str | None = None
    period: PeriodText | None = None
    origin: Literal["evaluation", "threshold", "assessment", "manual"] = "manual"
    origin_ref: str | None = Field(None, max_length=120)
    owner_id: int | None = None
    owner_name: str = Field("", max_length=100)
    due: date


class ActionUpdate(RequestBody):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    owner_id: int | None = None
    owner_name: str | None = Field(None, max_length=100)
    due: date | None = None


class Evidence(RequestBody):
    note: str = Field(min_length=1, max_length=5000)
    url: str | None = Field(None, max_length=2000)


class ActionProgress(RequestBody):
    progress: int = Field(ge=0, le=100, description="percent done, as the owner sees it")
    note: str = Field(min_length=1, max_length=5000)
    url: str | None = Field(None, max_length=2000)


class ActionComplete(RequestBody):
    evidence: list[Evidence] = Field(min_length=1, max_length=20)


class ActionVerify(RequestBody):
    accepted: bool
    note: str = Field("", max_length=2000)


class ActionRead(BaseModel):
    id: int
    title: str
    description: str
    unit_id: int
    unit_path: str
    indicator_code: str | None
    period: str | None
    origin: str
    origin_ref: str | None
    owner_id: int | None
    owner_name: str
    due: date
    status: str
    progress: int = 0
    evidence: list[dict[str, Any]]
    raised_by: str
    overdue: bool
    completed_at: datetime | None
    verified_at: datetime | None
    verified_by: str | None
    version: int
