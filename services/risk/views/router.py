"""Views over the register: the heat map, reviews due, open alerts by unit."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query

from services.common.api import CursorParam, LimitParam, Page
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.risk.views import service
from services.risk.views.schemas import HeatmapRead, ReviewDue, UnitAlerts

router = APIRouter(tags=["views"])


@router.get("/heatmap", response_model=HeatmapRead,
            summary="Likelihood × impact counts over a unit's subtree, with the risks behind each cell")
async def heatmap(session: Session, principal: CurrentPrincipal,
                  unit_id: int = Query(description="The unit whose subtree is mapped"),
                  basis: str = Query("current", pattern="^(current|inherent|residual)$",
                                     description="current: the latest assessment of each risk; inherent or "
                                                 "residual: the latest of that kind"),
                  include_closed: bool = False) -> HeatmapRead:
    return await service.heatmap(session, principal=principal, unit_id=unit_id, basis=basis,
                                 include_closed=include_closed)


@router.get("/reviews/due", response_model=Page[ReviewDue],
            summary="Risks whose review is due by a date, or whose signed-off acceptance has lapsed")
async def reviews_due(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                      cursor: str | None = CursorParam, on: date | None = Query(None, description="Default today"),
                      unit_id: int | None = Query(None, description="Only this unit's subtree")) -> Page[ReviewDue]:
    return await service.reviews_due(session, principal=principal, on=on, unit_id=unit_id, limit=limit, cursor=cursor)


@router.get("/alerts/by-unit", response_model=list[UnitAlerts], summary="Open alerts counted per unit")
async def alerts_by_unit(session: Session, principal: CurrentPrincipal,
                         unit_id: int | None = Query(None, description="Only this unit's subtree")) -> list[UnitAlerts]:
    return await service.alerts_by_unit(session, principal=principal, unit_id=unit_id)
