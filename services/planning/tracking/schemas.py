"""Tracking's request and response bodies: weekly reports, the meeting agenda and decisions, tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from services.common.api import PeriodText, RequestBody
from services.common.i18n import InvalidValue
from services.common.periods import PeriodKind, period
from services.planning.plans.schemas import ORM, Milestone, TaskRead

TaskStatus = Literal["not_started", "in_progress", "done", "blocked", "cancelled"]


def _week(v: str) -> str:
    if period(v).kind != PeriodKind.week:
        raise InvalidValue("weekly reports are for a week, e.g. 2027-W05", "周报须填写周，如 2027-W05")
    return v


WeekPeriod = Annotated[PeriodText, AfterValidator(_week), Field(
    description="An ISO week: 2027-W05", examples=["2027-W05"])]


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
