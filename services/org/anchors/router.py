"""Audit anchors: services send their chain's head, org signs and keeps it, admins read them."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from services.common.audit_api import require_admin
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.common.service_auth import ServicePrincipal, is_internal_service, service_of
from services.org import anchors
from services.org.schemas import Body

router = APIRouter(prefix="/audit/anchors", tags=["audit"])


class AnchorCreate(Body):
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


@router.post("", response_model=AnchorRead, summary="Sign this service's audit chain head (Yunguan services only)")
async def create_anchor(body: AnchorCreate, request: Request, session: Session, principal: ServicePrincipal):
    state = request.app.state
    return await anchors.record(session, keys=state.keys, issuer=state.settings.token_issuer, actor=principal,
                                service=service_of(principal), seq=body.seq, hash_=body.hash)


@router.get("", response_model=AnchorList, summary="Signed heads of the audit chains (admin, or a Yunguan service)")
async def list_anchors(session: Session, principal: CurrentPrincipal,
                       service: str | None = Query(None, max_length=40)):
    if not is_internal_service(principal):
        require_admin(principal)
    return AnchorList(items=await anchors.anchors_of(session, service))
