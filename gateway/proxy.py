"""The reverse proxy: a plain ASGI handler, because this is the hot path.

Every ``/api/<service>/...`` request passes through :meth:`Proxy.handle`, so it avoids
framework routing, Request objects and middleware stacks: one pass over the raw
header list, a dict lookup for a known token, a token bucket, then aiohttp (one
``ClientSession`` per upstream, keep-alive pool, ``auto_decompress=False`` so bytes
pass through untouched). aiohttp rather than httpx: an httpx.AsyncClient proxy was
measured at ~0.1x direct throughput (pool lock contention), aiohttp at ~0.6x+.

Bodies stream both ways: the request body is fed to aiohttp from ``receive()`` as it
arrives, and the response body is sent on as it is read, so neither side is ever
held in memory whole (small responses with a known length go out in one message).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from starlette.types import Receive, Scope, Send
from yarl import URL

from gateway.auth import AuthRefused, EdgeAuth
from gateway.ratelimit import ClientAddress, RateLimiter, SigninGuard, address_key, subject_key
from services.common.i18n import EN, SERVICES_ZH, scope_language
from services.common.observability import Metrics
from services.common.problems import PROBLEM_JSON, Problem

log = logging.getLogger("yunguan.gateway")

# RFC 9110 §7.6.1: meaningful for one connection only, never forwarded.
HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization",
                        b"te", b"trailer", b"transfer-encoding", b"upgrade"})
# Request headers the gateway replaces with its own values (or that must not reach an upstream:
# ``expect`` is answered by our server; ``host`` is the upstream's, the original goes in X-Forwarded-Host).
_REQUEST_DROP = HOP_BY_HOP | {b"host", b"expect", b"x-request-id", b"x-forwarded-for",
                              b"x-forwarded-proto", b"x-forwarded-host"}
# Our server writes its own Date/Server; the request id is set once, by us.
# (the security headers are the gateway's own: see API_SECURITY_HEADERS)
_RESPONSE_DROP = HOP_BY_HOP | {b"date", b"server", b"x-request-id", b"x-content-type-options",
                               b"referrer-policy", b"content-security-policy"}

# Same rule as the kernel's observability middleware: keep a sane incoming id, else make one.
_SANE_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")

# Request ids made here: a random per-process prefix and a counter. Unique like uuid4().hex
# (32 hex digits) but without a getrandom() system call per request (3% of the proxy's CPU).
_ID_PREFIX = os.urandom(8).hex()
_ID_COUNTER = itertools.count(1)


def _reseed_request_ids() -> None:  # a forked worker must not repeat its parent's ids
    global _ID_PREFIX, _ID_COUNTER
    _ID_PREFIX, _ID_COUNTER = os.urandom(8).hex(), itertools.count(1)


os.register_at_fork(after_in_child=_reseed_request_ids)


def new_request_id() -> bytes:
    return f"{_ID_PREFIX}{next(_ID_COUNTER):016x}".encode()


# Responses up to this size with a Content-Length are read and sent as one message.
_SMALL_BODY = 64 * 1024


class ClientGone(Exception):
    """The downstream client disconnected while its request body was being forwarded."""


class Upstream:
    """One service behind the gateway: its base URL, route prefix, timeout and pool."""

    def __init__(self, name: str, base_url: str, *, timeout: float):
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.prefix = f"/api/{name}/"
        self.route = f"/api/{name}"  # the metrics label
        self.timeout = timeout
        self.session: aiohttp.ClientSession | None = None

    def open(self, *, connections: int, connect_timeout: float,
             trace_configs: list[aiohttp.TraceConfig] | None = None) -> None:
        connector = aiohttp.TCPConnector(
            limit=connections, limit_per_host=0,
            # Below uvicorn's 5 s keep-alive so we drop an idle connection before the
            # service does (avoids reusing a socket the other end is closing).
            keepalive_timeout=4.0, ttl_dns_cache=60)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=self.timeout,  # waiting for a pooled connection + connecting
            sock_connect=connect_timeout,  # establishing one: refused/unroutable -> 503 quickly
            sock_read=self.timeout)  # silence before headers or between chunks -> 504
        self.session = aiohttp.ClientSession(
            connector=connector, timeout=timeout, auto_decompress=False,
            # Never keep one client's cookies for the next: the gateway is shared by everyone.
            cookie_jar=aiohttp.DummyCookieJar(),
            # Pass the client's headers as they came, without aiohttp's defaults.
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
            raise_for_status=False, trace_configs=trace_configs)

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None


SIGNIN_PATH = "/api/org/auth/token"
SIGNIN_BODY_LIMIT = 16 * 1024

# Every API answer: never sniffed into something executable, never framed, never a referrer.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
API_SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", API_POLICY.encode()),
]


def problem_bytes(status: int, slug: str, title: str, detail: str, instance: str | None = None, *,
                  zh: str | None = None, language: str = EN, **extra: Any) -> bytes:
    problem = Problem(detail, zh=zh, status=status, slug=slug, title=title, **extra)
    return json.dumps(problem.body(instance, language=language)).encode()


async def send_problem(send: Send, status: int, slug: str, title: str, detail: str, *, request_id: bytes,
                       instance: str | None = None, headers: list[tuple[bytes, bytes]] | None = None,
                       zh: str | None = None, language: str = EN, **extra: Any) -> None:
    """Answer with Problem Details (the kernel's shape) straight over ASGI, in the caller's language."""
    body = problem_bytes(status, slug, title, detail, instance, zh=zh, language=language, **extra)
    out = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode()),
           (b"x-request-id", request_id), *API_SECURITY_HEADERS]
    if headers:
        out.extend(headers)
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})


def public_path_matcher(paths: frozenset[str]) -> Callable[[str], bool]:
    """Whether a request path needs no token at the edge: an exact entry, a templated one (``{key}``: one
    segment), or a tree its service authenticates itself (``/**``: SCIM, with its own tokens)."""
    exact = {p for p in paths if "{" not in p and not p.endswith("/**")}
    trees = tuple(p[:-2] for p in paths if p.endswith("/**"))
    segment = "[A-Za-z0-9_-]+"
    templates = [re.compile(re.sub(r"\\\{[^/]*?\\\}", segment, re.escape(p))) for p in paths if "{" in p]
    return lambda path: (path in exact or any(t.fullmatch(path) for t in templates)
                         or (path.startswith(trees) and "/../" not in path and not path.endswith("/..")))


class Proxy:
    """Checks, limits and forwards one request to its upstream."""

    def __init__(self, *, auth: EdgeAuth, limiter: RateLimiter, public_paths: frozenset[str],
                 metrics: Metrics, addresses: ClientAddress | None = None, signin: SigninGuard | None = None):
        self.auth = auth
        self.limiter = limiter
        self.addresses = addresses or ClientAddress([])
        self.signin = signin
        self.public_paths = public_paths
        self.is_public = public_path_matcher(public_paths)
        self.metrics = metrics
        self.errors: dict[str, int] = {}

    async def handle(self, scope: Scope, receive: Receive, send: Send, upstream: Upstream) -> None:
        start = time.perf_counter()
        status = await self._handle(scope, receive, send, upstream)
        self.metrics.observe(scope["method"], upstream.route, status, time.perf_counter() - start)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, upstream: Upstream) -> int:
        # One pass over the raw headers: keep what goes upstream, note the few we need.
        forward: list[tuple[str, str]] = []
        request_id: bytes | None = None
        authorization: bytes | None = None
        host: bytes | None = None
        forwarded_for: bytes | None = None
        connection: bytes | None = None
        has_body = False
        for name, value in scope["headers"]:
            if name in _REQUEST_DROP:
                if name == b"x-request-id":
                    request_id = value
                elif name == b"host":
                    host = value
                elif name == b"x-forwarded-for":
                    forwarded_for = value
                elif name == b"transfer-encoding":
                    has_body = True
                elif name == b"connection":
                    connection = value
                continue
            if name == b"authorization":
                authorization = value
            elif name == b"content-length":
                has_body = value != b"0"
            forward.append((name.decode("latin-1"), value.decode("latin-1")))
        if request_id is None or not _SANE_REQUEST_ID.match(request_id):
            request_id = new_request_id()
        if connection is not None:
            forward = _drop_connection_listed(forward, connection)

        path = scope["path"]
        client = scope.get("client")
        peer = client[0] if client else "unknown"
        client_ip = self.addresses.of(peer, forwarded_for)

        # The token endpoint: its form is read here (it is small) so attempts can be limited per
        # address and failures per username before org spends a slow password hash on them.
        preread: bytes | None = None
        signin_user: str | None = None
        if self.signin is not None and path == SIGNIN_PATH and scope["method"] == "POST":
            preread = await _read_small_body(receive, SIGNIN_BODY_LIMIT) if has_body else b""
            if preread is None:
                await send_problem(send, 413, "payload-too-large", "Payload too large",
                                   "A sign-in request is a short form; this one is too large.",
                                   request_id=request_id, instance=path,
                                   zh="登录请求内容过大。", language=scope_language(scope))
                return 413
            form = parse_qs(preread.decode("utf-8", "replace"))
            grant = (form.get("grant_type") or [""])[0]
            if grant == "password":
                signin_user = (form.get("username") or [""])[0][:200] or None
            if grant in ("password", "client_credentials"):
                wait = await self.signin.before(client_ip, signin_user)
                if wait:
                    self._count("signin_limited")
                    await send_problem(send, 429, "too-many-requests", "Too many requests",
                                       "Too many sign-in attempts; wait for the time in Retry-After.",
                                       request_id=request_id, instance=path,
                                       headers=[(b"retry-after", str(self.limiter.retry_after(wait)).encode())],
                                       zh="登录尝试过于频繁，请稍后再试。", language=scope_language(scope))
                    return 429

        subject = None
        refused = None
        if not self.is_public(path):
            try:
                subject = await self.auth.subject(authorization)
            except AuthRefused as exc:
                refused = exc
        # Limit before answering a refusal too, so guessing tokens is throttled per IP.
        wait = await self.limiter.check(subject_key(subject) if subject is not None else address_key(client_ip))
        if wait:
            self._count("rate_limited")
            await send_problem(send, 429, "too-many-requests", "Too many requests",
                               "This client sent too many requests; slow down and retry after the "
                               "time in Retry-After.", request_id=request_id, instance=path,
                               headers=[(b"retry-after", str(self.limiter.retry_after(wait)).encode())],
                               zh="请求过于频繁，请稍后再试。", language=scope_language(scope))
            return 429
        if refused is not None:
            if refused.status == 401:
                self._count("unauthorized")
                await send_problem(send, 401, "unauthorized", "Unauthorized", refused.detail,
                                   request_id=request_id, instance=path,
                                   headers=[(b"www-authenticate", b'Bearer realm="yunguan"')],
                                   zh=refused.zh, language=scope_language(scope))
            else:
                self._count("keys_unavailable")
                await send_problem(send, 503, "auth-unavailable", "Sign-in unavailable", refused.detail,
                                   request_id=request_id, instance=path, zh=refused.zh,
                                   language=scope_language(scope))
            return refused.status

        forward.append(("X-Request-ID", request_id.decode("latin-1")))
        forward.append(("X-Forwarded-For", _forwarded_for(forwarded_for, peer)))
        forward.append(("X-Forwarded-Proto", scope.get("scheme", "http")))
        if host is not None:
            forward.append(("X-Forwarded-Host", host.decode("latin-1")))

        raw_path = scope.get("raw_path") or path.encode()
        target = upstream.base_url + raw_path.decode("latin-1")
        query = scope.get("query_string")
        if query:
            target += "?" + query.decode("latin-1")

        body_state = _BodyState()
        data: Any = None
        if preread is not None:
            data, body_state.done = preread, True
        elif has_body:
            first = await receive()
            if first["type"] == "http.disconnect":
                return 499
            if first.get("more_body"):
                data = _stream_body(first.get("body", b""), receive, body_state)
            else:
                data = first.get("body", b"")
                body_state.done = True
        else:
            body_state.done = True

        method = scope["method"]
        try:
            session = upstream.session
            if session is None:  # closed: the gateway is shutting down
                raise RuntimeError(f"the {upstream.name} upstream is closed")
            resp = await session.request(method, URL(target, encoded=True), headers=forward,
                                                  data=data, allow_redirects=False)
        except Exception as exc:
            if body_state.client_gone:
                return 499
            return await self._upstream_failed(send, upstream, exc, request_id, path, scope)
        if self.signin is not None and signin_user is not None and resp.status in (400, 401):
            await self.signin.failed(signin_user)

        try:
            headers = [(k.lower(), v) for k, v in resp.raw_headers if k.lower() not in _RESPONSE_DROP]
            headers.extend(API_SECURITY_HEADERS)
            headers.append((b"x-request-id", request_id))
            length = resp.content_length
            if method == "HEAD" or (length is not None and length <= _SMALL_BODY):
                try:
                    body = await resp.read()
                except Exception as exc:
                    return await self._upstream_failed(send, upstream, exc, request_id, path, scope)
                await send({"type": "http.response.start", "status": resp.status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
            else:
                await send({"type": "http.response.start", "status": resp.status, "headers": headers})
                await self._stream_response(resp, receive, send, body_state, upstream, request_id)
            return resp.status
        finally:
            resp.release()

    async def _stream_response(self, resp: aiohttp.ClientResponse, receive: Receive, send: Send, body_state: _BodyState,
                               upstream: Upstream, request_id: bytes) -> None:
        # Our server ignores sends after the client left, so watch for the disconnect and
        # stop reading the upstream (a long stream would otherwise run on for nobody).
        # Only once the request body is consumed: receive() must not be awaited twice at once.
        watcher = asyncio.ensure_future(_close_on_disconnect(receive, resp)) if body_state.done else None
        try:
            content = resp.content
            while True:
                chunk = await content.readany()
                if not chunk:
                    break
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except Exception as exc:
            if watcher is None or not watcher.done():
                self._count("stream_aborted")
                log.warning("upstream stream broke off", extra={"fields": {
                    "request_id": request_id.decode("latin-1"), "upstream": upstream.name,
                    "error": type(exc).__name__}})
        finally:
            if watcher is not None:
                watcher.cancel()

    async def _upstream_failed(self, send: Send, upstream: Upstream, exc: Exception, request_id: bytes,
                               path: str, scope: Scope) -> int:
        name = upstream.name
        name_zh = SERVICES_ZH.get(name, name)
        if isinstance(exc, (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)):
            status, slug, title = 503, "upstream-unavailable", "Service unavailable"
            detail = f"The {name} service cannot be reached right now; try again shortly."
            zh = f"{name_zh}服务暂时无法连接，请稍后重试。"
        elif isinstance(exc, asyncio.TimeoutError):  # aiohttp's read timeouts subclass it
            status, slug, title = 504, "upstream-timeout", "Gateway timeout"
            detail = f"The {name} service did not answer within {upstream.timeout:g} s."
            zh = f"{name_zh}服务在 {upstream.timeout:g} 秒内没有响应，请稍后重试。"
        else:
            status, slug, title = 502, "bad-gateway", "Bad gateway"
            detail = f"The {name} service gave no usable answer."
            zh = f"{name_zh}服务没有给出有效的响应，请稍后重试。"
        self._count(f"upstream_{status}")
        log.warning("upstream failed", extra={"fields": {
            "request_id": request_id.decode("latin-1"), "upstream": name, "status": status,
            "error": f"{type(exc).__name__}: {exc}"}})
        await send_problem(send, status, slug, title, detail, request_id=request_id, instance=path,
                           service=name, zh=zh, language=scope_language(scope))
        return status

    def _count(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1


class _BodyState:
    __slots__ = ("client_gone", "done")

    def __init__(self) -> None:
        self.done = False
        self.client_gone = False


async def _stream_body(first: bytes, receive: Receive, state: _BodyState) -> AsyncIterator[bytes]:
    if first:
        yield first
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            state.client_gone = True
            raise ClientGone()
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body"):
            state.done = True
            return


async def _close_on_disconnect(receive: Receive, resp: aiohttp.ClientResponse) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            resp.close()
            return


def _forwarded_for(incoming: bytes | None, peer: str) -> str:
    """Append the connection's peer to X-Forwarded-For, as nginx's ``$proxy_add_x_forwarded_for``
    does (what is believed of the chain is decided by :class:`gateway.ratelimit.ClientAddress`)."""
    if not incoming:
        return peer
    return f"{incoming.decode('latin-1').strip()}, {peer}"


async def _read_small_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it is larger than ``limit`` or the client left."""
    body: bytes = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += message.get("body", b"")
        if len(body) > limit:
            return None
        if not message.get("more_body"):
            return body


def _drop_connection_listed(headers: list[tuple[str, str]], connection: bytes) -> list[tuple[str, str]]:
    # Headers named in Connection are hop-by-hop too (RFC 9110 §7.6.1).
    listed = {t.strip().lower() for t in connection.decode("latin-1").split(",")} - {"close", "keep-alive", ""}
    if not listed:
        return headers
    return [(k, v) for k, v in headers if k.lower() not in listed]
