"""The bodies of requests and answers of the indicator library."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.api import RequestBody

Category = Literal["financial", "efficiency", "customer", "internal"]
Direction = Literal["higher_better", "lower_better", "band"]
Aggregation = Literal["sum", "avg", "weighted_avg", "last", "min", "max"]
Frequency = Literal["day", "week", "month", "quarter", "year"]
ThresholdMode = Literal["absolute", "relative"]
CODE_PATTERN = r"^[a-z_][a-z0-9_]{0,59}$"


class OrmRead(BaseModel):
    """A response read from a table row's attributes."""

    model_config = ConfigDict(from_attributes=True)


class IndicatorCreate(RequestBody):
    code: str = Field(pattern=CODE_PATTERN, description="lower-case code used in formulas and integrations")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    category: Category
    unit: str = Field("", max_length=20)
    direction: Direction = "higher_better"
    aggregation: Aggregation = "sum"
    frequency: Frequency = "month"
    formula: str | None = Field(None, max_length=500, description="e.g. cost / sales * 100")
    warning: float | None = Field(None, allow_inf_nan=False)
    critical: float | None = Field(None, allow_inf_nan=False)
    threshold_mode: ThresholdMode = "absolute"
    description: str = Field("", max_length=2000)


class IndicatorUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    category: Category | None = None
    unit: str | None = Field(None, max_length=20)
    direction: Direction | None = None
    aggregation: Aggregation | None = None
    frequency: Frequency | None = None
    formula: str | None = Field(None, max_length=500)
    warning: float | None = Field(None, allow_inf_nan=False)
    critical: float | None = Field(None, allow_inf_nan=False)
    threshold_mode: ThresholdMode | None = None
    description: str | None = Field(None, max_length=2000)
    active: bool | None = None


class IndicatorRead(OrmRead):
    id: int
    code: str
    name: str
    name_en: str
    category: str
    unit: str
    direction: str
    aggregation: str
    frequency: str
    formula: str | None
    inputs: list[str] = []
    warning: float | None
    critical: float | None
    threshold_mode: str
    description: str
    active: bool
    version: int
