"""The bodies of requests and answers of checklist templates, inspections and their schedules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from services.common.api import RequestBody
from services.kpi.files.schemas import FileRead
from services.kpi.findings.schemas import FindingRead, Severity

UnitKind = Literal["company", "branch", "department", "section", "team"]
ItemKind = Literal["pass_fail", "score"]
Frequency = Literal["once", "weekly", "monthly", "quarterly"]
Outcome = Literal["pass", "fail", "na"]
ItemKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]


class ChecklistItem(RequestBody):
    """One line of a checklist: what to check, the criterion (标准) it is judged by, its weight."""

    key: ItemKey
    text: str = Field(min_length=1, max_length=500)
    criterion: str = Field("", max_length=2000)
    weight: float = Field(1.0, gt=0, le=1000)
    kind: ItemKind = "pass_fail"
    max_score: int | None = Field(None, ge=1, le=1000, description="score items: the highest score")
    pass_score: int | None = Field(None, ge=0, le=1000,
                                   description="score items: the lowest passing score (default 60% of max_score)")
    severity: Severity = Field("minor", description="the severity of the finding a failure of this item raises")

    @model_validator(mode="after")
    def _score_bounds(self) -> ChecklistItem:
        if self.kind == "score":
            if self.max_score is None:
                raise ValueError("a score item needs max_score")
            if self.pass_score is not None and self.pass_score > self.max_score:
                raise ValueError("pass_score cannot exceed max_score")
        elif self.max_score is not None or self.pass_score is not None:
            raise ValueError("only score items take max_score and pass_score")
        return self


def _unique_keys(items: list[ChecklistItem]) -> list[ChecklistItem]:
    keys = [i.key for i in items]
    if len(set(keys)) != len(keys):
        raise ValueError("item keys must be unique within a checklist")
    return items


class TemplateCreate(RequestBody):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    unit_kind: UnitKind | None = Field(None, description="The kind of unit it applies to; null: any kind")
    unit_id: int = Field(description="The owning unit: guide (指导权) over it creates and edits the template")
    items: list[ChecklistItem] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _keys(self) -> TemplateCreate:
        _unique_keys(self.items)
        return self


class TemplateUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    unit_kind: UnitKind | None = None
    items: list[ChecklistItem] | None = Field(None, min_length=1, max_length=200)

    @model_validator(mode="after")
    def _keys(self) -> TemplateUpdate:
        if self.items is not None:
            _unique_keys(self.items)
        return self


class TemplateRead(BaseModel):
    id: int
    family_id: int
    revision: int
    name: str
    description: str
    unit_kind: str | None
    unit_id: int
    unit_path: str
    unit_name: str
    items: list[ChecklistItem]
    status: str
    used: int = Field(description="How many inspections were scheduled with this revision")
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class InspectionCreate(RequestBody):
    template_id: int
    unit_id: int = Field(description="The inspected unit: assess (考核权) over it schedules")
    inspector_position_id: int = Field(description="The org position whose holder performs the inspection")
    inspector_title: str = Field(min_length=1, max_length=120)
    due: date = Field(description="The (first) due date")
    frequency: Frequency = Field("once", description="once, or a schedule that generates the next inspection "
                                                     "when one is submitted or cancelled")
    note: str = Field("", max_length=2000)


class InspectionUpdate(RequestBody):
    """Reassign or move an open inspection (the scheduler: assess over the unit)."""

    inspector_position_id: int | None = None
    inspector_title: str | None = Field(None, min_length=1, max_length=120)
    due: date | None = None
    note: str | None = Field(None, max_length=2000)


class ItemResult(RequestBody):
    key: ItemKey
    outcome: Outcome | None = Field(None, description="pass_fail items: pass | fail | na")
    score: float | None = Field(None, ge=0, description="score items: 0..max_score (or outcome na)")
    note: str = Field("", max_length=2000)


class ResultsUpdate(RequestBody):
    results: list[ItemResult] = Field(min_length=1, max_length=200)


class InspectionCancel(RequestBody):
    reason: str = Field(min_length=1, max_length=2000)


class InspectionSubmit(RequestBody):
    finding_due: date | None = Field(None, description="The deadline of the rectifications raised for failed "
                                                       "items (default: 14 days from today)")


class InspectionItemRead(BaseModel):
    key: str
    text: str
    criterion: str
    weight: float
    kind: str
    max_score: int | None
    pass_score: int | None
    severity: str
    outcome: str | None = Field(description="pass | fail | na, null while not answered")
    score: float | None
    note: str
    passed: bool | None = Field(description="Whether the item passed; null while not answered or not applicable")
    files: list[FileRead]
    finding_id: int | None = None


class InspectionRead(BaseModel):
    id: int
    template_id: int
    template_name: str
    template_revision: int
    unit_id: int
    unit_path: str
    unit_name: str
    inspector_position_id: int
    inspector_title: str
    due: date
    overdue: bool
    schedule_id: int | None
    frequency: str
    status: str
    score: float | None
    passed_items: int
    failed_items: int
    scored_items: int
    answered_items: int
    total_items: int
    note: str
    scheduled_by: str
    started_at: datetime | None
    submitted_at: datetime | None
    submitted_by: str | None
    submitted_by_name: str
    cancelled_at: datetime | None
    cancel_reason: str
    is_inspector: bool = Field(description="Whether the caller holds the inspector position")
    can_manage: bool = Field(description="Whether the caller holds assess over the unit (cancel, reassign)")
    created_at: datetime
    version: int


class InspectionDetail(InspectionRead):
    items: list[InspectionItemRead]
    findings: list[FindingRead] = Field(default_factory=list)


class ScheduleRead(BaseModel):
    id: int
    template_family_id: int
    unit_id: int
    unit_path: str
    inspector_position_id: int
    inspector_title: str
    frequency: str
    next_due: date
    active: bool
    created_by: str
    created_at: datetime
    version: int
