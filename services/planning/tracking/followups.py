"""Events planning consumes from other services."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.periods import PeriodError, of_date, period
from services.planning.models import MeetingDecision, OrgUnit, Plan


async def on_followup_requested(session: AsyncSession, event: dict[str, Any]) -> None:
    """A KPI anomaly rule asks for a meeting item: it goes on this week's agenda, in the live plan of
    the unit (or of the nearest unit above it that has one) that covers the follow-up's period.

    The follow-up itself is kpi's improvement action, with its owner (the unit's head) and due date:
    the agenda names it rather than opening a second, ownerless task here."""
    data = event["data"]
    unit = await session.get(OrgUnit, int(data["unit_id"]))
    if unit is None:
        return
    ancestors = [int(p) for p in unit.path.strip("/").split("/")][::-1]
    plans = (await session.execute(select(Plan).where(Plan.unit_id.in_(ancestors),
                                                      Plan.status.in_(("issued", "published")))
                                   .order_by(Plan.id.desc()))).scalars().all()

    def fit(plan: Plan) -> int:
        """0 for a month covering the follow-up's period, 1 for a quarter, 2 for a year; 3 if none."""
        try:
            p = period(plan.period)
            return ("month", "quarter", "year").index(p.kind.value) if p.contains(str(data.get("period"))) else 3
        except (PeriodError, ValueError):
            return 3

    # nearest unit first; there, the finest plan covering the period (a month before its year)
    plan = min(plans, key=lambda p: (ancestors.index(p.unit_id), fit(p)), default=None)
    if plan is None:
        return  # no live plan to hang it on; the improvement action in kpi still tracks it
    owner = f"；负责人：{data['owner_name']}" if data.get("owner_name") else ""
    # the people at the meeting read the indicator's name (events from before kpi sent it carry the code only)
    name = data.get("indicator_name") or data["indicator_code"]
    text = f"{data.get('title') or name}（{name} = {data.get('value')}，" \
           f"{data.get('period', '')}{owner}；KPI改进措施 #{data.get('action_id')}）"
    session.add(MeetingDecision(week=of_date(date.today(), "week").text, plan_id=plan.id, text=text, task_id=None,
                                author="kpi"))
    await session.flush()
