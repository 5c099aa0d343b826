"""kpi's part of 经营驾驶舱: KPI attainment with data completeness, open 整改 actions, budget execution."""

from __future__ import annotations

from pydantic import BaseModel, Field

from services.common.cockpit import CockpitScope


class IndicatorRow(BaseModel):
    indicator_code: str
    name: str
    name_en: str
    unit: str = Field(description="The indicator's unit of measure (万元, %, 天)")
    actual: float | None
    target: float | None
    attainment: float | None = Field(description="1.0 = target met exactly")
    status: str | None = Field(description="green (on target) | amber (warning) | red (off)")


class AttainmentTile(BaseModel):
    on_target: int = Field(description="Indicators with a judged status of green")
    warning: int = Field(description="amber")
    off_target: int = Field(description="red")
    not_judged: int = Field(description="Active indicators without a target or without data")
    reported: int = Field(description="Σ over indicators of the units (direct children and the unit itself) that "
                                      "reported for the period")
    expected: int = Field(description="Σ of the units expected to report")
    targets: list[IndicatorRow] = Field(description="Targets vs actual to date: red first, then amber, then the "
                                                    "lowest attainment; at most five")
    drill: str


class ActionsTile(BaseModel):
    open: int = Field(description="Open improvement actions (整改) of the subtree")
    awaiting_verification: int = Field(description="Done by their owner, not yet verified")
    overdue: int = Field(description="Open and past their deadline")
    drill: str
    overdue_drill: str


class BudgetTile(BaseModel):
    budget: float = Field(description="元")
    spent: float = Field(description="元")
    rate: float | None = Field(description="Spent ÷ budget × 100")
    elapsed: float = Field(description="The share of the period gone by today, 0–1")
    over_budget: bool
    currency_unit: str = "元"
    drill: str


class KpiCockpit(BaseModel):
    scope: CockpitScope
    attainment: AttainmentTile
    actions: ActionsTile
    budget: BudgetTile | None = Field(description="Null when the subtree has no budget and no spend for the period")
