"""Approval flows, one per plan kind, editable by administrators."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from services.common.api import check_if_match, etag, set_etag
from services.common.audit_api import require_admin
from services.common.db import Session
from services.common.problems import NotFound
from services.common.security import CurrentPrincipal
from services.planning.models import Flow
from services.planning.schemas import FlowRead, FlowUpdate
from services.planning.workflow import journal

router = APIRouter(prefix="/flows", tags=["flows"])


@router.get("", response_model=list[FlowRead])
async def list_flows(session: Session, principal: CurrentPrincipal):
    return (await session.execute(select(Flow).order_by(Flow.id))).scalars().all()


async def _flow(session, kind: str) -> Flow:
    flow = (await session.execute(select(Flow).where(Flow.kind == kind))).scalar_one_or_none()
    if flow is None:
        raise NotFound(f"There is no flow for '{kind}' plans; kinds are annual, quarterly and monthly.",
                       zh="没有这种计划类型的审批流程；类型为年度、季度、月度。")
    return flow


@router.get("/{kind}", response_model=FlowRead)
async def get_flow(kind: str, session: Session, principal: CurrentPrincipal, response: Response):
    flow = await _flow(session, kind)
    set_etag(response, etag("flow", flow.id, flow.version))
    return flow


@router.patch("/{kind}", response_model=FlowRead, summary="Change a flow's stages (admin); plans in review keep going")
async def update_flow(kind: str, body: FlowUpdate, session: Session, principal: CurrentPrincipal, request: Request,
                      response: Response):
    require_admin(principal)
    flow = await _flow(session, kind)
    check_if_match(request, etag("flow", flow.id, flow.version))
    before = FlowRead.model_validate(flow).model_dump()
    if body.name is not None:
        flow.name = body.name
    if body.stages is not None:
        flow.stages = [s.model_dump() for s in body.stages]
    if body.final_action is not None:
        flow.final_action = body.final_action
    await session.flush()
    await journal.audit(session, actor=principal, action="flow.updated", subject_type="flow", subject_id=flow.id,
                        before=before, after=FlowRead.model_validate(flow).model_dump(), request=request)
    set_etag(response, etag("flow", flow.id, flow.version))
    return flow
