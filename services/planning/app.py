"""The planning service: annual, quarterly and monthly plans, their approval, consolidation and tracking."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from services.common.app import create_service_app
from services.common.runtime import Runtime
from services.common.settings import ServiceSettings, settings_for
from services.planning.activity.router import router as activity_router
from services.planning.approvals.router import flows_router
from services.planning.approvals.router import router as approvals_router
from services.planning.attachments.router import router as attachments_router
from services.planning.cockpit.router import router as cockpit_router
from services.planning.comments.router import router as comments_router
from services.planning.consolidation.router import router as consolidation_router
from services.planning.consumers import CONSUMES
from services.planning.improvement.demo import seed_improvement_demo
from services.planning.improvement.router import router as improvement_router
from services.planning.improvement.service import flag_reviews_due
from services.planning.inbox.router import router as inbox_router
from services.planning.models import AuditEntry, IdempotencyRecord, JobLease, OrgUnit, events
from services.planning.plans.router import router as plans_router
from services.planning.proposals.demo import seed_demo_proposals
from services.planning.proposals.router import router as proposals_router
from services.planning.proposals.service import company_settings
from services.planning.search.router import router as search_router
from services.planning.seed import ensure_flows, seed_demo
from services.planning.tracking.router import router as tracking_router
from services.planning.tracking.service import flag_overdue

log = logging.getLogger("yunguan.planning")

OVERDUE_SCAN_SECONDS = 300
REVIEW_SCAN_SECONDS = 900  # process optimisation projects' periodic review dates


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or settings_for("planning")

    async def start(rt: Runtime) -> None:
        async with rt.db.writer() as session:
            await ensure_flows(session)
            await company_settings(session)  # the proposals' defaults, written once
            await session.commit()

    async def demo(rt: Runtime) -> None:
        if settings.demo:
            await seed_demo(rt)
            await seed_improvement_demo(rt)
            await seed_demo_proposals(rt)

    return create_service_app(
        settings, title="Yunguan planning 运营计划",
        description="Annual, quarterly and monthly operation plans: approval flows under the authority model, "
                    "consolidation, adjustments and tracking.",
        # approvals before plans: /plans/awaiting-me must match before /plans/{plan_id}
        routers=[approvals_router, plans_router, flows_router, consolidation_router, tracking_router, inbox_router,
                 improvement_router, proposals_router, search_router, cockpit_router, comments_router, activity_router,
                 attachments_router],
        audit_model=AuditEntry, events=events, org_unit_model=OrgUnit, idempotency_model=IdempotencyRecord,
        consumes=CONSUMES,
        on_startup=[start], on_org_synced=[demo],
        periodic=[(OVERDUE_SCAN_SECONDS, scan_overdue), (REVIEW_SCAN_SECONDS, scan_reviews_due)], lease_model=JobLease)


async def scan_overdue(rt: Runtime) -> int:
    """The periodic job: say (once) of every task that fell overdue."""
    async with rt.db.writer() as session:
        flagged = await flag_overdue(session)
        await session.commit()
    return flagged


async def scan_reviews_due(rt: Runtime) -> int:
    """The periodic job: say (once) of every process optimisation project whose review date has come."""
    async with rt.db.writer() as session:
        flagged = await flag_reviews_due(session)
        await session.commit()
    return flagged

