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
from services.kpi.activity.router import router as activity_router
from services.kpi.assessments.router import router as assessments_router
from services.kpi.attachments.router import router as attachments_router
from services.kpi.audits.router import router as audits_router
from services.kpi.budgets.router import router as budgets_router
from services.kpi.budgets.service import seed_budget_items
from services.kpi.cockpit.router import router as cockpit_router
from services.kpi.comments.router import router as comments_router
from services.kpi.consumers import CONSUMES
from services.kpi.demo import seed_demo, seed_demo_budgets
from services.kpi.evaluation.router import router as evaluation_router
from services.kpi.files.router import router as files_router
from services.kpi.findings.router import router as findings_router
from services.kpi.indicators.catalog import ensure_fed_indicators, seed_indicators
from services.kpi.indicators.router import router as indicators_router
from services.kpi.inspections.demo import seed_inspections
from services.kpi.inspections.router import router as inspections_router
from services.kpi.inspections.service import generate_due
from services.kpi.measurements.ingest import ConcurrentWrite, rebuild_rollups
from services.kpi.measurements.router import router as measurements_router
from services.kpi.models import (
    AuditEntry,
    Benchmark,
    DataGeneration,
    IdempotencyRecord,
    Indicator,
    JobLease,
    Measurement,
    OrgUnit,
    Rollup,
    Target,
    ThresholdRule,
    events,
)
from services.kpi.runtime import KpiRuntime
from services.kpi.sanctions.router import router as sanctions_router
from services.kpi.search.router import router as search_router
from services.kpi.targets.router import router as targets_router
from services.kpi.thresholds.router import benchmark_router
from services.kpi.thresholds.router import router as thresholds_router

log = logging.getLogger("yunguan.kpi")

OVERDUE_SCAN_SECONDS = 600
INSPECTION_SCHEDULE_SECONDS = 3600


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


async def _fed_indicators(rt: Runtime) -> None:
    """A library seeded before inspections existed gets ``inspection_pass_rate``."""
    async with rt.db.writer() as s:
        await ensure_fed_indicators(s)
        await s.commit()
async def _seed_budgets(rt: Runtime) -> None:
    """The default chart of budget items and the budget indicators, where they are missing."""
    async with rt.db.writer() as s:
        added = await seed_budget_items(s)
        await s.commit()
    if added:
        log.info("budget items and indicators seeded", extra={"fields": {"added": added}})


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


async def inspection_schedules(rt: Runtime) -> int:
    """Every recurring inspection without an open one gets its next (normally made on submit or cancel)."""
    async with rt.db.writer() as s:
        made = await generate_due(s)
        await s.commit()
    if made:
        rt.wake_relay()
    return made


async def _demo(rt: Runtime) -> None:
    if rt.settings.demo:
        await seed_demo(rt)
        await seed_inspections(rt)
        await seed_demo_budgets(rt)


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or settings_for("kpi"), title="Yunguan KPI 运营监控与评估",
        description="Indicators, targets, measurements, evaluations, thresholds, assessments, improvement actions; "
                    "on-site inspections, special audits and their findings; budgets against actual spend; rewards and "
                    "penalties (奖惩).",
        routers=[indicators_router, targets_router, measurements_router, evaluation_router, benchmark_router,
                 thresholds_router, assessments_router, actions_router,
                 # supervision: what inspections and audits find, and the files kept as evidence
                 findings_router, files_router,
                 # files attached to 整改 actions and findings (issue 23)
                 attachments_router,
                 audits_router, inspections_router,
                 # budgets against actuals
                 budgets_router,
                 # rewards and penalties (奖惩) that follow assessments
                 sanctions_router,
                 # 全局搜索: indicators, actions and findings the caller may see
                 search_router,
                 # 经营驾驶舱 (the cockpit)
                 cockpit_router, comments_router,
                 # a record's activity stream (动态): 整改 actions and findings
                 activity_router],
        audit_model=AuditEntry, events=events, org_unit_model=OrgUnit, idempotency_model=IdempotencyRecord,
        consumes=CONSUMES, on_startup=[_watch_generation, _seed_library, _fed_indicators, _seed_budgets,
                                        _ensure_rollups],
        on_org_synced=[_demo],
        periodic=[(OVERDUE_SCAN_SECONDS, overdue_scan), (INSPECTION_SCHEDULE_SECONDS, inspection_schedules)],
        lease_model=JobLease, runtime_class=KpiRuntime)
