"""The working-day calendar's request and response bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.common.api import RequestBody


class CalendarDayRead(BaseModel):
    date: date
    workday: bool
    source: Literal["company", "statutory"] = Field(description="company: the company's override; statutory: "
                                                                "the State Council's holidays and 调休")
    note: str = Field("", description="The company's note on its override")
    name: str = Field("", description="The public holiday it belongs to (调休 workdays too), in Chinese")
    name_en: str = ""
    statutory_workday: bool | None = Field(None, description="What the statutory calendar says (null: the "
                                                             "library has no data for the year)")
    updated_by: str = ""
    updated_at: datetime | None = None


class CalendarYear(BaseModel):
    year: int
    statutory_covered: bool = Field(description="Whether the statutory data covers the year; when not, only "
                                                "Monday–Friday and the company's overrides count")
    days: list[CalendarDayRead] = Field(description="Only the days that differ from Monday–Friday, and every "
                                                    "override")


class CalendarDayBody(RequestBody):
    workday: bool
    note: str = Field("", max_length=200)
