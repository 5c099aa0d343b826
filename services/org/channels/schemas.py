"""Outgoing channels' request and response bodies: robot channels, test sends, status, the delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.common.api import RequestBody
from services.org.notifications.schemas import Kind as KindName

VendorName = Literal["dingtalk", "wecom", "feishu"]
ChannelName = Literal["email", "dingtalk", "wecom", "feishu"]
MessageStatus = Literal["pending", "sent", "parked", "dropped"]


class RobotCreate(RequestBody):
    vendor: VendorName
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=8, max_length=1000, description="The robot's webhook address (with its token)")
    secret: str = Field("", max_length=200, description="The signing secret (DingTalk, Feishu) or WeCom's key; "
                                                         "write-only")
    kinds: list[KindName] = Field(default_factory=list, description="Kinds it posts; empty: every kind")
    include_subunits: bool = False
    active: bool = True


class RobotUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=100)
    url: str | None = Field(None, min_length=8, max_length=1000,
                            description="A new address; the masked one the API shows keeps the current one")
    secret: str | None = Field(None, max_length=200, description="A new secret; empty removes it")
    kinds: list[KindName] | None = None
    include_subunits: bool | None = None
    active: bool | None = None


class RobotRead(BaseModel):
    id: int
    unit_id: int
    vendor: str
    name: str
    url: str = Field(description="The address with its token masked (…abcd)")
    has_secret: bool
    kinds: list[str]
    include_subunits: bool
    active: bool
    created_at: datetime
    updated_at: datetime
    version: int


class SendResult(BaseModel):
    ok: bool
    error: str = Field("", description="Why the channel refused the message (the vendor's own reason), or empty")


class EmailTest(RequestBody):
    to: str = Field(min_length=3, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")


class EmailStatus(BaseModel):
    configured: bool
    host: str
    port: int
    security: str
    from_: str = Field(serialization_alias="from")


class ChannelsStatus(BaseModel):
    email: EmailStatus
    robots_count: int
    pending: int
    parked: int


class OutgoingMessageRead(BaseModel):
    id: int
    channel: str
    address: str
    robot_id: int | None
    subject: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
