"""Thresholds per unit (overriding the indicator's), their current levels, anomaly rules and benchmarks."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.kpi.deps import CompanyAdmin, ThresholdToAdmin, ValidAnomalyRule, ValidBenchmark
from services.kpi.thresholds import service
from services.kpi.thresholds.schemas import (
    AnomalyRuleCreate,
    AnomalyRuleRead,
    AnomalyRuleUpdate,
    BenchmarkCreate,
    BenchmarkRead,
    ThresholdCreate,
    ThresholdRead,
)

router = APIRouter(tags=["thresholds"])
# Benchmarks are read beside evaluations (the API has always listed them under both tags).
benchmark_router = APIRouter(tags=["evaluations", "benchmarks"])


def _version_check(request: Request) -> service.VersionCheck:
    return lambda current: check_if_match(request, current)


@router.get("/thresholds", response_model=Page[ThresholdRead], summary="Unit thresholds (view over the unit)")
async def list_thresholds(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                          cursor: str | None = CursorParam, indicator_code: str | None = Query(None)):
    items, nxt = await service.list_thresholds(session, principal=principal, limit=limit, cursor=cursor,
                                               indicator_code=indicator_code)
    return Page[ThresholdRead](items=items, next_cursor=nxt)


@router.put("/thresholds", response_model=ThresholdRead, summary="Set a unit's warning / critical values "
            "for an indicator (admin over the unit; If-Match when replacing)")
async def put_threshold(body: ThresholdCreate, request: Request, response: Response, session: Session,
                        principal: CurrentPrincipal):
    out = await service.put_threshold(session, principal=principal, body=body, check_version=_version_check(request))
    set_etag(response, etag("threshold", out.id, out.version))
    return out


@router.delete("/thresholds/{threshold_id}", status_code=204, summary="Remove a unit threshold (admin over the unit)")
async def delete_threshold(session: Session, threshold: ThresholdToAdmin):
    await service.delete_threshold(session, threshold=threshold)
    return Response(status_code=204)


@router.get("/threshold-states", summary="The raised levels (warning, critical) of the indicators at a unit, "
                                         "per period (latest first); a period not listed is normal")
async def threshold_states(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                           period: str | None = Query(None, description="Only this period's levels")):
    return await service.threshold_states(session, principal=principal, unit_id=unit_id, period=period)


@router.get("/anomaly-rules", response_model=Page[AnomalyRuleRead],
            summary="Anomaly rules: company-wide ones, and those of units the caller may view")
async def list_rules(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam):
    items, nxt = await service.list_rules(session, principal=principal, limit=limit, cursor=cursor)
    return Page[AnomalyRuleRead](items=items, next_cursor=nxt)


@router.post("/anomaly-rules", response_model=AnomalyRuleRead, status_code=201,
             summary="A rule such as 'order delay > 5 days' that opens a follow-up (admin)")
async def create_rule(body: AnomalyRuleCreate, session: Session, principal: CurrentPrincipal):
    return await service.create_rule(session, principal=principal, body=body)


@router.patch("/anomaly-rules/{rule_id}", response_model=AnomalyRuleRead,
              summary="Turn a rule off or on again (admin over its unit; company admin for company-wide; If-Match)")
async def update_rule(principal: CurrentPrincipal, rule: ValidAnomalyRule, body: AnomalyRuleUpdate, request: Request,
                      response: Response, session: Session):
    out = await service.update_rule(session, principal=principal, r=rule, body=body,
                                    check_version=_version_check(request))
    set_etag(response, etag("anomaly_rule", out.id, out.version))
    return out


@benchmark_router.get("/benchmarks", response_model=Page[BenchmarkRead], summary="Industry benchmarks (行业标桿)")
async def list_benchmarks(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                          cursor: str | None = CursorParam, indicator_code: str | None = Query(None),
                          period: str | None = Query(None)):
    items, nxt = await service.list_benchmarks(session, limit=limit, cursor=cursor, indicator_code=indicator_code,
                                               period=period)
    return Page[BenchmarkRead](items=items, next_cursor=nxt)


@benchmark_router.post("/benchmarks", response_model=BenchmarkRead, status_code=201,
                       summary="Load a benchmark value with its source and date (admin)")
async def create_benchmark(body: BenchmarkCreate, response: Response, session: Session, principal: CompanyAdmin):
    out = await service.create_benchmark(session, principal=principal, body=body)
    set_etag(response, etag("benchmark", out.id, out.version))
    return out


@benchmark_router.delete("/benchmarks/{benchmark_id}", status_code=204, summary="Remove a benchmark (admin)")
async def delete_benchmark(session: Session, principal: CompanyAdmin, benchmark: ValidBenchmark):
    await service.delete_benchmark(session, principal=principal, b=benchmark)
    return Response(status_code=204)
