"""Consolidation's request and response bodies: top-down against bottom-up, and balancing adjustments."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from services.common.api import RequestBody
from services.planning.plans.periods import PlanPeriod


class AdjustmentIn(RequestBody):
    unit_id: int = Field(description="The unit whose consolidation this balances (the company, say)")
    period: PlanPeriod
    plan_id: int | None = Field(None, description="The child unit's plan whose target is to change; without it "
                                                  "the adjustment is only a note")
    indicator_code: str = Field(min_length=1, max_length=60)
    value: float = Field(description="The new target value")
    reason: str = Field(min_length=1, max_length=4000)


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
