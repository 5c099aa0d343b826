"""The bodies of requests and answers of targets."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.common.api import PeriodText, RequestBody
from services.kpi.indicators.schemas import OrmRead


class TargetCreate(RequestBody):
    indicator_code: str
    unit_id: int
    period: PeriodText
    value: float = Field(allow_inf_nan=False)
    note: str = Field("", max_length=2000)


class TargetUpdate(RequestBody):
    value: float = Field(allow_inf_nan=False)
    note: str = Field("", max_length=2000)


class TargetRead(BaseModel):
    id: int
    indicator_code: str
    unit_id: int
    unit_path: str
    period: str
    value: float
    source: str
    plan_id: int | None
    plan_version: int | None
    note: str
    updated_by: str
    updated_at: datetime
    version: int


class TargetHistoryRead(OrmRead):
    id: int
    value: float
    previous_value: float | None
    source: str
    plan_id: int | None
    plan_version: int | None
    event_id: str | None
    changed_by: str
    changed_at: datetime
    note: str
