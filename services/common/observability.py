"""Request ids, JSON logs and Prometheus metrics (prometheus_client), as one pure ASGI middleware.

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
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector
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
    """One app's Prometheus metrics (prometheus_client): requests by route and status, latency
    histograms, requests in flight, scrape-time gauges, and the process's own figures (CPU, memory,
    open files, GC, Python version).

    Each app has a registry of its own: the tests run several apps in one process, and each must
    expose only its own requests (the process collectors read the same process, which is true).
    """

    def __init__(self, service: str):
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self._requests = Counter("yunguan_http_requests", "HTTP requests handled.",
                                 ["service", "method", "route", "status"], registry=self.registry)
        self._latency = Histogram("yunguan_http_request_duration_seconds", "Request latency.",
                                  ["service", "method", "route"], buckets=BUCKETS, registry=self.registry)
        self.in_flight = Gauge("yunguan_http_requests_in_flight", "Requests being handled now.", ["service"],
                               registry=self.registry).labels(service)
        # name → value, read at every scrape (the gateway fills it with its caches' and limiters' figures)
        self.gauges: dict[str, float] = {}
        self.registry.register(_ScrapeGauges(service, self.gauges))
        # the label children per (method, route, status): .labels() takes a lock and builds keys each time
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (self._requests.labels(self.service, method, route, str(status)),
                                               self._latency.labels(self.service, method, route))
        children[0].inc()
        children[1].observe(seconds)

    def render(self, accept: str | None = None) -> tuple[bytes, str]:
        """The exposition the scraper asked for (``Accept``: OpenMetrics or the Prometheus text format)
        and its content type."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


class _ScrapeGauges(Collector):
    """Gauges whose values are whatever the dict holds when scraped."""

    def __init__(self, service: str, values: dict[str, float]):
        self.service, self.values = service, values

    def collect(self) -> Iterator[Metric]:
        for name, value in sorted(self.values.items()):
            family = GaugeMetricFamily(name, name.removeprefix("yunguan_").replace("_", " "), labels=["service"])
            family.add_metric([self.service], value)
            yield family

    def describe(self) -> Iterator[Metric]:
        return iter(())  # the names are known only when scraped


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
        self.metrics.in_flight.inc()

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
            self.metrics.in_flight.dec()
            elapsed = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", None)
            if route is None:
                route = "unmatched"
            elif self.prefix and scope["path"].startswith(self.prefix) and not route.startswith(self.prefix):
                # Routes of included routers keep their own path; label them as clients call them.
                route = self.prefix + route
            self.metrics.observe(scope["method"], route, status_holder[0], elapsed)
            if self.log.isEnabledFor(logging.INFO):
                fields = {"request_id": rid, "method": scope["method"], "path": scope["path"],
                          "route": route, "status": status_holder[0], "ms": round(elapsed * 1000, 2)}
                span = trace.get_current_span().get_span_context()
                if span.is_valid:  # traced: the log line finds its trace, and the trace its log line
                    fields["trace_id"] = format(span.trace_id, "032x")
                self.log.info("request", extra={"fields": fields})
            request_id.reset(rid_token)


def metrics_allowed(token: str, authorization: str | None) -> bool:
    """Whether a request may read ``/metrics``: only with the configured bearer token (none set:
    nobody). The figures name routes, volumes and errors, which are nobody else's business."""
    if not token or not authorization:
        return False
    scheme, _, value = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
