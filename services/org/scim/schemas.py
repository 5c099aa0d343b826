"""SCIM tokens' request and response bodies, and what a SCIM endpoint answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.common.api import RequestBody


class ScimTokenCreate(RequestBody):
    name: str = Field(min_length=1, max_length=100, description="Who uses it, e.g. 'Entra ID 生产租户'")
    provider_key: str | None = Field(None, max_length=40, description="An identity provider whose accounts the "
                                     "provisioned users are linked to by their externalId (optional)")


class ScimTokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    unit_id: int
    provider_id: int | None
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ScimTokenWithSecret(ScimTokenRead):
    token: str = Field(description="Shown this once: give it to the identity provider as its SCIM bearer token")


@dataclass
class ScimReply:
    """A SCIM answer: the JSON body (already in SCIM's shape), its status and headers."""

    body: dict[str, Any] | None
    status: int = 200
    etag: str | None = None
    location: str | None = None
