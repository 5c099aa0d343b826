"""Plans: draft, list, read, edit, look back at, decompose and export."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, set_etag
from services.common.db import Session
from services.common.files import download_response
from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal
from services.planning.deps import PlanToPlan, PlanToView
from services.planning.plans import service
from services.planning.plans.schemas import (
    DecompositionRead,
    HistoryRead,
    PlanCreate,
    PlanRead,
    PlanSummary,
    PlanUpdate,
)

router = APIRouter(tags=["plans"])


@router.post("/plans", response_model=PlanRead, status_code=201, summary="Draft a plan for a unit and period")
async def create_plan(body: PlanCreate, session: Session, principal: CurrentPrincipal, rt: RuntimeDep,
                      request: Request, response: Response):
    read = await service.create_plan(session, rt, principal, body,
                                     authorization=request.headers.get("authorization", ""))
    set_etag(response, service.plan_etag(read))
    return read


@router.get("/plans", response_model=Page[PlanSummary], summary="Plans the caller may see")
async def list_plans(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                     period: str | None = Query(None), status: str | None = Query(None),
                     kind: str | None = Query(None), subtree: bool = Query(False,
                                                                           description="Include units below unit_id")):
    return await service.list_plans(session, principal, limit=limit, cursor=cursor, unit_id=unit_id, period=period,
                                    status=status, kind=kind, subtree=subtree)


@router.get("/plans/{plan_id}", response_model=PlanRead)
async def get_plan(plan: PlanToView, session: Session, response: Response):
    read = await service.get_plan(session, plan)
    set_etag(response, service.plan_etag(read))
    return read


@router.patch("/plans/{plan_id}", response_model=PlanRead, summary="Edit a draft or returned plan")
async def update_plan(plan: PlanToPlan, body: PlanUpdate, session: Session, rt: RuntimeDep, request: Request,
                      response: Response):
    check_if_match(request, service.plan_etag(plan.item))
    read = await service.update_plan(session, rt, plan, body, authorization=request.headers.get("authorization", ""))
    set_etag(response, service.plan_etag(read))
    return read


@router.get("/plans/{plan_id}/history", response_model=HistoryRead, summary="Actions and versions, with a diff")
async def history(plan: PlanToView, session: Session, from_revision: int | None = Query(None, alias="from"),
                  to_revision: int | None = Query(None, alias="to")):
    return await service.history(session, plan, from_revision=from_revision, to_revision=to_revision)


@router.get("/plans/{plan_id}/decomposition", response_model=DecompositionRead,
            summary="Child plans' targets against this plan's (gaps shown)")
async def decomposition(plan: PlanToView, session: Session):
    return await service.decomposition(session, plan)


@router.get("/plans/{plan_id}/export.xlsx", summary="The plan as an Excel workbook", response_class=Response)
async def export_plan(plan: PlanToView, session: Session):
    workbook = await service.export_plan(session, plan)
    return download_response(workbook.content, workbook.filename, fallback="plan")
