"""The bodies of requests and answers of unit thresholds, anomaly rules and benchmarks."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from services.common.api import PeriodText, RequestBody
from services.kpi.indicators.schemas import ThresholdMode


class BenchmarkCreate(RequestBody):
    indicator_code: str
    period: PeriodText
    value: float = Field(allow_inf_nan=False)
    source: str = Field(min_length=1, max_length=200)
    as_of: date
    note: str = Field("", max_length=2000)


class BenchmarkRead(BaseModel):
    id: int
    indicator_code: str
    period: str
    value: float
    source: str
    as_of: date
    note: str
    version: int


class ThresholdCreate(RequestBody):
    indicator_code: str
    unit_id: int
    mode: ThresholdMode = "absolute"
    warning: float | None = Field(None, allow_inf_nan=False)
    critical: float | None = Field(None, allow_inf_nan=False)


class ThresholdRead(BaseModel):
    id: int
    indicator_code: str
    unit_id: int
    unit_path: str
    mode: str
    warning: float | None
    critical: float | None
    version: int


class AnomalyRuleCreate(RequestBody):
    indicator_code: str
    unit_id: int | None = None
    operator: Literal["gt", "gte", "lt", "lte"]
    value: float = Field(allow_inf_nan=False)
    follow_up: Literal["action", "meeting"] = "action"
    title: str = Field(min_length=1, max_length=200, description="may use {indicator}, {value}, {period}")
    due_days: int = Field(7, ge=1, le=365)


class AnomalyRuleRead(BaseModel):
    id: int
    indicator_code: str
    unit_id: int | None
    unit_path: str
    operator: str
    value: float
    follow_up: str
    title: str
    due_days: int
    active: bool
    version: int


class AnomalyRuleUpdate(RequestBody):
    active: bool = Field(description="false stops the rule opening follow-ups; the ones it opened stay")
