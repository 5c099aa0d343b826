"""Plan execution for the cockpit: counted in SQL over the subtree, only the top rows loaded."""

from __future__ import annotations

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Principal
from services.common.cockpit import TOP_N, cockpit_asked, drill, period_texts
from services.common.scoping import visible_to
from services.planning.cockpit.schemas import (
    ApprovalsTile,
    PlanningCockpit,
    PlanRow,
    PlansTile,
    TaskRow,
    TasksTile,
)
from services.planning.models import OrgUnit, Plan, PlanTarget, PlanTask

LIVE_PLAN = ("issued", "published")
AWAITING = "submitted"


async def cockpit(session: AsyncSession, *, principal: Principal, unit: int | None,
                  period: str | None) -> PlanningCockpit:
    asked = await cockpit_asked(session, OrgUnit, principal, unit=unit, period=period)
    root, p, today = asked.unit, asked.period, clock.today()
    in_subtree = OrgUnit.path.startswith(root.path, autoescape=True) & visible_to(principal, "view", OrgUnit.path)
    live = and_(in_subtree, Plan.status.in_(LIVE_PLAN), Plan.period.in_(period_texts(p)))

    issued = (await session.execute(select(func.count()).select_from(Plan)
                                    .join(OrgUnit, OrgUnit.id == Plan.unit_id).where(live))).scalar_one()
    targets = (await session.execute(select(func.count()).select_from(PlanTarget)
                                     .join(Plan, Plan.id == PlanTarget.plan_id)
                                     .join(OrgUnit, OrgUnit.id == Plan.unit_id).where(live))).scalar_one()

    open_task = PlanTask.status.not_in(("done", "cancelled"))
    late = and_(open_task, PlanTask.due.is_not(None), PlanTask.due < today)
    tasks_of_live = (select(PlanTask.id).join(Plan, Plan.id == PlanTask.plan_id)
                     .join(OrgUnit, OrgUnit.id == Plan.unit_id).where(live, PlanTask.status != "cancelled"))
    total, done, overdue = (await session.execute(
        select(func.count(), func.coalesce(func.sum(case((PlanTask.status == "done", 1), else_=0)), 0),
               func.coalesce(func.sum(case((late, 1), else_=0)), 0))
        .where(PlanTask.id.in_(tasks_of_live)))).one()
    top_late = (await session.execute(
        select(PlanTask, Plan.title).join(Plan, Plan.id == PlanTask.plan_id).join(OrgUnit, OrgUnit.id == Plan.unit_id)
        .where(live, late).order_by(PlanTask.due, PlanTask.id).limit(TOP_N))).all()

    waiting = and_(in_subtree, Plan.status == AWAITING)
    awaiting = (await session.execute(select(func.count()).select_from(Plan)
                                      .join(OrgUnit, OrgUnit.id == Plan.unit_id).where(waiting))).scalar_one()
    oldest = (await session.execute(select(Plan, OrgUnit.name).join(OrgUnit, OrgUnit.id == Plan.unit_id)
                                    .where(waiting).order_by(Plan.updated_at, Plan.id).limit(TOP_N))).all()

    return PlanningCockpit(
        scope=asked.scope,
        plans=PlansTile(issued=issued, targets=targets,
                        # the plan list filters one exact period; the tile counts every period overlapping p
                        drill=drill("/plans", unit_id=root.id, status="issued")),
        tasks=TasksTile(total=total, done=int(done), overdue=int(overdue), on_time=total - int(done) - int(overdue),
                        top_overdue=[TaskRow(id=t.id, title=t.title, due=t.due, owner_name=t.owner_name,
                                             plan_id=t.plan_id, plan_title=title) for t, title in top_late],
                        drill=drill("/plans/tasks", tab="dispatch", show="open")),
        approvals=ApprovalsTile(awaiting=awaiting,
                                top=[PlanRow(id=pl.id, title=pl.title, period=pl.period, unit_id=pl.unit_id,
                                             unit_name=name) for pl, name in oldest],
                                drill=drill("/plans", unit_id=root.id, status=AWAITING)),
    )
