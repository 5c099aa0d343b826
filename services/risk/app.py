"""The risk service: `create_app(settings)` builds it; nothing happens at import time."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from services.common.app import create_service_app
from services.common.runtime import Runtime
from services.common.settings import ServiceSettings, settings_for
from services.risk.actions.router import router as actions_router
from services.risk.activity.router import router as activity_router
from services.risk.alerts.router import router as alerts_router
from services.risk.attachments.router import router as attachments_router
from services.risk.cockpit.router import router as cockpit_router
from services.risk.comments.router import router as comments_router
from services.risk.consumers import CONSUMES
from services.risk.exchange.router import router as exchange_router
from services.risk.inbox.router import router as inbox_router
from services.risk.matrix import service as matrices
from services.risk.matrix.router import router as matrix_router
from services.risk.models import AuditEntry, IdempotencyRecord, JobLease, OrgUnit, events
from services.risk.register import service as register
from services.risk.register.router import router as register_router
from services.risk.search.router import router as search_router
from services.risk.seed import seed_demo
from services.risk.views.router import router as views_router

log = logging.getLogger("yunguan.risk")

SWEEP_SECONDS = 3600.0


async def sweep_once(rt: Runtime) -> list[int]:
    """Return lapsed acceptances to review (one transaction); the ids it returned."""
    async with rt.db.writer() as session:
        ids = await register.expire_acceptances(session)
        await session.commit()
    if ids:
        log.info("acceptances expired", extra={"fields": {"risks": ids}})
    return ids


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or settings_for("risk")

    async def start(rt: Runtime) -> None:
        async with rt.db.writer() as session:
            await matrices.in_force(session)  # the default matrix, before any request needs it
            await session.commit()

    async def seed(rt: Runtime) -> None:
        if not settings.demo:
            return
        async with rt.db.writer() as session:
            if await seed_demo(session):
                log.info("demo risk register seeded")
            await session.commit()

    # Static paths (/risks/export, /alerts/by-unit) before the ones with ids.
    return create_service_app(
        settings, title="Yunguan risk 运营风险",
        description="Risk register, likelihood × impact assessment, strategies and contingency plans, "
                    "key risk indicators and early warnings.",
        routers=[exchange_router, views_router, register_router, actions_router, matrix_router, alerts_router,
                 inbox_router, search_router, cockpit_router, comments_router, activity_router,
                 attachments_router],
        on_startup=[start], on_org_synced=[seed], periodic=[(SWEEP_SECONDS, sweep_once)],
        audit_model=AuditEntry, events=events, org_unit_model=OrgUnit, idempotency_model=IdempotencyRecord,
        consumes=CONSUMES, lease_model=JobLease)
