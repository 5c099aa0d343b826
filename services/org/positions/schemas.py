"""Positions' request and response bodies, and the grants they resolve into (/me, /authz/explain)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.api import RequestBody
from services.org.users.schemas import UserRead


class JobRequirements(RequestBody):
    """任职要求: what a holder of the position should bring."""

    education: str = Field("", max_length=200)
    training: list[str] = Field(default_factory=list)
    years_experience: int = Field(0, ge=0, le=60)
    management_years: int = Field(0, ge=0, le=60)
    skills: list[str] = Field(default_factory=list)
    traits: list[str] = Field(default_factory=list)


class PositionCreate(RequestBody):
    unit_id: int
    role_id: int
    title: str = Field(min_length=1, max_length=100)
    heads_unit: bool = Field(False, description="The post heads its unit (负责人): the unit's own members are its "
                                               "subordinates, so 'subordinates' rights reach the unit itself too")
    responsibilities: list[str] = Field(default_factory=list)
    requirements: JobRequirements = Field(default_factory=JobRequirements)


class PositionUpdate(RequestBody):
    role_id: int | None = None
    title: str | None = Field(None, min_length=1, max_length=100)
    heads_unit: bool | None = None
    responsibilities: list[str] | None = None
    requirements: JobRequirements | None = None


class PositionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_id: int
    role_id: int
    title: str
    heads_unit: bool
    responsibilities: list[str]
    requirements: JobRequirements
    version: int


# --- grants: what positions (and delegations) give ---------------------------------------------

class GrantRead(BaseModel):
    right: str
    unit_path: str
    mode: str
    held_at: str
    via: str
    delegated_by: str | None = None


class HeldPositionRead(BaseModel):
    position_id: int
    title: str
    unit_id: int
    unit_name: str
    unit_path: str
    role_key: str
    role_name: str


class ExplainGrant(GrantRead):
    source: Literal["position", "delegation"]
    position_id: int | None = None
    position_title: str | None = None
    role_key: str | None = None
    role_name: str | None = None
    scope: str | None = None
    heads_unit: bool | None = Field(None, description="The position heads its unit, so 'subordinates' reaches the "
                                                      "unit itself as well as the units below")
    delegation_id: int | None = None
    delegated_by_user: str | None = None


class ExplainRead(BaseModel):
    allowed: bool
    user_id: int
    right: str
    unit_id: int
    unit_path: str
    grants: list[ExplainGrant]
    summary: str


class AudiencePosition(BaseModel):
    title: str
    unit_id: int
    unit_name: str


class AudienceMember(BaseModel):
    """Someone who may see a unit's records (``/authz/audience``): who they are and where they work."""

    id: int
    username: str
    display_name: str
    positions: list[AudiencePosition]


class HolderRead(UserRead):
    """Someone holding a right now, with where they hold it (for pickers: names, not ids)."""

    unit_name: str | None = Field(None, description="The unit of the position (or delegation) giving the right")
    position_name: str | None = Field(None, description="The position giving the right (a delegation says so)")
