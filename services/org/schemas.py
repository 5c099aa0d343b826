"""Request and response bodies of the org service (the public contract: extend, don't rename)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.common.api import RequestBody
from services.common.i18n import InvalidValue
from services.org.authority import validate_rights

UnitKind = Literal["company", "branch", "department", "section", "team"]
RightName = Literal["plan", "suggest", "veto", "dispatch", "assess", "guide", "view", "admin"]
ScopeName = Literal["self", "subordinates", "subtree", "superior", "company"]
ModeName = Literal["exact", "descendants", "subtree"]


Body = RequestBody  # the kernel's request base: unknown fields refused


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- units -----------------------------------------------------------------------------------

class UnitCreate(Body):
    parent_id: int | None = Field(None, description="The parent unit; null creates a new top-level company")
    name: str = Field(min_length=1, max_length=200)
    code: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: UnitKind


class UnitUpdate(Body):
    name: str | None = Field(None, min_length=1, max_length=200)
    code: str | None = Field(None, min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: UnitKind | None = None


class UnitMove(Body):
    parent_id: int


class UnitRead(ORM):
    id: int
    parent_id: int | None
    name: str
    code: str
    kind: str
    path: str
    version: int


class UnitTree(UnitRead):
    children: list[UnitTree] = []


# --- roles -----------------------------------------------------------------------------------

class RightScope(Body):
    right: RightName
    scope: ScopeName


class RoleCreate(Body):
    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)
    description: str = Field("", max_length=2000)
    rights: list[RightScope] = Field(default_factory=list)

    @field_validator("rights")
    @classmethod
    def _unique(cls, v: list[RightScope]) -> list[RightScope]:
        return [RightScope(**r) for r in validate_rights([x.model_dump() for x in v])]


class RoleUpdate(Body):
    name: str | None = Field(None, min_length=1, max_length=100)
    name_en: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=2000)
    rights: list[RightScope] | None = None

    @field_validator("rights")
    @classmethod
    def _unique(cls, v: list[RightScope] | None) -> list[RightScope] | None:
        return None if v is None else [RightScope(**r) for r in validate_rights([x.model_dump() for x in v])]


class RoleRead(ORM):
    id: int
    key: str
    name: str
    name_en: str
    description: str
    rights: list[RightScope]
    version: int


# --- positions -------------------------------------------------------------------------------

class JobRequirements(Body):
    """任职要求: what a holder of the position should bring."""

    education: str = Field("", max_length=200)
    training: list[str] = Field(default_factory=list)
    years_experience: int = Field(0, ge=0, le=60)
    management_years: int = Field(0, ge=0, le=60)
    skills: list[str] = Field(default_factory=list)
    traits: list[str] = Field(default_factory=list)


class PositionCreate(Body):
    unit_id: int
    role_id: int
    title: str = Field(min_length=1, max_length=100)
    heads_unit: bool = Field(False, description="The post heads its unit (负责人): the unit's own members are its "
                                               "subordinates, so 'subordinates' rights reach the unit itself too")
    responsibilities: list[str] = Field(default_factory=list)
    requirements: JobRequirements = Field(default_factory=JobRequirements)


class PositionUpdate(Body):
    role_id: int | None = None
    title: str | None = Field(None, min_length=1, max_length=100)
    heads_unit: bool | None = None
    responsibilities: list[str] | None = None
    requirements: JobRequirements | None = None


class PositionRead(ORM):
    id: int
    unit_id: int
    role_id: int
    title: str
    heads_unit: bool
    responsibilities: list[str]
    requirements: JobRequirements
    version: int


# --- users and assignments -------------------------------------------------------------------

class UserCreate(Body):
    username: str = Field(min_length=2, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    display_name: str = Field(min_length=1, max_length=100)
    email: str = Field("", max_length=200)
    password: str = Field(min_length=8, max_length=200)


class UserUpdate(Body):
    display_name: str | None = Field(None, min_length=1, max_length=100)
    email: str | None = Field(None, max_length=200)
    active: bool | None = None


class PasswordChange(Body):
    current_password: str | None = Field(None, description="Required when changing your own password")
    new_password: str = Field(min_length=8, max_length=200)


class UserRead(ORM):
    id: int
    username: str
    display_name: str
    email: str
    active: bool
    version: int


class AssignmentCreate(Body):
    user_id: int
    position_id: int
    start_date: date
    end_date: date | None = None

    @model_validator(mode="after")
    def _window(self) -> AssignmentCreate:
        if self.end_date is not None and self.end_date < self.start_date:
            raise InvalidValue("end_date must not be before start_date", "结束日期不能早于开始日期")
        return self


class AssignmentUpdate(Body):
    end_date: date | None


class AssignmentRead(ORM):
    id: int
    user_id: int
    position_id: int
    start_date: date
    end_date: date | None
    version: int


# --- delegations -----------------------------------------------------------------------------

class DelegationCreate(Body):
    from_user_id: int | None = Field(None, description="Defaults to the caller; admins may set it")
    to_user_id: int
    starts_at: datetime
    ends_at: datetime
    rights: list[RightName] = Field(default_factory=list, description="Empty lends every right")
    reason: str = Field("", max_length=1000)

    @model_validator(mode="after")
    def _window(self) -> DelegationCreate:
        if self.ends_at <= self.starts_at:
            raise InvalidValue("ends_at must be after starts_at", "结束时间须晚于开始时间")
        if (self.ends_at - self.starts_at).days > 366:
            raise InvalidValue("a delegation lasts at most one year", "委托有效期最长一年")
        return self


class DelegationRead(ORM):
    id: int
    from_user_id: int
    to_user_id: int
    rights: list[str]
    starts_at: datetime
    ends_at: datetime
    reason: str
    revoked_at: datetime | None
    active: bool = False


# --- API clients -----------------------------------------------------------------------------

class ClientGrant(Body):
    right: RightName
    unit_id: int
    mode: ModeName = "subtree"


class ClientCreate(Body):
    client_id: str = Field(min_length=3, max_length=80, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str = Field(min_length=1, max_length=200)
    grants: list[ClientGrant] = Field(default_factory=list)


class ClientUpdate(Body):
    name: str | None = Field(None, min_length=1, max_length=200)
    grants: list[ClientGrant] | None = None
    active: bool | None = None


class ClientRead(ORM):
    id: int
    client_id: str
    name: str
    grants: list[ClientGrant]
    active: bool
    version: int


class ClientWithSecret(ClientRead):
    client_secret: str = Field(description="Shown once; store it in the calling system")


# --- tokens, me, explain ---------------------------------------------------------------------

class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str | None = None
    scope: str | None = None


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


class MeRead(BaseModel):
    user: UserRead
    positions: list[HeldPositionRead]
    grants: list[GrantRead]


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


class KeyRead(BaseModel):
    kid: str
    created_at: datetime
    active: bool
