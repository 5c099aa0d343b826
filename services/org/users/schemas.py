"""Users', passwords' and assignments' request and response bodies."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.common.api import RequestBody
from services.common.i18n import InvalidValue


class UserCreate(RequestBody):
    username: str = Field(min_length=2, max_length=60, pattern=r"^[A-Za-z0-9_.-]+$")
    display_name: str = Field(min_length=1, max_length=100)
    email: str = Field("", max_length=200)
    password: str = Field(min_length=8, max_length=200)


class UserUpdate(RequestBody):
    display_name: str | None = Field(None, min_length=1, max_length=100)
    email: str | None = Field(None, max_length=200)
    active: bool | None = None


class PasswordChange(RequestBody):
    current_password: str | None = Field(None, description="Required when changing your own password")
    new_password: str = Field(min_length=8, max_length=200)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    email: str
    active: bool
    version: int


class UserListed(UserRead):
    """A user in a list, with the post they hold today (for pickers: two 张伟 told apart by where they work)."""

    position_name: str | None = Field(None, description="Their position today (the longest held; null: none)")
    unit_name: str | None = Field(None, description="The unit of that position")


class AssignmentCreate(RequestBody):
    user_id: int
    position_id: int
    start_date: date
    end_date: date | None = None

    @model_validator(mode="after")
    def _window(self) -> AssignmentCreate:
        if self.end_date is not None and self.end_date < self.start_date:
            raise InvalidValue("end_date must not be before start_date", "结束日期不能早于开始日期")
        return self


class AssignmentUpdate(RequestBody):
    end_date: date | None


class AssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    position_id: int
    start_date: date
    end_date: date | None
    version: int
