"""Follow-ups other services ask for: a KPI anomaly's improvement action goes on the weekly meeting's agenda.

Kept apart from :mod:`.service` because the event contract (:mod:`services.planning.events`) hands
its events here, and the service module records events through that contract itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.periods import PeriodError, of_date, period
from services.planning.models import MeetingDecision, OrgUnit, Plan

if TYPE_CHECKING:
    from services.planning.events import FollowupRequested


async def put_on_agenda(session: AsyncSession, followup: FollowupRequested) -> None:
    """A KPI anomaly rule asks for a meeting item: it goes on this week's agenda, in the live plan of
    the unit (or of the nearest unit above it that has one) that covers the follow-up's period.

    The follow-up itself is kpi's improvement action, with its owner (the unit's head) and due date:
    the agenda names it rather than opening a second, ownerless task here."""
    unit = await session.get(OrgUnit, followup.unit_id)
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
            return ("month", "quarter", "year").index(p.kind.value) if p.contains(str(followup.period)) else 3
        except (PeriodError, ValueError):
            return 3

    # nearest unit first; there, the finest plan covering the period (a month before its year)
    plan = min(plans, key=lambda p: (ancestors.index(p.unit_id), fit(p)), default=None)
    if plan is None:
        return  # no live plan to hang it on; the improvement action in kpi still tracks it
    owner = f"；负责人：{followup.owner_name}" if followup.owner_name else ""
    # the people at the meeting read the indicator's name
    name = followup.indicator_name or followup.indicator_code
    text = f"{followup.title or name}（{name} = {followup.value}，" \
           f"{followup.period or ''}{owner}；KPI改进措施 #{followup.action_id}）"
    session.add(MeetingDecision(week=of_date(clock.today(), "week").text, plan_id=plan.id, text=text, task_id=None,
                                author="kpi"))
    await session.flush()
