"""The planning service: annual, quarterly and monthly plans, their approval, consolidation and tracking."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from services.common.app import create_service_app
from services.common.runtime import Runtime
from services.common.settings import ServiceSettings, settings_for
from services.planning.api import consolidation, flows, inbox, plans, tracking
from services.planning.events import CONSUMES
from services.planning.models import AuditEntry, IdempotencyRecord, OrgUnit, events
from services.planning.seed import ensure_flows, seed_demo

log = logging.getLogger("yunguan.planning")

OVERDUE_SCAN_SECONDS = 300


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or settings_for("planning")

    async def start(rt: Runtime) -> None:
        async with rt.db.writer() as session:
            await ensure_flows(session)
            await session.commit()

    async def demo(rt: Runtime) -> None:
        if settings.demo:
            await seed_demo(rt)

    return create_service_app(
        settings, title="Yunguan planning 运营计划",
        description="Annual, quarterly and monthly operation plans: approval flows under the authority model, "
                    "consolidation, adjustments and tracking.",
        routers=[plans.router, flows.router, consolidation.router, tracking.router, inbox.router],
        audit_model=AuditEntry, events=events, org_unit_model=OrgUnit, idempotency_model=IdempotencyRecord,
        consumes=CONSUMES,
        on_startup=[start], on_org_synced=[demo], periodic=[(OVERDUE_SCAN_SECONDS, scan_overdue)])


async def scan_overdue(rt: Runtime) -> int:
    async with rt.db.writer() as session:
        flagged = await tracking.flag_overdue(session)
        await session.commit()
    return flagged
