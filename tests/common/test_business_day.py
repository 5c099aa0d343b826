""""Today" is the company's day, not the server's: at 23:30 UTC on 2026-12-03 it is already 07:30 on
12-04 in Shanghai, so something due on 12-03 is overdue for planning's task scan and kpi's action
scan; a company whose business time zone is UTC still has until midnight."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from services.common import clock
from services.common.db import Database
from services.kpi.actions.service import scan_overdue
from services.kpi.models import ImprovementAction
from services.kpi.models import OutboxEvent as KpiOutbox
from services.planning.models import OutboxEvent as PlanningOutbox
from services.planning.models import Plan, PlanTask
from services.planning.tracking.service import flag_overdue

MOMENT = datetime(2026, 12, 3, 23, 30, tzinfo=UTC)  # 07:30 on 2026-12-04 in Shanghai
DUE = date(2026, 12, 3)


@pytest.fixture
def at_moment(monkeypatch):
    """The clock stands at MOMENT, seen from whatever business time zone the environment names."""
    monkeypatch.setattr(clock, "now", lambda: MOMENT.astimezone(clock.business_zone()))


async def planning_overdue(databases) -> tuple[int, list[str]]:
    db = Database(await databases.fresh("planning"))
    try:
        async with db.writer() as s:
            plan = Plan(unit_id=1, period="2026-12", kind="monthly", title="12月计划", status="published",
                        created_by="1", pending_signers=[])
            s.add(plan)
            await s.flush()
            s.add(PlanTask(plan_id=plan.id, title="客户走访", due=DUE, status="in_progress", milestones=[]))
            await s.flush()
            flagged = await flag_overdue(s)
            await s.commit()
            events = (await s.execute(select(PlanningOutbox.type))).scalars().all()
        return flagged, list(events)
    finally:
        await db.dispose()


async def kpi_overdue(databases) -> tuple[int, list[str]]:
    db = Database(await databases.fresh("kpi"))
    try:
        async with db.writer() as s:
            s.add(ImprovementAction(title="整改客服响应", unit_id=1, unit_path="/1/", due=DUE, status="open"))
            await s.flush()
            flagged = await scan_overdue(s)
            await s.commit()
            events = (await s.execute(select(KpiOutbox.type))).scalars().all()
        return flagged, list(events)
    finally:
        await db.dispose()


async def test_at_0730_in_shanghai_yesterdays_task_and_action_are_overdue(databases, monkeypatch, at_moment):
    monkeypatch.delenv("YUNGUAN_BUSINESS_TIMEZONE", raising=False)
    assert clock.today() == date(2026, 12, 4)
    assert await planning_overdue(databases) == (1, ["planning.task.overdue"])
    assert await kpi_overdue(databases) == (1, ["kpi.action.overdue"])


async def test_a_company_on_utc_still_has_until_midnight(databases, monkeypatch, at_moment):
    monkeypatch.setenv("YUNGUAN_BUSINESS_TIMEZONE", "UTC")
    assert clock.today() == DUE
    assert await planning_overdue(databases) == (0, [])
    assert await kpi_overdue(databases) == (0, [])
