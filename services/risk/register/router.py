"""The risk register: risks, their assessments, response, acceptance sign-off, contingency plan."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.risk.actions.schemas import ActionRead
from services.risk.deps import (
    RiskToAccept,
    RiskToActivate,
    RiskToAssess,
    RiskToChange,
    RiskToDelete,
    RiskToView,
)
from services.risk.matrix.schemas import Level
from services.risk.models import Risk
from services.risk.register import service
from services.risk.register.schemas import (
    AcceptanceCreate,
    ActivationCreate,
    AssessmentCreate,
    AssessmentKind,
    AssessmentRead,
    AssessmentResult,
    Category,
    RiskCreate,
    RiskRead,
    RiskUpdate,
    Status,
    Strategy,
)

router = APIRouter(tags=["risks"])


def risk_etag(risk: Risk | RiskRead) -> str:
    return etag("risk", risk.id, risk.version)


@router.get("/risks", response_model=Page[RiskRead], summary="The register: risks you may see, filtered")
async def list_risks(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam,
                     unit_id: int | None = Query(None, description="Only this unit's subtree"),
                     category: Category | None = None, status: Status | None = None, level: Level | None = None,
                     owner_id: int | None = None, plan_id: int | None = None, strategy: Strategy | None = None,
                     q: str | None = Query(None, max_length=200, description="Words in the title"),
                     review_before: date | None = Query(None, description="Next review on or before this date"),
                     ) -> Page[RiskRead]:
    return await service.list_risks(session, principal=principal, limit=limit, cursor=cursor, unit_id=unit_id,
                                    category=category, status=status, level=level, owner_id=owner_id,
                                    plan_id=plan_id, strategy=strategy, q=q, review_before=review_before)


@router.post("/risks", response_model=RiskRead, status_code=201, summary="Register a risk (plan over the unit)")
async def create_risk(body: RiskCreate, session: Session, principal: CurrentPrincipal,
                      response: Response) -> RiskRead:
    risk = await service.register_risk(session, principal=principal, body=body)
    set_etag(response, risk_etag(risk))
    return risk


@router.get("/risks/{risk_id}", response_model=RiskRead)
async def get_risk(risk: RiskToView, session: Session, response: Response) -> RiskRead:
    set_etag(response, risk_etag(risk))
    return await service.read_risk(session, risk=risk)


@router.patch("/risks/{risk_id}", response_model=RiskRead,
              summary="Change a risk: fields, status, strategy, contingency plan (If-Match)")
async def update_risk(risk: RiskToChange, body: RiskUpdate, session: Session, request: Request,
                      response: Response) -> RiskRead:
    check_if_match(request, risk_etag(risk.item))
    changed = await service.change_risk(session, allowed=risk, body=body)
    set_etag(response, risk_etag(changed))
    return changed


@router.delete("/risks/{risk_id}", status_code=204,
               summary="Delete a risk registered by mistake (never assessed, no KRIs); otherwise close it")
async def delete_risk(risk: RiskToDelete, session: Session, request: Request) -> Response:
    check_if_match(request, risk_etag(risk.item))
    await service.delete_risk(session, allowed=risk)
    return Response(status_code=204)


# ---- assessments

@router.post("/risks/{risk_id}/assessments", response_model=AssessmentResult, status_code=201,
             summary="Assess a risk: likelihood × impact → score and level (plan over the unit)")
async def assess_risk(risk: RiskToAssess, body: AssessmentCreate, session: Session, request: Request,
                      response: Response) -> AssessmentResult:
    check_if_match(request, risk_etag(risk.item))
    result = await service.assess_risk(session, allowed=risk, body=body)
    set_etag(response, risk_etag(risk.item))
    return result


@router.get("/risks/{risk_id}/assessments", response_model=Page[AssessmentRead], summary="Assessment history")
async def list_assessments(risk: RiskToView, session: Session, limit: int = LimitParam,
                           cursor: str | None = CursorParam,
                           kind: AssessmentKind | None = None) -> Page[AssessmentRead]:
    return await service.list_assessments(session, risk=risk, kind=kind, limit=limit, cursor=cursor)


# ---- acceptance sign-off and contingency plan

@router.post("/risks/{risk_id}/acceptance", response_model=RiskRead,
             summary="Sign off accepting the risk until an expiry date (veto or plan over the unit)")
async def sign_acceptance(risk: RiskToAccept, body: AcceptanceCreate, session: Session, request: Request,
                          response: Response) -> RiskRead:
    check_if_match(request, risk_etag(risk.item))
    signed = await service.sign_acceptance(session, allowed=risk, body=body)
    set_etag(response, risk_etag(signed))
    return signed


@router.post("/risks/{risk_id}/contingency/activate", response_model=list[ActionRead], status_code=201,
             summary="Activate the contingency plan: its steps become tracked actions (dispatch or plan)")
async def activate_contingency(risk: RiskToActivate, body: ActivationCreate, session: Session) -> list[ActionRead]:
    return await service.activate_contingency(session, allowed=risk, body=body)
