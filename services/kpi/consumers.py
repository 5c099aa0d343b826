"""What kpi does on other services' events: CONSUMES (the payload views are in events.py)."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.contracts import Consumer
from services.kpi.budgets.service import apply_plan_event as apply_plan_budgets
from services.kpi.budgets.service import move_units as move_budgets
from services.kpi.events import PlanBudgetView, PlanIssuedView, ProposalRewardedView, UnitMovedView
from services.kpi.measurements.ingest import move_units
from services.kpi.sanctions.service import record_proposal_reward
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


async def on_plan_budgets(session: AsyncSession, event: dict[str, Any]) -> None:
    """``planning.plan.issued`` / ``planning.plan.revised`` → the plan's budget lines become budgets (history kept)."""

    try:
        plan = PlanBudgetView.model_validate(event.get("data") or {})
    except ValidationError as exc:
        log.warning("plan event without a usable plan, unit or period", extra={"fields": {"error": str(exc)}})
        return
    await apply_plan_budgets(session, event, plan)


async def on_unit_moved_budgets(session: AsyncSession, event: dict[str, Any]) -> None:
    """A unit moved: its budgets and spend follow it (their KPI points move with the other points)."""

    moved = UnitMovedView.model_validate(event.get("data") or {})
    if moved.old_path and moved.new_path and moved.old_path != moved.new_path:
        await move_budgets(session, moved.old_path, moved.new_path)


async def on_proposal_rewarded(session: AsyncSession, event: dict[str, Any]) -> None:
    """``planning.proposal.rewarded`` → a line of the register of rewards (创新奖励), naming only whom it names."""

    try:
        reward = ProposalRewardedView.model_validate(event.get("data") or {})
    except ValidationError as exc:
        log.warning("proposal reward without a usable proposal or unit", extra={"fields": {"error": str(exc)}})
        return
    await record_proposal_reward(session, event, reward)


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
    Consumer("org.unit.moved", on_unit_moved_budgets, reads=UnitMovedView,
             summary="Budgets and actual spend follow the moved subtree"),
    Consumer("planning.proposal.rewarded", on_proposal_rewarded, reads=ProposalRewardedView,
             summary="A proposal reward granted in planning is recorded in the register as an innovation reward"),
]
