"""Scorecards and assessments: only holders of assess over the unit create, score and finalise."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.kpi.assessments import service
from services.kpi.assessments.schemas import (
    AssessmentCreate,
    AssessmentRead,
    FinalizeBody,
    ScorecardCreate,
    ScorecardRead,
    ScorecardUpdate,
    ScoresUpdate,
)
from services.kpi.deps import AssessmentToAssess, AssessmentToView, ScorecardToAssess, ScorecardToView

router = APIRouter(tags=["assessments"])


def _scorecard(response: Response, out: ScorecardRead) -> ScorecardRead:
    set_etag(response, etag("scorecard", out.id, out.version))
    return out


def _assessment(response: Response, out: AssessmentRead) -> AssessmentRead:
    set_etag(response, etag("assessment", out.id, out.version))
    return out


@router.get("/scorecards", response_model=Page[ScorecardRead], summary="Scorecard templates (view over their unit)")
async def list_scorecards(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                          cursor: str | None = CursorParam):
    items, nxt = await service.list_scorecards(session, principal=principal, limit=limit, cursor=cursor)
    return Page[ScorecardRead](items=items, next_cursor=nxt)


@router.get("/scorecards/{scorecard_id}", response_model=ScorecardRead)
async def get_scorecard(scorecard: ScorecardToView, response: Response):
    return _scorecard(response, ScorecardRead.model_validate(scorecard.item))


@router.post("/scorecards", response_model=ScorecardRead, status_code=201,
             summary="Create a scorecard template (assess over its unit); weights add up to 100")
async def create_scorecard(body: ScorecardCreate, response: Response, session: Session, principal: CurrentPrincipal):
    return _scorecard(response, await service.create_scorecard(session, principal=principal, body=body))


@router.patch("/scorecards/{scorecard_id}", response_model=ScorecardRead,
              summary="Change a template (assess over its unit; If-Match). Draft assessments are recomputed; "
                      "finalised ones keep the items they were scored on")
async def update_scorecard(body: ScorecardUpdate, request: Request, response: Response, session: Session,
                           scorecard: ScorecardToAssess):
    check_if_match(request, etag("scorecard", scorecard.item.id, scorecard.item.version))
    return _scorecard(response, await service.update_scorecard(session, scorecard=scorecard, body=body))


@router.delete("/scorecards/{scorecard_id}", status_code=204,
               summary="Delete a template no assessment uses (assess over its unit; If-Match)")
async def delete_scorecard(request: Request, session: Session, scorecard: ScorecardToAssess):
    check_if_match(request, etag("scorecard", scorecard.item.id, scorecard.item.version))
    await service.delete_scorecard(session, scorecard=scorecard)
    return Response(status_code=204)


@router.get("/assessments", response_model=Page[AssessmentRead], summary="Assessments (view over their unit)")
async def list_assessments(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                           cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                           period: str | None = Query(None), status: str | None = Query(None)):
    items, nxt = await service.list_assessments(session, principal=principal, limit=limit, cursor=cursor,
                                                unit_id=unit_id, period=period, status=status)
    return Page[AssessmentRead](items=items, next_cursor=nxt)


@router.get("/assessments/{assessment_id}", response_model=AssessmentRead)
async def get_assessment(assessment: AssessmentToView, session: Session, response: Response):
    return _assessment(response, await service.assessment_read(session, assessment.item))


@router.post("/assessments", response_model=AssessmentRead, status_code=201,
             summary="Start an assessment of a unit or person for a period (assess over the unit)")
async def create_assessment(body: AssessmentCreate, response: Response, session: Session,
                            principal: CurrentPrincipal):
    return _assessment(response, await service.create_assessment(session, principal=principal, body=body))


@router.put("/assessments/{assessment_id}/scores", response_model=AssessmentRead,
            summary="Score qualitative items (assess over the unit; If-Match)")
async def put_scores(body: ScoresUpdate, request: Request, response: Response, session: Session,
                     assessment: AssessmentToAssess):
    check_if_match(request, etag("assessment", assessment.item.id, assessment.item.version))
    return _assessment(response, await service.put_scores(session, assessment=assessment, body=body))


@router.post("/assessments/{assessment_id}/recompute", response_model=AssessmentRead,
             summary="Recompute indicator scores from the latest data (draft only)")
async def recompute(request: Request, response: Response, session: Session, assessment: AssessmentToAssess):
    check_if_match(request, etag("assessment", assessment.item.id, assessment.item.version))
    return _assessment(response, await service.recompute(session, assessment=assessment))


@router.post("/assessments/{assessment_id}/finalize", response_model=AssessmentRead,
             summary="Finalise: the result, grade and rewards / penalties become immutable (assess; If-Match)")
async def finalize(body: FinalizeBody, request: Request, response: Response, session: Session,
                   assessment: AssessmentToAssess):
    check_if_match(request, etag("assessment", assessment.item.id, assessment.item.version))
    return _assessment(response, await service.finalize(session, assessment=assessment, body=body))
