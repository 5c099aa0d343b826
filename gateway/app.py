"""The API gateway: one origin for the SPA and every service (port 8000).

``create_app(settings)`` returns a plain ASGI callable. Requests under
``/api/<service>/`` go straight to the proxy (a ``str.startswith`` per service, no
framework routing); everything else - health, readiness, metrics, the merged OpenAPI
document, Swagger UI and the SPA - is a small Starlette app where convenience costs
nothing that matters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.aggregate import inbox
from gateway.auth import AuthRefused, EdgeAuth, TokenCache
from gateway.cockpit import cockpit
from gateway.openapi import OpenApiMerger, swagger_ui_assets
from gateway.proxy import API_POLICY, Proxy, Upstream
from gateway.ratelimit import ClientAddress, LimitStore, RateLimiter, SigninGuard, subject_key
from gateway.search import search
from gateway.settings import GatewaySettings
from gateway.spa import Spa
from services.common.i18n import TITLES_ZH
from services.common.observability import Metrics, ObservabilityMiddleware, configure_logging, metrics_allowed
from services.common.problems import HTTP_ZH, PROBLEM_JSON, Invalid, problem_response, request_language
from services.common.revocation import REVOKED_PATH, Revocations
from services.common.search import DEFAULT_LIMIT, MAX_LIMIT, parse_query
from services.common.tokens import JwksCache
from services.common.tracing import setup_tracing

log = logging.getLogger("yunguan.gateway")

READY_TIMEOUT = 2.0

NOT_STARTED = "the gateway has not been started (run its lifespan)"


# The gateway's own readiness checks, as the Chinese message names them.
GATEWAY_CHECKS_ZH = {"started": "尚未启动完成", "keys": "未能取得令牌签名公钥（组织服务不可达？）"}


class Gateway:
    """The gateway as an ASGI app with its own lifespan (pools open at start-up)."""

    def __init__(self, settings: GatewaySettings, *, jwks: JwksCache | None = None):
        self.settings = settings
        self.state = State()
        self.state.settings = settings
        self.state.jwks = jwks  # tests may inject a static key set here before start-up
        self.state.revocations = None  # likewise a static revocation list
        self._revocation_task: asyncio.Task[None] | None = None
        self.metrics = Metrics("gateway")
        # one store for every limit: this process's memory, or a store every replica shares (redis://)
        self.limit_store = LimitStore(settings.rate_limit_storage)
        self.limiter = RateLimiter(settings.rate_limit_rps, settings.rate_limit_burst, store=self.limit_store)
        self.token_cache = TokenCache(settings.token_cache_size)
        self.public_paths = frozenset(settings.public_paths)
        self.upstreams = [Upstream(name, url, timeout=settings.timeout_for(name))
                          for name, url in settings.upstream_urls().items()]
        self._routes = [(u.prefix, u) for u in self.upstreams]
        self.proxy: Proxy | None = None
        self.http: httpx.AsyncClient | None = None
        self.openapi: OpenApiMerger | None = None
        self.addresses = ClientAddress(settings.trusted_proxies)
        self.signin = SigninGuard(address_rate=settings.signin_rate_per_address,
                                  address_burst=settings.signin_burst_per_address,
                                  failure_rate=settings.signin_failures_per_minute / 60.0,
                                  failure_burst=settings.signin_failure_burst, store=self.limit_store)
        self.site = ObservabilityMiddleware(SecurityHeaders(self._build_site()), metrics=self.metrics,
                                            logger_name="yunguan.gateway")
        # None unless an exporter is configured (services.common.tracing): then requests go straight in.
        self.tracing = setup_tracing("gateway", otlp=settings.otlp_endpoint)
        self._http: ASGIApp = self._route if self.tracing is None else self.tracing.wrap_asgi(self._route)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
            return
        if kind == "lifespan":
            await self._lifespan_protocol(receive, send)
            return
        if kind == "websocket":  # nothing behind the gateway speaks WebSocket (yet)
            await receive()
            await send({"type": "websocket.close", "code": 1008})

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if path.startswith("/api/"):
            for prefix, upstream in self._routes:
                if path.startswith(prefix):
                    if self.proxy is None:
                        raise RuntimeError(NOT_STARTED)
                    await self.proxy.handle(scope, receive, send, upstream)
                    return
        await self.site(scope, receive, send)

    # --- lifecycle -------------------------------------------------------------------

    async def startup(self) -> None:
        s = self.settings
        self.http = httpx.AsyncClient(timeout=5.0)
        if self.tracing is not None:
            self.tracing.instrument_httpx(self.http)
        if self.state.jwks is None:
            # Keys are fetched on the first token, not here: org may start after the gateway.
            self.state.jwks = JwksCache.from_url(s.jwks_url, self.http, ttl=s.jwks_cache_seconds)
        for upstream in self.upstreams:
            upstream.open(connections=s.upstream_connections, connect_timeout=s.upstream_connect_timeout,
                          trace_configs=self.tracing.aiohttp_trace_configs() if self.tracing is not None else None)
        if self.state.revocations is None:
            self.state.revocations = Revocations.from_url(s.org_url.rstrip("/") + REVOKED_PATH, self.http,
                                                          refresh_seconds=s.revocation_refresh_seconds)
        self._revocation_task = asyncio.create_task(  # untraced, like a service's background loops
            self.state.revocations.run_forever(), name="gateway-revocations",
            context=self.tracing.background if self.tracing is not None else None)
        auth = EdgeAuth(self.state.jwks, issuer=s.token_issuer, audience=s.token_audience,
                        cache=self.token_cache, revocations=self.state.revocations)
        self.proxy = Proxy(auth=auth, limiter=self.limiter, public_paths=self.public_paths,
                           metrics=self.metrics, addresses=self.addresses, signin=self.signin)
        self.openapi = OpenApiMerger({u.name: u.base_url for u in self.upstreams}, self.http,
                                     public_paths=self.public_paths,
                                     cache_seconds=s.openapi_cache_seconds)
        log.info("gateway started", extra={"fields": {
            "upstreams": {u.name: u.base_url for u in self.upstreams}, "jwks_url": s.jwks_url}})

    async def shutdown(self) -> None:
        self.proxy = None
        if self._revocation_task is not None:
            self._revocation_task.cancel()
            with contextlib.suppress(BaseException):
                await self._revocation_task
            self._revocation_task = None
        for upstream in self.upstreams:
            with contextlib.suppress(Exception):
                await upstream.close()
        if self.http is not None:
            await self.http.aclose()
            self.http = None
        if self.tracing is not None:
            self.tracing.flush()

    @contextlib.asynccontextmanager
    async def lifespan(self) -> AsyncIterator[Gateway]:
        """Start and stop the gateway around a block (for tests over ASGI transports)."""
        await self.startup()
        try:
            yield self
        finally:
            await self.shutdown()

    async def _lifespan_protocol(self, receive: Receive, send: Send) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        try:
            await self.startup()
        except Exception as exc:
            log.exception("gateway start-up failed")
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        await self.shutdown()
        await send({"type": "lifespan.shutdown.complete"})

    # --- the gateway's own pages --------------------------------------------------------

    def _build_site(self) -> Starlette:
        assets = swagger_ui_assets()
        spa = Spa(self.settings.spa_dir)
        routes: list[BaseRoute] = [
            Route("/healthz", self.healthz),
            Route("/readyz", self.readyz),
            Route("/readyz/upstreams", self.upstreams_ready),
            Route("/metrics", self.metrics_page),
            Route("/api/openapi.json", self.openapi_document),
            Route("/api/docs", self.docs_page(assets)),
            Route("/api/docs/oauth2-redirect", lambda r: get_swagger_ui_oauth2_redirect_html()),
            Route("/api/me/inbox", self.me_inbox),
            Route("/api/me/search", self.me_search),
            Route("/api/me/cockpit", self.me_cockpit),
        ]
        if assets is not None:
            routes.append(Mount("/api/docs/assets", app=StaticFiles(directory=assets), name="docs-assets"))
        routes += [
            Route("/api/{rest:path}", self.no_such_api, methods=["GET", "HEAD", "POST", "PUT", "PATCH",
                                                                  "DELETE", "OPTIONS"]),
            Route("/{path:path}", spa.serve, methods=["GET", "HEAD"]),
        ]
        return Starlette(routes=routes, exception_handlers={HTTPException: _http_problem,
                                                            Exception: _unexpected_problem})

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "service": "gateway"})

    async def readyz(self, request: Request) -> Response:
        """Ready when the gateway itself can serve: started (settings read, pools open) and holding the signing
        keys (fetched from org now if it has none yet). The services' own states are /readyz/upstreams: one
        service down must not take every gateway replica out of the load balancer."""
        checks = {"started": "ok" if self.proxy is not None else "no", "keys": await self._keys_state()}
        if all(v == "ok" for v in checks.values()):
            return JSONResponse({"status": "ready", "service": "gateway", "checks": checks})
        failing = "、".join(GATEWAY_CHECKS_ZH[k] for k, v in checks.items() if v != "ok")
        return problem_response(503, "not-ready", "Not ready", f"The gateway is not ready: {checks}.",
                                zh=f"网关尚未就绪：{failing}。",
                                language=request_language(request), instance="/readyz", service="gateway",
                                checks=checks)

    async def _keys_state(self) -> str:
        jwks = self.state.jwks
        if jwks is None:
            return "no"
        if jwks.keys.kids():
            return "ok"
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                keys = await jwks.refresh()
        except Exception as exc:  # org unreachable or its answer unusable: not ready until it is
            return f"unavailable: {type(exc).__name__}"
        return "ok" if keys.kids() else "no"

    async def upstreams_ready(self, request: Request) -> Response:
        """Each service's readiness as the gateway sees it (200 whatever they say: this is a report)."""
        upstreams = dict(await asyncio.gather(*(self._upstream_ready(u) for u in self.upstreams)))
        down = sorted(name for name, r in upstreams.items() if r["status"] != "ready")
        return JSONResponse({"status": "degraded" if down else "ready", "service": "gateway", "down": down,
                             "upstreams": upstreams})

    @property
    def client(self) -> httpx.AsyncClient:
        """The gateway's own HTTP client (readiness, the merged OpenAPI document, the inbox), once started."""
        if self.http is None:
            raise RuntimeError(NOT_STARTED)
        return self.http

    async def _upstream_ready(self, upstream: Upstream) -> tuple[str, dict[str, Any]]:
        url = f"{upstream.base_url}/readyz"
        client = self.client
        try:
            resp = await client.get(url, timeout=READY_TIMEOUT)
        except httpx.TimeoutException:
            return upstream.name, {"status": "timeout", "url": url}
        except httpx.HTTPError as exc:
            return upstream.name, {"status": "unreachable", "url": url, "error": type(exc).__name__}
        entry: dict[str, Any] = {"status": "ready" if resp.status_code == 200 else "not-ready",
                                 "url": url, "http_status": resp.status_code}
        with contextlib.suppress(ValueError):
            body = resp.json()
            if isinstance(body, dict) and "checks" in body:
                entry["checks"] = body["checks"]
        return upstream.name, entry

    async def metrics_page(self, request: Request) -> Response:
        if not metrics_allowed(self.settings.metrics_token, request.headers.get("authorization")):
            return problem_response(404, "not-found", "Not found", "Not found.", instance="/metrics",
                                    zh="没有这个地址。", language=request_language(request))
        g = self.metrics.gauges
        g["yunguan_gateway_token_cache_entries"] = len(self.token_cache)
        g["yunguan_gateway_token_cache_hits"] = self.token_cache.hits
        g["yunguan_gateway_token_cache_misses"] = self.token_cache.misses
        g["yunguan_gateway_rate_limit_clients"] = len(self.limiter)
        g["yunguan_gateway_rate_limit_store_errors"] = self.limit_store.errors
        if self.proxy is not None:
            for what, n in self.proxy.errors.items():
                g[f"yunguan_gateway_{what}"] = n
        body, content_type = self.metrics.render(request.headers.get("accept"))
        return Response(body, media_type=content_type)

    async def openapi_document(self, request: Request) -> Response:
        if self.openapi is None:
            raise RuntimeError(NOT_STARTED)
        return JSONResponse(await self.openapi.document())

    def docs_page(self, assets: Path | None) -> Callable[[Request], Awaitable[Response]]:
        local = assets is not None
        favicon = "/api/docs/assets/favicon-32x32.png" if local else "https://fastapi.tiangolo.com/img/favicon.png"
        # the local assets, else FastAPI's defaults (Swagger UI from its CDN)
        urls: dict[str, Any] = ({"swagger_js_url": "/api/docs/assets/swagger-ui-bundle.js",
                                 "swagger_css_url": "/api/docs/assets/swagger-ui.css"} if local else {})

        async def docs(request: Request) -> Response:
            return get_swagger_ui_html(openapi_url="/api/openapi.json", title="Yunguan 运管 API",
                                       swagger_favicon_url=favicon,
                                       oauth2_redirect_url="/api/docs/oauth2-redirect",
                                       swagger_ui_parameters={"persistAuthorization": True}, **urls)
        return docs

    async def me_caller(self, request: Request) -> tuple[str, str] | Response:
        """The preamble of every ``/api/me/...`` aggregation: the caller's bearer header and user id (``-1`` for an
        API client), or the answer that refuses them (401, keys unavailable, 429 from the caller's own bucket)."""
        if self.proxy is None:
            raise RuntimeError(NOT_STARTED)
        instance = request.url.path
        header = request.headers.get("authorization", "")
        try:
            sub = await self.proxy.auth.subject(header.encode("latin-1") if header else None)
        except AuthRefused as exc:
            if exc.status != 401:  # keys unavailable: the same answer the proxy gives
                return problem_response(exc.status, "auth-unavailable", "Sign-in unavailable", exc.detail,
                                        zh=exc.zh, language=request_language(request), instance=instance)
            return problem_response(exc.status, "unauthorized", "Unauthorized", exc.detail, instance=instance,
                                    headers={"WWW-Authenticate": 'Bearer realm="yunguan"'},
                                    zh=exc.zh, language=request_language(request))
        wait = await self.limiter.check(subject_key(sub))  # the same bucket as its proxied requests
        if wait:
            return problem_response(429, "too-many-requests", "Too many requests", "Slow down and try again.",
                                    headers={"Retry-After": str(max(1, int(wait + 0.999)))},
                                    zh="请求过于频繁，请稍后再试。", language=request_language(request))
        return header, (sub if sub.isdigit() else "-1")

    def upstream_urls(self) -> dict[str, str]:
        return {u.name: u.base_url for u in self.upstreams}

    async def me_inbox(self, request: Request) -> Response:
        """我的待办: what waits on the caller, from every service (gateway.aggregate)."""
        caller = await self.me_caller(request)
        if isinstance(caller, Response):
            return caller
        header, owner = caller
        return JSONResponse(await inbox(self.client, self.upstream_urls(), authorization=header, sub=owner,
                                        request_id=request.headers.get("x-request-id", "")))

    async def me_search(self, request: Request) -> Response:
        """全局搜索: what every service lets the caller see that matches ``q`` (gateway.search)."""
        caller = await self.me_caller(request)
        if isinstance(caller, Response):
            return caller
        header, _ = caller
        q, limit_text = request.query_params.get("q"), request.query_params.get("limit", str(DEFAULT_LIMIT))
        try:
            query = parse_query(q)
            if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
                raise Invalid(f"limit is a whole number from 1 to {MAX_LIMIT}.", field="limit",
                              zh=f"limit 须为 1 到 {MAX_LIMIT} 之间的整数。")
        except Invalid as exc:
            return JSONResponse(exc.body(request.url.path, language=request_language(request)), status_code=422,
                                media_type=PROBLEM_JSON)
        return JSONResponse(await search(self.client, self.upstream_urls(), authorization=header, query=query,
                                         q=q or "", limit=int(limit_text),
                                         request_id=request.headers.get("x-request-id", "")))

    async def me_cockpit(self, request: Request) -> Response:
        """经营驾驶舱: one unit's plan execution, KPIs, 整改, budget and risks, from every service (gateway.cockpit)."""
        caller = await self.me_caller(request)
        if isinstance(caller, Response):
            return caller
        body, refused = await cockpit(self.client, self.upstream_urls(), authorization=caller[0],
                                      params=dict(request.query_params),
                                      request_id=request.headers.get("x-request-id", ""),
                                      language=request.headers.get("accept-language", ""))
        if refused is not None:  # every service refused alike: their Problem Details, as given
            return JSONResponse(refused.problem, status_code=refused.status, media_type=PROBLEM_JSON)
        return JSONResponse(body)

    async def no_such_api(self, request: Request) -> Response:
        return problem_response(404, "not-found", "Not found",
                                "No service answers under this path; services live under "
                                "/api/org, /api/planning, /api/kpi and /api/risk.",
                                zh="这个地址下没有服务；各服务位于 /api/org、/api/planning、/api/kpi 和 /api/risk。",
                                language=request_language(request), instance=request.url.path)


# The SPA: its own scripts only; antd writes its styles inline at run time.
SPA_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
              "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
              "frame-ancestors 'none'")
# Swagger UI starts from an inline script, and its assets come from a CDN when not installed here.
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
               "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
               "https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; base-uri 'self'; "
               "frame-ancestors 'none'")


class SecurityHeaders:
    """Security headers on everything the gateway answers itself (the SPA, the API docs, its own
    JSON): a Content-Security-Policy that also forbids framing, nosniff, no referrer."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        policy = DOCS_POLICY if path.startswith("/api/docs") else API_POLICY if path.startswith("/api/") else SPA_POLICY
        extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                 (b"content-security-policy", policy.encode()), (b"x-frame-options", b"DENY")]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _http_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)  # the handler of HTTPException only (Starlette types it for any exception)
    titles = {404: ("not-found", "Not found"), 405: ("method-not-allowed", "Method not allowed")}
    slug, title = titles.get(exc.status_code, ("http-error", "HTTP error"))
    return problem_response(exc.status_code, slug, title, str(exc.detail), headers=exc.headers,
                            zh=HTTP_ZH.get(exc.status_code, TITLES_ZH.get(slug)),
                            language=request_language(request), instance=request.url.path)


async def _unexpected_problem(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(500, "internal-error", "Internal error",
                            "The gateway could not complete the request; it has been logged.",
                            zh="网关未能完成此请求，已记录在日志中；请稍后重试或联系管理员。",
                            language=request_language(request), instance=request.url.path,
                            request_id=request.headers.get("x-request-id", ""))


def create_app(settings: GatewaySettings | None = None, *, jwks: JwksCache | None = None) -> Gateway:
    """Build the gateway; nothing connects anywhere until its lifespan starts."""
    settings = settings or GatewaySettings()
    if settings.log_json is not None:
        configure_logging(settings.log_level, settings.log_json)
        # httpx logs every control-plane request (JWKS, readiness, OpenAPI) at INFO.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    return Gateway(settings, jwks=jwks)
