"""Evaluations and trend series, answered from the per-generation cache when they can be."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.kpi.evaluation import service
from services.kpi.evaluation.schemas import EvaluationPage, SeriesRead
from services.kpi.runtime import KpiRuntimeDep

router = APIRouter(tags=["evaluations"])


def _respond(answer: service.Answer) -> Response:
    if answer.not_modified:
        return Response(status_code=304, headers={"ETag": answer.etag})
    return Response(answer.body, media_type="application/json", headers={"ETag": answer.etag})


@router.get("/evaluations", response_model=EvaluationPage,
            summary="Every indicator of a unit (its whole subtree) for a period: actual, target, attainment, "
                    "status, 环比, 同比, benchmark (ETag: unchanged answers are 304 to If-None-Match)")
async def get_evaluation(request: Request, session: Session, principal: CurrentPrincipal, rt: KpiRuntimeDep,
                         unit_id: int = Query(...), period: str = Query(...),
                         indicator_code: list[str] | None = Query(None), category: str | None = Query(None)):
    return _respond(await service.evaluation_answer(
        session, cache=rt.evaluations, principal=principal, path=request.url.path,
        if_none_match=request.headers.get("if-none-match", ""), unit_id=unit_id, period=period,
        indicator_code=indicator_code, category=category))


@router.get("/series", response_model=SeriesRead, summary="An indicator's actual and target per period, for a chart "
            "(ETag like evaluations)")
async def get_series(request: Request, session: Session, principal: CurrentPrincipal, rt: KpiRuntimeDep,
                     indicator_code: str = Query(...), unit_id: int = Query(...),
                     start: str = Query(..., alias="from"), end: str = Query(..., alias="to")):
    return _respond(await service.series_answer(
        session, cache=rt.evaluations, principal=principal, path=request.url.path,
        if_none_match=request.headers.get("if-none-match", ""), indicator_code=indicator_code, unit_id=unit_id,
        start=start, end=end))
