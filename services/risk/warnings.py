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

from fastapi import Request
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import periods
from services.common.authz import Principal
from services.common.db import as_utc, utcnow
from services.common.problems import Conflict, Invalid
from services.risk.journal import journal
from services.risk.models import Alert, Kri, KriValue, OrgUnit, Risk

log = logging.getLogger("yunguan.risk.warnings")

KRI_LEVELS = ("normal", "warning", "critical")
_RANK = {lvl: i for i, lvl in enumerate(KRI_LEVELS)}


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


def alert_data(alert: Alert, risk: Risk, **extra: Any) -> dict[str, Any]:
    return {"alert_id": alert.id, "risk_id": risk.id, "risk_title": risk.title, "kri_id": alert.kri_id,
            "indicator_code": alert.indicator_code, "unit_id": alert.unit_id, "unit_path": alert.unit_path,
            "owner_id": alert.owner_id, "level": alert.level, "value": alert.value, "threshold": alert.threshold,
            "period": alert.period, "source": alert.source, "status": alert.status,
            "raised_at": alert.raised_at.isoformat(), **extra}


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
        return str(periods.of_date(as_utc(measured_at).date(), periods.period(kri.last_period).kind))
    except periods.PeriodError:
        return ""


async def _period_level(session: AsyncSession, kri: Kri, period: str) -> tuple[str, datetime | None]:
    """The level of the KRI's newest value for a period ("normal" before any), and when it was measured."""
    row = (await session.execute(select(KriValue.level, KriValue.measured_at)
                                 .where(KriValue.kri_id == kri.id, KriValue.period == period)
                                 .order_by(KriValue.measured_at.desc(), KriValue.id.desc()).limit(1))).first()
    return (row.level, as_utc(row.measured_at)) if row else ("normal", None)


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
    flags: dict[str, Any] = {"reopened": False, "escalated": False, "previous_level": previous}
    if current is None:
        alert = Alert(kri_id=kri.id, risk_id=risk.id, unit_id=kri.unit_id, unit_path=unit_path,
                      owner_id=risk.owner_id, indicator_code=kri.indicator_code, level=level, value=value,
                      threshold=threshold, period=period, source=source, status="open", raised_at=now,
                      last_crossed_at=now)
        session.add(alert)
    else:
        alert = current
        if alert.status == "resolved":
            flags["reopened"] = True
            alert.reopened_count += 1
            alert.raised_at = now
            alert.acknowledged_by = alert.acknowledged_at = None
            alert.acknowledge_note = ""
            alert.resolved_by = alert.resolved_at = None
            alert.resolve_note = ""
        else:
            flags["escalated"] = True
        alert.status = "open"
        alert.level, alert.value, alert.threshold, alert.period, alert.source = level, value, threshold, period, source
        alert.unit_path, alert.owner_id, alert.last_crossed_at = unit_path, risk.owner_id, now
    await session.flush()
    action = "alert.reopened" if flags["reopened"] else "alert.escalated" if flags["escalated"] else "alert.raised"
    await journal.audit(session, actor="system", action=action, subject_type="alert", subject_id=alert.id,
                        unit_path=unit_path, after=alert_data(alert, risk, **flags),
                        note=f"{kri.indicator_code} = {value} ({source})")
    await journal.emit(session, "risk.alert.raised", alert.id, alert_data(alert, risk, **flags), unit_path)
    return level, alert


class ThresholdCrossed(BaseModel):
    """``kpi.threshold.crossed`` data, as docs/events.md defines it."""

    indicator_code: str
    unit_id: int
    unit_path: str
    period: str
    value: float
    level: str
    previous_level: str
    threshold: float | None = None  # kpi may have no threshold value for a target-relative rule
    direction: str
    measured_at: datetime


async def on_threshold_crossed(session: AsyncSession, event: dict[str, Any]) -> None:
    """Consume ``kpi.threshold.crossed``: give the value to every KRI watching that indicator and unit."""
    try:
        data = ThresholdCrossed.model_validate(event["data"])
    except ValidationError as exc:
        first = exc.errors()[0]
        raise Invalid(f"kpi.threshold.crossed data does not follow the contract: "
                      f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}",
                      field="data." + ".".join(str(p) for p in first["loc"])) from exc
    if data.level not in KRI_LEVELS:
        raise Invalid(f"Unknown level '{data.level}' in kpi.threshold.crossed.", field="data.level")
    kris = (await session.execute(select(Kri).where(Kri.indicator_code == data.indicator_code,
                                                    Kri.unit_id == data.unit_id, Kri.active.is_(True))
                                  .order_by(Kri.id))).scalars().all()
    for kri in kris:
        await record_value(session, kri=kri, value=data.value, source="kpi", period=data.period,
                           measured_at=data.measured_at, reported_level=data.level,
                           reported_threshold=data.threshold, event_id=event.get("id"),
                           recorded_by=f"event:{event.get('source', 'kpi')}")
    if not kris:
        log.debug("no KRI watches %s at unit %s", data.indicator_code, data.unit_id)


async def acknowledge(session: AsyncSession, *, alert: Alert, risk: Risk, actor: Principal, note: str,
                      request: Request | None = None) -> None:
    if alert.status != "open":
        raise Conflict(f"Only open alerts can be acknowledged; this one is {alert.status}.", field="status")
    alert.status, alert.acknowledged_by, alert.acknowledged_at = "acknowledged", actor.sub, utcnow()
    alert.acknowledge_note = note
    await session.flush()
    await journal.audit(session, actor=actor, action="alert.acknowledged", subject_type="alert", subject_id=alert.id,
                        unit_path=alert.unit_path, after={"status": alert.status}, note=note, request=request)
    await journal.emit(session, "risk.alert.acknowledged", alert.id,
                       alert_data(alert, risk, acknowledged_by=actor.sub, note=note), alert.unit_path)


async def resolve(session: AsyncSession, *, alert: Alert, risk: Risk, actor: Principal, note: str,
                  request: Request | None = None) -> None:
    if alert.status == "resolved":
        raise Conflict("The alert is already resolved.", field="status")
    alert.status, alert.resolved_by, alert.resolved_at, alert.resolve_note = "resolved", actor.sub, utcnow(), note
    await session.flush()
    await journal.audit(session, actor=actor, action="alert.resolved", subject_type="alert", subject_id=alert.id,
                        unit_path=alert.unit_path, after={"status": alert.status}, note=note, request=request)
    await journal.emit(session, "risk.alert.resolved", alert.id,
                       alert_data(alert, risk, resolved_by=actor.sub, note=note), alert.unit_path)
