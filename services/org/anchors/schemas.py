"""Audit anchors' request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from services.common.api import RequestBody


class AnchorCreate(RequestBody):
    seq: int = Field(ge=1)
    hash: str = Field(pattern="^[0-9a-f]{64}$")


class AnchorRead(BaseModel):
    service: str
    seq: int
    hash: str
    anchor: str = Field(description="RS256 JWS over {iss, typ: audit-anchor, service, seq, hash, iat}; "
                                    "verify with org's JWKS")
    at: datetime | None = None


class AnchorList(BaseModel):
    items: list[AnchorRead]
