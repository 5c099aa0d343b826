"""The shapes of requests and responses of early warning: KRIs, their values, alerts."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, Field, field_validator, model_validator

from services.common.api import RequestBody, period_text
from services.common.i18n import InvalidValue


class Direction(str, Enum):
    below = "below"  # alert when the value falls below the thresholds (e.g. satisfaction)
    above = "above"  # alert when it rises above them (e.g. complaint rate)


class AlertStatus(str, Enum):
    open = "open"
    acknowledged = "acknowledged"
    resolved = "resolved"


class KriCreate(RequestBody):
    risk_id: int
    indicator_code: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.\-]+$")
    unit_id: int
    unit: str = Field("", max_length=30, description="The indicator's unit of measure, e.g. %")
    warning: float
    critical: float
    direction: Direction

    @model_validator(mode="after")
    def _ordered(self) -> KriCreate:
        check_thresholds(self.direction, self.warning, self.critical)
        return self


def check_thresholds(direction: Direction | str, warning: float, critical: float) -> None:
    d = Direction(direction)
    if d == Direction.below and critical > warning:
        raise InvalidValue("for direction 'below' the critical value must not be above the warning value",
                           "方向为“低于”时，严重阈值不能高于预警阈值")
    if d == Direction.above and critical < warning:
        raise InvalidValue("for direction 'above' the critical value must not be below the warning value",
                           "方向为“高于”时，严重阈值不能低于预警阈值")


class KriUpdate(RequestBody):
    unit: str | None = Field(None, max_length=30)
    warning: float | None = None
    critical: float | None = None
    direction: Direction | None = None
    active: bool | None = None


class KriRead(BaseModel):
    id: int
    risk_id: int
    indicator_code: str
    unit_id: int
    unit: str
    warning: float
    critical: float
    direction: Direction
    active: bool
    last_value: float | None
    last_level: str
    last_measured_at: datetime | None
    version: int


class KriValueCreate(RequestBody):
    value: float
    period: str = Field("", max_length=20, description="The period the value is for: 2026, 2026-Q1, 2026-03 …")
    measured_at: datetime | None = None

    @field_validator("period")
    @classmethod
    def _period(cls, v: str) -> str:
        return period_text(v) if v else v  # empty: a value for no particular period


class KriValueItem(BaseModel):
    id: int
    value: float
    level: str
    source: str
    period: str
    measured_at: datetime
    event_id: str | None
    recorded_by: str
    model_config = {"from_attributes": True}


class KriValueRead(BaseModel):
    kri: KriRead
    level: str
    alert: AlertRead | None


class AlertRead(BaseModel):
    id: int
    kri_id: int
    risk_id: int
    risk_title: str | None = None
    unit_id: int
    unit_path: str
    owner_id: int | None
    indicator_code: str
    level: str
    value: float
    threshold: float
    period: str
    source: str
    status: AlertStatus
    raised_at: datetime
    last_crossed_at: datetime
    reopened_count: int
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledge_note: str
    resolved_by: str | None
    resolved_at: datetime | None
    resolve_note: str
    version: int
    model_config = {"from_attributes": True}


class AlertNote(RequestBody):
    note: str = Field("", max_length=5000)


class AlertResolve(RequestBody):
    note: str = Field(min_length=1, max_length=5000, description="How the alert was dealt with")
