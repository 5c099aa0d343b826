"""The audit endpoints every service exposes over its own chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from services.common import audit
from services.common.anchoring import verified_anchors
from services.common.api import CursorParam, LimitParam, Page, paginate
from services.common.audit import AuditEntryMixin
from services.common.authz import Principal, is_admin
from services.common.db import Session
from services.common.problems import Forbidden
from services.common.security import CurrentPrincipal


class AuditEntryRead(BaseModel):
    seq: int
    at: datetime
    actor: str
    actor_name: str
    action: str
    subject_type: str
    subject_id: str
    unit_path: str | None
    grant: dict[str, Any] | None
    before: Any
    after: Any
    note: str
    request_id: str
    hash: str

    model_config = {"from_attributes": True}


class AuditVerifyRead(BaseModel):
    ok: bool
    entries: int
    broken_at: int | None = None
    reason: str | None = None
    anchored_to: int | None = Field(None, description="The last entry org signed (and the chain still holds)")
    anchors: int = Field(0, description="Signed anchors checked against the chain")
    anchors_error: str | None = Field(None, description="Why no anchors could be checked (org unreachable)")


def require_admin(principal: Principal) -> None:
    if not is_admin(principal):
        raise Forbidden("Only administrators (the 'admin' right over the company) may do this.", right="admin",
                        zh="只有管理员（对全公司有管理权）才能执行此操作。")


def audit_router(model: type[AuditEntryMixin]) -> APIRouter:
    router = APIRouter(prefix="/audit", tags=["audit"])

    @router.get("", response_model=Page[AuditEntryRead], summary="Audit log (admin)")
    async def list_audit(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam, action: str | None = Query(None),
                         subject_type: str | None = Query(None), subject_id: str | None = Query(None),
                         actor: str | None = Query(None)) -> Page[AuditEntryRead]:
        require_admin(principal)
        stmt = select(model)
        filters = (("action", action), ("subject_type", subject_type), ("subject_id", subject_id), ("actor", actor))
        for col, val in filters:
            if val is not None:
                stmt = stmt.where(getattr(model, col) == val)
        rows, nxt = await paginate(session, stmt, model.seq, limit=limit, cursor=cursor)
        return Page[AuditEntryRead](items=[AuditEntryRead.model_validate(r) for r in rows], next_cursor=nxt)

    @router.get("/verify", response_model=AuditVerifyRead,
                summary="Verify the hash chain and org's signed anchors of it (admin)")
    async def verify_audit(request: Request, session: Session, principal: CurrentPrincipal) -> AuditVerifyRead:
        require_admin(principal)
        anchors, error = await verified_anchors(request.app)
        result = await audit.verify(session, model, anchors=anchors)
        return AuditVerifyRead(**result, anchors=len(anchors), anchors_error=error)

    return router
