"""Delegations: lending one's rights to a colleague for a time window."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from services.common.api import CursorParam, LimitParam, Page
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.org.delegations import service
from services.org.delegations.schemas import DelegationCreate, DelegationRead
from services.org.deps import ValidDelegation

router = APIRouter(prefix="/delegations", tags=["delegations"])


@router.get("", response_model=Page[DelegationRead], summary="Delegations from or to me (admins: all)")
async def list_delegations(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                           cursor: str | None = CursorParam, user_id: int | None = Query(None),
                           active: bool | None = Query(None)):
    return await service.list_delegations(session, principal=principal, user_id=user_id, active=active, limit=limit,
                                          cursor=cursor)


@router.post("", response_model=DelegationRead, status_code=201, summary="Delegate my rights for a window")
async def create_delegation(body: DelegationCreate, session: Session, principal: CurrentPrincipal):
    return await service.create_delegation(session, principal=principal, body=body)


@router.delete("/{delegation_id}", status_code=204, summary="Revoke a delegation (delegator, delegate or admin)")
async def revoke_delegation(d: ValidDelegation, session: Session, principal: CurrentPrincipal):
    await service.revoke_delegation(session, principal=principal, delegation=d)
    return Response(status_code=204)
