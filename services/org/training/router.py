"""Training management (培训管理): needs, annual training plans and their approval, sessions with the attendance
sheet, training records (and their workbook), completion rates, certifications."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.files import download_response
from services.common.security import CurrentPrincipal
from services.org.deps import (
    CertificationToPlan,
    TrainingPlanToGuide,
    TrainingPlanToPlan,
    TrainingPlanToView,
    TrainingSessionToRead,
    TrainingSessionToRecord,
)
from services.org.training import service
from services.org.training.schemas import (
    AttendanceSheet,
    CertificationCreate,
    CertificationRead,
    CertificationUpdate,
    CompletionRead,
    NeedCreate,
    NeedRead,
    PlanDecision,
    RecordRead,
    SessionCreate,
    SessionRead,
    TrainingPlanCreate,
    TrainingPlanRead,
    TrainingPlanUpdate,
)

router = APIRouter(prefix="/training", tags=["training"])


def _plan_tag(plan_id: int, version: int) -> str:
    return etag("training-plan", plan_id, version)


# --- needs ---------------------------------------------------------------------------------------------------


@router.get("/needs", response_model=Page[NeedRead],
            summary="培训需求: from positions' job requirements, low assessment results and by hand (a unit's: plan, "
                    "guide or assess over it; without a unit, your own)")
async def list_needs(session: Session, principal: CurrentPrincipal, unit_id: int | None = Query(None),
                     user_id: int | None = Query(None)):
    return Page(items=await service.list_needs(session, principal=principal, unit_id=unit_id, user_id=user_id))


@router.post("/needs", response_model=NeedRead, status_code=201,
             summary="Record a person's training need by hand (plan over their unit)")
async def create_need(body: NeedCreate, session: Session, principal: CurrentPrincipal):
    return await service.create_need(session, principal=principal, body=body)


# --- plans ---------------------------------------------------------------------------------------------------


@router.get("/plans", response_model=Page[TrainingPlanRead],
            summary="Annual training plans of the units you may view, plan or guide (awaiting_me: yours to approve)")
async def list_plans(session: Session, principal: CurrentPrincipal, unit_id: int | None = Query(None),
                     year: int | None = Query(None, ge=2000, le=2100), status: str | None = Query(None),
                     awaiting_me: bool = Query(False)):
    return Page(items=await service.list_plans(session, principal=principal, unit_id=unit_id, year=year,
                                               status=status, awaiting_me=awaiting_me))


@router.post("/plans", response_model=TrainingPlanRead, status_code=201,
             summary="Draft a unit's annual training plan with its courses (plan over the unit)")
async def create_plan(body: TrainingPlanCreate, session: Session, principal: CurrentPrincipal, response: Response):
    plan = await service.create_plan(session, principal=principal, body=body)
    set_etag(response, _plan_tag(plan.id, plan.version))
    return plan


@router.get("/plans/{plan_id}", response_model=TrainingPlanRead, summary="A training plan (view, plan or guide)")
async def get_plan(plan: TrainingPlanToView, session: Session, response: Response):
    set_etag(response, _plan_tag(plan.item.id, plan.item.version))
    return await service.plan_read(session, plan.item)


@router.patch("/plans/{plan_id}", response_model=TrainingPlanRead,
              summary="Change a draft or returned plan: title, courses (plan over the unit; If-Match)")
async def update_plan(plan: TrainingPlanToPlan, body: TrainingPlanUpdate, session: Session, request: Request,
                      response: Response):
    check_if_match(request, _plan_tag(plan.item.id, plan.item.version))
    updated = await service.update_plan(session, plan=plan, body=body)
    set_etag(response, _plan_tag(updated.id, updated.version))
    return updated


@router.post("/plans/{plan_id}/submit", response_model=TrainingPlanRead,
             summary="Submit a plan to the holders of guide over its unit (plan over the unit; If-Match)")
async def submit_plan(plan: TrainingPlanToPlan, session: Session, request: Request, response: Response):
    check_if_match(request, _plan_tag(plan.item.id, plan.item.version))
    updated = await service.submit_plan(session, plan=plan)
    set_etag(response, _plan_tag(updated.id, updated.version))
    return updated


@router.post("/plans/{plan_id}/decision", response_model=TrainingPlanRead,
             summary="Approve or return a submitted plan with a reason (guide over the unit, not its drafter; "
                     "If-Match)")
async def decide_plan(plan: TrainingPlanToGuide, body: PlanDecision, session: Session, request: Request,
                      response: Response):
    check_if_match(request, _plan_tag(plan.item.id, plan.item.version))
    updated = await service.decide_plan(session, plan=plan, body=body)
    set_etag(response, _plan_tag(updated.id, updated.version))
    return updated


@router.post("/plans/{plan_id}/sessions", response_model=SessionRead, status_code=201,
             summary="Record a session of an approved plan's course (plan over the unit)")
async def create_session(plan: TrainingPlanToPlan, body: SessionCreate, session: Session, response: Response):
    created = await service.create_session(session, plan=plan, body=body)
    set_etag(response, etag("training-session", created.id, created.version))
    return created


# --- sessions ------------------------------------------------------------------------------------------------


@router.get("/sessions", response_model=Page[SessionRead],
            summary="Sessions of the units you may view, plan or guide, and the ones you train (mine)")
async def list_sessions(session: Session, principal: CurrentPrincipal, plan_id: int | None = Query(None),
                        unit_id: int | None = Query(None), mine: bool = Query(False)):
    return Page(items=await service.list_sessions(session, principal=principal, plan_id=plan_id, unit_id=unit_id,
                                                  mine=mine))


@router.get("/sessions/{session_id}", response_model=SessionRead,
            summary="A session with its attendance sheet (its trainer, or view, plan or guide over the unit)")
async def get_session(training_session: TrainingSessionToRead, session: Session, response: Response):
    set_etag(response, etag("training-session", training_session.item.id, training_session.item.version))
    return await service.session_read(session, training_session.item)


@router.put("/sessions/{session_id}/attendance", response_model=SessionRead,
            summary="The attendance sheet: attended or absent, and results (the trainer, or plan over the unit; "
                    "If-Match); the unit's completion rate follows")
async def record_attendance(training_session: TrainingSessionToRecord, body: AttendanceSheet, session: Session,
                            request: Request, response: Response):
    check_if_match(request, etag("training-session", training_session.item.id, training_session.item.version))
    updated = await service.record_attendance(session, training_session=training_session, body=body)
    set_etag(response, etag("training-session", updated.id, updated.version))
    return updated


@router.get("/completion", response_model=CompletionRead,
            summary="培训完成率 of a unit for a month or quarter: required trainings completed ÷ required")
async def completion(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                     period: str = Query(..., description="2026-03 or 2026-Q1")):
    return await service.completion(session, principal=principal, unit_id=unit_id, period=period)


# --- records -------------------------------------------------------------------------------------------------


@router.get("/records", response_model=Page[RecordRead],
            summary="Training records: your own, a person's or a unit's (plan, guide or assess over it)")
async def list_records(session: Session, principal: CurrentPrincipal, user_id: int | None = Query(None),
                       unit_id: int | None = Query(None)):
    return Page(items=await service.list_records(session, principal=principal, user_id=user_id, unit_id=unit_id))


@router.get("/records/export.xlsx", summary="培训记录 as a workbook (the same rows as the list)",
            response_class=Response,
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
async def export_records(session: Session, principal: CurrentPrincipal, user_id: int | None = Query(None),
                         unit_id: int | None = Query(None)):
    content = await service.export_records(session, principal=principal, user_id=user_id, unit_id=unit_id)
    return download_response(content, "培训记录.xlsx", fallback="training-records")


# --- certifications ------------------------------------------------------------------------------------------


@router.get("/certifications", response_model=Page[CertificationRead],
            summary="Certificates: your own, a person's or a unit's; expiring: yours and your units' that expire "
                    "soon or have")
async def list_certifications(session: Session, principal: CurrentPrincipal, user_id: int | None = Query(None),
                              unit_id: int | None = Query(None), expiring: bool = Query(False)):
    return Page(items=await service.list_certifications(session, principal=principal, user_id=user_id,
                                                        unit_id=unit_id, expiring=expiring))


@router.post("/certifications", response_model=CertificationRead, status_code=201,
             summary="Record a person's certificate (plan over their unit)")
async def create_certification(body: CertificationCreate, session: Session, principal: CurrentPrincipal,
                               response: Response):
    created = await service.create_certification(session, principal=principal, body=body)
    set_etag(response, etag("certification", created.id, created.version))
    return created


@router.patch("/certifications/{certification_id}", response_model=CertificationRead,
              summary="Change or renew a certificate (plan over its unit; If-Match)")
async def update_certification(certification: CertificationToPlan, body: CertificationUpdate, session: Session,
                               request: Request, response: Response):
    check_if_match(request, etag("certification", certification.item.id, certification.item.version))
    updated = await service.update_certification(session, certification=certification, body=body)
    set_etag(response, etag("certification", updated.id, updated.version))
    return updated
