"""Events the kpi service consumes: issued and revised plans, and org moves."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.contracts import Consumer
from services.kpi.ingest import move_units
from services.kpi.targets import apply_plan_event


async def on_plan_issued(session: AsyncSession, event: dict[str, Any]) -> None:
    """``planning.plan.issued`` / ``planning.plan.revised`` → targets (history kept)."""
    await apply_plan_event(session, event)


async def on_unit_moved(session: AsyncSession, event: dict[str, Any]) -> None:
    """A unit moved: its points now roll up under new ancestors, so rollups are rebuilt."""
    data = event.get("data") or {}
    old, new = data.get("old_path"), data.get("new_path")
    if old and new and old != new:
        await move_units(session, old, new)


CONSUMES = [
    Consumer("planning.plan.issued", on_plan_issued),
    Consumer("planning.plan.revised", on_plan_issued),
    Consumer("org.unit.moved", on_unit_moved),
]
