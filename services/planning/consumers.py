"""Events planning consumes from other services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.periods import of_date
from services.planning.models import MeetingDecision, OrgUnit, Plan, PlanTask


async def on_followup_requested(session: AsyncSession, event: dict[str, Any]) -> None:
    """A KPI anomaly rule asks for a meeting item: it goes on this week's agenda as a follow-up task,
    in the live plan of the unit (or of the nearest unit above it that has one)."""
    data = event["data"]
    unit = await session.get(OrgUnit, int(data["unit_id"]))
    if unit is None:
        return
    ancestors = [int(p) for p in unit.path.strip("/").split("/")][::-1]
    plans = (await session.execute(select(Plan).where(Plan.unit_id.in_(ancestors),
                                                      Plan.status.in_(("issued", "published")))
                                   .order_by(Plan.id.desc()))).scalars().all()
    plan = min(plans, key=lambda p: ancestors.index(p.unit_id), default=None)
    if plan is None:
        return  # no live plan to hang it on; the improvement action in kpi still tracks it
    today = date.today()
    # the people at the meeting read the indicator's name (events from before kpi sent it carry the code only)
    name = data.get("indicator_name") or data["indicator_code"]
    text = f"{data.get('title') or name}（{name} = {data.get('value')}，{data.get('period', '')}）"
    task = PlanTask(plan_id=plan.id, title=text[:300], measures="由KPI异常规则提请周例会讨论", unit_id=unit.id,
                    start=today, due=today + timedelta(days=7), milestones=[], source="meeting")
    session.add(task)
    await session.flush()
    session.add(MeetingDecision(week=of_date(today, "week").text, plan_id=plan.id, text=text, task_id=task.id,
                                author="kpi"))
    await session.flush()
