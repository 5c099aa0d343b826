"""What kpi does on other services' events: CONSUMES (the payload views are in events.py)."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.contracts import Consumer
from services.common.problems import Unavailable
from services.kpi.events import PlanIssuedView, TrainingMeasuredView, UnitMovedView
from services.kpi.indicators.library import Library
from services.kpi.measurements.ingest import PointIn, ingest, move_units
from services.kpi.measurements.staging import unit_paths
from services.kpi.targets.service import apply_plan_event

log = logging.getLogger("yunguan.kpi")


async def on_plan_issued(session: AsyncSession, event: dict[str, Any]) -> None:
    """``planning.plan.issued`` / ``planning.plan.revised`` → targets (history kept)."""

    try:
        plan = PlanIssuedView.model_validate(event.get("data") or {})
    except ValidationError as exc:
        log.warning("plan event without a usable plan, unit or period", extra={"fields": {"error": str(exc)}})
        return
    await apply_plan_event(session, event, plan)


async def on_unit_moved(session: AsyncSession, event: dict[str, Any]) -> None:
    """A unit moved: its points now roll up under new ancestors, so rollups are rebuilt."""

    moved = UnitMovedView.model_validate(event.get("data") or {})
    if moved.old_path and moved.new_path and moved.old_path != moved.new_path:
        await move_units(session, moved.old_path, moved.new_path)


async def on_training_measured(session: AsyncSession, event: dict[str, Any]) -> None:
    """org's training completion rate (培训完成率, from its records) → the unit's ``training_completion`` point,
    source org, through the normal ingest (rollups, thresholds, crossings follow); nobody types it."""
    measured = TrainingMeasuredView.model_validate(event.get("data") or {})
    if not await unit_paths(session, [measured.unit_id]):
        # org's unit events have not reached this read-model yet: refused for now, the relay delivers it again
        raise Unavailable(f"The unit {measured.unit_id} is not known here yet; deliver the event again later.",
                          zh=f"本服务尚未同步编号为 {measured.unit_id} 的组织单元，请稍后重新投递。")
    result = await ingest(session, [PointIn(indicator_code="training_completion", unit_id=measured.unit_id,
                                            period=measured.period, value=measured.rate, source="org",
                                            weight=float(max(measured.required, 1)))],
                          lib=await Library.load(session), can_write=lambda _path: True, recorded_by="org")
    if result.rejected:
        log.warning("training completion refused", extra={"fields": {"errors": result.rejected}})


CONSUMES = [
    Consumer("planning.plan.issued", on_plan_issued, reads=PlanIssuedView,
             summary="An issued plan's targets become the unit's kpi targets"),
    Consumer("planning.plan.revised", on_plan_issued, reads=PlanIssuedView,
             summary="A revised plan's targets replace the ones of its earlier versions"),
    Consumer("org.unit.moved", on_unit_moved, reads=UnitMovedView,
             summary="Points and stored unit paths follow the moved subtree; rollups are rebuilt"),
    Consumer("org.training.measured", on_training_measured, reads=TrainingMeasuredView,
             summary="org's training completion rate becomes the unit's training_completion point (source org)"),
]
