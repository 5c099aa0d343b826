"""Early warning (风险预警): KRI values against their thresholds, and the alerts they raise.

A KRI's level is the worse of what its own warning/critical values say about a value and,
for values carried by ``kpi.threshold.crossed``, the level kpi reports. Levels are judged per
period: an alert is raised only when a period's level gets worse than that period's last level
(a crossing), so the same value twice never duplicates an alert, a late period raises its own
alert and no later period silences or takes over an earlier one. One alert row per (KRI,
period): an open one escalates, a resolved one re-opens. The KRI's summary (last value and
level) follows its latest period.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock, periods
from services.common.api import Page, paginate
from services.common.authz import Principal, Right
from services.common.db import as_utc, utcnow
from services.common.guards import Allowed
from services.common.i18n import field_label, zh_of
from services.common.problems import Conflict, Invalid
from services.risk.access import alert_visibility, grant_over, risk_visibility
from services.risk.alerts.schemas import (
    AlertRead,
    AlertStatus,
    KriCreate,
    KriRead,
    KriUpdate,
    KriValueCreate,
    KriValueItem,
    KriValueRead,
    check_thresholds,
)
from services.risk.events import (
    AlertAcknowledgedData,
    AlertRaisedData,
    AlertResolvedData,
    ThresholdCrossedView,
)
from services.risk.journal import journal
from services.risk.models import Alert, Kri, KriValue, OrgUnit, Risk
from services.risk.units import given_unit, risk_and_unit

log = logging.getLogger("yunguan.risk.alerts")

KRI_LEVELS = ("normal", "warning", "critical")
_RANK = {lvl: i for i, lvl in enumerate(KRI_LEVELS)}

ALERT_STATUS_ZH = {"open": "待确认", "acknowledged": "已确认", "resolved": "已解决"}  # as the SPA shows them


def kri_read(k: Kri) -> KriRead:
    return KriRead.model_validate({
        "id": k.id, "risk_id": k.risk_id, "indicator_code": k.indicator_code, "unit_id": k.unit_id,
        "unit": k.measure_unit, "warning": k.warning, "critical": k.critical, "direction": k.direction,
        "active": k.active, "last_value": k.last_value, "last_level": k.last_level,
        "last_measured_at": k.last_measured_at, "version": k.version})


def alert_read(a: Alert, risk: Risk | None = None) -> AlertRead:
    return AlertRead.model_validate(a).model_copy(update={"risk_title": risk.title if risk else None})


# ---- judging values

def worse(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


def evaluate(kri: Kri, value: float) -> str:
    """The level a value puts the KRI at, by its own thresholds and direction."""
    if kri.direction == "below":
        if value <= kri.critical:
            return "critical"
        if value < kri.warning:
            return "warning"
        return "normal"
    if value >= kri.critical:
        return "critical"
    if value > kri.warning:
        return "warning"
    return "normal"


def is_history(kri: Kri, period: str, measured_at: datetime) -> bool:
    """Whether a value is older than the KRI's latest: an earlier period, or measured before it.

    Only the KRI's summary (its last value and level) follows this; alerts are judged per period.
    """
    if period and kri.last_period:
        try:
            if periods.period(period).end < periods.period(kri.last_period).start:
                return True
            if periods.period(kri.last_period).end < periods.period(period).start:
                return False  # a later period is current, whenever it was measured
        except periods.PeriodError:
            pass
    return kri.last_measured_at is not None and measured_at < kri.last_measured_at


def period_of(kri: Kri, period: str, measured_at: datetime) -> str:
    """The period a value is for: the one given, else the one it was measured in, as long as the KRI's periods.

    A KRI that has never had a period keeps period-less values as one series of their own ("").
    """
    if period or not kri.last_period:
        return period
    try:
        return str(periods.of_date(clock.local(measured_at).date(), periods.period(kri.last_period).kind))
    except periods.PeriodError:
        return ""


async def _period_level(session: AsyncSession, kri: Kri, period: str) -> tuple[str, datetime | None]:
    """The level of the KRI's newest value for a period ("normal" before any), and when it was measured."""
    row = (await session.execute(select(KriValue.level, KriValue.measured_at)
                                 .where(KriValue.kri_id == kri.id, KriValue.period == period)
                                 .order_by(KriValue.measured_at.desc(), KriValue.id.desc()).limit(1))).first()
    return (row.level, as_utc(row.measured_at)) if row else ("normal", None)


def _alert_fields(alert: Alert, risk: Risk) -> dict[str, Any]:
    return {"alert_id": alert.id, "risk_id": risk.id, "risk_title": risk.title, "kri_id": alert.kri_id,
            "indicator_code": alert.indicator_code, "unit_id": alert.unit_id, "unit_path": alert.unit_path,
            "owner_id": alert.owner_id, "level": alert.level, "value": alert.value, "threshold": alert.threshold,
            "period": alert.period, "source": alert.source, "status": alert.status,
            "raised_at": alert.raised_at.isoformat()}


async def record_value(session: AsyncSession, *, kri: Kri, value: float, source: str, period: str = "",
                       measured_at: datetime | None = None, reported_level: str = "normal",
                       reported_threshold: float | None = None, event_id: str | None = None,
                       recorded_by: str = "") -> tuple[str, Alert | None]:
    """Record a value for a KRI; raise, escalate or re-open its period's alert when the period's level worsens.

    Each period is judged on its own: a late November value after December's still raises
    November's alert, and no later (or stray future) period silences or takes over an earlier
    period's alert. Within a period, a value measured before the period's newest is history.
    """
    own = evaluate(kri, value)
    level = worse(own, reported_level)
    measured_at = as_utc(measured_at or utcnow())
    period = period_of(kri, period, measured_at)
    previous, newest_at = await _period_level(session, kri, period)
    session.add(KriValue(kri_id=kri.id, value=value, level=level, source=source, period=period, event_id=event_id,
                         measured_at=measured_at, recorded_by=recorded_by))
    if not is_history(kri, period, measured_at):
        kri.last_value, kri.last_level, kri.last_measured_at = value, level, measured_at
        if period:
            kri.last_period = period
    await session.flush()
    if newest_at is not None and measured_at < newest_at:
        # An older measurement of the same period (a correction arriving out of order) is kept, but the
        # period's newest one says where it stands: it neither moves the period's level nor alerts.
        return level, None

    risk = await session.get(Risk, kri.risk_id)
    current = (await session.execute(select(Alert).where(Alert.kri_id == kri.id, Alert.period == period))
               ).scalar_one_or_none()
    crossed = _RANK[level] > _RANK[previous] and level != "normal"
    if not crossed or risk is None or risk.status == "closed" or not kri.active:
        if current is not None and current.status != "resolved" and level != "normal":
            current.value = value  # keep the open alert's value current, without a new alert
            await session.flush()
        return level, None

    threshold = kri.critical if own == "critical" else kri.warning
    if _RANK[reported_level] > _RANK[own] and reported_threshold is not None:
        threshold = reported_threshold
    unit = await session.get(OrgUnit, kri.unit_id)
    unit_path = unit.path if unit else ""
    now = utcnow()
    reopened = escalated = False
    if current is None:
        alert = Alert(kri_id=kri.id, risk_id=risk.id, unit_id=kri.unit_id, unit_path=unit_path,
                      owner_id=risk.owner_id, indicator_code=kri.indicator_code, level=level, value=value,
                      threshold=threshold, period=period, source=source, status="open", raised_at=now,
                      last_crossed_at=now)
        session.add(alert)
    else:
        alert = current
        if alert.status == "resolved":
            reopened = True
            alert.reopened_count += 1
            alert.raised_at = now
            alert.acknowledged_by = alert.acknowledged_at = None
            alert.acknowledge_note = ""
            alert.resolved_by = alert.resolved_at = None
            alert.resolve_note = ""
        else:
            escalated = True
        alert.status = "open"
        alert.level, alert.value, alert.threshold, alert.period, alert.source = level, value, threshold, period, source
        alert.unit_path, alert.owner_id, alert.last_crossed_at = unit_path, risk.owner_id, now
    await session.flush()
    data = AlertRaisedData(**_alert_fields(alert, risk), reopened=reopened, escalated=escalated,
                           previous_level=previous)
    action = "alert.reopened" if reopened else "alert.escalated" if escalated else "alert.raised"
    await journal.audit(session, actor="system", action=action, subject_type="alert", subject_id=alert.id,
                        unit_path=unit_path, after=data.model_dump(mode="json"),
                        note=f"{kri.indicator_code} = {value} ({source})")
    await journal.emit(session, "risk.alert.raised", alert.id, data, unit_path)
    return level, alert


async def record_crossing(session: AsyncSession, data: ThresholdCrossedView, *, event_id: str | None,
                          recorded_by: str) -> None:
    """kpi's value for an indicator of a unit, given to every active KRI watching them."""
    if data.level not in KRI_LEVELS:
        raise Invalid(f"Unknown level '{data.level}' in kpi.threshold.crossed.", field="data.level",
                      zh="指标服务发来的预警事件等级无效。")
    if data.value is None:
        log.debug("%s at unit %s lifted without a value: no KRI value to record", data.indicator_code, data.unit_id)
        return
    kris = (await session.execute(select(Kri).where(Kri.indicator_code == data.indicator_code,
                                                    Kri.unit_id == data.unit_id, Kri.active.is_(True))
                                  .order_by(Kri.id))).scalars().all()
    for kri in kris:
        await record_value(session, kri=kri, value=data.value, source="kpi", period=data.period,
                           measured_at=data.measured_at, reported_level=data.level,
                           reported_threshold=data.threshold, event_id=event_id, recorded_by=recorded_by)
    if not kris:
        log.debug("no KRI watches %s at unit %s", data.indicator_code, data.unit_id)


# ---- KRIs

async def list_kris(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                    risk_id: int | None, unit_id: int | None, indicator_code: str | None) -> Page[KriRead]:
    stmt = (select(Kri).join(Risk, Risk.id == Kri.risk_id).join(OrgUnit, OrgUnit.id == Risk.unit_id)
            .where(risk_visibility(principal)))
    filters: tuple[tuple[Any, Any], ...] = (
        (Kri.risk_id, risk_id), (Kri.unit_id, unit_id), (Kri.indicator_code, indicator_code))
    for col, val in filters:
        if val is not None:
            stmt = stmt.where(col == val)
    rows, nxt = await paginate(session, stmt, Kri.id, limit=limit, cursor=cursor)
    return Page[KriRead](items=[kri_read(k) for k in rows], next_cursor=nxt)


async def create_kri(session: AsyncSession, *, principal: Principal, body: KriCreate) -> KriRead:
    """Watch a kpi indicator of a unit for a risk: plan over the risk's unit; one KRI per indicator and unit."""
    risk, risk_unit = await risk_and_unit(session, body.risk_id)
    grant = grant_over(principal, risk_unit, (Right.plan,), "set key risk indicators on its risks")
    watched = await given_unit(session, body.unit_id)
    dup = (await session.execute(select(Kri.id).where(Kri.risk_id == risk.id, Kri.indicator_code == body.indicator_code,
                                                      Kri.unit_id == watched.id))).first()
    if dup is not None:
        raise Conflict(f"This risk already watches {body.indicator_code} at {watched.name} (KRI {dup[0]}).",
                       field="indicator_code", kri_id=dup[0],
                       zh=f"此风险已在{watched.name}监测该指标（关键风险指标 {dup[0]}）。")
    kri = Kri(risk_id=risk.id, indicator_code=body.indicator_code, unit_id=watched.id, measure_unit=body.unit,
              warning=body.warning, critical=body.critical, direction=body.direction.value, created_by=principal.sub)
    session.add(kri)
    await session.flush()
    read = kri_read(kri)
    await journal.audit(session, actor=principal, action="kri.created", subject_type="kri", subject_id=kri.id,
                        unit_path=risk_unit.path, grant=grant, after=read.model_dump(mode="json"))
    return read


async def update_kri(session: AsyncSession, *, allowed: Allowed[Kri], body: KriUpdate) -> KriRead:
    """New thresholds, direction or unit of measure, or paused (active false)."""
    kri = allowed.item
    _, unit = await risk_and_unit(session, kri.risk_id)
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
        raise Invalid(str(exc), field="critical", zh=zh_of(exc)) from exc
    if "unit" in changes:
        kri.measure_unit = changes.pop("unit") or ""
    for k, v in changes.items():
        setattr(kri, k, v.value if hasattr(v, "value") else v)
    await session.flush()
    read = kri_read(kri)
    await journal.audit(session, actor=allowed.principal, action="kri.updated", subject_type="kri",
                        subject_id=kri.id, unit_path=unit.path, grant=allowed.grant, before=before,
                        after=read.model_dump(mode="json"))
    return read


async def delete_kri(session: AsyncSession, *, allowed: Allowed[Kri]) -> None:
    """Only a KRI set up by mistake goes (no values, no alerts); any other is paused instead."""
    kri = allowed.item
    _, unit = await risk_and_unit(session, kri.risk_id)
    has_value = (await session.execute(select(KriValue.id).where(KriValue.kri_id == kri.id).limit(1))).first()
    has_alert = (await session.execute(select(Alert.id).where(Alert.kri_id == kri.id).limit(1))).first()
    if has_value is not None or has_alert is not None:
        raise Conflict("This KRI has recorded values or alerts; pause it instead (PATCH active=false) so its "
                       "history stays.", field="active", zh="此关键风险指标已有数据或预警；请改为暂停，以保留其历史。")
    before = kri_read(kri).model_dump(mode="json")
    await session.delete(kri)
    await session.flush()
    await journal.audit(session, actor=allowed.principal, action="kri.deleted", subject_type="kri",
                        subject_id=before["id"], unit_path=unit.path, grant=allowed.grant, before=before)


async def report_value(session: AsyncSession, *, kri: Kri, principal: Principal, body: KriValueCreate) -> KriValueRead:
    risk = await session.get(Risk, kri.risk_id)
    level, alert = await record_value(session, kri=kri, value=body.value, source="kri", period=body.period,
                                      measured_at=body.measured_at, recorded_by=principal.sub)
    return KriValueRead(kri=kri_read(kri), level=level, alert=alert_read(alert, risk) if alert else None)


async def list_values(session: AsyncSession, *, kri: Kri, limit: int) -> Page[KriValueItem]:
    rows = (await session.execute(select(KriValue).where(KriValue.kri_id == kri.id).order_by(KriValue.id.desc())
                                  .limit(limit))).scalars().all()
    return Page[KriValueItem](items=[KriValueItem.model_validate(v) for v in rows])


# ---- alerts

async def list_alerts(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                      risk_id: int | None, unit_id: int | None, status: AlertStatus | None, level: str | None,
                      mine: bool) -> Page[AlertRead]:
    stmt = select(Alert).join(OrgUnit, OrgUnit.id == Alert.unit_id).where(alert_visibility(principal, mine=mine))
    if unit_id is not None:
        unit = await given_unit(session, unit_id)
        stmt = stmt.where(OrgUnit.path.startswith(unit.path, autoescape=True))
    if risk_id is not None:
        stmt = stmt.where(Alert.risk_id == risk_id)
    if status is not None:
        stmt = stmt.where(Alert.status == status.value)
    if level is not None:
        stmt = stmt.where(Alert.level == level)
    rows, nxt = await paginate(session, stmt, Alert.id, limit=limit, cursor=cursor)
    risks = {r.id: r for r in (await session.execute(select(Risk).where(Risk.id.in_({a.risk_id for a in rows}))))
             .scalars()}
    return Page[AlertRead](items=[alert_read(a, risks.get(a.risk_id)) for a in rows], next_cursor=nxt)


async def read_alert(session: AsyncSession, *, alert: Alert) -> AlertRead:
    return alert_read(alert, await session.get(Risk, alert.risk_id))


async def acknowledge(session: AsyncSession, *, alert: Alert, principal: Principal, note: str) -> AlertRead:
    risk = await session.get(Risk, alert.risk_id)
    if alert.status != "open":
        raise Conflict(f"Only open alerts can be acknowledged; this one is {alert.status}.", field="status",
                       zh=f"只有待确认的预警才能确认；这条预警{ALERT_STATUS_ZH.get(alert.status, alert.status)}。")
    alert.status, alert.acknowledged_by, alert.acknowledged_at = "acknowledged", principal.sub, utcnow()
    alert.acknowledge_note = note
    await session.flush()
    await journal.audit(session, actor=principal, action="alert.acknowledged", subject_type="alert",
                        subject_id=alert.id, unit_path=alert.unit_path, after={"status": alert.status}, note=note)
    if risk is not None:
        data = AlertAcknowledgedData(**_alert_fields(alert, risk), acknowledged_by=principal.sub, note=note)
        await journal.emit(session, "risk.alert.acknowledged", alert.id, data, alert.unit_path)
    return alert_read(alert, risk)


async def resolve(session: AsyncSession, *, alert: Alert, principal: Principal, note: str) -> AlertRead:
    risk = await session.get(Risk, alert.risk_id)
    if alert.status == "resolved":
        raise Conflict("The alert is already resolved.", field="status", zh="此预警已解决。")
    alert.status, alert.resolved_by, alert.resolved_at, alert.resolve_note = "resolved", principal.sub, utcnow(), note
    await session.flush()
    await journal.audit(session, actor=principal, action="alert.resolved", subject_type="alert", subject_id=alert.id,
                        unit_path=alert.unit_path, after={"status": alert.status}, note=note)
    if risk is not None:
        data = AlertResolvedData(**_alert_fields(alert, risk), resolved_by=principal.sub, note=note)
        await journal.emit(session, "risk.alert.resolved", alert.id, data, alert.unit_path)
    return alert_read(alert, risk)
