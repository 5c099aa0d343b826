"""What waits on whom (watches) and 催办; the company's SLA policies."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.org.deps import AdminPrincipal, Me, WatchToUrge
from services.org.reminders import service
from services.org.reminders.schemas import (
    MyWatches,
    PolicyBody,
    PolicyKind,
    PolicyList,
    PolicyRead,
    UrgeBody,
    UrgeRead,
    WatchList,
)

router = APIRouter(tags=["reminders"])


@router.get("/watches", response_model=WatchList,
            summary="The open waiting items on a subject the caller may see (with whether they may 催办)")
async def list_watches(session: Session, principal: CurrentPrincipal,
                       subject_type: str = Query(min_length=1, max_length=40, examples=["plan"]),
                       subject_id: str = Query(min_length=1, max_length=60, examples=["7"])):
    return await service.watches_on(session, principal, subject_type=subject_type, subject_id=subject_id)


@router.get("/me/watches", response_model=MyWatches, summary="What waits on me, and what I asked for that waits")
async def my_watches(session: Session, principal: CurrentPrincipal, me: Me):
    return await service.my_watches(session, principal, me)


@router.post("/watches/{watch_id}/urge", response_model=UrgeRead,
             summary="催办: chase the people an item waits on (its requester, once per business day)")
async def urge(session: Session, principal: CurrentPrincipal, watch: WatchToUrge, body: UrgeBody | None = None):
    return await service.urge(session, principal, watch, body or UrgeBody())


@router.get("/sla-policies", response_model=PolicyList, summary="Time limits in working days per kind of item")
async def list_policies(session: Session, principal: CurrentPrincipal):
    return await service.list_policies(session)


@router.put("/sla-policies/{kind}", response_model=PolicyRead,
            summary="Set a kind's time limits (admin over the company; open items keep theirs)")
async def put_policy(kind: PolicyKind, body: PolicyBody, session: Session, admin: AdminPrincipal):
    return await service.put_policy(session, admin, kind, body)
