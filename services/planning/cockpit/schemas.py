"""Planning's part of 经营驾驶舱: plan execution of one unit's subtree for a period."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from services.common.cockpit import CockpitScope


class PlansTile(BaseModel):
    issued: int = Field(description="Issued or published plans of the subtree for the period (or enclosing it)")
    targets: int = Field(description="Business targets those plans set (kpi holds their actuals)")
    drill: str


class TaskRow(BaseModel):
    id: int
    title: str
    due: date | None
    owner_name: str
    plan_id: int
    plan_title: str


class TasksTile(BaseModel):
    total: int = Field(description="Tasks of those plans, cancelled ones left out")
    done: int
    on_time: int = Field(description="Open and not past due")
    overdue: int = Field(description="Open and past due")
    top_overdue: list[TaskRow] = Field(description="The longest overdue, at most five")
    drill: str


class PlanRow(BaseModel):
    id: int
    title: str
    period: str
    unit_id: int
    unit_name: str


class ApprovalsTile(BaseModel):
    awaiting: int = Field(description="Plans of the subtree submitted and waiting for approval (any period)")
    top: list[PlanRow] = Field(description="The oldest waiting, at most five")
    drill: str


class PlanningCockpit(BaseModel):
    scope: CockpitScope
    plans: PlansTile
    tasks: TasksTile
    approvals: ApprovalsTile
