"""Improvement proposals (合理化建议): submit, review by the company's flow, benefit, reward; the register
and its Excel export; the company's settings (admins); the inbox parts that wait on reviewers and assessors."""

from __future__ import annotations

from functools import partial
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.planning.deps import Admin, ValidProposal
from services.planning.proposals import service
from services.planning.proposals.schemas import (
    BenefitBody,
    DecisionBody,
    ProposalCreate,
    ProposalDetail,
    ProposalRead,
    ProposalSettingsRead,
    ProposalSettingsUpdate,
    RewardBody,
)

router = APIRouter(tags=["proposals"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
StatusFilter = Literal["in_review", "adopted", "partly", "declined", "implemented", "rewarded"]
InboxLimit = Query(100, ge=1, le=200)


@router.get("/proposals/settings", response_model=ProposalSettingsRead,
            summary="The company's proposal settings: anonymous allowed, review stages, reward scale, categories")
async def get_settings(session: Session, principal: CurrentPrincipal, response: Response):
    row = await service.company_settings(session)
    set_etag(response, service.settings_etag(row))
    return row


@router.patch("/proposals/settings", response_model=ProposalSettingsRead,
              summary="Change the proposal settings (admin over the company); proposals in review keep their stages")
async def update_settings(principal: Admin, session: Session, body: ProposalSettingsUpdate,
                          request: Request, response: Response):
    row = await service.update_settings(session, principal=principal, body=body,
                                        precondition=partial(check_if_match, request))
    set_etag(response, service.settings_etag(row))
    return row


@router.post("/proposals", response_model=ProposalDetail, status_code=201,
             summary="Submit an improvement proposal (合理化建议) to the unit owning the process")
async def submit(session: Session, principal: CurrentPrincipal, body: ProposalCreate, response: Response):
    read = await service.submit(session, principal=principal, body=body)
    set_etag(response, etag("proposal", read.id, read.version))
    return read


@router.get("/proposals", response_model=Page[ProposalRead],
            summary="Proposals the caller may see: their own (mine=true: only those) and those of units they view")
async def list_proposals(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam, mine: bool = Query(False),
                         status: StatusFilter | None = Query(None), unit_id: int | None = Query(None),
                         category: str | None = Query(None, max_length=60),
                         q: str | None = Query(None, max_length=100)):
    return await service.list_proposals(session, principal=principal, mine=mine, status=status, unit_id=unit_id,
                                        category=category, q=q, limit=limit, cursor=cursor)


@router.get("/proposals/export.xlsx", summary="The proposal register (合理化建议台账) as an Excel sheet",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
async def export_register(session: Session, principal: CurrentPrincipal, status: StatusFilter | None = Query(None),
                          unit_id: int | None = Query(None), category: str | None = Query(None, max_length=60),
                          q: str | None = Query(None, max_length=100)) -> Response:
    content = await service.export_register(session, principal=principal, status=status, unit_id=unit_id,
                                            category=category, q=q)
    disposition = f"attachment; filename=proposals.xlsx; filename*=UTF-8''{quote('合理化建议台账.xlsx')}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get("/proposals/{proposal_id}", response_model=ProposalDetail,
            summary="A proposal with its review stages and steps (its proposer, and holders of view over its unit)")
async def get_proposal(principal: CurrentPrincipal, proposal: ValidProposal, session: Session, response: Response):
    set_etag(response, service.proposal_etag(proposal))
    return await service.get_proposal(session, principal=principal, proposal=proposal)


@router.post("/proposals/{proposal_id}/decision", response_model=ProposalDetail,
             summary="Decide at the current review stage: adopt, partly (部分采纳) or decline (reason required)")
async def decide(principal: CurrentPrincipal, proposal: ValidProposal, body: DecisionBody, session: Session,
                 request: Request, response: Response):
    check_if_match(request, service.proposal_etag(proposal))
    read = await service.decide(session, principal=principal, proposal=proposal, body=body)
    set_etag(response, etag("proposal", read.id, read.version))
    return read


@router.post("/proposals/{proposal_id}/benefit", response_model=ProposalDetail,
             summary="Record the actual benefit after implementation (the project's owner or 'plan' over the unit)")
async def record_benefit(principal: CurrentPrincipal, proposal: ValidProposal, body: BenefitBody, session: Session,
                         request: Request, response: Response):
    check_if_match(request, service.proposal_etag(proposal))
    read = await service.record_benefit(session, principal=principal, proposal=proposal, body=body)
    set_etag(response, etag("proposal", read.id, read.version))
    return read


@router.post("/proposals/{proposal_id}/reward", response_model=ProposalDetail,
             summary="Grant a reward by the company's scale ('assess' over the unit)")
async def grant_reward(principal: CurrentPrincipal, proposal: ValidProposal, body: RewardBody, session: Session,
                       request: Request, response: Response):
    check_if_match(request, service.proposal_etag(proposal))
    read = await service.grant_reward(session, principal=principal, proposal=proposal, body=body)
    set_etag(response, etag("proposal", read.id, read.version))
    return read


@router.get("/inbox/proposals-to-review", response_model=list[ProposalRead],
            summary="Proposals whose current review stage the caller may decide")
async def proposals_to_review(session: Session, principal: CurrentPrincipal, limit: int = InboxLimit):
    return await service.proposals_to_review(session, principal=principal, limit=limit)


@router.get("/inbox/rewards-to-grant", response_model=list[ProposalRead],
            summary="Implemented proposals in units the caller assesses, waiting for a reward")
async def rewards_to_grant(session: Session, principal: CurrentPrincipal, limit: int = InboxLimit):
    return await service.rewards_to_grant(session, principal=principal, limit=limit)
