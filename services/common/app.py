"""The app factory every service is built with.

It gives each service the same middle: Problem Details, request ids, JSON
logs, ``/healthz``, ``/readyz`` (database reachable, migrations current),
``/metrics``, the database, and token verification against org's JWKS.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar, overload

import httpx
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp, Receive, Scope, Send

from services.common import i18n, periods
from services.common.anchoring import anchor_now, fetch_from_org, send_to_org
from services.common.audit import AuditEntryMixin
from services.common.audit_api import audit_router
from services.common.contracts import Consumer
from services.common.db import Database
from services.common.events_api import events_router, webhooks_router
from services.common.i18n import SERVICES_ZH
from services.common.idempotency import IdempotencyMiddleware, IdempotencyRecordMixin
from services.common.leases import JobLeaseMixin, Leases, tick
from services.common.migrate import head_revisions, is_current
from services.common.observability import Metrics, ObservabilityMiddleware, configure_logging, metrics_allowed
from services.common.org_units import OrgUnitMixin, UnitEventView, apply_unit_event, resync_until_done
from services.common.outbox import EventTables
from services.common.problems import (
    PROBLEM_RESPONSES,
    install_problem_handlers,
    problem_response,
    problem_schemas,
    request_language,
)
from services.common.relay import Relay
from services.common.revocation import REVOKED_PATH, Revocations
from services.common.runtime import Runtime
from services.common.service_auth import ServiceTokens
from services.common.settings import ServiceSettings
from services.common.text_guard import ControlCharacterGuard
from services.common.tokens import JwksCache
from services.common.tracing import setup_tracing, untraced

# The Runtime a service's hooks and jobs receive: Runtime itself, or the service's subclass (runtime_class).
R = TypeVar("R", bound=Runtime)
# A start-up, shut-down or org-synced hook.
Hook = Callable[[R], Awaitable[None]]
# A periodic job: something truthy back means it recorded events (the relay is woken).
Job = Callable[[R], Awaitable[Any]]


@overload
def create_service_app(settings: ServiceSettings, *, title: str, description: str = "",
                       routers: Sequence[APIRouter] = (), on_startup: Sequence[Hook[Runtime]] = (),
                       on_shutdown: Sequence[Hook[Runtime]] = (), version: str = "0.1.0",
                       audit_model: type[AuditEntryMixin] | None = None, events: EventTables | None = None,
                       consumes: Sequence[Consumer] = (),
                       org_unit_model: type[OrgUnitMixin] | None = None, on_org_synced: Sequence[Hook[Runtime]] = (),
                       idempotency_model: type[IdempotencyRecordMixin] | None = None,
                       periodic: Sequence[tuple[float, Job[Runtime]]] = (),
                       background: Sequence[Hook[Runtime]] = (),
                       lease_model: type[JobLeaseMixin] | None = None,
                       runtime_class: None = None) -> FastAPI: ...


@overload
def create_service_app(settings: ServiceSettings, *, title: str, description: str = "",
                       routers: Sequence[APIRouter] = (), on_startup: Sequence[Hook[R]] = (),
                       on_shutdown: Sequence[Hook[R]] = (), version: str = "0.1.0",
                       audit_model: type[AuditEntryMixin] | None = None, events: EventTables | None = None,
                       consumes: Sequence[Consumer] = (),
                       org_unit_model: type[OrgUnitMixin] | None = None, on_org_synced: Sequence[Hook[R]] = (),
                       idempotency_model: type[IdempotencyRecordMixin] | None = None,
                       periodic: Sequence[tuple[float, Job[R]]] = (),
                       background: Sequence[Hook[R]] = (),
                       lease_model: type[JobLeaseMixin] | None = None,
                       runtime_class: type[R]) -> FastAPI: ...


def create_service_app(settings: ServiceSettings, *, title: str, description: str = "",
                       routers: Sequence[APIRouter] = (), on_startup: Sequence[Hook[Any]] = (),
                       on_shutdown: Sequence[Hook[Any]] = (), version: str = "0.1.0",
                       audit_model: type[AuditEntryMixin] | None = None, events: EventTables | None = None,
                       consumes: Sequence[Consumer] = (),
                       org_unit_model: type[OrgUnitMixin] | None = None, on_org_synced: Sequence[Hook[Any]] = (),
                       idempotency_model: type[IdempotencyRecordMixin] | None = None,
                       periodic: Sequence[tuple[float, Job[Any]]] = (),
                       background: Sequence[Hook[Any]] = (),
                       lease_model: type[JobLeaseMixin] | None = None,
                       runtime_class: type[Runtime] | None = None) -> FastAPI:
    """Build a service's FastAPI app; nothing touches the database until start-up.

    With ``events`` the service gets its relay, the inbound events endpoint, delivery
    admin and webhooks; with ``org_unit_model`` it keeps a read-model of the org tree, and
    runs ``on_org_synced`` hooks (e.g. demo seeding) once the first resync has succeeded.
    ``periodic`` jobs ``(seconds, job)`` run in the background with the relay (a job that
    returns something truthy has recorded events, so the relay is woken). ``background`` loops
    (``async def loop(runtime)`` that run until cancelled, e.g. org's notification dispatcher) start
    after the start-up hooks and are cancelled at shutdown, before the shut-down hooks run. Hooks,
    jobs and loops get the service's :class:`Runtime` (``runtime_class``, a subclass for a service
    with parts of its own; they are then typed with it). With ``lease_model`` (the service's ``job_lease``
    table) each periodic job runs in the one replica holding its lease, unless marked
    :func:`~services.common.leases.every_replica` (services.common.leases).
    """
    service = settings.service
    prefix = f"/api/{service}"
    handlers = list(consumes)
    if org_unit_model is not None:
        unit_model = org_unit_model

        async def on_unit_event(session: AsyncSession, event: dict[str, Any]) -> None:
            await apply_unit_event(session, unit_model, event)

        handlers.append(Consumer("org.unit.*", on_unit_event, reads=UnitEventView,
                                 summary="the org read-model follows the org tree"))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = Database(settings.db_url, **settings.pool_options())
        app.state.http = httpx.AsyncClient(timeout=10.0)
        if tracing is not None:
            tracing.instrument_engine(app.state.db.engine)
            tracing.instrument_httpx(app.state.http)
        # Background loops start untraced (services.common.tracing); otherwise as asyncio would.
        spawn = functools.partial(asyncio.create_task, context=tracing.background if tracing is not None else None)
        if getattr(app.state, "jwks", None) is None:
            app.state.jwks = JwksCache.from_url(settings.jwks_url, app.state.http, ttl=settings.jwks_cache_seconds)
        if getattr(app.state, "service_tokens", None) is None:
            app.state.service_tokens = ServiceTokens(
                service=service, service_secret=settings.service_secret, client=app.state.http,
                token_url=f"{settings.service_url('org')}/api/org/auth/token")
        tasks: list[asyncio.Task[None]] = []
        try:
            # seeding and checks at start-up are no request's; replicas starting together seed in turn
            with untraced(tracing):
                async with app.state.db.one_replica_at_a_time():
                    for hook in on_startup:
                        await hook(runtime)
            if getattr(app.state, "revocations", None) is None:
                app.state.revocations = Revocations.from_url(
                    settings.service_url("org") + REVOKED_PATH, app.state.http,
                    refresh_seconds=settings.revocation_refresh_seconds)
            tasks.append(spawn(app.state.revocations.run_forever(), name=f"{service}-revocations"))
            for loop in background:
                tasks.append(spawn(_until_cancelled(runtime, loop), name=f"{service}-{loop.__name__}"))
            if events is not None:
                app.state.relay = Relay(db=app.state.db, tables=events, settings=settings,
                                        tokens=app.state.service_tokens, client=app.state.http, tracing=tracing)
                if settings.relay_enabled:
                    tasks.append(spawn(app.state.relay.run_forever(), name=f"{service}-relay"))
            if org_unit_model is not None and settings.relay_enabled:
                async def sync_then_hooks() -> None:
                    await resync_until_done(app)
                    async with app.state.db.one_replica_at_a_time():
                        for hook in on_org_synced:
                            await hook(runtime)

                tasks.append(spawn(sync_then_hooks(), name=f"{service}-org-sync"))
            if settings.relay_enabled:
                jobs = list(periodic)
                if audit_model is not None and settings.audit_anchor_seconds > 0:
                    async def anchor_chain(_: Runtime) -> bool:
                        return await anchor_now(app)

                    jobs.append((settings.audit_anchor_seconds, anchor_chain))
                leases = Leases(app.state.db, lease_model) if lease_model is not None else None
                app.state.leases = leases
                for seconds, job in jobs:
                    tasks.append(spawn(_every(runtime, seconds, job, leases), name=f"{service}-{job.__name__}"))
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
            with untraced(tracing):  # shutting down is no request's either
                for hook in on_shutdown:
                    with contextlib.suppress(Exception):
                        await hook(runtime)
                if getattr(app.state, "leases", None) is not None:
                    with contextlib.suppress(Exception):  # unreturned, they run out by themselves
                        await app.state.leases.release_all()
            await app.state.http.aclose()
            await app.state.db.dispose()
            if tracing is not None:
                tracing.flush()

    if settings.log_json is not None:
        configure_logging(settings.log_level, settings.log_json)
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan,
                  openapi_url=f"{prefix}/openapi.json", docs_url=f"{prefix}/docs", redoc_url=None)
    app.state.settings = settings
    app.state.service = service
    # None unless an exporter is configured (or a test adds span processors): then nothing is instrumented.
    tracing = app.state.tracing = setup_tracing(service, otlp=settings.otlp_endpoint)
    if tracing is not None:
        tracing.instrument_fastapi(app)
    runtime = app.state.runtime = (runtime_class or Runtime)(app)
    app.state.jwks = None
    app.state.service_tokens = None
    app.state.relay = None
    app.state.leases = None
    app.state.lease_model = lease_model
    app.state.revocations = None
    app.state.org_unit_model = org_unit_model
    app.state.audit_model = audit_model
    app.state.anchored_head = None
    app.state.anchor_sink = send_to_org  # org signs its own chain's heads locally (services.org.app)
    app.state.anchor_source = fetch_from_org
    app.state.metrics = Metrics(service)
    app.state.migration_heads = head_revisions(service)
    install_problem_handlers(app)
    app.state.idempotency_model = idempotency_model
    app.add_middleware(IdempotencyMiddleware)  # inside the guard: a refused body is never recorded
    app.add_middleware(ControlCharacterGuard)
    app.add_middleware(_RequestContext, window=periods.Window(settings.period_years_back, settings.period_years_ahead))
    app.add_middleware(ObservabilityMiddleware, metrics=app.state.metrics, logger_name=f"yunguan.{service}",
                       prefix=prefix)

    ops = APIRouter(tags=["operations"])

    @ops.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "service": service}

    @ops.get("/readyz", summary="Readiness: database reachable and migrations current", response_model=None)
    async def readyz(request: Request) -> dict[str, Any] | JSONResponse:
        db: Database = request.app.state.db
        checks: dict[str, Any] = {}
        try:
            async with db.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            checks["database"] = "ok"
            current = await is_current(db.engine, service, request.app.state.migration_heads)
            checks["migrations"] = "ok" if current else "behind"
        except Exception as exc:  # any database failure means not ready
            checks["database"] = f"error: {type(exc).__name__}"
        if all(v == "ok" for v in checks.values()) and len(checks) == 2:
            return {"status": "ready", "service": service, "checks": checks}
        return problem_response(503, "not-ready", "Not ready", f"{service} is not ready: {checks}",
                                zh=f"{SERVICES_ZH.get(service, service)}服务尚未就绪：{checks}",
                                language=request_language(request), service=service, checks=checks)

    @ops.get("/metrics", summary="Prometheus metrics (with the metrics token)", response_class=PlainTextResponse)
    async def metrics(request: Request) -> Response:
        if not metrics_allowed(settings.metrics_token, request.headers.get("authorization")):
            return problem_response(404, "not-found", "Not found", "Not found.", zh="没有这个地址。",
                                    language=request_language(request))
        body, content_type = request.app.state.metrics.render(request.headers.get("accept"))
        return Response(body, media_type=content_type)

    app.include_router(ops)
    app.include_router(ops, prefix=prefix, include_in_schema=False)
    for router in routers:
        app.include_router(router, prefix=prefix, responses=PROBLEM_RESPONSES)
    if audit_model is not None:
        app.include_router(audit_router(audit_model), prefix=prefix, responses=PROBLEM_RESPONSES)
    if events is not None:
        app.include_router(events_router(events, service=service, handlers=handlers, org_unit_model=org_unit_model),
                           prefix=prefix, responses=PROBLEM_RESPONSES)
        if audit_model is not None:
            app.include_router(webhooks_router(events, service=service, audit_model=audit_model), prefix=prefix,
                               responses=PROBLEM_RESPONSES)
    _document_problems(app)
    return app


def _document_problems(app: FastAPI) -> None:
    """Add the Problem Details schema PROBLEM_RESPONSES refers to to the app's OpenAPI document."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()  # kept by FastAPI as app.openapi_schema
        document.setdefault("components", {}).setdefault("schemas", {}).update(problem_schemas())
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise the document


class _RequestContext:
    """While a request is handled: this service's period window (settings) and the caller's language."""

    def __init__(self, app: ASGIApp, *, window: periods.Window):
        self.app, self.window = app, window

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        accept = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"accept-language"), None)
        tokens = periods.window.set(self.window), i18n.language.set(i18n.preferred_language(accept))
        try:
            await self.app(scope, receive, send)
        finally:
            periods.window.reset(tokens[0])
            i18n.language.reset(tokens[1])


async def _until_cancelled(runtime: R, loop: Hook[R]) -> None:
    await loop(runtime)


async def _every(runtime: R, seconds: float, job: Job[R], leases: Leases | None) -> None:
    """Run ``job`` now and then every ``seconds`` (in the replica holding its lease, with ``leases``);
    a failed run is logged and retried next time."""
    log = logging.getLogger(f"yunguan.{runtime.service}")
    while True:
        try:
            if await tick(job, runtime, seconds=seconds, leases=leases):
                runtime.wake_relay()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("periodic job %s failed", job.__name__)
        await asyncio.sleep(seconds)
