"""Sign-in's, keys' and /me's response bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from services.org.positions.schemas import GrantRead, HeldPositionRead
from services.org.users.schemas import UserRead


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str | None = None
    scope: str | None = None


class MeRead(BaseModel):
    user: UserRead
    positions: list[HeldPositionRead]
    grants: list[GrantRead]


class KeyRead(BaseModel):
    kid: str
    created_at: datetime
    active: bool
