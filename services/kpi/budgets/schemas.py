"""The bodies of requests and answers of budgets: the chart of items, budgets, actual spend, budget vs actual."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from services.common.api import RequestBody

UnitId = Annotated[int, Field(ge=-2**63, lt=2**63)]
ItemCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$",
                                description="The item's code in the company's chart of budget items")]


class BudgetItemCreate(RequestBody):
    code: ItemCode
    name: str = Field(min_length=1, max_length=100, description="The item's Chinese name (人工成本 …)")
    name_en: str = Field("", max_length=100)
    parent_code: ItemCode | None = None
    sort: int = Field(0, ge=0, le=10_000)


class BudgetItemUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    parent_code: ItemCode | None = None
    active: bool | None = None
    sort: int | None = Field(None, ge=0, le=10_000)


class BudgetItemRead(BaseModel):
    code: str
    name: str
    name_en: str
    parent_code: str | None
    active: bool
    sort: int
    version: int


class BudgetRead(BaseModel):
    id: int
    unit_id: int
    unit_path: str
    period: str
    item_code: str
    item_name: str
    amount: float = Field(description="元")
    entered_amount: float
    entered_unit: str
    description: str
    plan_id: int | None
    plan_version: int | None
    plan_title: str
    created_at: datetime
    replaced_at: datetime | None
    replaced_by_version: int | None


class ActualIn(RequestBody):
    """One actual spend: a unit's spend on a budget item in a month, as one source reports it."""

    unit_id: UnitId
    period: str = Field(min_length=4, max_length=10, description="A month: 2026-11 (judged per item)")
    item_code: str = Field(min_length=1, max_length=40, description="The budget item's code (judged per item)")
    amount: float = Field(description="元 (judged per item: a finite number, not below 0)")
    source: str = Field("manual", min_length=1, max_length=60, description="Who reports it (erp, import …)")
    ref: str | None = Field(None, max_length=120, description="The source's own reference (a voucher number)")


class ActualItemResult(BaseModel):
    index: int
    status: str = Field(description="created | updated | unchanged | rejected")
    errors: list[dict[str, str]] = []


class ActualBatchResult(BaseModel):
    received: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    overruns: int = Field(description="Units whose budget execution rate crossed to warning or worse")
    results: list[ActualItemResult]


class ActualRead(BaseModel):
    id: int
    unit_id: int
    unit_path: str
    period: str
    item_code: str
    amount: float
    source: str
    ref: str | None
    recorded_by: str
    updated_at: datetime


class ActualImportError(BaseModel):
    row: int
    column: str
    message: str


class ActualImportReport(BaseModel):
    status: Literal["preview", "imported"]
    rows: int
    errors: list[ActualImportError]
    preview: list[dict[str, Any]]
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ExecutionRow(BaseModel):
    item_code: str
    item_name: str
    budget: float = Field(description="元")
    actual: float = Field(description="元")
    rate: float | None = Field(description="Actual ÷ budget × 100; null without a budget")
    over_budget: bool
    remaining: float = Field(description="Budget − actual, 元")


class ExecutionRead(BaseModel):
    unit_id: int
    unit_name: str
    period: str
    elapsed: float = Field(description="The share of the period gone by today, 0–1")
    items: list[ExecutionRow]
    total: ExecutionRow
    months: list[dict[str, Any]] = Field(description="Per month: {period, budget, actual, rate}")
    budget_holders: list[dict[str, Any]] = Field(description="The units whose budgets make this one: "
                                                             "{unit_id, unit_name}")
