"""Key risk indicators and the alerts they raise."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.risk.alerts import service
from services.risk.alerts.schemas import (
    AlertNote,
    AlertRead,
    AlertResolve,
    AlertStatus,
    KriCreate,
    KriRead,
    KriUpdate,
    KriValueCreate,
    KriValueItem,
    KriValueRead,
)
from services.risk.deps import AlertToHandle, AlertToView, KriToChange, KriToRemove, KriToReport, KriToView
from services.risk.models import Alert, Kri

router = APIRouter(tags=["early warning"])


def kri_etag(kri: Kri | KriRead) -> str:
    return etag("kri", kri.id, kri.version)


def alert_etag(alert: Alert | AlertRead) -> str:
    return etag("alert", alert.id, alert.version)


# ---- KRIs

@router.get("/kris", response_model=Page[KriRead], summary="Key risk indicators of the risks you may see")
async def list_kris(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                    cursor: str | None = CursorParam, risk_id: int | None = None, unit_id: int | None = None,
                    indicator_code: str | None = None) -> Page[KriRead]:
    return await service.list_kris(session, principal=principal, limit=limit, cursor=cursor, risk_id=risk_id,
                                   unit_id=unit_id, indicator_code=indicator_code)


@router.post("/kris", response_model=KriRead, status_code=201,
             summary="Watch a kpi indicator of a unit for a risk (plan over the risk's unit)")
async def create_kri(body: KriCreate, session: Session, principal: CurrentPrincipal, response: Response) -> KriRead:
    kri = await service.create_kri(session, principal=principal, body=body)
    set_etag(response, kri_etag(kri))
    return kri


@router.get("/kris/{kri_id}", response_model=KriRead)
async def get_kri(kri: KriToView, response: Response) -> KriRead:
    set_etag(response, kri_etag(kri))
    return service.kri_read(kri)


@router.patch("/kris/{kri_id}", response_model=KriRead, summary="Change thresholds or pause a KRI (If-Match)")
async def update_kri(kri: KriToChange, body: KriUpdate, session: Session, request: Request,
                     response: Response) -> KriRead:
    check_if_match(request, kri_etag(kri.item))
    changed = await service.update_kri(session, allowed=kri, body=body)
    set_etag(response, kri_etag(changed))
    return changed


@router.delete("/kris/{kri_id}", status_code=204,
               summary="Remove a KRI set up by mistake (no values, no alerts); otherwise pause it (If-Match)")
async def delete_kri(kri: KriToRemove, session: Session, request: Request) -> Response:
    check_if_match(request, kri_etag(kri.item))
    await service.delete_kri(session, allowed=kri)
    return Response(status_code=204)


@router.post("/kris/{kri_id}/values", response_model=KriValueRead, status_code=201,
             summary="Give a KRI a value; an alert is raised when it crosses to warning or critical")
async def post_value(kri: KriToReport, body: KriValueCreate, session: Session,
                     principal: CurrentPrincipal) -> KriValueRead:
    return await service.report_value(session, kri=kri, principal=principal, body=body)


@router.get("/kris/{kri_id}/values", response_model=Page[KriValueItem], summary="The KRI's values, newest first")
async def list_values(kri: KriToView, session: Session,
                      limit: int = Query(100, ge=1, le=500)) -> Page[KriValueItem]:
    return await service.list_values(session, kri=kri, limit=limit)


# ---- alerts

@router.get("/alerts", response_model=Page[AlertRead],
            summary="Alerts; mine=true is your inbox (risks you own, units you dispatch)")
async def list_alerts(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                      cursor: str | None = CursorParam, risk_id: int | None = None,
                      unit_id: int | None = Query(None, description="Only this unit's subtree"),
                      status: AlertStatus | None = None,
                      level: str | None = Query(None, pattern="^(warning|critical)$"),
                      mine: bool = False) -> Page[AlertRead]:
    return await service.list_alerts(session, principal=principal, limit=limit, cursor=cursor, risk_id=risk_id,
                                     unit_id=unit_id, status=status, level=level, mine=mine)


@router.get("/alerts/{alert_id}", response_model=AlertRead)
async def get_alert(alert: AlertToView, session: Session, response: Response) -> AlertRead:
    set_etag(response, alert_etag(alert))
    return await service.read_alert(session, alert=alert)


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertRead, summary="Acknowledge an open alert")
async def acknowledge_alert(alert: AlertToHandle, body: AlertNote, session: Session, principal: CurrentPrincipal,
                            request: Request, response: Response) -> AlertRead:
    check_if_match(request, alert_etag(alert))
    acknowledged = await service.acknowledge(session, alert=alert, principal=principal, note=body.note)
    set_etag(response, alert_etag(acknowledged))
    return acknowledged


@router.post("/alerts/{alert_id}/resolve", response_model=AlertRead, summary="Resolve an alert with a note")
async def resolve_alert(alert: AlertToHandle, body: AlertResolve, session: Session, principal: CurrentPrincipal,
                        request: Request, response: Response) -> AlertRead:
    check_if_match(request, alert_etag(alert))
    resolved = await service.resolve(session, alert=alert, principal=principal, note=body.note)
    set_etag(response, alert_etag(resolved))
    return resolved
