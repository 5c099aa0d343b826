"""Audit anchors: services send their chain's head, org signs and keeps it, admins read them."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.common.service_auth import ServicePrincipal
from services.org.anchors.schemas import AnchorCreate, AnchorList, AnchorRead
from services.org.anchors.service import read_anchors, sign_head
from services.org.runtime import OrgRuntimeDep

router = APIRouter(prefix="/audit/anchors", tags=["audit"])


@router.post("", response_model=AnchorRead, summary="Sign this service's audit chain head (Yunguan services only)")
async def create_anchor(body: AnchorCreate, session: Session, principal: ServicePrincipal, rt: OrgRuntimeDep):
    return await sign_head(session, rt, principal=principal, body=body)


@router.get("", response_model=AnchorList, summary="Signed heads of the audit chains (admin, or a Yunguan service)")
async def list_anchors(session: Session, principal: CurrentPrincipal,
                       service: str | None = Query(None, max_length=40)):
    return await read_anchors(session, principal=principal, service=service)
