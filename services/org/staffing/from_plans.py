"""Planned headcount from plans in force: ``planning.plan.issued`` / ``.revised`` carry the plan's resource lines;
the people (人力) lines become the unit's planned headcount for the plan's period. A later revision replaces them
(a revision without people lines leaves the unit without a planned headcount for that period); an older revision
arriving after a newer one, or the same revision again, changes nothing."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.periods import PeriodError, period
from services.org.events import PlanResourcesView
from services.org.journal import journal
from services.org.models import PlannedHeadcount, Unit
from services.org.staffing.service import measure

log = logging.getLogger("yunguan.org.staffing")


async def on_plan_in_force(session: AsyncSession, event: dict[str, Any]) -> None:
    try:
        plan = PlanResourcesView.model_validate(event.get("data") or {})
        per = period(plan.period).text
    except (ValidationError, PeriodError) as exc:
        log.warning("plan event without a usable plan, unit or period", extra={"fields": {"error": str(exc)}})
        return
    unit = await session.get(Unit, plan.unit_id)
    if unit is None:
        log.warning("plan event for a unit org does not have", extra={"fields": {"unit_id": plan.unit_id}})
        return
    people = [r for r in plan.resources if r.kind == "people" and r.quantity is not None]
    lines = [{"id": r.id, "description": r.description, "quantity": r.quantity, "unit": r.unit} for r in people]
    row = (await session.execute(select(PlannedHeadcount).where(PlannedHeadcount.unit_id == unit.id,
                                                                PlannedHeadcount.period == per))).scalar()
    if row is not None and row.plan_id == plan.plan_id and (row.plan_version or 0) >= plan.version:
        return  # this revision (or a newer one) is already in force here
    before = None if row is None else {"plan_id": row.plan_id, "plan_version": row.plan_version,
                                       "quantity": row.quantity}
    actor = f"{event.get('source') or 'planning'}:{event.get('type') or 'planning.plan.issued'}"
    if not lines:
        if row is None:
            return
        await session.delete(row)
        after = None
    else:
        quantity = float(sum(r.quantity or 0.0 for r in people))
        if row is None:
            row = PlannedHeadcount(unit_id=unit.id, period=per)
            session.add(row)
        row.plan_id, row.plan_version, row.quantity, row.lines = plan.plan_id, plan.version, quantity, lines
        after = {"plan_id": plan.plan_id, "plan_version": plan.version, "quantity": quantity, "lines": lines}
    await session.flush()
    await journal.audit(session, actor=actor, action="staffing.planned", subject_type="unit", subject_id=unit.id,
                        unit_path=unit.path, before=before, after=after,
                        note=f"plan {plan.plan_id} revision {plan.version}, {per}")
    await measure(session, unit_ids={unit.id})
