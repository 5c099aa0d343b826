"""The bodies of requests and answers of scorecards and assessments."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from services.common.api import PeriodText, RequestBody
from services.common.i18n import InvalidValue
from services.kpi.indicators.schemas import CODE_PATTERN, OrmRead


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
    routine_weight: float = Field(0, ge=0, le=100, allow_inf_nan=False,
                                  description="Annual assessments: the share (%) of the total taken from the "
                                              "year's finalised routine assessments of the same subject")


class ScorecardUpdate(RequestBody):
    """Any of the template's parts; the result is checked as a whole, like a new template."""

    name: str | None = Field(None, min_length=1, max_length=200)
    items: list[ScorecardItem] | None = Field(None, min_length=1, max_length=50)
    grades: list[GradeBand] | None = None
    outcomes: dict[str, list[Outcome]] | None = None
    routine_weight: float | None = Field(None, ge=0, le=100, allow_inf_nan=False,
                                         description="Changes draft annual assessments; finalised ones keep theirs")


class ScorecardRead(OrmRead):
    id: int
    name: str
    unit_id: int
    unit_path: str
    subject_kind: str
    items: list[ScorecardItem]
    grades: list[GradeBand]
    outcomes: dict[str, list[Outcome]]
    routine_weight: float = 0.0
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


class RoutineResult(BaseModel):
    """One finalised routine assessment rolled into an annual one."""

    id: int
    period: str
    scorecard_name: str = ""
    total: float | None
    grade: str | None


class RoutinePart(BaseModel):
    """How an annual assessment's total takes in the year's routine (daily / periodic) results."""

    weight: float = Field(description="The share (%) of the total taken from the routine results")
    year: str
    assessments: list[RoutineResult]
    average: float | None = Field(description="The routine results' average; null when there are none")
    own_total: float | None = Field(description="The scorecard's own total, before the routine part")


class AssessmentRead(OrmRead):
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
    routine: RoutinePart | None = Field(None, description="Annual assessments of a scorecard with a routine weight")
    created_by: str
    finalized_by: str | None
    finalized_at: datetime | None
    version: int
