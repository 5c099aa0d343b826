"""The bodies of requests and answers of special audits (专项审计)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from services.common.api import RequestBody
from services.kpi.files.schemas import FileRead
from services.kpi.findings.schemas import FindingRead, FindingRisk

AuditStatus = Literal["draft", "noticed", "fieldwork", "draft_report", "responded", "final"]


class TeamMember(RequestBody):
    user_id: int
    name: str = Field(min_length=1, max_length=100)


class AuditCreate(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    topic: str = Field("", max_length=5000)
    unit_ids: list[int] = Field(min_length=1, max_length=50, description="The audited units; the first responds")
    period_start: date
    period_end: date
    leader: TeamMember
    members: list[TeamMember] = Field(default_factory=list, max_length=30)
    planned_start: date
    planned_end: date


class AuditUpdate(RequestBody):
    """Changes to an audit still in draft (立项)."""

    title: str | None = Field(None, min_length=1, max_length=200)
    topic: str | None = Field(None, max_length=5000)
    period_start: date | None = None
    period_end: date | None = None
    leader: TeamMember | None = None
    members: list[TeamMember] | None = Field(None, max_length=30)
    planned_start: date | None = None
    planned_end: date | None = None


class AuditNotice(RequestBody):
    notice_text: str = Field(min_length=1, max_length=20000)
    response_due: date = Field(description="By when the audited unit answers the draft report")


class AuditDraftReport(RequestBody):
    report: str = Field(min_length=1, max_length=50000)


class FindingResponse(RequestBody):
    finding_id: int
    verdict: Literal["accept", "dispute"]
    reason: str = Field("", max_length=5000, description="Required when disputing")


class AuditResponse(RequestBody):
    responses: list[FindingResponse] = Field(max_length=500)
    note: str = Field("", max_length=10000)


class FindingResolution(RequestBody):
    finding_id: int
    decision: Literal["keep", "withdraw"]
    reasoning: str = Field(min_length=1, max_length=5000)


class AuditFinal(RequestBody):
    report: str = Field(min_length=1, max_length=50000)
    resolutions: list[FindingResolution] = Field(default_factory=list, max_length=500)


class AuditFindingCreate(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    severity: Literal["minor", "major", "critical"]
    unit_id: int | None = Field(None, description="The audited unit it concerns (default: the first)")
    owner_id: int | None = None
    owner_name: str | None = Field(None, max_length=100)
    due: date
    risk: FindingRisk | None = Field(None, description="Ask the risk register to raise a risk or re-assess one")


class ScopeUnit(BaseModel):
    unit_id: int
    unit_path: str
    unit_name: str


class Member(BaseModel):
    user_id: int
    name: str


class AuditRead(BaseModel):
    id: int
    title: str
    topic: str
    units: list[ScopeUnit]
    unit_id: int
    unit_path: str
    period_start: date
    period_end: date
    leader: Member
    members: list[Member]
    planned_start: date
    planned_end: date
    status: AuditStatus
    next_step: str | None = Field(description="notice | fieldwork | draft_report | response | final, or null when "
                                              "final")
    notice_text: str
    response_due: date | None
    response_overdue: bool = Field(description="The draft report waits past the response deadline")
    noticed_at: datetime | None
    noticed_by: str | None
    fieldwork_at: datetime | None
    draft_report: str
    draft_at: datetime | None
    responses: list[dict[str, Any]]
    response_note: str
    responded_by: str | None
    responded_at: datetime | None
    final_report: str
    resolutions: list[dict[str, Any]]
    finalised_at: datetime | None
    created_by: str
    created_at: datetime
    version: int


class AuditDetail(AuditRead):
    findings: list[FindingRead] = Field(description="The audit's findings, each with its 整改 action's state")
    files: list[FileRead] = Field(description="Working papers (审计底稿)")
