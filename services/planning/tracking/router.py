"""Tracking (跟踪与监控): weekly reports, the weekly meeting agenda and decisions, tasks and dispatch."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.planning.deps import PlanToPlan, PlanToView, TaskToDispatch, TaskToView
from services.planning.plans.schemas import TaskRead
from services.planning.tracking import service
from services.planning.tracking.schemas import (
    AgendaRead,
    DecisionIn,
    DecisionRead,
    DispatchBody,
    ProgressIn,
    ProgressRead,
    ReportIn,
    ReportRead,
    TaskUpdate,
)

router = APIRouter(tags=["tracking"])


@router.put("/plans/{plan_id}/reports/{week}", response_model=ReportRead,
            summary="Write this week's progress report for a plan (per task: progress, status, problems, help)")
async def put_report(plan: PlanToPlan, week: str, body: ReportIn, session: Session, request: Request,
                     response: Response):
    report = await service.put_report(session, plan, week, body, precondition=partial(check_if_match, request))
    set_etag(response, service.report_etag(report))
    return report


@router.get("/plans/{plan_id}/reports", response_model=list[ReportRead])
async def list_reports(plan: PlanToView, session: Session):
    return await service.list_reports(session, plan)


@router.get("/meetings/{week}/agenda", response_model=AgendaRead,
            summary="The weekly operations meeting (周例会) agenda")
async def agenda(week: str, session: Session, principal: CurrentPrincipal,
                 unit_id: int | None = Query(None, description="Only this unit's subtree")):
    return await service.agenda(session, principal, week, unit_id=unit_id)


@router.post("/meetings/{week}/decisions", response_model=DecisionRead, status_code=201,
             summary="Record a meeting decision as a follow-up task with an owner and a due date")
async def add_decision(week: str, body: DecisionIn, session: Session, principal: CurrentPrincipal):
    return await service.add_decision(session, principal, week, body)


@router.get("/tasks", response_model=Page[TaskRead], summary="Tasks in plans the caller may see")
async def list_tasks(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam, owner_id: int | None = Query(None),
                     mine: bool = Query(False), overdue: bool | None = Query(None),
                     plan_id: int | None = Query(None)):
    return await service.list_tasks(session, principal, limit=limit, cursor=cursor, owner_id=owner_id, mine=mine,
                                    overdue=overdue, plan_id=plan_id)


@router.patch("/tasks/{task_id}", response_model=TaskRead, summary="Update a task's status or progress")
async def update_task(task: TaskToView, body: TaskUpdate, session: Session, request: Request, response: Response):
    check_if_match(request, service.task_etag(task.item))
    read = await service.update_task(session, task, body)
    set_etag(response, etag("task", read.id, read.version))
    return read


@router.post("/tasks/{task_id}/progress", response_model=TaskRead, status_code=201,
             summary="Report progress on a task (percent, note, evidence); kept as the task's progress log")
async def report_progress(task: TaskToView, body: ProgressIn, session: Session, request: Request,
                          response: Response):
    check_if_match(request, service.task_etag(task.item))
    read = await service.report_progress(session, task, body)
    set_etag(response, etag("task", read.id, read.version))
    return read


@router.get("/tasks/{task_id}/progress", response_model=list[ProgressRead],
            summary="A task's progress updates, newest first")
async def list_progress(task: TaskToView, session: Session):
    return await service.list_progress(session, task)


@router.post("/tasks/{task_id}/dispatch", response_model=TaskRead,
             summary="调度: reassign a task's owner, unit or deadline within the dispatcher's scope")
async def dispatch(task: TaskToDispatch, body: DispatchBody, session: Session, request: Request,
                   response: Response):
    check_if_match(request, service.task_etag(task.item))
    read = await service.dispatch(session, task, body)
    set_etag(response, etag("task", read.id, read.version))
    return read
