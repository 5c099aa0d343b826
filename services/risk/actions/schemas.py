"""A risk's tracked actions: response measures (措施) and the steps of an activated contingency plan."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from pydantic import BaseModel, Field

from services.common.api import RequestBody


class ActionStatus(str, Enum):
    open = "open"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


class ActionCreate(RequestBody):
    title: str = Field(min_length=1, max_length=300)
    owner_id: int | None = None
    due: date | None = None
    note: str = Field("", max_length=5000)


class ActionUpdate(RequestBody):
    title: str | None = Field(None, min_length=1, max_length=300)
    owner_id: int | None = None
    due: date | None = None
    status: ActionStatus | None = None
    note: str | None = Field(None, max_length=5000)


class ActionRead(BaseModel):
    id: int
    risk_id: int
    source: str
    title: str
    owner_id: int | None
    due: date | None
    status: ActionStatus
    note: str
    created_by: str
    created_at: datetime
    completed_at: datetime | None
    version: int
    model_config = {"from_attributes": True}
