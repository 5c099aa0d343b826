"""The risk matrix: read the one in force and its history; administrators put a new one in force."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, etag, paginate, set_etag
from services.common.audit_api import require_admin
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.risk import matrix as matrices
from services.risk.api.deps import ValidMatrix
from services.risk.journal import journal
from services.risk.models import RiskMatrix
from services.risk.schemas import MatrixCreate, MatrixRead

router = APIRouter(tags=["matrix"])


@router.get("/matrix", response_model=MatrixRead, summary="The risk matrix in force")
async def current_matrix(session: Session, response: Response, principal: CurrentPrincipal):
    m = await matrices.in_force(session)  # the default one exists from start-up on
    set_etag(response, etag("matrix", m.id, m.version))
    return m


@router.get("/matrices", response_model=Page[MatrixRead], summary="Every matrix ever in force")
async def list_matrices(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                        cursor: str | None = CursorParam):
    rows, nxt = await paginate(session, select(RiskMatrix), RiskMatrix.id, limit=limit, cursor=cursor)
    return Page[MatrixRead](items=[MatrixRead.model_validate(m) for m in rows], next_cursor=nxt)


@router.get("/matrices/{matrix_id}", response_model=MatrixRead)
async def get_matrix(matrix: ValidMatrix, principal: CurrentPrincipal):
    return matrix


@router.post("/matrices", response_model=MatrixRead, status_code=201,
             summary="Put a new matrix in force (admin); earlier assessments keep the levels they were given")
async def create_matrix(body: MatrixCreate, session: Session, principal: CurrentPrincipal, request: Request,
                        response: Response):
    require_admin(principal)
    bands = [b.model_dump(mode="json") for b in body.bands]
    old, new = await matrices.replace(session, name=body.name, bands=bands, actor=principal.sub)
    await journal.audit(session, actor=principal, action="matrix.replaced", subject_type="matrix", subject_id=new.id,
                        before=matrices.snapshot(old), after=matrices.snapshot(new), request=request)
    set_etag(response, etag("matrix", new.id, new.version))
    return new
