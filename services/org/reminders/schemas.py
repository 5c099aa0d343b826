"""Watches (what waits on whom, and 催办) and the company's SLA policies: request and response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.common.api import RequestBody

PolicyKind = Literal["approval", "planning.task", "kpi.action"]
POLICY_NAMES = {"approval": ("审批环节", "Approval stages"), "planning.task": ("计划任务", "Plan tasks"),
                "kpi.action": ("整改措施", "Improvement actions")}


class WatchRead(BaseModel):
    id: int
    kind: str = Field(description="approval | task")
    subject_type: str
    subject_id: str
    title: str
    link: str = Field(description="The SPA path it opens")
    unit_id: int | None
    started_at: datetime
    due_at: datetime | None = Field(description="The deadline (UTC): the end of the limit's last working day")
    overdue: bool
    working_days_left: int | None = Field(description="Working days after today up to the deadline's day; "
                                                      "0 due today, negative overdue")
    waiting_on: list[str] = Field(description="The names of the people it waits on")
    reminded_at: datetime | None
    escalated_at: datetime | None
    can_urge: bool = Field(description="The caller asked for it and has not 催办 it today")
    urged_today: bool


class MyWatches(BaseModel):
    waiting_on_me: list[WatchRead]
    asked_by_me: list[WatchRead]


class WatchList(BaseModel):
    items: list[WatchRead]


class UrgeBody(RequestBody):
    comment: str = Field("", max_length=500, description="A word for the people it waits on")


class UrgeRead(BaseModel):
    id: int
    watch_id: int
    day: str = Field(description="The business day of the 催办 (one per person, watch and day)")
    notified: int = Field(description="How many people were told")
    watch: WatchRead


class PolicyBody(RequestBody):
    limit_days: int = Field(ge=0, le=60, description="Working days an item without its own due date may wait")
    remind_before_days: int = Field(ge=0, le=10, description="Remind the holders this many working days before "
                                                             "the last day (0: no reminder)")
    escalate_after_days: int = Field(ge=0, le=30, description="Tell the next level up this many working days "
                                                              "after the deadline (0: at the deadline)")


class PolicyRead(BaseModel):
    kind: PolicyKind
    name: str
    limit_days: int
    remind_before_days: int
    escalate_after_days: int
    chosen: bool = Field(description="True when the company set it; false for the built-in default")


class PolicyList(BaseModel):
    items: list[PolicyRead]
