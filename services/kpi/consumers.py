"""What kpi does on other services' events: CONSUMES (the payload views are in events.py)."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.contracts import Consumer, EventView
from services.common.problems import Unavailable
from services.kpi.budgets.service import apply_plan_event as apply_plan_budgets
from services.kpi.events import (
    PlanBudgetView,
    PlanIssuedView,
    ProposalRewardedView,
    StaffingMeasuredView,
    TrainingMeasuredView,
    UnitMovedView,
)
from services.kpi.indicators.catalog import ensure_indicators
from services.kpi.indicators.library import Library
from services.kpi.measurements.ingest import PointIn, ingest, move_units
from services.kpi.measurements.staging import unit_paths
from services.kpi.sanctions.service import record_proposal_reward
from services.kpi.targets.service import apply_plan_event

log = logging.getLogger("yunguan.kpi")

V = TypeVar("V", bound=EventView)


async def on_plan_issued(session: AsyncSession, event: dict[str, Any]) -> None:
    """``planning.plan.issued`` / ``planning.plan.revised`` → targets (history kept)."""

    plan = _usable(PlanIssuedView, event, "plan event without a usable plan, unit or period")
    if plan is not None:
        await apply_plan_event(session, event, plan)


async def on_unit_moved(session: AsyncSession, event: dict[str, Any]) -> None:
    """A unit moved: its points now roll up under new ancestors, so rollups are rebuilt."""

    moved = UnitMovedView.model_validate(event.get("data") or {})
    if moved.old_path and moved.new_path and moved.old_path != moved.new_path:
        await move_units(session, moved.old_path, moved.new_path)


async def on_plan_budgets(session: AsyncSession, event: dict[str, Any]) -> None:
    """``planning.plan.issued`` / ``planning.plan.revised`` → the plan's budget lines become budgets (history kept)."""

    plan = _usable(PlanBudgetView, event, "plan event without a usable plan, unit or period")
    if plan is not None:
        await apply_plan_budgets(session, event, plan)


async def on_proposal_rewarded(session: AsyncSession, event: dict[str, Any]) -> None:
    """``planning.proposal.rewarded`` → a line of the register of rewards (创新奖励), naming only whom it names."""

    reward = _usable(ProposalRewardedView, event, "proposal reward without a usable proposal or unit")
    if reward is not None:
        await record_proposal_reward(session, event, reward)


SPARE_STAFF_RATIO = "spare_staff_ratio"


async def on_staffing_measured(session: AsyncSession, event: dict[str, Any]) -> None:
    """``org.staffing.measured`` → the unit's spare-staff ratio (备员率) for the month, through the normal ingest
    (rollups, thresholds, crossings follow) with source "org"; a unit without a planned headcount has none."""

    measured = StaffingMeasuredView.model_validate(event.get("data") or {})
    if measured.spare_ratio is None:
        return
    await ensure_indicators(session, (SPARE_STAFF_RATIO,))
    await _ingest_from_org(session, PointIn(SPARE_STAFF_RATIO, measured.unit_id, measured.period,
                                            measured.spare_ratio, source="org"))


async def on_training_measured(session: AsyncSession, event: dict[str, Any]) -> None:
    """org's training completion rate (培训完成率, from its records) → the unit's ``training_completion`` point,
    source org, through the normal ingest (rollups, thresholds, crossings follow); nobody types it."""
    measured = TrainingMeasuredView.model_validate(event.get("data") or {})
    await _ingest_from_org(session, PointIn(indicator_code="training_completion", unit_id=measured.unit_id,
                                            period=measured.period, value=measured.rate, source="org",
                                            weight=float(max(measured.required, 1))))


async def _ingest_from_org(session: AsyncSession, point: PointIn) -> None:
    """A rate org measured, through the normal ingest (rollups, thresholds, crossings follow). A unit this
    read-model has not heard of yet (org measures at its start) is refused for now: the relay delivers the event
    again, and parks it for an admin if the unit never comes."""
    if not await unit_paths(session, [point.unit_id]):
        raise Unavailable(f"The unit {point.unit_id} is not known here yet; deliver the event again later.",
                          headers={"Retry-After": "5"},
                          zh=f"本服务尚未同步编号为 {point.unit_id} 的组织单元，请稍后重新投递。")
    result = await ingest(session, [point], lib=await Library.load(session), can_write=lambda _path: True,
                          recorded_by="org")
    if result.rejected:
        log.warning("a rate measured by org was refused", extra={"fields": {"indicator": point.indicator_code,
                                                                            "errors": result.rejected}})


def _usable(view: type[V], event: dict[str, Any], what: str) -> V | None:
    """The event's data as ``view`` reads it, or None (logged) when it cannot be used."""
    try:
        return view.model_validate(event.get("data") or {})
    except ValidationError as exc:
        log.warning(what, extra={"fields": {"error": str(exc)}})
        return None


CONSUMES = [
    Consumer("planning.plan.issued", on_plan_issued, reads=PlanIssuedView,
             summary="An issued plan's targets become the unit's kpi targets"),
    Consumer("planning.plan.revised", on_plan_issued, reads=PlanIssuedView,
             summary="A revised plan's targets replace the ones of its earlier versions"),
    Consumer("planning.plan.issued", on_plan_budgets, reads=PlanBudgetView,
             summary="An issued plan's budget lines become its unit's budgets for the plan's period"),
    Consumer("planning.plan.revised", on_plan_budgets, reads=PlanBudgetView,
             summary="A revised plan's budget lines replace its unit's budgets for the period (history kept)"),
    Consumer("org.unit.moved", on_unit_moved, reads=UnitMovedView,
             summary="Points and stored unit paths follow the moved subtree; rollups are rebuilt"),
    Consumer("planning.proposal.rewarded", on_proposal_rewarded, reads=ProposalRewardedView,
             summary="A proposal reward granted in planning is recorded in the register as an innovation reward"),
    # staffing (issue 20)
    Consumer("org.staffing.measured", on_staffing_measured, reads=StaffingMeasuredView,
             summary="A unit's spare-staff ratio (备员率) measured by org is ingested as spare_staff_ratio"),
    Consumer("org.training.measured", on_training_measured, reads=TrainingMeasuredView,
             summary="org's training completion rate becomes the unit's training_completion point (source org)"),
]
