"""OpenTelemetry traces: off unless an exporter is configured, then one trace per request end to end.

:func:`setup_tracing` decides once per app (a service from the app factory, the gateway from its
constructor). Configured when the OTel environment names an OTLP endpoint
(``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_ENDPOINT``, the exporter's own
conventions: headers, timeout, sampler via ``OTEL_TRACES_SAMPLER``…) or ``YUNGUAN_OTLP_ENDPOINT``;
``OTEL_SDK_DISABLED=true`` or ``OTEL_TRACES_EXPORTER=none`` turn it off whatever else is set.
Not configured, it returns ``None``: no provider, no middleware, no engine listeners, no client hooks,
so an untraced request costs exactly what it did before.

Each app has its own :class:`TracerProvider` (``service.name`` = ``yunguan-<service>``) handed to
every instrumentation explicitly, never installed as the global one: the tests run all services in
one process, and each must still report as itself. The W3C propagator (the global default) carries
the context on every hop: the gateway's aiohttp proxy and the services' httpx clients inject it,
FastAPI and the gateway's ASGI middleware extract it, and the outbox keeps it with the event
(``traceparent``/``tracestate`` columns) so the relay's delivery, and the consumer's handling,
continue the trace of the request that recorded it.

Background loops (relay polling, periodic jobs, org sync, revocation refresh) run with
instrumentation suppressed: they poll every fraction of a second and would bury the request traces
in root spans of their own. A delivery opens its span explicitly, under the event's stored context.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace

if TYPE_CHECKING:
    import aiohttp
    import httpx
    from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
    from sqlalchemy.ext.asyncio import AsyncEngine
    from starlette.types import ASGIApp

# Span processors every app built from now on adds (and which turn tracing on without an exporter):
# tests append an in-memory exporter's processor here; the benchmark a recording-only one.
EXTRA_SPAN_PROCESSORS: list[SpanProcessor] = []

# Probes and scrapes are not traced: they arrive every few seconds and say nothing about a request.
UNTRACED_PATHS = r"/(healthz|readyz|metrics)$"

# The W3C trace-context fields an outbox event carries (and a delivery sends as headers).
TRACE_FIELDS = ("traceparent", "tracestate")


def _env_true(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes")


def otlp_endpoint(configured: str = "") -> str | None:
    """Where spans are exported to, from the OTel environment or ``configured`` (``YUNGUAN_OTLP_ENDPOINT``,
    a base URL like ``OTEL_EXPORTER_OTLP_ENDPOINT``); None: not configured, or turned off."""
    if _env_true("OTEL_SDK_DISABLED") or os.environ.get("OTEL_TRACES_EXPORTER", "").strip().lower() == "none":
        return None
    traces = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").strip()
    if traces:
        return traces  # a signal-specific endpoint is used as given
    base = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", "").strip() or configured.strip()
    return f"{base.rstrip('/')}/v1/traces" if base else None


class Tracing:
    """One app's tracer provider and the instrumentation it hands out."""

    def __init__(self, service: str, *, processors: list[SpanProcessor]):
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider

        self.service = service
        # Resource.create also reads OTEL_RESOURCE_ATTRIBUTES (deployment.environment, k8s names…);
        # the service name given here wins over OTEL_SERVICE_NAME, which would name every process alike.
        self.provider: TracerProvider = TracerProvider(resource=Resource.create(
            {"service.name": f"yunguan-{service}", "service.namespace": "yunguan"}))
        for processor in processors:
            self.provider.add_span_processor(processor)
        self.tracer = self.provider.get_tracer("yunguan")
        # Copied by every background task: instrumentation suppressed (see the module's docstring).
        self.background = contextvars.copy_context()
        self.background.run(_suppress_here)

    def instrument_fastapi(self, app: Any) -> None:
        """Server spans for a service's FastAPI app (call before it serves its first request)."""
        from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

        FastAPIInstrumentor.instrument_app(app, tracer_provider=self.provider, excluded_urls=UNTRACED_PATHS,
                                           exclude_spans=["receive", "send"])

    def wrap_asgi(self, app: ASGIApp) -> ASGIApp:
        """Server spans for a plain ASGI app (the gateway), named by method and upstream."""
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

        return OpenTelemetryMiddleware(app, excluded_urls=UNTRACED_PATHS, default_span_details=_gateway_span_details,
                                       tracer_provider=self.provider, exclude_spans=["receive", "send"])

    def instrument_engine(self, engine: AsyncEngine) -> None:
        """A client span per SQL statement on this engine (its listeners, no global patching)."""
        from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
        from opentelemetry.metrics import NoOpMeterProvider

        usage = NoOpMeterProvider().get_meter("yunguan").create_up_down_counter("db.client.connections.usage")
        EngineTracer(trace.get_tracer("opentelemetry.instrumentation.sqlalchemy", tracer_provider=self.provider),
                     engine.sync_engine, usage)  # type: ignore[no-untyped-call]  # untyped upstream

    def instrument_httpx(self, client: httpx.AsyncClient) -> None:
        """Client spans, and the trace context injected, on this httpx client's requests."""
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor.instrument_client(client, tracer_provider=self.provider)

    def aiohttp_trace_configs(self) -> list[aiohttp.TraceConfig]:
        """For an aiohttp ``ClientSession(trace_configs=...)``: client spans with the context injected."""
        from opentelemetry.instrumentation.aiohttp_client import create_trace_config

        return [create_trace_config(tracer_provider=self.provider)]

    @contextlib.contextmanager
    def span(self, name: str, *, kind: trace.SpanKind = trace.SpanKind.INTERNAL,
             attributes: Mapping[str, Any] | None = None) -> Iterator[trace.Span]:
        """A span under the current one."""
        with self.tracer.start_as_current_span(name, kind=kind, attributes=attributes) as current:
            yield current

    def flush(self) -> None:
        """Export what is still buffered (at shutdown; the provider itself stops at exit, so an app
        started again, as some tests do, still traces)."""
        self.provider.force_flush()


def setup_tracing(service: str, *, otlp: str = "") -> Tracing | None:
    """The app's :class:`Tracing`, or None when tracing is not configured (then nothing is installed)."""
    endpoint = otlp_endpoint(otlp)
    processors = list(EXTRA_SPAN_PROCESSORS)
    if endpoint is not None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        processors.append(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    if not processors or _env_true("OTEL_SDK_DISABLED"):
        return None
    return Tracing(service, processors=processors)


def _suppress_here() -> None:
    from opentelemetry.context import _SUPPRESS_INSTRUMENTATION_KEY

    otel_context.attach(otel_context.set_value(_SUPPRESS_INSTRUMENTATION_KEY, True))


def _gateway_span_details(scope: Any) -> tuple[str, dict[str, Any]]:
    # "GET /api/planning": the upstream, not the path (ids would make every name unique).
    method, path = scope.get("method", "HTTP"), scope.get("path", "")
    parts = path.split("/", 3)
    where = f"/api/{parts[2]}" if path.startswith("/api/") and len(parts) > 2 else path
    return f"{method} {where}", {}


def current_trace_fields() -> dict[str, str]:
    """The W3C ``traceparent``/``tracestate`` of the span being recorded now ({} outside one, or when
    tracing is off): an outbox event keeps them to continue this trace when it is delivered."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {k: carrier[k] for k in TRACE_FIELDS if k in carrier}


@contextlib.contextmanager
def delivery_span(tracing: Tracing | None, *, event_type: str, event_id: str, target: str,
                  stored: Mapping[str, str | None]) -> Iterator[dict[str, str]]:
    """Around one delivery of an outbox event: yields the trace headers to send with it.

    Traced, a ``deliver <type>`` span (a producer span) opens as a child of the context stored with the
    event, in a fresh context (the relay's loop is suppressed), and its own context is what is sent; the
    httpx client span under it replaces the header with its own. Untraced, the stored fields are sent as
    they are, so a consumer that traces still continues the producer's trace."""
    carrier = {k: v for k, v in stored.items() if v}
    if tracing is None:
        yield carrier
        return
    token = otel_context.attach(propagate.extract(carrier, context=otel_context.Context()))
    try:
        with tracing.tracer.start_as_current_span(
                f"deliver {event_type}", kind=trace.SpanKind.PRODUCER,
                attributes={"messaging.system": "yunguan.outbox", "messaging.operation.type": "send",
                            "messaging.destination.name": target, "messaging.message.id": event_id,
                            "yunguan.event.type": event_type}):
            headers: dict[str, str] = {}
            propagate.inject(headers)
            yield headers
    finally:
        otel_context.detach(token)


def mark_failed(reason: str) -> None:
    """Mark the current span as failed, with why."""
    trace.get_current_span().set_status(trace.Status(trace.StatusCode.ERROR, reason[:300]))


def process_span(tracing: Tracing | None, *, event_type: str, event_id: str,
                 source: str) -> contextlib.AbstractContextManager[object]:
    """Around a consumer's handling of an inbound event: a ``process <type>`` span under the request's
    (whose parent is the producer's delivery), or nothing when tracing is off."""
    if tracing is None:
        return contextlib.nullcontext()
    return tracing.tracer.start_as_current_span(
        f"process {event_type}", kind=trace.SpanKind.CONSUMER,
        attributes={"messaging.system": "yunguan.outbox", "messaging.operation.type": "process",
                    "messaging.message.id": event_id, "messaging.source.name": source,
                    "yunguan.event.type": event_type})


def untraced(tracing: Tracing | None) -> contextlib.AbstractContextManager[object]:
    """A block whose work no instrumentation records (start-up hooks); nothing to do when tracing is off."""
    if tracing is None:
        return contextlib.nullcontext()
    from opentelemetry.instrumentation.utils import suppress_instrumentation

    return suppress_instrumentation()
