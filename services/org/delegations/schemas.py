"""Delegations' request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.api import RequestBody
from services.common.i18n import InvalidValue
from services.org.roles.schemas import RightName


class DelegationCreate(RequestBody):
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


class DelegationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_user_id: int
    to_user_id: int
    rights: list[str]
    starts_at: datetime
    ends_at: datetime
    reason: str
    revoked_at: datetime | None
    active: bool = False
