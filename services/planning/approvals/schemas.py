"""Approvals' request and response bodies: flows and their stages, actions, suggestions and guidance."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.common.api import RequestBody
from services.planning.approvals.stages import validate_stages


class StageRead(BaseModel):
    index: int
    key: str
    name: str
    requirement: str
    signers: str
    state: Literal["done", "current", "waiting"]
    signed_by: list[str] = []
    pending_signers: list[str] = []


class ActionBody(RequestBody):
    comment: str = Field("", max_length=4000)
    reason: str | None = Field(None, max_length=4000)


class SuggestionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    revision: int
    author: str
    author_name: str
    text: str
    status: str
    response: str
    responded_by: str | None
    created_at: datetime
    responded_at: datetime | None


class SuggestionAnswer(RequestBody):
    accepted: bool
    reason: str = Field(min_length=1, max_length=4000)


class GuidanceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_id: int
    author: str
    author_name: str
    text: str
    created_at: datetime


class FlowStage(RequestBody):
    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    right: str
    over: Literal["unit", "parent", "company"] = "unit"
    held_in: str | None = Field(None, max_length=60, description="null, 'company', or a unit code such as OPS")
    signers: Literal["any", "all"] = "any"
    # strict: a JSON true is not one working day
    time_limit_days: int | None = Field(
        None, strict=True,
        description="Working days the stage's holders have to act (0..60); null: the company's default SLA")


class FlowUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=200)
    stages: list[FlowStage] | None = None
    final_action: Literal["issue", "publish"] | None = None

    @field_validator("stages")
    @classmethod
    def _stages(cls, v):
        if v is not None:
            validate_stages([s.model_dump() for s in v])
        return v


class FlowRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    name: str
    stages: list[dict[str, Any]]
    final_action: str
    version: int

    @field_validator("stages")
    @classmethod
    def _time_limits(cls, v: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # flows stored before stages had time limits read as "the company's default"
        return [{**s, "time_limit_days": s.get("time_limit_days")} for s in v]
