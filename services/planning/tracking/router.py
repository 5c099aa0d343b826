"""Tracking (跟踪与监控): weekly reports, the weekly meeting agenda and decisions, tasks and dispatch."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.db import Session, utcnow
from services.common.i18n import zh_of
from services.common.periods import PeriodError, PeriodKind
from services.common.periods import period as parse_period
from services.common.problems import Forbidden, Invalid, NotFound
from services.common.security import CurrentPrincipal
from services.planning import plans as P
from services.planning.api.deps import PlanCtx
from services.planning.models import MeetingDecision, OrgUnit, Plan, PlanTask, ProgressReport, TaskProgress
from services.planning.schemas import (
    AgendaRead,
    DecisionIn,
    DecisionRead,
    DispatchBody,
    ProgressIn,
    ProgressRead,
    ReportIn,
    ReportRead,
    TaskRead,
    TaskUpdate,
)
from services.planning.workflow import journal

router = APIRouter(tags=["tracking"])


def _week(text: str) -> str:
    try:
        p = parse_period(text)
    except PeriodError as exc:
        raise Invalid(str(exc), field="week", zh=zh_of(exc)) from exc
    if p.kind != PeriodKind.week:
        raise Invalid("Give a week such as 2027-W05.", field="week", zh="请填写周，如 2027-W05。")
    return p.text


def task_read(t: PlanTask, today: date | None = None, plan: Plan | tuple[str, int] | None = None) -> TaskRead:
    """The task with its overdue flags and, when given, its plan's title and unit."""
    late, late_ms = P.overdue(t, today or date.today())
    update: dict = {"overdue": late, "overdue_milestones": late_ms}
    if plan is not None:
        update["plan_title"], update["plan_unit_id"] = (plan.title, plan.unit_id) if isinstance(plan, Plan) else plan
    return TaskRead.model_validate(t).model_copy(update=update)


async def _plan_refs(session, tasks) -> dict[int, tuple[str, int]]:
    ids = {t.plan_id for t in tasks}
    if not ids:
        return {}
    rows = await session.execute(select(Plan.id, Plan.title, Plan.unit_id).where(Plan.id.in_(ids)))
    return {pid: (title, unit_id) for pid, title, unit_id in rows}


@router.put("/plans/{plan_id}/reports/{week}", response_model=ReportRead,
            summary="Write this week's progress report for a plan (per task: progress, status, problems, help)")
async def put_report(ctx: PlanCtx, week: str, body: ReportIn, request: Request, response: Response):
    week = _week(week)
    if body.week != week:
        raise Invalid("The week in the body must match the week in the path.", field="week", zh="周报内容中的周与地址中的周不一致。")
    if ctx.plan.status not in ("issued", "published"):
        raise Invalid("Progress is reported on issued or published plans.", field="plan_id", zh="只有已下达或已公示的计划才能填报进度。")
    grant = ctx.principal.require("plan", ctx.unit_path, what="this plan's unit")
    tasks = {t.id: t for t in (await ctx.session.execute(select(PlanTask).where(PlanTask.plan_id == ctx.plan.id)))
             .scalars()}
    for i, item in enumerate(body.items):
        if item.task_id not in tasks:
            raise Invalid(f"Task {item.task_id} is not part of this plan.", field=f"items.{i}.task_id",
                          zh=f"任务 {item.task_id} 不属于此计划。")
    report = (await ctx.session.execute(select(ProgressReport).where(ProgressReport.plan_id == ctx.plan.id,
                                                                     ProgressReport.week == week))).scalar_one_or_none()
    if report is None:
        report = ProgressReport(plan_id=ctx.plan.id, week=week, author=ctx.principal.sub, author_name=ctx.principal.name)
        ctx.session.add(report)
    else:
        check_if_match(request, etag("report", report.id, report.version))
    report.summary, report.items = body.summary, [i.model_dump() for i in body.items]
    report.author, report.author_name = ctx.principal.sub, ctx.principal.name
    for item in body.items:  # the report moves the tasks along
        t = tasks[item.task_id]
        t.progress, t.status = item.progress, item.status
    await ctx.session.flush()
    await journal.audit(ctx.session, actor=ctx.principal, action="plan.reported", subject_type="plan",
                        subject_id=ctx.plan.id, unit_path=ctx.unit_path, grant=grant, after={"week": week},
                        request=request)
    set_etag(response, etag("report", report.id, report.version))
    return report


@router.get("/plans/{plan_id}/reports", response_model=list[ReportRead])
async def list_reports(ctx: PlanCtx):
    return (await ctx.session.execute(select(ProgressReport).where(ProgressReport.plan_id == ctx.plan.id)
                                      .order_by(ProgressReport.week))).scalars().all()


@router.get("/meetings/{week}/agenda", response_model=AgendaRead,
            summary="The weekly operations meeting (周例会) agenda")
async def agenda(week: str, session: Session, principal: CurrentPrincipal,
                 unit_id: int | None = Query(None, description="Only this unit's subtree")):
    week = _week(week)
    stmt = (select(ProgressReport, Plan, OrgUnit).join(Plan, Plan.id == ProgressReport.plan_id)
            .join(OrgUnit, OrgUnit.id == Plan.unit_id).where(ProgressReport.week == week, P.visible_clause(principal)))
    if unit_id is not None:
        root = await session.get(OrgUnit, unit_id)
        if root is None:
            raise NotFound(f"There is no org unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
        stmt = stmt.where(OrgUnit.path.startswith(root.path))
    rows = (await session.execute(stmt.order_by(OrgUnit.path, Plan.id))).all()
    items = []
    for report, plan, unit in rows:
        items.append({"unit_id": unit.id, "unit_name": unit.name, "plan_id": plan.id, "plan_title": plan.title,
                      "report": ReportRead.model_validate(report).model_dump(mode="json"),
                      "problems": [i for i in report.items if i.get("problems") or i.get("help_needed")]})
    today = date.today()
    visible_plans = select(Plan.id).join(OrgUnit, OrgUnit.id == Plan.unit_id).where(
        P.visible_clause(principal), Plan.status.in_(("issued", "published")))
    late = (await session.execute(select(PlanTask).where(PlanTask.plan_id.in_(visible_plans), PlanTask.due < today,
                                                          PlanTask.status.not_in(("done", "cancelled")))
                                  .order_by(PlanTask.due))).scalars().all()
    decisions = (await session.execute(select(MeetingDecision).where(MeetingDecision.week == week,
                                                                      MeetingDecision.plan_id.in_(visible_plans))
                                       .order_by(MeetingDecision.id))).scalars().all()
    return {"week": week, "reports": items,
            "overdue_tasks": [task_read(t, today).model_dump(mode="json") for t in late],
            "decisions": [DecisionRead.model_validate(d).model_dump(mode="json") for d in decisions]}


@router.post("/meetings/{week}/decisions", response_model=DecisionRead, status_code=201,
             summary="Record a meeting decision as a follow-up task with an owner and a due date")
async def add_decision(week: str, body: DecisionIn, session: Session, principal: CurrentPrincipal, request: Request):
    week = _week(week)
    plan = await session.get(Plan, body.plan_id)
    if plan is None:
        raise NotFound(f"There is no plan with id {body.plan_id}.", field="plan_id", zh=f"没有编号为 {body.plan_id} 的计划。")
    units = await P.load_units(session)
    path = units.path(plan.unit_id)
    P.require_visible(principal, plan, path)
    grant = principal.require("dispatch", path, what=units.by_id[plan.unit_id].name)
    task = PlanTask(plan_id=plan.id, title=body.text[:300], measures=body.text, owner_id=body.owner_id,
                    owner_name=body.owner_name, unit_id=plan.unit_id, start=date.today(), due=body.due,
                    milestones=[], source="meeting")
    session.add(task)
    await session.flush()
    decision = MeetingDecision(week=week, plan_id=plan.id, text=body.text, task_id=task.id, author=principal.sub)
    session.add(decision)
    await session.flush()
    await journal.audit(session, actor=principal, action="meeting.decided", subject_type="plan", subject_id=plan.id,
                        unit_path=path, grant=grant, after={"week": week, "task_id": task.id, "text": body.text},
                        request=request)
    return decision


@router.get("/tasks", response_model=Page[TaskRead], summary="Tasks in plans the caller may see")
async def list_tasks(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam, owner_id: int | None = Query(None),
                     mine: bool = Query(False), overdue: bool | None = Query(None),
                     plan_id: int | None = Query(None)):
    stmt = (select(PlanTask).join(Plan, Plan.id == PlanTask.plan_id).join(OrgUnit, OrgUnit.id == Plan.unit_id)
            .where(P.visible_clause(principal)))
    if mine:
        stmt = stmt.where(PlanTask.owner_id == (principal.user_id or -1))
    if owner_id is not None:
        stmt = stmt.where(PlanTask.owner_id == owner_id)
    if plan_id is not None:
        stmt = stmt.where(PlanTask.plan_id == plan_id)
    if overdue is not None:
        late = (PlanTask.due < date.today()) & PlanTask.status.not_in(("done", "cancelled"))
        stmt = stmt.where(late if overdue else ~late)
    rows, nxt = await paginate(session, stmt, PlanTask.id, limit=limit, cursor=cursor)
    plans = await _plan_refs(session, rows)
    return Page[TaskRead](items=[task_read(t, plan=plans.get(t.plan_id)) for t in rows], next_cursor=nxt)


async def _task_ctx(session, principal, task_id: int):
    task = await session.get(PlanTask, task_id)
    if task is None:
        raise NotFound(f"There is no task with id {task_id}.", zh=f"没有编号为 {task_id} 的任务。")
    plan = await session.get(Plan, task.plan_id)
    units = await P.load_units(session)
    path = units.path(plan.unit_id)
    P.require_visible(principal, plan, path)
    return task, plan, units, path


@router.patch("/tasks/{task_id}", response_model=TaskRead, summary="Update a task's status or progress")
async def update_task(task_id: int, body: TaskUpdate, session: Session, principal: CurrentPrincipal,
                      request: Request, response: Response):
    task, plan, units, path = await _task_ctx(session, principal, task_id)
    check_if_match(request, etag("task", task.id, task.version))
    if not (principal.can("plan", path) or (principal.user_id is not None and principal.user_id == task.owner_id)):
        raise Forbidden("Only the task's owner or a holder of 'plan' over its unit may update it.",
                        zh="只有任务的责任人或对其单位有计划权的人才能修改此任务。")
    changes = body.model_dump(exclude_unset=True, exclude_none=True, mode="json")
    for k, v in changes.items():
        setattr(task, k, v)
    await session.flush()
    set_etag(response, etag("task", task.id, task.version))
    return task_read(task, plan=plan)


def _require_owner_or_planner(principal, task: PlanTask, path: str) -> None:
    if not (principal.can("plan", path) or (principal.user_id is not None and principal.user_id == task.owner_id)):
        raise Forbidden("Only the task's owner or a holder of 'plan' over its unit may report its progress.",
                        zh="只有任务的责任人或对其单位有计划权的人才能报告进度。")


@router.post("/tasks/{task_id}/progress", response_model=TaskRead, status_code=201,
             summary="Report progress on a task (percent, note, evidence); kept as the task's progress log")
async def report_progress(task_id: int, body: ProgressIn, session: Session, principal: CurrentPrincipal,
                          request: Request, response: Response):
    task, plan, units, path = await _task_ctx(session, principal, task_id)
    check_if_match(request, etag("task", task.id, task.version))
    _require_owner_or_planner(principal, task, path)
    if plan.status not in ("issued", "published"):
        raise Invalid("Progress is reported on tasks of issued or published plans.", field="task_id",
                      zh="只有已下达或已公示计划中的任务才能报告进度。")
    if task.status == "cancelled":
        raise Invalid("This task was cancelled.", field="task_id", zh="此任务已取消。")
    before = {"progress": task.progress, "status": task.status}
    task.progress = body.progress
    if body.status is not None:
        task.status = body.status
    elif task.status == "not_started" and body.progress > 0:
        task.status = "in_progress"
    session.add(TaskProgress(task_id=task.id, progress=body.progress, status=task.status, note=body.note,
                             evidence=body.evidence, author=principal.sub, author_name=principal.name))
    await session.flush()
    await journal.audit(session, actor=principal, action="task.progressed", subject_type="task", subject_id=task.id,
                        unit_path=path, before=before,
                        after={"progress": task.progress, "status": task.status, "evidence": body.evidence},
                        note=body.note, request=request)
    set_etag(response, etag("task", task.id, task.version))
    return task_read(task, plan=plan)


@router.get("/tasks/{task_id}/progress", response_model=list[ProgressRead],
            summary="A task's progress updates, newest first")
async def list_progress(task_id: int, session: Session, principal: CurrentPrincipal):
    task, _, _, _ = await _task_ctx(session, principal, task_id)
    return (await session.execute(select(TaskProgress).where(TaskProgress.task_id == task.id)
                                  .order_by(TaskProgress.id.desc()))).scalars().all()


@router.post("/tasks/{task_id}/dispatch", response_model=TaskRead,
             summary="调度: reassign a task's owner, unit or deadline within the dispatcher's scope")
async def dispatch(task_id: int, body: DispatchBody, session: Session, principal: CurrentPrincipal,
                   request: Request, response: Response):
    task, plan, units, path = await _task_ctx(session, principal, task_id)
    check_if_match(request, etag("task", task.id, task.version))
    grant = principal.require("dispatch", path, what=units.by_id[plan.unit_id].name)
    before = {"owner_id": task.owner_id, "owner_name": task.owner_name, "unit_id": task.unit_id,
              "due": task.due.isoformat() if task.due else None}
    if body.unit_id is not None:
        new_path = units.path(body.unit_id)
        principal.require("dispatch", new_path, what=units.by_id[body.unit_id].name)
        task.unit_id = body.unit_id
    if body.owner_id is not None:
        task.owner_id = body.owner_id
        task.owner_name = body.owner_name or ""
    if body.due is not None:
        if task.start and body.due < task.start:
            raise Invalid("The deadline must not be before the task's start.", field="due", zh="完成期限不能早于任务的开始日期。")
        task.due = body.due
        task.overdue_notified_at = None  # a new deadline may pass again
    await session.flush()
    after = {"owner_id": task.owner_id, "owner_name": task.owner_name, "unit_id": task.unit_id,
             "due": task.due.isoformat() if task.due else None}
    await journal.audit(session, actor=principal, action="task.dispatched", subject_type="task", subject_id=task.id,
                        unit_path=path, grant=grant, before=before, after=after, note=body.comment, request=request)
    await journal.emit(session, "planning.task.dispatched", task.id,
                       {"task_id": task.id, "plan_id": plan.id, **after, "comment": body.comment}, path)
    set_etag(response, etag("task", task.id, task.version))
    return task_read(task, plan=plan)


async def flag_overdue(session) -> int:
    """Emit planning.task.overdue once per task that passed its due date unfinished."""
    today = date.today()
    rows = (await session.execute(select(PlanTask, Plan).join(Plan, Plan.id == PlanTask.plan_id).where(
        PlanTask.due < today, PlanTask.status.not_in(("done", "cancelled")), PlanTask.overdue_notified_at.is_(None),
        Plan.status.in_(("issued", "published"))))).all()
    units = await P.load_units(session) if rows else None
    for task, plan in rows:
        path = units.by_id[plan.unit_id].path if plan.unit_id in units.by_id else None
        task.overdue_notified_at = utcnow()
        await journal.emit(session, "planning.task.overdue", task.id,
                           {"task_id": task.id, "plan_id": plan.id, "title": task.title, "owner_id": task.owner_id,
                            "due": task.due.isoformat(), "unit_id": plan.unit_id, "unit_path": path}, path)
    return len(rows)
