"""Key risk indicators and the alerts they raise."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import or_, select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.db import Session
from services.common.i18n import field_label, zh_of
from services.common.org_units import load_unit
from services.common.problems import Conflict, Forbidden, Invalid
from services.common.scoping import visible_to
from services.common.security import CurrentPrincipal
from services.risk import warnings
from services.risk.api.deps import (
    ValidAlert,
    ValidKri,
    is_owner,
    require_any,
    require_plan,
    require_view,
    risk_visibility,
    unit_of,
)
from services.risk.journal import journal
from services.risk.models import Alert, Kri, KriValue, OrgUnit, Risk
from services.risk.schemas import (
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
    check_thresholds,
)

router = APIRouter(tags=["early warning"])


def kri_read(k: Kri) -> KriRead:
    return KriRead(id=k.id, risk_id=k.risk_id, indicator_code=k.indicator_code, unit_id=k.unit_id,
                   unit=k.measure_unit, warning=k.warning, critical=k.critical, direction=k.direction,
                   active=k.active, last_value=k.last_value, last_level=k.last_level,
                   last_measured_at=k.last_measured_at, version=k.version)


def alert_read(a: Alert, risk: Risk | None = None) -> AlertRead:
    return AlertRead.model_validate(a).model_copy(update={"risk_title": risk.title if risk else None})


async def _risk_and_unit(session, risk_id: int):
    risk = await session.get(Risk, risk_id)
    if risk is None:
        raise Invalid(f"There is no risk with id {risk_id}.", field="risk_id", zh=f"没有编号为 {risk_id} 的风险。")
    return risk, await unit_of(session, risk.unit_id)


# ---- KRIs

@router.get("/kris", response_model=Page[KriRead], summary="Key risk indicators of the risks you may see")
async def list_kris(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                    cursor: str | None = CursorParam, risk_id: int | None = None, unit_id: int | None = None,
                    indicator_code: str | None = None):
    stmt = (select(Kri).join(Risk, Risk.id == Kri.risk_id).join(OrgUnit, OrgUnit.id == Risk.unit_id)
            .where(risk_visibility(principal)))
    for col, val in ((Kri.risk_id, risk_id), (Kri.unit_id, unit_id), (Kri.indicator_code, indicator_code)):
        if val is not None:
            stmt = stmt.where(col == val)
    rows, nxt = await paginate(session, stmt, Kri.id, limit=limit, cursor=cursor)
    return Page[KriRead](items=[kri_read(k) for k in rows], next_cursor=nxt)


@router.post("/kris", response_model=KriRead, status_code=201,
             summary="Watch a kpi indicator of a unit for a risk (plan over the risk's unit)")
async def create_kri(body: KriCreate, session: Session, principal: CurrentPrincipal, request: Request,
                     response: Response):
    risk, risk_unit = await _risk_and_unit(session, body.risk_id)
    grant = require_plan(principal, risk_unit, "set key risk indicators on its risks")
    watched = await load_unit(session, OrgUnit, body.unit_id)
    dup = (await session.execute(select(Kri.id).where(Kri.risk_id == risk.id, Kri.indicator_code == body.indicator_code,
                                                      Kri.unit_id == watched.id))).first()
    if dup is not None:
        raise Conflict(f"This risk already watches {body.indicator_code} at {watched.name} (KRI {dup[0]}).",
                       field="indicator_code", kri_id=dup[0], zh=f"此风险已在{watched.name}监测该指标（关键风险指标 {dup[0]}）。")
    kri = Kri(risk_id=risk.id, indicator_code=body.indicator_code, unit_id=watched.id, measure_unit=body.unit,
              warning=body.warning, critical=body.critical, direction=body.direction.value, created_by=principal.sub)
    session.add(kri)
    await session.flush()
    await journal.audit(session, actor=principal, action="kri.created", subject_type="kri", subject_id=kri.id,
                        unit_path=risk_unit.path, grant=grant, after=kri_read(kri).model_dump(mode="json"),
                        request=request)
    set_etag(response, etag("kri", kri.id, kri.version))
    return kri_read(kri)


@router.get("/kris/{kri_id}", response_model=KriRead)
async def get_kri(kri: ValidKri, session: Session, principal: CurrentPrincipal, response: Response):
    risk, unit = await _risk_and_unit(session, kri.risk_id)
    require_view(principal, risk, unit)
    set_etag(response, etag("kri", kri.id, kri.version))
    return kri_read(kri)


@router.patch("/kris/{kri_id}", response_model=KriRead, summary="Change thresholds or pause a KRI (If-Match)")
async def update_kri(kri: ValidKri, body: KriUpdate, session: Session, principal: CurrentPrincipal,
                     request: Request, response: Response):
    risk, unit = await _risk_and_unit(session, kri.risk_id)
    grant = require_plan(principal, unit, "change key risk indicators of its risks")
    check_if_match(request, etag("kri", kri.id, kri.version))
    changes = body.model_dump(exclude_unset=True)
    for key in ("warning", "critical", "direction", "active"):
        if key in changes and changes[key] is None:
            raise Invalid(f"{key} cannot be emptied.", field=key, zh=f"{field_label(key)}不能清空。")
    before = kri_read(kri).model_dump(mode="json")
    direction = changes.get("direction", kri.direction)
    warning, critical = changes.get("warning", kri.warning), changes.get("critical", kri.critical)
    try:
        check_thresholds(direction, warning, critical)
    except ValueError as exc:
        raise Invalid(str(exc), field="critical",
                      zh=zh_of(exc)) from exc
    if "unit" in changes:
        kri.measure_unit = changes.pop("unit") or ""
    for k, v in changes.items():
        setattr(kri, k, v.value if hasattr(v, "value") else v)
    await session.flush()
    await journal.audit(session, actor=principal, action="kri.updated", subject_type="kri", subject_id=kri.id,
                        unit_path=unit.path, grant=grant, before=before, after=kri_read(kri).model_dump(mode="json"),
                        request=request)
    set_etag(response, etag("kri", kri.id, kri.version))
    return kri_read(kri)


@router.delete("/kris/{kri_id}", status_code=204,
               summary="Remove a KRI set up by mistake (no values, no alerts); otherwise pause it (If-Match)")
async def delete_kri(kri: ValidKri, session: Session, principal: CurrentPrincipal, request: Request):
    risk, unit = await _risk_and_unit(session, kri.risk_id)
    grant = require_plan(principal, unit, "remove key risk indicators of its risks")
    check_if_match(request, etag("kri", kri.id, kri.version))
    has_value = (await session.execute(select(KriValue.id).where(KriValue.kri_id == kri.id).limit(1))).first()
    has_alert = (await session.execute(select(Alert.id).where(Alert.kri_id == kri.id).limit(1))).first()
    if has_value is not None or has_alert is not None:
        raise Conflict("This KRI has recorded values or alerts; pause it instead (PATCH active=false) so its "
                       "history stays.", field="active", zh="此关键风险指标已有数据或预警；请改为暂停，以保留其历史。")
    before = kri_read(kri).model_dump(mode="json")
    await session.delete(kri)
    await session.flush()
    await journal.audit(session, actor=principal, action="kri.deleted", subject_type="kri", subject_id=before["id"],
                        unit_path=unit.path, grant=grant, before=before, request=request)
    return Response(status_code=204)


@router.post("/kris/{kri_id}/values", response_model=KriValueRead, status_code=201,
             summary="Give a KRI a value; an alert is raised when it crosses to warning or critical")
async def post_value(kri: ValidKri, body: KriValueCreate, session: Session, principal: CurrentPrincipal):
    risk, risk_unit = await _risk_and_unit(session, kri.risk_id)
    watched = await unit_of(session, kri.unit_id)
    if not (is_owner(principal, risk.owner_id) or principal.can("plan", risk_unit.path)):
        require_any(principal, ("plan", "dispatch"), watched, "report values of its indicators")
    level, alert = await warnings.record_value(session, kri=kri, value=body.value, source="kri", period=body.period,
                                               measured_at=body.measured_at, recorded_by=principal.sub)
    return KriValueRead(kri=kri_read(kri), level=level, alert=alert_read(alert, risk) if alert else None)


@router.get("/kris/{kri_id}/values", response_model=Page[KriValueItem], summary="The KRI's values, newest first")
async def list_values(kri: ValidKri, session: Session, principal: CurrentPrincipal,
                      limit: int = Query(100, ge=1, le=500)):
    risk, unit = await _risk_and_unit(session, kri.risk_id)
    require_view(principal, risk, unit)
    rows = (await session.execute(select(KriValue).where(KriValue.kri_id == kri.id).order_by(KriValue.id.desc())
                                  .limit(limit))).scalars().all()
    return Page[KriValueItem](items=[KriValueItem.model_validate(v) for v in rows])


# ---- alerts

def alert_visibility(principal, *, mine: bool):
    """Alerts go to the risk's owner and to holders of dispatch over the unit; viewers of the unit see them too."""
    clauses = [visible_to(principal, "dispatch", OrgUnit.path)]
    if principal.user_id is not None:
        clauses.append(Alert.owner_id == principal.user_id)
    if not mine:
        clauses.append(visible_to(principal, "view", OrgUnit.path))
    return or_(*clauses)


def can_handle(principal, alert: Alert, unit: OrgUnit) -> bool:
    return (is_owner(principal, alert.owner_id) or principal.can("dispatch", unit.path)
            or principal.can("plan", unit.path))


@router.get("/alerts", response_model=Page[AlertRead],
            summary="Alerts; mine=true is your inbox (risks you own, units you dispatch)")
async def list_alerts(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                      cursor: str | None = CursorParam, risk_id: int | None = None,
                      unit_id: int | None = Query(None, description="Only this unit's subtree"),
                      status: AlertStatus | None = None, level: str | None = Query(None, pattern="^(warning|critical)$"),
                      mine: bool = False):
    stmt = select(Alert).join(OrgUnit, OrgUnit.id == Alert.unit_id).where(alert_visibility(principal, mine=mine))
    if unit_id is not None:
        unit = await load_unit(session, OrgUnit, unit_id)
        stmt = stmt.where(OrgUnit.path.startswith(unit.path, autoescape=True))
    if risk_id is not None:
        stmt = stmt.where(Alert.risk_id == risk_id)
    if status is not None:
        stmt = stmt.where(Alert.status == status.value)
    if level is not None:
        stmt = stmt.where(Alert.level == level)
    rows, nxt = await paginate(session, stmt, Alert.id, limit=limit, cursor=cursor)
    risks = {r.id: r for r in (await session.execute(select(Risk).where(Risk.id.in_({a.risk_id for a in rows})))).scalars()}
    return Page[AlertRead](items=[alert_read(a, risks.get(a.risk_id)) for a in rows], next_cursor=nxt)


async def _alert_context(session, principal, alert: Alert, *, handle: bool):
    risk = await session.get(Risk, alert.risk_id)
    unit = await unit_of(session, alert.unit_id)
    if handle:
        if not can_handle(principal, alert, unit):
            raise Forbidden(f"Alerts on {unit.name} are handled by the risk's owner and holders of 'dispatch' "
                            f"(or 'plan') over it ({unit.path}).", rights=["dispatch", "plan"], unit_path=unit.path,
                            zh=f"{unit.name}的预警由风险责任人以及对该单位有调度权（或计划权）的人处理。")
    elif not (can_handle(principal, alert, unit) or principal.can("view", unit.path)):
        raise Forbidden(f"You need the 'view' right over {unit.name} ({unit.path}) to see its alerts.",
                        right="view", unit_path=unit.path, zh=f"查看{unit.name}的预警需要对其有查看权。")
    return risk, unit


@router.get("/alerts/{alert_id}", response_model=AlertRead)
async def get_alert(alert: ValidAlert, session: Session, principal: CurrentPrincipal, response: Response):
    risk, _ = await _alert_context(session, principal, alert, handle=False)
    set_etag(response, etag("alert", alert.id, alert.version))
    return alert_read(alert, risk)


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertRead, summary="Acknowledge an open alert")
async def acknowledge_alert(alert: ValidAlert, body: AlertNote, session: Session, principal: CurrentPrincipal,
                            request: Request, response: Response):
    risk, _ = await _alert_context(session, principal, alert, handle=True)
    check_if_match(request, etag("alert", alert.id, alert.version))
    await warnings.acknowledge(session, alert=alert, risk=risk, actor=principal, note=body.note, request=request)
    set_etag(response, etag("alert", alert.id, alert.version))
    return alert_read(alert, risk)


@router.post("/alerts/{alert_id}/resolve", response_model=AlertRead, summary="Resolve an alert with a note")
async def resolve_alert(alert: ValidAlert, body: AlertResolve, session: Session, principal: CurrentPrincipal,
                        request: Request, response: Response):
    risk, _ = await _alert_context(session, principal, alert, handle=True)
    check_if_match(request, etag("alert", alert.id, alert.version))
    await warnings.resolve(session, alert=alert, risk=risk, actor=principal, note=body.note, request=request)
    set_etag(response, etag("alert", alert.id, alert.version))
    return alert_read(alert, risk)

