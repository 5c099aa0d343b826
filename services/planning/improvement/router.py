"""Process optimisation projects (流程优化项目): the register, a project's stages, documents, milestones,
reviews, the Excel register and the inbox part."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.planning.deps import ProjectToView
from services.planning.improvement import service
from services.planning.improvement.schemas import (
    AdvanceIn,
    DocumentIn,
    DocumentStage,
    ImprovementStepWaiting,
    MilestoneIn,
    MilestoneUpdate,
    Origin,
    ProjectCreate,
    ProjectDetail,
    ProjectRead,
    ProjectUpdate,
    ReviewIn,
    Stage,
)

router = APIRouter(tags=["improvement"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UnitFilter = Query(None, description="Only this unit's subtree")
ReviewDueFilter = Query(None, description="true: only projects whose review date has come; false: the others")
TitleFilter = Query(None, max_length=100, description="Title contains")


def _answer(response: Response, project: ProjectDetail | ProjectRead) -> ProjectDetail | ProjectRead:
    set_etag(response, service.etag("improvement", project.id, project.version))
    return project


@router.get("/improvement/projects", response_model=Page[ProjectRead],
            summary="The register of process optimisation projects the caller may see")
async def list_projects(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                        cursor: str | None = CursorParam, unit_id: int | None = UnitFilter,
                        stage: Stage | None = None, origin: Origin | None = None, mine: bool = Query(False),
                        review_due: bool | None = ReviewDueFilter, q: str | None = TitleFilter):
    return await service.list_projects(session, principal, limit=limit, cursor=cursor, unit_id=unit_id, stage=stage,
                                       origin=origin, mine=mine, review_due=review_due, q=q)


@router.get("/improvement/projects/export.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}},
            summary="流程优化项目台账: the register as an Excel sheet (the register's filters)")
async def export_projects(session: Session, principal: CurrentPrincipal, unit_id: int | None = UnitFilter,
                          stage: Stage | None = None, origin: Origin | None = None, mine: bool = Query(False),
                          review_due: bool | None = ReviewDueFilter, q: str | None = TitleFilter) -> Response:
    content = await service.export_projects(session, principal, unit_id=unit_id, stage=stage, origin=origin,
                                            mine=mine, review_due=review_due, q=q)
    disposition = f"attachment; filename=improvement-projects.xlsx; filename*=UTF-8''{quote('流程优化项目台账.xlsx')}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.post("/improvement/projects", response_model=ProjectRead, status_code=201,
             summary="Start a project by hand or from a finding (a holder of 'plan' over the unit)")
async def create_project(body: ProjectCreate, session: Session, principal: CurrentPrincipal, response: Response):
    return _answer(response, await service.create_project(session, principal=principal, body=body))


@router.get("/improvement/projects/{project_id}", response_model=ProjectDetail,
            summary="A project with its documents, milestones, reviews, history and what the caller may do")
async def get_project(project: ProjectToView, session: Session, response: Response):
    return _answer(response, await service.get_project(session, project))


@router.patch("/improvement/projects/{project_id}", response_model=ProjectDetail,
              summary="Edit the title, description or links (owner or planner); change the owner (planner)")
async def update_project(project: ProjectToView, body: ProjectUpdate, session: Session, request: Request,
                         response: Response):
    check_if_match(request, service.project_etag(project.item))
    return _answer(response, await service.update_project(session, project, body))


@router.put("/improvement/projects/{project_id}/documents/{stage}", response_model=ProjectDetail,
            summary="Record the current stage's document (summary and body)")
async def record_document(project: ProjectToView, stage: DocumentStage, body: DocumentIn, session: Session,
                          request: Request, response: Response):
    check_if_match(request, service.project_etag(project.item))
    return _answer(response, await service.record_document(session, project, stage, body))


@router.post("/improvement/projects/{project_id}/advance", response_model=ProjectDetail,
             summary="Move to the next stage (evaluation needs 'assess' over the unit); after implementation: review")
async def advance(project: ProjectToView, body: AdvanceIn, session: Session, request: Request, response: Response):
    check_if_match(request, service.project_etag(project.item))
    return _answer(response, await service.advance(session, project, body))


@router.post("/improvement/projects/{project_id}/milestones", response_model=ProjectDetail, status_code=201,
             summary="Add an implementation milestone")
async def add_milestone(project: ProjectToView, body: MilestoneIn, session: Session, request: Request,
                        response: Response):
    check_if_match(request, service.project_etag(project.item))
    return _answer(response, await service.add_milestone(session, project, body))


@router.patch("/improvement/projects/{project_id}/milestones/{milestone_id}", response_model=ProjectDetail,
              summary="Change a milestone's title or due date, or mark it done")
async def update_milestone(project: ProjectToView, milestone_id: int, body: MilestoneUpdate, session: Session,
                           request: Request, response: Response):
    check_if_match(request, service.project_etag(project.item))
    return _answer(response, await service.update_milestone(session, project, milestone_id, body))


@router.delete("/improvement/projects/{project_id}/milestones/{milestone_id}", response_model=ProjectDetail,
               summary="Remove a milestone")
async def delete_milestone(project: ProjectToView, milestone_id: int, session: Session, request: Request,
                           response: Response):
    check_if_match(request, service.project_etag(project.item))
    return _answer(response, await service.delete_milestone(session, project, milestone_id))


@router.post("/improvement/projects/{project_id}/reviews", response_model=ProjectDetail, status_code=201,
             summary="Record a periodic review: effective / needs adjustment (next date) or reopen (with a note)")
async def record_review(project: ProjectToView, body: ReviewIn, session: Session, request: Request,
                        response: Response):
    check_if_match(request, service.project_etag(project.item))
    return _answer(response, await service.record_review(session, project, body))


@router.get("/inbox/improvement-steps", response_model=list[ImprovementStepWaiting],
            summary="Projects waiting on the caller: their current stage, evaluations to pass, reviews due")
async def improvement_steps(session: Session, principal: CurrentPrincipal,
                            limit: int = Query(100, ge=1, le=200)):
    return await service.steps_waiting(session, principal=principal, limit=limit)
