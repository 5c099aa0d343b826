"""The notification centre's and the preferences' request and response bodies."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from services.common.api import RequestBody
from services.common.i18n import InvalidValue

Kind = Literal["approval", "task", "alert", "mention", "digest"]
Channel = Literal["in_app", "email"]
Language = Literal["zh-CN", "en"]


class NotificationRead(BaseModel):
    id: int
    kind: Kind
    topic: str
    title: str = Field(description="In the caller's language")
    body: str
    link: str = Field(description="The SPA path it opens, e.g. /plans/7")
    subject_type: str
    subject_id: str
    unit_id: int | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationRead]
    next_cursor: str | None = None
    unread: int = Field(description="The caller's unread notifications, all of them")


class UnreadCount(BaseModel):
    unread: int


class Marked(BaseModel):
    marked: int


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class QuietHoursBody(RequestBody):
    start: str = Field(description="HH:MM, business time zone", examples=["22:00"])
    end: str = Field(description="HH:MM; earlier than start means the next morning", examples=["07:30"])

    @field_validator("start", "end")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise InvalidValue("a time of day is written HH:MM (00:00–23:59)", "时间请写成“时:分”（00:00–23:59）")
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> QuietHoursBody:
        if self.start == self.end:
            raise InvalidValue("quiet hours need different start and end times", "免打扰的开始和结束时间不能相同")
        return self


def _channels(value: list[str]) -> list[str]:
    if "in_app" not in value:
        raise InvalidValue("in-app notifications cannot be turned off", "站内通知不能关闭")
    return list(dict.fromkeys(value))


class PreferencesBody(RequestBody):
    """What the caller chooses: channels per kind (kinds left out keep the company default), quiet hours
    (null: none) and the language of their e-mail."""

    channels: dict[Kind, list[Channel]] = Field(default_factory=dict)
    quiet_hours: QuietHoursBody | None = None
    language: Language = "zh-CN"

    @field_validator("channels")
    @classmethod
    def _in_app_stays(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {k: _channels(v) for k, v in value.items()}


class QuietHoursRead(BaseModel):
    start: str
    end: str


class KindChoice(BaseModel):
    kind: Kind
    name: str
    channels: list[Channel]
    chosen: bool = Field(description="True when the person chose; false when the company default applies")
    default_channels: list[Channel] = Field(description="The company's default for the kind (what applies "
                                                        "without a choice of one's own)")


class PreferencesRead(BaseModel):
    kinds: list[KindChoice]
    quiet_hours: QuietHoursRead | None
    language: Language
    email: str = Field(description="Where e-mail goes (the user's address; empty: no e-mail)")
    email_enabled: bool = Field(description="Whether the company sends e-mail at all (an SMTP server is set up)")


class DefaultsBody(RequestBody):
    channels: dict[Kind, list[Channel]]

    @field_validator("channels")
    @classmethod
    def _in_app_stays(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {k: _channels(v) for k, v in value.items()}


class DefaultsRead(BaseModel):
    kinds: list[KindChoice]
