"""Consolidation (汇总、综合平衡): the unit's plan top-down against its child units' plans bottom-up."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.common.db import Session
from services.common.files import download_response
from services.common.security import CurrentPrincipal
from services.planning.consolidation import service
from services.planning.consolidation.schemas import AdjustmentIn, AdjustmentRead, ConsolidationRead

router = APIRouter(tags=["consolidation"])


@router.get("/consolidation", response_model=ConsolidationRead,
            summary="Top-down against bottom-up targets for a unit and period, with gaps")
async def get_consolidation(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                            period: str = Query(...)):
    return await service.consolidate(session, principal, unit_id, period)


@router.post("/consolidation/adjustments", status_code=201, response_model=AdjustmentRead,
             summary="Propose a balancing adjustment (综合平衡) of one child plan's target, with its reason")
async def add_adjustment(body: AdjustmentIn, session: Session, principal: CurrentPrincipal):
    return await service.add_adjustment(session, principal, body)


@router.post("/consolidation/adjustments/{adjustment_id}/apply", response_model=AdjustmentRead,
             summary="Apply a proposed adjustment: the child plan's target changes, with the reason in its history "
                     "(plan right over the company; not by the proposer)")
async def apply_adjustment(adjustment_id: int, session: Session, principal: CurrentPrincipal):
    return await service.apply_adjustment(session, principal, adjustment_id)


@router.get("/consolidation/export.xlsx", summary="The consolidation as an Excel workbook")
async def export_consolidation(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                               period: str = Query(...)):
    workbook = await service.export_consolidation(session, principal, unit_id, period)
    return download_response(workbook.content, workbook.filename, fallback="plan")
