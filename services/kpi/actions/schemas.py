"""The bodies of requests and answers of improvement actions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from services.common.api import PeriodText, RequestBody


class ActionCreate(RequestBody):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=5000)
    unit_id: int
    indicator_code: str | None = None
    period: PeriodText | None = None
    origin: Literal["evaluation", "threshold", "assessment", "manual"] = "manual"
    origin_ref: str | None = Field(None, max_length=120)
    owner_id: int | None = None
    owner_name: str = Field("", max_length=100)
    due: date


class ActionUpdate(RequestBody):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=5000)
    owner_id: int | None = None
    owner_name: str | None = Field(None, max_length=100)
    due: date | None = None


class Evidence(RequestBody):
    note: str = Field(min_length=1, max_length=5000)
    url: str | None = Field(None, max_length=2000)


class ActionProgress(RequestBody):
    progress: int = Field(ge=0, le=100, description="percent done, as the owner sees it")
    note: str = Field(min_length=1, max_length=5000)
    url: str | None = Field(None, max_length=2000)


class ActionComplete(RequestBody):
    evidence: list[Evidence] = Field(min_length=1, max_length=20)


class ActionVerify(RequestBody):
    accepted: bool
    note: str = Field("", max_length=2000)


class ActionRead(BaseModel):
    id: int
    title: str
    description: str
    unit_id: int
    unit_path: str
    indicator_code: str | None
    period: str | None
    origin: str
    origin_ref: str | None
    owner_id: int | None
    owner_name: str
    due: date
    status: str
    progress: int = 0
    evidence: list[dict[str, Any]]
    raised_by: str
    overdue: bool
    completed_at: datetime | None
    verified_at: datetime | None
    verified_by: str | None
    version: int
