"""Tracking (跟踪与监控): weekly progress reports, the weekly meeting's agenda and decisions, tasks and
their progress, dispatch (调度), and the scan that says when a task falls overdue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import Page, etag, paginate
from services.common.authz import Principal, Right
from services.common.db import utcnow
from services.common.guards import Allowed, Place, authorize
from services.common.i18n import zh_of
from services.common.periods import PeriodError, PeriodKind, period
from services.common.problems import Forbidden, Invalid, NotFound
from services.planning.events import TaskCompletedData, TaskDispatchedData, TaskOverdueData
from services.planning.journal import journal
from services.planning.models import MeetingDecision, OrgUnit, Plan, PlanTask, ProgressReport, TaskProgress
from services.planning.plans.content import overdue
from services.planning.plans.schemas import TaskRead
from services.planning.plans.visibility import require_visible, visible_clause
from services.planning.tracking.schemas import (
    AgendaRead,
    DecisionIn,
    DecisionRead,
    DispatchBody,
    ProgressIn,
    ReportIn,
    ReportRead,
    TaskUpdate,
)
from services.planning.units import Units, load_units, unit_path

# Checks the client's If-Match against a resource's current ETag (412 when it names another version).
Precondition = Callable[[str], None]

LIVE_PLAN = ("issued", "published")
FINISHED_TASK = ("done", "cancelled")


def week_of(text: str) -> str:
    """The week a path names (2027-W05); 422 for anything else."""
    try:
        p = period(text)
    except PeriodError as exc:
        raise Invalid(str(exc), field="week", zh=zh_of(exc)) from exc
    if p.kind != PeriodKind.week:
        raise Invalid("Give a week such as 2027-W05.", field="week", zh="请填写周，如 2027-W05。")
    return p.text


def report_etag(report: ProgressReport) -> str:
    return etag("report", report.id, report.version)


def task_etag(task: PlanTask) -> str:
    return etag("task", task.id, task.version)


def task_read(t: PlanTask, today: date | None = None, plan: Plan | tuple[str, int] | None = None) -> TaskRead:
    """The task with its overdue flags and, when given, its plan's title and unit."""
    late, late_ms = overdue(t, today or clock.today())
    update: dict[str, Any] = {"overdue": late, "overdue_milestones": late_ms}
    if plan is not None:
        update["plan_title"], update["plan_unit_id"] = (plan.title, plan.unit_id) if isinstance(plan, Plan) else plan
    return TaskRead.model_validate(t).model_copy(update=update)


async def _plan_refs(session: AsyncSession, tasks: Sequence[PlanTask]) -> dict[int, tuple[str, int]]:
    ids = {t.plan_id for t in tasks}
    if not ids:
        return {}
    rows = await session.execute(select(Plan.id, Plan.title, Plan.unit_id).where(Plan.id.in_(ids)))
    return {pid: (title, unit_id) for pid, title, unit_id in rows}


# --- weekly reports and the meeting -----------------------------------------------------------


async def put_report(session: AsyncSession, plan: Allowed[Plan], week: str, body: ReportIn, *,
                     precondition: Precondition) -> ProgressReport:
    """The week's progress report for a plan (written again as the week goes on); it moves the tasks along.
    ``precondition`` checks the client's If-Match against the report it replaces."""
    week = week_of(week)
    if body.week != week:
        raise Invalid("The week in the body must match the week in the path.", field="week",
                      zh="周报内容中的周与地址中的周不一致。")
    item, principal = plan.item, plan.principal
    if item.status not in LIVE_PLAN:
        raise Invalid("Progress is reported on issued or published plans.", field="plan_id",
                      zh="只有已下达或已公示的计划才能填报进度。")
    tasks = {t.id: t for t in (await session.execute(select(PlanTask).where(PlanTask.plan_id == item.id))).scalars()}
    was = {t.id: t.status for t in tasks.values()}
    for i, line in enumerate(body.items):
        if line.task_id not in tasks:
            raise Invalid(f"Task {line.task_id} is not part of this plan.", field=f"items.{i}.task_id",
                          zh=f"任务 {line.task_id} 不属于此计划。")
    report = (await session.execute(select(ProgressReport).where(ProgressReport.plan_id == item.id,
                                                                 ProgressReport.week == week))).scalar_one_or_none()
    if report is None:
        report = ProgressReport(plan_id=item.id, week=week, author=principal.sub, author_name=principal.name)
        session.add(report)
    else:
        precondition(report_etag(report))
    report.summary, report.items = body.summary, [i.model_dump() for i in body.items]
    report.author, report.author_name = principal.sub, principal.name
    for line in body.items:  # the report moves the tasks along
        t = tasks[line.task_id]
        t.progress, t.status = line.progress, line.status
    await session.flush()
    path = await unit_path(session, item.unit_id)
    await journal.audit(session, actor=principal, action="plan.reported", subject_type="plan",
                        subject_id=item.id, unit_path=path, grant=plan.grant, after={"week": week})
    units = await load_units(session)
    for t in tasks.values():
        await _say_if_finished(session, t, item, units, was=was[t.id])
    return report


async def list_reports(session: AsyncSession, plan: Allowed[Plan]) -> Sequence[ProgressReport]:
    return (await session.execute(select(ProgressReport).where(ProgressReport.plan_id == plan.item.id)
                                  .order_by(ProgressReport.week))).scalars().all()


async def agenda(session: AsyncSession, principal: Principal, week: str, *, unit_id: int | None) -> AgendaRead:
    """The weekly operations meeting's agenda: the week's reports (problems and requests for help first
    among their lines), the overdue tasks and the decisions, of the plans the caller may see."""
    week = week_of(week)
    stmt = (select(ProgressReport, Plan, OrgUnit).join(Plan, Plan.id == ProgressReport.plan_id)
            .join(OrgUnit, OrgUnit.id == Plan.unit_id).where(ProgressReport.week == week, visible_clause(principal)))
    if unit_id is not None:
        root = await session.get(OrgUnit, unit_id)
        if root is None:
            raise NotFound(f"There is no org unit with id {unit_id}.", field="unit_id",
                           zh=f"没有编号为 {unit_id} 的组织单元。")
        stmt = stmt.where(OrgUnit.path.startswith(root.path))
    rows = (await session.execute(stmt.order_by(OrgUnit.path, Plan.id))).all()
    items = []
    for report, plan, unit in rows:
        items.append({"unit_id": unit.id, "unit_name": unit.name, "plan_id": plan.id, "plan_title": plan.title,
                      "report": ReportRead.model_validate(report).model_dump(mode="json"),
                      "problems": [i for i in report.items if i.get("problems") or i.get("help_needed")]})
    today = clock.today()
    visible_plans = select(Plan.id).join(OrgUnit, OrgUnit.id == Plan.unit_id).where(
        visible_clause(principal), Plan.status.in_(LIVE_PLAN))
    late = (await session.execute(select(PlanTask).where(PlanTask.plan_id.in_(visible_plans), PlanTask.due < today,
                                                          PlanTask.status.not_in(FINISHED_TASK))
                                  .order_by(PlanTask.due))).scalars().all()
    decisions = (await session.execute(select(MeetingDecision).where(MeetingDecision.week == week,
                                                                      MeetingDecision.plan_id.in_(visible_plans))
                                       .order_by(MeetingDecision.id))).scalars().all()
    return AgendaRead.model_validate({
        "week": week, "reports": items,
        "overdue_tasks": [task_read(t, today).model_dump(mode="json") for t in late],
        "decisions": [DecisionRead.model_validate(d).model_dump(mode="json") for d in decisions]})


async def add_decision(session: AsyncSession, principal: Principal, week: str, body: DecisionIn) -> MeetingDecision:
    """A meeting decision becomes a follow-up task with an owner and a due date (dispatch right over the
    plan's unit)."""
    week = week_of(week)
    plan = await session.get(Plan, body.plan_id)
    if plan is None:
        raise NotFound(f"There is no plan with id {body.plan_id}.", field="plan_id",
                       zh=f"没有编号为 {body.plan_id} 的计划。")
    units = await load_units(session)
    path = units.path(plan.unit_id)
    await require_visible(session, principal, plan, path)
    grant = authorize(principal, Place(path, what=units.by_id[plan.unit_id].name), Right.dispatch)
    task = PlanTask(plan_id=plan.id, title=body.text[:300], measures=body.text, owner_id=body.owner_id,
                    owner_name=body.owner_name, unit_id=plan.unit_id, start=clock.today(), due=body.due,
                    milestones=[], source="meeting")
    session.add(task)
    await session.flush()
    decision = MeetingDecision(week=week, plan_id=plan.id, text=body.text, task_id=task.id, author=principal.sub)
    session.add(decision)
    await session.flush()
    await journal.audit(session, actor=principal, action="meeting.decided", subject_type="plan", subject_id=plan.id,
                        unit_path=path, grant=grant, after={"week": week, "task_id": task.id, "text": body.text})
    return decision


# --- tasks ------------------------------------------------------------------------------------


async def list_tasks(session: AsyncSession, principal: Principal, *, limit: int, cursor: str | None,
                     owner_id: int | None, mine: bool, overdue: bool | None, plan_id: int | None) -> Page[TaskRead]:
    stmt = (select(PlanTask).join(Plan, Plan.id == PlanTask.plan_id).join(OrgUnit, OrgUnit.id == Plan.unit_id)
            .where(visible_clause(principal)))
    if mine:
        stmt = stmt.where(PlanTask.owner_id == (principal.user_id or -1))
    if owner_id is not None:
        stmt = stmt.where(PlanTask.owner_id == owner_id)
    if plan_id is not None:
        stmt = stmt.where(PlanTask.plan_id == plan_id)
    if overdue is not None:
        late = (PlanTask.due < clock.today()) & PlanTask.status.not_in(FINISHED_TASK)
        stmt = stmt.where(late if overdue else ~late)
    rows, nxt = await paginate(session, stmt, PlanTask.id, limit=limit, cursor=cursor)
    plans = await _plan_refs(session, rows)
    return Page[TaskRead](items=[task_read(t, plan=plans.get(t.plan_id)) for t in rows], next_cursor=nxt)


def _task_unit(task: PlanTask, plan: Plan, units: Units) -> tuple[int, str]:
    """The task's unit and its path: its own, or its plan's when it has none (or one this service does not know)."""
    if task.unit_id is not None and task.unit_id in units.by_id:
        return task.unit_id, units.by_id[task.unit_id].path
    return plan.unit_id, units.path(plan.unit_id)


async def _say_if_finished(session: AsyncSession, task: PlanTask, plan: Plan, units: Units, *, was: str) -> None:
    """Emit planning.task.completed when ``task`` just moved from unfinished to finished (done or cancelled):
    a report or update that leaves a finished task finished says nothing again."""
    if was in FINISHED_TASK or task.status not in FINISHED_TASK:
        return
    unit_id, path = _task_unit(task, plan, units)
    await journal.emit(session, "planning.task.completed", task.id,
                       TaskCompletedData(task_id=task.id, plan_id=plan.id, title=task.title, owner_id=task.owner_id,
                                         unit_id=unit_id, unit_path=path, status=task.status,
                                         completed_at=utcnow().isoformat()), path)


async def _plan_of(session: AsyncSession, task: PlanTask) -> tuple[Plan, Units, str]:
    plan = await session.get(Plan, task.plan_id)
    if plan is None:  # a task's rows cascade with its plan
        raise NotFound(f"There is no task with id {task.id}.", zh=f"没有编号为 {task.id} 的任务。")
    units = await load_units(session)
    return plan, units, units.path(plan.unit_id)


def _require_owner_or_planner(principal: Principal, task: PlanTask, path: str, *, doing: str, doing_zh: str) -> None:
    if not (principal.can("plan", path) or (principal.user_id is not None and principal.user_id == task.owner_id)):
        raise Forbidden(f"Only the task's owner or a holder of 'plan' over its unit may {doing}.",
                        zh=f"只有任务的责任人或对其单位有计划权的人才能{doing_zh}。")


async def update_task(session: AsyncSession, task: Allowed[PlanTask], body: TaskUpdate) -> TaskRead:
    """Change a task's status, progress or milestones (its owner, or a planner of its unit)."""
    item, principal = task.item, task.principal
    plan, units, path = await _plan_of(session, item)
    _require_owner_or_planner(principal, item, path, doing="update it", doing_zh="修改此任务")
    was = item.status
    changes = body.model_dump(exclude_unset=True, exclude_none=True, mode="json")
    for k, v in changes.items():
        setattr(item, k, v)
    await session.flush()
    await _say_if_finished(session, item, plan, units, was=was)
    return task_read(item, plan=plan)


async def report_progress(session: AsyncSession, task: Allowed[PlanTask], body: ProgressIn) -> TaskRead:
    """The owner's progress update (percent, note, evidence), kept as the task's progress log."""
    item, principal = task.item, task.principal
    plan, units, path = await _plan_of(session, item)
    _require_owner_or_planner(principal, item, path, doing="report its progress", doing_zh="报告进度")
    if plan.status not in LIVE_PLAN:
        raise Invalid("Progress is reported on tasks of issued or published plans.", field="task_id",
                      zh="只有已下达或已公示计划中的任务才能报告进度。")
    if item.status == "cancelled":
        raise Invalid("This task was cancelled.", field="task_id", zh="此任务已取消。")
    was = item.status
    before = {"progress": item.progress, "status": was}
    item.progress = body.progress
    if body.status is not None:
        item.status = body.status
    elif item.status == "not_started" and body.progress > 0:
        item.status = "in_progress"
    session.add(TaskProgress(task_id=item.id, progress=body.progress, status=item.status, note=body.note,
                             evidence=body.evidence, author=principal.sub, author_name=principal.name))
    await session.flush()
    await journal.audit(session, actor=principal, action="task.progressed", subject_type="task", subject_id=item.id,
                        unit_path=path, before=before,
                        after={"progress": item.progress, "status": item.status, "evidence": body.evidence},
                        note=body.note)
    await _say_if_finished(session, item, plan, units, was=was)
    return task_read(item, plan=plan)


async def list_progress(session: AsyncSession, task: Allowed[PlanTask]) -> Sequence[TaskProgress]:
    return (await session.execute(select(TaskProgress).where(TaskProgress.task_id == task.item.id)
                                  .order_by(TaskProgress.id.desc()))).scalars().all()


async def dispatch(session: AsyncSession, task: Allowed[PlanTask], body: DispatchBody) -> TaskRead:
    """调度: a new owner, unit or deadline, within the dispatcher's scope (the unit a task moves to too)."""
    item, principal = task.item, task.principal
    plan, units, path = await _plan_of(session, item)
    before = {"owner_id": item.owner_id, "owner_name": item.owner_name, "unit_id": item.unit_id,
              "due": item.due.isoformat() if item.due else None}
    if body.unit_id is not None:
        authorize(principal, Place(units.path(body.unit_id), what=units.by_id[body.unit_id].name), Right.dispatch)
        item.unit_id = body.unit_id
    if body.owner_id is not None:
        item.owner_id = body.owner_id
        item.owner_name = body.owner_name or ""
    if body.due is not None:
        if item.start and body.due < item.start:
            raise Invalid("The deadline must not be before the task's start.", field="due",
                          zh="完成期限不能早于任务的开始日期。")
        item.due = body.due
        item.overdue_notified_at = None  # a new deadline may pass again
    await session.flush()
    after = {"owner_id": item.owner_id, "owner_name": item.owner_name, "unit_id": item.unit_id,
             "due": item.due.isoformat() if item.due else None}
    await journal.audit(session, actor=principal, action="task.dispatched", subject_type="task", subject_id=item.id,
                        unit_path=path, grant=task.grant, before=before, after=after, note=body.comment)
    await journal.emit(session, "planning.task.dispatched", item.id,
                       TaskDispatchedData(task_id=item.id, plan_id=plan.id, owner_id=item.owner_id,
                                          owner_name=item.owner_name, unit_id=item.unit_id,
                                          due=item.due.isoformat() if item.due else None, comment=body.comment,
                                          title=item.title, unit_path=_task_unit(item, plan, units)[1]),
                       path)
    return task_read(item, plan=plan)


# --- the overdue scan -------------------------------------------------------------------------


async def flag_overdue(session: AsyncSession) -> int:
    """Emit planning.task.overdue once per task that passed its due date unfinished."""
    today = clock.today()
    rows = (await session.execute(select(PlanTask, Plan).join(Plan, Plan.id == PlanTask.plan_id).where(
        PlanTask.due < today, PlanTask.status.not_in(FINISHED_TASK), PlanTask.overdue_notified_at.is_(None),
        Plan.status.in_(LIVE_PLAN)))).all()
    if not rows:
        return 0
    units = await load_units(session)
    for task, plan in rows:
        path = units.by_id[plan.unit_id].path if plan.unit_id in units.by_id else None
        task.overdue_notified_at = utcnow()
        await journal.emit(session, "planning.task.overdue", task.id,
                           TaskOverdueData(task_id=task.id, plan_id=plan.id, title=task.title, owner_id=task.owner_id,
                                           due=task.due.isoformat() if task.due else "", unit_id=plan.unit_id,
                                           unit_path=path), path)
    return len(rows)
