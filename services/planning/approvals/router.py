"""Approvals: acting on a plan in its flow (submit … publish, revise, suggest, guide), what awaits the
caller, suggestions and guidance notes, and the flows themselves (one per plan kind, admins edit)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import check_if_match, etag, set_etag
from services.common.db import Session
from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal
from services.planning.approvals import service
from services.planning.approvals.controls import Control
from services.planning.approvals.schemas import (
    ActionBody,
    AddSignerBody,
    Candidate,
    CcBody,
    FlowPreviewRead,
    FlowPreviewRequest,
    FlowRead,
    FlowUpdate,
    GuidanceRead,
    SuggestionAnswer,
    SuggestionRead,
    TransferBody,
    WithdrawBody,
)
from services.planning.deps import Admin, PlanToView, ValidFlow
from services.planning.plans.schemas import PlanRead
from services.planning.plans.service import plan_etag

router = APIRouter(tags=["plans"])
flows_router = APIRouter(prefix="/flows", tags=["flows"])


@router.get("/plans/awaiting-me", response_model=list[PlanRead],
            summary="Plans waiting for the caller's action (approve, return, issue, publish, answer)")
async def awaiting_me(session: Session, principal: CurrentPrincipal, limit: int = Query(50, ge=1, le=200)):
    return await service.awaiting_me(session, principal, limit=limit)


# --- approval controls (issue 23): declared before the generic action route, which would take their paths ---


@router.post("/plans/{plan_id}/withdraw", response_model=PlanRead,
             summary="撤回: the submitter takes the plan back to draft while nobody has acted on the submission")
async def withdraw(plan: PlanToView, body: WithdrawBody, session: Session, rt: RuntimeDep, request: Request,
                   response: Response):
    check_if_match(request, plan_etag(plan.item))
    read = await service.withdraw(session, rt, plan, body)
    set_etag(response, plan_etag(read))
    return read


@router.post("/plans/{plan_id}/transfer", response_model=PlanRead,
             summary="转办: hand your pending signature on the current stage to another holder of its requirement")
async def transfer(plan: PlanToView, body: TransferBody, session: Session, rt: RuntimeDep, request: Request,
                   response: Response):
    check_if_match(request, plan_etag(plan.item))
    read = await service.transfer(session, rt, plan, body)
    set_etag(response, plan_etag(read))
    return read


@router.post("/plans/{plan_id}/add-signer", response_model=PlanRead,
             summary="加签: add someone before or after you on the current stage, for this plan only")
async def add_signer(plan: PlanToView, body: AddSignerBody, session: Session, rt: RuntimeDep, request: Request,
                     response: Response):
    check_if_match(request, plan_etag(plan.item))
    read = await service.add_signer(session, rt, plan, body)
    set_etag(response, plan_etag(read))
    return read


@router.post("/plans/{plan_id}/cc", response_model=PlanRead,
             summary="抄送: the submitter copies people, who may read the plan and are told")
async def cc(plan: PlanToView, body: CcBody, session: Session, rt: RuntimeDep, request: Request,
             response: Response):
    check_if_match(request, plan_etag(plan.item))
    read = await service.copy(session, rt, plan, body)
    set_etag(response, plan_etag(read))
    return read


@router.get("/plans/{plan_id}/candidates", response_model=list[Candidate],
            summary="Whom you may name in a control now (from org's holders; cc: the company's people)")
async def candidates(plan: PlanToView, session: Session, rt: RuntimeDep, control: Control = Query(...),
                     q: str | None = Query(None, max_length=100, description="Part of a name")):
    return await service.candidates(session, rt, plan, control=control, q=q)


@router.post("/plans/{plan_id}/{action}", response_model=PlanRead,
             summary="Act on a plan: submit, approve, return, veto, issue, publish, revise, suggest, guide")
async def act(plan: PlanToView, action: str, body: ActionBody, session: Session, rt: RuntimeDep, request: Request,
              response: Response):
    refusal = service.unknown_action(action)
    if refusal is not None:
        raise refusal
    check_if_match(request, plan_etag(plan.item))
    read = await service.act(session, rt, plan, action=action, body=body)
    set_etag(response, plan_etag(read))
    return read


@router.get("/plans/{plan_id}/suggestions", response_model=list[SuggestionRead])
async def list_suggestions(plan: PlanToView, session: Session):
    return await service.list_suggestions(session, plan)


@router.post("/plans/{plan_id}/suggestions/{suggestion_id}/answer", response_model=SuggestionRead,
             summary="The plan's owner accepts or declines a suggestion, with a reason")
async def answer_suggestion(plan: PlanToView, suggestion_id: int, body: SuggestionAnswer, session: Session):
    return await service.answer_suggestion(session, plan, suggestion_id, body)


@router.get("/plans/{plan_id}/guidance-notes", response_model=list[GuidanceRead])
async def list_guidance(plan: PlanToView, session: Session):
    return await service.list_guidance(session, plan)


@flows_router.get("", response_model=list[FlowRead])
async def list_flows(session: Session, principal: CurrentPrincipal):
    return await service.list_flows(session)


@flows_router.get("/{kind}", response_model=FlowRead)
async def get_flow(principal: CurrentPrincipal, flow: ValidFlow, response: Response):
    set_etag(response, etag("flow", flow.id, flow.version))
    return flow


@flows_router.patch("/{kind}", response_model=FlowRead,
                    summary="Change a flow's stages (admin); plans in review keep going")
async def update_flow(principal: Admin, flow: ValidFlow, body: FlowUpdate, session: Session, request: Request,
                      response: Response):
    check_if_match(request, etag("flow", flow.id, flow.version))
    flow = await service.update_flow(session, principal, flow, body)
    set_etag(response, etag("flow", flow.id, flow.version))
    return flow


@flows_router.post("/{kind}/preview", response_model=FlowPreviewRead,
                   summary="Who would sign each stage for a plan of a unit (admin): the saved flow, or a draft of its "
                           "stages, as the org model says today")
async def preview_flow(principal: Admin, flow: ValidFlow, body: FlowPreviewRequest, session: Session, rt: RuntimeDep):
    return await service.preview_flow(session, rt, flow, body)
