"""What in planning waits on one person (我的待办's planning parts beside approvals and own tasks).

- suggestions to answer: open 建议 on plans the caller holds ``plan`` over (the plan's owners answer
  them; the author never answers their own);
- plans to rework: returned plans, and vetoed plans nobody has replaced yet (no later plan for the
  same unit and period that is not vetoed), which the caller submitted or holds ``plan`` over;
- overdue tasks: unfinished tasks past their due date in issued or published plans, the caller's
  own and those in units the caller holds ``dispatch`` over (they reassign or move the deadline).

Every query keeps to the plans the caller may see, so an item always opens.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.common import clock
from services.common.authz import Principal
from services.common.scoping import visible_to
from services.planning.approvals.schemas import SuggestionRead
from services.planning.inbox.schemas import PlanToRework, SuggestionToAnswer
from services.planning.models import OrgUnit, Plan, PlanAction, PlanTask, Suggestion
from services.planning.plans.content import overdue
from services.planning.plans.schemas import PlanSummary, TaskRead
from services.planning.plans.visibility import visible_clause

REWORK_STATUSES = ("returned", "vetoed")
LIVE_PLAN = ("issued", "published")
FINISHED_TASK = ("done", "cancelled")


async def suggestions_to_answer(session: AsyncSession, *, principal: Principal,
                                limit: int) -> list[SuggestionToAnswer]:
    stmt = (select(Suggestion, Plan).join(Plan, Plan.id == Suggestion.plan_id)
            .join(OrgUnit, OrgUnit.id == Plan.unit_id)
            .where(Suggestion.status == "open", Suggestion.author != principal.sub,
                   Plan.status.not_in(("vetoed", "closed")), visible_to(principal, "plan", OrgUnit.path))
            .order_by(Suggestion.created_at, Suggestion.id).limit(limit))
    return [SuggestionToAnswer(**SuggestionRead.model_validate(s).model_dump(), plan_title=p.title,
                               plan_unit_id=p.unit_id, plan_period=p.period, plan_status=p.status)
            for s, p in (await session.execute(stmt)).all()]


async def plans_to_rework(session: AsyncSession, *, principal: Principal, limit: int) -> list[PlanToRework]:
    later = aliased(Plan)
    replaced = exists().where(later.unit_id == Plan.unit_id, later.period == Plan.period, later.id > Plan.id,
                              later.status != "vetoed")
    stmt = (select(Plan).join(OrgUnit, OrgUnit.id == Plan.unit_id)
            .where(visible_clause(principal),
                   or_(Plan.submitted_by == principal.sub, visible_to(principal, "plan", OrgUnit.path)),
                   or_(Plan.status == "returned", and_(Plan.status == "vetoed", ~replaced)))
            .order_by(Plan.updated_at.desc(), Plan.id.desc()).limit(limit))
    plans = (await session.execute(stmt)).scalars().all()
    decisions: dict[int, PlanAction] = {}
    if plans:
        rows = await session.execute(select(PlanAction).where(
            PlanAction.plan_id.in_([p.id for p in plans]), PlanAction.action.in_(("return", "veto")))
            .order_by(PlanAction.id))
        decisions = {a.plan_id: a for a in rows.scalars()}  # the latest decision per plan wins
    out = []
    for p in plans:
        d = decisions.get(p.id)
        out.append(PlanToRework(**PlanSummary.model_validate(p).model_dump(),
                                decided_by_name=d.actor_name if d else "", decided_at=d.at if d else None,
                                reason=d.comment if d else ""))
    return out


async def overdue_tasks(session: AsyncSession, *, principal: Principal, limit: int,
                        today: date | None = None) -> list[TaskRead]:
    today = today or clock.today()
    mine = PlanTask.owner_id == principal.user_id if principal.user_id is not None else None
    dispatched = visible_to(principal, "dispatch", OrgUnit.path)
    stmt = (select(PlanTask, Plan).join(Plan, Plan.id == PlanTask.plan_id).join(OrgUnit, OrgUnit.id == Plan.unit_id)
            .where(visible_clause(principal), Plan.status.in_(LIVE_PLAN), PlanTask.due < today,
                   PlanTask.status.not_in(FINISHED_TASK), dispatched if mine is None else or_(mine, dispatched))
            .order_by(PlanTask.due, PlanTask.id).limit(limit))
    return [TaskRead.model_validate(t).model_copy(update={"overdue": True, "plan_title": p.title,
                                                          "plan_unit_id": p.unit_id,
                                                          "overdue_milestones": overdue(t, today)[1]})
            for t, p in (await session.execute(stmt)).all()]
