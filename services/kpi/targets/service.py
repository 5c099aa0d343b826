"""Targets (目标): from issued and revised plans, or set by holders of plan over the unit."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import paginate
from services.common.authz import Principal, Right
from services.common.db import utcnow
from services.common.guards import Allowed, Place, authorize
from services.common.periods import PeriodError
from services.common.periods import period as parse_period
from services.common.problems import Conflict
from services.common.scoping import visible_to
from services.kpi.evaluation.crossings import rejudge
from services.kpi.events import PlanIssuedView
from services.kpi.indicators.library import Library
from services.kpi.journal import journal
from services.kpi.lookups import indicator_by_code, indicator_codes, parse_period_param, unit_or_404, unit_or_422
from services.kpi.models import Indicator, OrgUnit, Target, TargetHistory
from services.kpi.targets.schemas import TargetCreate, TargetHistoryRead, TargetRead, TargetUpdate

log = logging.getLogger("yunguan.kpi.targets")


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def target_data(t: Target, code: str) -> dict[str, Any]:
    return {"id": t.id, "indicator_code": code, "unit_id": t.unit_id, "unit_path": t.unit_path, "period": t.period,
            "value": t.value, "source": t.source, "plan_id": t.plan_id, "plan_version": t.plan_version,
            "note": t.note, "updated_by": t.updated_by, "updated_at": t.updated_at, "version": t.version}


async def set_target(session: AsyncSession, *, indicator: Indicator, unit_id: int, unit_path: str, period: str,
                     value: float, source: str, by: str, note: str = "", plan_id: int | None = None,
                     plan_version: int | None = None, event_id: str | None = None,
                     judge: bool = True) -> tuple[Target, float | None]:
    """Create or change a target and record the change in its history; returns (target, previous value).

    A changed value has the levels depending on it judged again, unless the caller (setting a
    plan's many targets) does that once for all of them (``judge=False``).
    """
    t = (await session.execute(select(Target).where(Target.indicator_id == indicator.id, Target.unit_id == unit_id,
                                                    Target.period == period))).scalar_one_or_none()
    previous = None
    if t is None:
        t = Target(indicator_id=indicator.id, unit_id=unit_id, unit_path=unit_path, period=period, value=value,
                   source=source, plan_id=plan_id, plan_version=plan_version, note=note, updated_by=by)
        session.add(t)
    else:
        previous = t.value
        t.value, t.source, t.note, t.updated_by, t.unit_path = value, source, note, by, unit_path
        t.plan_id, t.plan_version, t.updated_at = plan_id, plan_version, utcnow()
    await session.flush()
    session.add(TargetHistory(target_id=t.id, value=value, previous_value=previous, source=source, plan_id=plan_id,
                              plan_version=plan_version, event_id=event_id, changed_by=by, note=note))
    await session.flush()
    if judge and previous != value:  # thresholds relative to the target move with it
        await rejudge(session, lib=await Library.load(session), indicator_ids=[indicator.id], cause="target_changed",
                      under=unit_path)
    return t, previous


async def apply_plan_event(session: AsyncSession, event: dict[str, Any], plan: PlanIssuedView) -> int:
    """``planning.plan.issued`` / ``.revised``: the plan's targets become kpi targets.

    A redelivered event is dropped by the kernel (event id); an older plan version arriving
    after a newer one changes nothing, and an unchanged value writes no history.
    """
    try:
        plan_id, version = plan.plan_id, plan.version or 1
        unit_id, per = plan.unit_id, parse_period(plan.period).text
    except PeriodError as exc:
        log.warning("plan event without a usable plan, unit or period", extra={"fields": {"error": str(exc)}})
        return 0
    unit = await session.get(OrgUnit, unit_id)
    unit_path = unit.path if unit is not None else (plan.unit_path or f"/{unit_id}/")
    items = plan.targets or []
    codes = {str(t.indicator_code) for t in items}
    found = (await session.execute(select(Indicator).where(Indicator.code.in_(codes)))).scalars()
    indicators = {i.code: i for i in found}
    by = f"plan:{plan_id}"
    applied, moved = 0, set()
    for item in items:
        ind = indicators.get(str(item.indicator_code))
        if item.value is None:
            continue
        value = item.value
        if ind is None:
            log.info("plan target for an unknown indicator skipped",
                     extra={"fields": {"plan_id": plan_id, "indicator_code": item.indicator_code}})
            continue
        item_period = per
        if item.period:
            try:
                item_period = parse_period(item.period).text
            except PeriodError:
                continue
        current = (await session.execute(select(Target).where(
            Target.indicator_id == ind.id, Target.unit_id == unit_id,
            Target.period == item_period))).scalar_one_or_none()
        if current is not None and current.source == "plan" and current.plan_id == plan_id \
                and (current.plan_version or 0) > version:
            continue  # a newer revision of this plan already set it
        if current is not None and current.value == value and current.plan_id == plan_id \
                and current.plan_version == version:
            continue
        before = target_data(current, ind.code) if current is not None else None
        t, previous = await set_target(session, indicator=ind, unit_id=unit_id, unit_path=unit_path,
                                       period=item_period, value=value, source="plan", by=by, plan_id=plan_id,
                                       plan_version=version, event_id=str(event.get("id") or ""),
                                       note=(plan.title or "")[:500], judge=False)
        if previous != value:
            moved.add(ind.id)
        await journal.audit(session, actor=f"{event.get('source') or 'planning'}:{event.get('type')}",
                            action="target.from_plan", subject_type="target", subject_id=t.id, unit_path=unit_path,
                            before=_jsonable(before), after=_jsonable(target_data(t, ind.code)),
                            note=f"plan {plan_id} v{version}, event {event.get('id')}")
        applied += 1
    if moved:  # once for the whole plan: the levels its new targets move
        await rejudge(session, lib=await Library.load(session), indicator_ids=moved, cause="target_changed",
                      under=unit_path)
    return applied


# --- the targets API -------------------------------------------------------------------------

def target_read(t: Target, code: str) -> TargetRead:
    return TargetRead(**target_data(t, code))


async def list_targets(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                       unit_id: int | None, period: str | None,
                       indicator_code: str | None) -> tuple[list[TargetRead], str | None]:
    stmt = select(Target).where(visible_to(principal, "view", Target.unit_path))
    if unit_id is not None:
        unit = await unit_or_404(session, unit_id)
        authorize(principal, Place(unit.path, unit.name), Right.view)
        stmt = stmt.where(Target.unit_id == unit_id)
    if period:
        stmt = stmt.where(Target.period == parse_period_param(period).text)
    if indicator_code:
        stmt = stmt.where(Target.indicator_id == (await indicator_by_code(session, indicator_code)).id)
    rows, nxt = await paginate(session, stmt, Target.id, limit=limit, cursor=cursor)
    codes = await indicator_codes(session)
    return [target_read(t, codes[t.indicator_id]) for t in rows], nxt


async def get_target(session: AsyncSession, target: Target) -> TargetRead:
    return target_read(target, (await indicator_codes(session))[target.indicator_id])


async def target_history(session: AsyncSession, target: Target, *, limit: int,
                         cursor: str | None) -> tuple[list[TargetHistoryRead], str | None]:
    rows, nxt = await paginate(session, select(TargetHistory).where(TargetHistory.target_id == target.id),
                               TargetHistory.id, limit=limit, cursor=cursor)
    return [TargetHistoryRead.model_validate(h) for h in rows], nxt


async def create_target(session: AsyncSession, *, principal: Principal, body: TargetCreate) -> TargetRead:
    unit = await unit_or_422(session, body.unit_id)
    grant = authorize(principal, Place(unit.path, unit.name), Right.plan)
    ind = await indicator_by_code(session, body.indicator_code)
    exists = (await session.execute(select(Target.id).where(Target.indicator_id == ind.id, Target.unit_id == unit.id,
                                                            Target.period == body.period))).first()
    if exists:
        raise Conflict(f"A target for {ind.code} of this unit in {body.period} exists already (id {exists[0]}); "
                       "change it with PATCH.", target_id=exists[0],
                       zh=f"本单位{body.period}的{ind.name}目标已存在（编号 {exists[0]}），请直接修改。")
    t, _ = await set_target(session, indicator=ind, unit_id=unit.id, unit_path=unit.path, period=body.period,
                            value=body.value, source="manual", by=principal.sub, note=body.note)
    out = target_read(t, ind.code)
    await journal.audit(session, actor=principal, action="target.created", subject_type="target", subject_id=t.id,
                        unit_path=unit.path, grant=grant, after=out.model_dump(mode="json"))
    return out


async def update_target(session: AsyncSession, *, target: Allowed[Target], body: TargetUpdate) -> TargetRead:
    t, principal = target.item, target.principal
    ind = await session.get(Indicator, t.indicator_id)
    assert ind is not None  # a target's indicator is never deleted
    before = target_read(t, ind.code).model_dump(mode="json")
    t, _ = await set_target(session, indicator=ind, unit_id=t.unit_id, unit_path=t.unit_path, period=t.period,
                            value=body.value, source="manual", by=principal.sub, note=body.note)
    out = target_read(t, ind.code)
    await journal.audit(session, actor=principal, action="target.updated", subject_type="target", subject_id=t.id,
                        unit_path=t.unit_path, grant=target.grant, before=before, after=out.model_dump(mode="json"))
    return out
