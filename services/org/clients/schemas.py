"""API clients' request and response bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.api import RequestBody
from services.org.roles.schemas import RightName

ModeName = Literal["exact", "descendants", "subtree"]


class ClientGrant(RequestBody):
    right: RightName
    unit_id: int
    mode: ModeName = "subtree"


class ClientCreate(RequestBody):
    client_id: str = Field(min_length=3, max_length=80, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str = Field(min_length=1, max_length=200)
    grants: list[ClientGrant] = Field(default_factory=list)


class ClientUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=200)
    grants: list[ClientGrant] | None = None
    active: bool | None = None


class ClientRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    client_id: str
    name: str
    grants: list[ClientGrant]
    active: bool
    version: int


class ClientWithSecret(ClientRead):
    client_secret: str = Field(description="Shown once; store it in the calling system")
