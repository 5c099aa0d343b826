"""What planning does on other services' events: CONSUMES (the payload views are in events.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.contracts import Consumer
from services.planning.events import FollowupRequested
from services.planning.tracking.followups import put_on_agenda


async def on_followup_requested(session: AsyncSession, event: dict[str, Any]) -> None:
    await put_on_agenda(session, FollowupRequested.model_validate(event["data"]))


CONSUMES = [
    Consumer("kpi.followup.requested", on_followup_requested, reads=FollowupRequested,
             summary="A KPI anomaly's follow-up goes on this week's meeting agenda, in the live plan that covers it"),
]
