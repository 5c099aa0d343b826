"""Roles' request and response bodies, and the names of rights and scopes other concepts use too."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.api import RequestBody
from services.org.positions.authority import validate_rights

RightName = Literal["plan", "suggest", "veto", "dispatch", "assess", "guide", "view", "admin"]
ScopeName = Literal["self", "subordinates", "subtree", "superior", "company"]


class RightScope(RequestBody):
    right: RightName
    scope: ScopeName


class RoleCreate(RequestBody):
    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    description: str = Field("", max_length=2000)
    rights: list[RightScope] = Field(default_factory=list)

    @field_validator("rights")
    @classmethod
    def _unique(cls, v: list[RightScope]) -> list[RightScope]:
        return [RightScope(**r) for r in validate_rights([x.model_dump() for x in v])]


class RoleUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=2000)
    rights: list[RightScope] | None = None

    @field_validator("rights")
    @classmethod
    def _unique(cls, v: list[RightScope] | None) -> list[RightScope] | None:
        return None if v is None else [RightScope(**r) for r in validate_rights([x.model_dump() for x in v])]


class RoleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    name: str
    name_en: str
    description: str
    rights: list[RightScope]
    version: int
