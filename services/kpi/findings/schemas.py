"""The bodies of requests and answers about findings (what inspections and special audits found to fix)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from services.common.api import RequestBody

Severity = Literal["minor", "major", "critical"]
SEVERITY_ZH = {"minor": "一般", "major": "较重", "critical": "严重"}
FINDING_STATUS_ZH = {"open": "整改中", "closed": "已关闭", "withdrawn": "已撤回"}


class FindingRisk(RequestBody):
    """Raise a risk for the unit (``category``) or re-assess a risk of the register (``risk_id``)."""

    category: Literal["market", "policy", "technology", "personnel", "supply_chain", "equipment", "safety",
                      "finance", "compliance", "other"] | None = None
    risk_id: int | None = Field(None, ge=1)
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.category is None) == (self.risk_id is None):
            raise ValueError("give either category (to raise a new risk) or risk_id (to re-assess one)")
        return self


class FindingCreate(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    severity: Severity
    owner_id: int | None = Field(None, ge=1, description="Who rectifies it; the unit's head when left out")
    owner_name: str = Field("", max_length=100)
    due: date = Field(description="The rectification's deadline")
    source_ref: str | None = Field(None, max_length=120, description="e.g. the checklist item's key")
    risk: FindingRisk | None = None


class FindingWithdraw(RequestBody):
    reason: str = Field(min_length=1, max_length=2000)


class FindingRead(BaseModel):
    id: int
    source: str
    source_id: int
    source_ref: str | None
    unit_id: int
    unit_path: str
    unit_name: str
    title: str
    description: str
    severity: str
    status: str
    risk: dict | None
    raised_by: str
    raised_by_name: str
    created_at: datetime
    closed_at: datetime | None
    withdrawn_reason: str
    action_id: int
    action_status: str
    action_overdue: bool
    action_due: date
    action_progress: int
    owner_id: int | None
    owner_name: str
    version: int
