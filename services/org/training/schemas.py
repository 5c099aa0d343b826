"""Training's request and response bodies: needs, plans and their courses, sessions, records, certifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.common.api import RequestBody

CourseKind = Literal["new_hire", "quarterly", "special"]
Result = Literal["pass", "fail"]


# --- needs ---------------------------------------------------------------------------------------------------


class NeedCreate(RequestBody):
    user_id: int
    course: str = Field(min_length=1, max_length=200)
    reason: str = Field("", max_length=2000)


class NeedRead(BaseModel):
    id: int | None = Field(None, description="null for a need derived from the position's job requirements")
    user_id: int
    user_name: str
    unit_id: int
    unit_name: str
    course: str
    source: str = Field(description="position 任职要求 | assessment 考核结果 | manual 手工")
    reason: str
    met: bool = Field(description="A passed training record of the course, or a valid certificate of that name")


# --- plans ---------------------------------------------------------------------------------------------------


class CourseIn(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    kind: CourseKind = "special"
    required: bool = True
    audience_position_ids: list[int] = Field(default_factory=list, max_length=500)
    audience_user_ids: list[int] = Field(default_factory=list, max_length=2000)
    planned_sessions: int = Field(1, ge=0, le=500)
    hours: float = Field(0, ge=0, le=10000)


class TrainingPlanCreate(RequestBody):
    unit_id: int
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=200)
    courses: list[CourseIn] = Field(default_factory=list, max_length=200)


class TrainingPlanUpdate(RequestBody):
    title: str | None = Field(None, min_length=1, max_length=200)
    courses: list[CourseIn] | None = Field(None, max_length=200)


class PlanDecision(RequestBody):
    decision: Literal["approve", "return"]
    reason: str = Field(min_length=1, max_length=2000)


class CourseRead(BaseModel):
    id: int
    title: str
    kind: str
    required: bool
    audience_position_ids: list[int]
    audience_user_ids: list[int]
    audience_size: int
    planned_sessions: int
    held_sessions: int
    hours: float


class TrainingPlanRead(BaseModel):
    id: int
    unit_id: int
    unit_name: str
    year: int
    title: str
    status: str
    drafted_by: str
    drafted_by_name: str
    submitted_at: datetime | None
    decided_by: str | None
    decided_by_name: str | None
    decided_at: datetime | None
    decision_reason: str
    courses: list[CourseRead]
    version: int


# --- sessions and records ------------------------------------------------------------------------------------


class SessionCreate(RequestBody):
    course_id: int
    held_on: date
    trainer_id: int | None = None
    trainer_name: str = Field("", max_length=100)
    location: str = Field("", max_length=200)
    hours: float | None = Field(None, ge=0, le=1000)


class AttendanceIn(RequestBody):
    user_id: int
    attended: bool
    result: Result | None = None
    score: float | None = Field(None, ge=0, le=100)


class AttendanceSheet(RequestBody):
    attendance: list[AttendanceIn] = Field(min_length=1, max_length=2000)


class AttendeeRead(BaseModel):
    user_id: int
    user_name: str
    expected: bool = Field(description="In the course's audience")
    attended: bool | None = Field(None, description="null until recorded")
    result: str | None
    score: float | None


class SessionRead(BaseModel):
    id: int
    plan_id: int
    course_id: int
    course_title: str
    course_kind: str
    unit_id: int
    unit_name: str
    held_on: date
    trainer_id: int | None
    trainer_name: str
    location: str
    hours: float
    attendees: list[AttendeeRead]
    version: int


class RecordRead(BaseModel):
    """A training record: a person at a session."""

    id: int
    user_id: int
    user_name: str
    session_id: int
    plan_id: int
    course_title: str
    course_kind: str
    unit_name: str
    held_on: date
    hours: float
    trainer_name: str
    attended: bool
    result: str | None
    score: float | None


class CompletionRead(BaseModel):
    unit_id: int
    period: str
    required: int
    completed: int
    rate: float | None = Field(description="%; null when nothing was required")


# --- certifications ------------------------------------------------------------------------------------------


class CertificationCreate(RequestBody):
    user_id: int
    name: str = Field(min_length=1, max_length=200)
    number: str = Field("", max_length=100)
    issued_on: date
    expires_on: date | None = None
    remind_days: int = Field(30, ge=0, le=365)


class CertificationUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=200)
    number: str | None = Field(None, max_length=100)
    issued_on: date | None = None
    expires_on: date | None = None
    remind_days: int | None = Field(None, ge=0, le=365)


class CertificationRead(BaseModel):
    id: int
    user_id: int
    user_name: str
    unit_id: int
    unit_name: str
    name: str
    number: str
    issued_on: date
    expires_on: date | None
    remind_days: int
    status: str = Field(description="valid | expiring (within its reminder days) | expired")
    days_left: int | None
    version: int


class ReminderRun(BaseModel):
    warned: int
    expired: int
