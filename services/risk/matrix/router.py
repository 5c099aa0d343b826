"""The risk matrix: read the one in force and its history; administrators put a new one in force."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.common.api import CursorParam, LimitParam, Page, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.risk.deps import Administrator, ValidMatrix
from services.risk.matrix import service
from services.risk.matrix.schemas import MatrixCreate, MatrixRead

router = APIRouter(tags=["matrix"])


@router.get("/matrix", response_model=MatrixRead, summary="The risk matrix in force")
async def current_matrix(session: Session, response: Response, principal: CurrentPrincipal) -> MatrixRead:
    matrix = await service.current(session)
    set_etag(response, etag("matrix", matrix.id, matrix.version))
    return matrix


@router.get("/matrices", response_model=Page[MatrixRead], summary="Every matrix ever in force")
async def list_matrices(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                        cursor: str | None = CursorParam) -> Page[MatrixRead]:
    return await service.list_matrices(session, limit=limit, cursor=cursor)


@router.get("/matrices/{matrix_id}", response_model=MatrixRead)
async def get_matrix(matrix: ValidMatrix, principal: CurrentPrincipal) -> MatrixRead:
    return MatrixRead.model_validate(matrix)


@router.post("/matrices", response_model=MatrixRead, status_code=201,
             summary="Put a new matrix in force (admin); earlier assessments keep the levels they were given")
async def create_matrix(body: MatrixCreate, session: Session, principal: Administrator,
                        response: Response) -> MatrixRead:
    matrix = await service.replace(session, principal=principal, body=body)
    set_etag(response, etag("matrix", matrix.id, matrix.version))
    return matrix
