"""The kpi service: `create_app(settings)` builds it; nothing happens at import time."""

from __future__ import annotations

import logging
from typing import cast

from fastapi import FastAPI
from sqlalchemy import Table, select

from services.common import generation
from services.common.app import create_service_app
from services.common.runtime import Runtime
from services.common.settings import ServiceSettings, settings_for
from services.kpi.actions.router import router as actions_router
from services.kpi.actions.service import scan_overdue
from services.kpi.assessments.router import router as assessments_router
from services.kpi.consumers import CONSUMES
from services.kpi.demo import seed_demo
from services.kpi.evaluation.router import router as evaluation_router
from services.kpi.files.router import router as files_router
from services.kpi.findings.router import router as findings_router
from services.kpi.indicators.catalog import seed_indicators
from services.kpi.indicators.router import router as indicators_router
from services.kpi.measurements.ingest import ConcurrentWrite, rebuild_rollups
from services.kpi.measurements.router import router as measurements_router
from services.kpi.models import (
    AuditEntry,
    Benchmark,
    DataGeneration,
    IdempotencyRecord,
    Indicator,
    Measurement,
    OrgUnit,
    Rollup,
    Target,
    ThresholdRule,
    events,
)
from services.kpi.runtime import KpiRuntime
from services.kpi.sanctions.router import router as sanctions_router
from services.kpi.targets.router import router as targets_router
from services.kpi.thresholds.router import benchmark_router
from services.kpi.thresholds.router import router as thresholds_router

log = logging.getLogger("yunguan.kpi")

OVERDUE_SCAN_SECONDS = 600


# Everything an evaluation reads: a change to any of them moves the data generation.
EVALUATION_INPUTS = {m.__tablename__ for m in (Measurement, Rollup, Indicator, Target, ThresholdRule, Benchmark,
                                               OrgUnit)}


async def _watch_generation(rt: Runtime) -> None:
    generation.watch(rt.db.writer, cast(Table, DataGeneration.__table__), EVALUATION_INPUTS)
    rt.provide(evaluations=generation.Cache())


async def _seed_library(rt: Runtime) -> None:
    async with rt.db.writer() as s:
        added = await seed_indicators(s)
        await s.commit()
    if added:
        log.info("indicator library seeded", extra={"fields": {"indicators": added}})


async def _ensure_rollups(rt: Runtime) -> None:
    """Points without any rollup (a migration emptied them): rebuild the rollups from the points."""
    async with rt.db.writer() as s:
        if (await s.execute(select(Rollup.unit_id).limit(1))).first() is not None or \
                (await s.execute(select(Measurement.id).limit(1))).first() is None:
            return
        try:
            rows = await rebuild_rollups(s)
            await s.commit()
        except ConcurrentWrite:  # another instance of the service rebuilt them at the same moment
            return
    log.info("rollups rebuilt from the stored points", extra={"fields": {"rollups": rows}})


async def overdue_scan(rt: Runtime) -> int:
    async with rt.db.writer() as s:
        flagged = await scan_overdue(s)
        await s.commit()
    return flagged


async def _demo(rt: Runtime) -> None:
    if rt.settings.demo:
        await seed_demo(rt)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or settings_for("kpi"), title="Yunguan KPI 运营监控与评估",
        description="Indicators, targets, measurements, evaluations, thresholds, assessments, improvement actions; "
                    "on-site inspections, special audits and their findings.",
        routers=[indicators_router, targets_router, measurements_router, evaluation_router, benchmark_router,
                 thresholds_router, assessments_router, actions_router,
                 # supervision: what inspections and audits find, and the files kept as evidence
                 findings_router, files_router,
                 # rewards and penalties (奖惩) that follow assessments
                 sanctions_router],
        audit_model=AuditEntry, events=events, org_unit_model=OrgUnit, idempotency_model=IdempotencyRecord,
        consumes=CONSUMES, on_startup=[_watch_generation, _seed_library, _ensure_rollups], on_org_synced=[_demo],
        periodic=[(OVERDUE_SCAN_SECONDS, overdue_scan)], runtime_class=KpiRuntime)
