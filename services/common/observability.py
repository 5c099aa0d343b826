"""Request ids, JSON logs and Prometheus metrics, as one pure ASGI middleware.

Pure ASGI (not BaseHTTPMiddleware) keeps streaming intact and costs little per request.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import sys
import time
import uuid
from collections import defaultdict
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.i18n import scope_language
from services.common.problems import Problem

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# The id of the request being handled ("" outside a request): the audit chain records it.
request_id: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    """The id of the request being handled, "" outside a request."""
    return request_id.get()


BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {"ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        extra = getattr(record, "fields", None)
        if extra:
            data.update(extra)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", json_logs: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_logs else logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("alembic").setLevel(logging.WARNING)


class Metrics:
    """Request counters and latency histograms in Prometheus text format."""

    def __init__(self, service: str):
        self.service = service
        self.requests: dict[tuple[str, str, int], int] = defaultdict(int)
        self.latency: dict[tuple[str, str], list[float]] = {}
        self.in_flight = 0
        self.gauges: dict[str, float] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests[(method, route, status)] += 1
        hist = self.latency.get((method, route))
        if hist is None:
            hist = self.latency[(method, route)] = [0.0] * (len(BUCKETS) + 2)  # buckets, +Inf, sum
        for i, b in enumerate(BUCKETS):
            if seconds <= b:
                hist[i] += 1
        hist[len(BUCKETS)] += 1
        hist[-1] += seconds

    def render(self) -> str:
        s = self.service
        out = ["# HELP yunguan_http_requests_total HTTP requests handled.",
               "# TYPE yunguan_http_requests_total counter"]
        for (m, r, st), n in sorted(self.requests.items()):
            out.append(f'yunguan_http_requests_total{{service="{s}",method="{m}",route="{r}",status="{st}"}} {n}')
        out += ["# HELP yunguan_http_request_duration_seconds Request latency.",
                "# TYPE yunguan_http_request_duration_seconds histogram"]
        for (m, r), h in sorted(self.latency.items()):
            labels = f'service="{s}",method="{m}",route="{r}"'
            for i, b in enumerate(BUCKETS):
                out.append(f'yunguan_http_request_duration_seconds_bucket{{{labels},le="{b}"}} {int(h[i])}')
            out.append(f'yunguan_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {int(h[len(BUCKETS)])}')
            out.append(f"yunguan_http_request_duration_seconds_sum{{{labels}}} {h[-1]:.6f}")
            out.append(f"yunguan_http_request_duration_seconds_count{{{labels}}} {int(h[len(BUCKETS)])}")
        out += ["# HELP yunguan_http_requests_in_flight Requests being handled now.",
                "# TYPE yunguan_http_requests_in_flight gauge",
                f'yunguan_http_requests_in_flight{{service="{s}"}} {self.in_flight}']
        for name, value in sorted(self.gauges.items()):
            out += [f"# TYPE {name} gauge", f'{name}{{service="{s}"}} {value}']
        return "\n".join(out) + "\n"


def request_id_of(scope: Scope) -> str:
    for k, v in scope.get("headers", ()):
        if k == b"x-request-id":
            value: str = v.decode("latin-1")
            if _REQUEST_ID.match(value):
                return value
            break
    return uuid.uuid4().hex


class ObservabilityMiddleware:
    """Gives every request an id (kept from ``X-Request-ID`` when sane), logs it, counts it."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, logger_name: str, prefix: str = ""):
        self.app = app
        self.prefix = prefix
        self.metrics = metrics
        self.log = logging.getLogger(logger_name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_of(scope)
        # Make the id visible to handlers as a request header, whether it came in or was made here.
        headers = [(k, v) for k, v in scope["headers"] if k != b"x-request-id"]
        headers.append((b"x-request-id", rid.encode()))
        scope["headers"] = headers
        scope.setdefault("state", {})["request_id"] = rid
        rid_token = request_id.set(rid)
        status_holder = [500]
        start = time.perf_counter()
        self.metrics.in_flight += 1

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        started = [False]

        async def tracking_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started[0] = True
            await send_wrapper(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            # The last line of defence: log it with the request id, answer a Problem, never a trace.
            self.log.exception("unhandled error", extra={"fields": {"request_id": rid, "path": scope["path"]}})
            if not started[0]:
                body = json.dumps(Problem("The server could not complete the request; it has been logged.",
                                          zh="服务器未能完成此请求，已记录在日志中；请稍后重试或联系管理员。",
                                          status=500, slug="internal-error", title="Internal error",
                                          request_id=rid).body(language=scope_language(scope))).encode()
                await send_wrapper({"type": "http.response.start", "status": 500,
                                    "headers": [(b"content-type", b"application/problem+json"),
                                                (b"content-length", str(len(body)).encode())]})
                await send_wrapper({"type": "http.response.body", "body": body})
        finally:
            self.metrics.in_flight -= 1
            elapsed = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", None)
            if route is None:
                route = "unmatched"
            elif self.prefix and scope["path"].startswith(self.prefix) and not route.startswith(self.prefix):
                # Routes of included routers keep their own path; label them as clients call them.
                route = self.prefix + route
            self.metrics.observe(scope["method"], route, status_holder[0], elapsed)
            if self.log.isEnabledFor(logging.INFO):
                self.log.info("request", extra={"fields": {
                    "request_id": rid, "method": scope["method"], "path": scope["path"],
                    "route": route, "status": status_holder[0], "ms": round(elapsed * 1000, 2)}})
            request_id.reset(rid_token)


def metrics_allowed(token: str, authorization: str | None) -> bool:
    """Whether a request may read ``/metrics``: only with the configured bearer token (none set:
    nobody). The figures name routes, volumes and errors, which are nobody else's business."""
    if not token or not authorization:
        return False
    scheme, _, value = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
