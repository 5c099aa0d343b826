"""The indicator library (监控指标体系): everyone signed in reads it, administrators edit it."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.kpi.deps import CompanyAdmin, ValidIndicator
from services.kpi.indicators import service
from services.kpi.indicators.schemas import IndicatorCreate, IndicatorRead, IndicatorUpdate

router = APIRouter(prefix="/indicators", tags=["indicators"])


@router.get("", response_model=Page[IndicatorRead], summary="Indicators, filterable by category")
async def list_indicators(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                          cursor: str | None = CursorParam,
                          category: str | None = Query(None), active: bool | None = Query(None)):
    items, nxt = await service.list_indicators(session, limit=limit, cursor=cursor, category=category, active=active)
    return Page[IndicatorRead](items=items, next_cursor=nxt)


@router.get("/{code}", response_model=IndicatorRead)
async def get_indicator(principal: CurrentPrincipal, ind: ValidIndicator, response: Response):
    set_etag(response, etag("indicator", ind.id, ind.version))
    return service.indicator_read(ind)


@router.post("", response_model=IndicatorRead, status_code=201, summary="Add an indicator (admin)")
async def create_indicator(body: IndicatorCreate, response: Response, session: Session, principal: CompanyAdmin):
    ind = await service.create_indicator(session, principal=principal, body=body)
    set_etag(response, etag("indicator", ind.id, ind.version))
    return service.indicator_read(ind)


@router.patch("/{code}", response_model=IndicatorRead, summary="Change an indicator (admin; If-Match)")
async def update_indicator(body: IndicatorUpdate, request: Request, response: Response, session: Session,
                           principal: CompanyAdmin, ind: ValidIndicator):
    check_if_match(request, etag("indicator", ind.id, ind.version))
    ind = await service.update_indicator(session, principal=principal, ind=ind, body=body)
    set_etag(response, etag("indicator", ind.id, ind.version))
    return service.indicator_read(ind)
