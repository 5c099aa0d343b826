"""The shapes of requests and responses of the risk matrix."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, Field

from services.common.api import RequestBody


class Level(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class Band(RequestBody):
    level: Level
    label: str = Field(min_length=1, max_length=60)
    min_score: int = Field(ge=1, le=25)
    max_score: int = Field(ge=1, le=25)


class MatrixCreate(RequestBody):
    name: str = Field(min_length=1, max_length=200)
    bands: list[Band] = Field(min_length=1, max_length=4)


class MatrixRead(BaseModel):
    id: int
    name: str
    bands: list[Band]
    active: bool
    created_by: str
    created_at: datetime
    retired_at: datetime | None
    version: int
    model_config = {"from_attributes": True}
