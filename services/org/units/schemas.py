"""Units' request and response bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.api import RequestBody

UnitKind = Literal["company", "branch", "department", "section", "team"]


class UnitCreate(RequestBody):
    parent_id: int | None = Field(None, description="The parent unit; null creates a new top-level company")
    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: UnitKind


class UnitUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: UnitKind | None = None


class UnitMove(RequestBody):
    parent_id: int


class UnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    parent_id: int | None
    name: str
    code: str
    kind: str
    path: str
    version: int


class UnitTree(UnitRead):
    children: list[UnitTree] = []
