"""Traces: one trace from the gateway through planning (and its SQL), the outbox and the relay, to kpi's
handling of the event; nothing at all when tracing is not configured."""

from __future__ import annotations

import asyncio
import secrets
import time

import pytest
from opentelemetry.sdk import trace as sdk_trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from services.common import tracing
from services.planning.models import OutboxEvent
from tests.observability.conftest import stack
from tests.support import DEMO_IDS


async def eventually(probe, *, timeout=15.0):  # noqa: ASYNC109 - a deadline over many probes
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        assert time.monotonic() < deadline, "never happened"
        await asyncio.sleep(0.1)


async def sign_in(http, user: str) -> dict[str, str]:
    r = await http.post("/api/org/auth/token", data={"grant_type": "password", "username": user,
                                                      "password": "Demo@2026"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def issue_a_plan(http, *, headers_for_issue: dict[str, str] | None = None) -> int:
    """市场部's 2027 plan drafted, approved twice and issued through the gateway; kpi then holds its targets."""
    mgr, ops, gm = await sign_in(http, "market_mgr"), await sign_in(http, "ops_director"), await sign_in(http, "gm")

    async def synced():
        for s in ("planning", "kpi"):
            r = await http.get(f"/api/{s}/org-units", headers=ops)
            if r.status_code != 200 or len(r.json()["items"]) < 13:
                return False
        return True

    await eventually(synced)
    plan = await http.post("/api/planning/plans", headers=mgr, json={
        "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度运营计划",
        "targets": [{"indicator_code": "sales", "value": 31000, "unit": "万元"}]})
    assert plan.status_code == 201, plan.text
    plan_id = plan.json()["id"]
    for who, action in ((mgr, "submit"), (ops, "approve"), (gm, "approve"), (gm, "issue")):
        extra = headers_for_issue if action == "issue" and headers_for_issue else {}
        r = await http.post(f"/api/planning/plans/{plan_id}/{action}", headers={**who, **extra},
                            json={"comment": action})
        assert r.status_code == 200, r.text

    async def kpi_targets():
        r = await http.get("/api/kpi/targets", headers=mgr, params={"unit_id": DEMO_IDS["MKT"], "period": "2027"})
        return r.status_code == 200 and [(t["indicator_code"], t["value"]) for t in r.json()["items"]]

    assert await eventually(kpi_targets) == [("sales", 31000.0)]
    return plan_id


def service_of(span: ReadableSpan) -> str:
    return str(span.resource.attributes["service.name"])


def one(found: list[ReadableSpan], what: str) -> ReadableSpan:
    assert len(found) == 1, f"{what}: {[(s.name, service_of(s)) for s in found]}"
    return found[0]


async def test_a_plan_issued_at_the_gateway_is_one_trace_to_kpis_handling_of_its_event(databases, spans):
    trace_id, caller_span = secrets.randbits(128), secrets.randbits(64)
    traceparent = f"00-{trace_id:032x}-{caller_span:016x}-01"
    async with stack(databases) as s:
        await issue_a_plan(s.http, headers_for_issue={"traceparent": traceparent})

        def in_trace() -> list[ReadableSpan]:
            return [x for x in spans.get_finished_spans() if x.context.trace_id == trace_id]

        async def consumed():
            # a server span ends once its response is sent, so the client may hear back before it is exported
            names = {(service_of(x), x.name) for x in in_trace()}
            return {("yunguan-kpi", "process planning.plan.issued"), ("yunguan-kpi", "POST /api/kpi/events"),
                    ("yunguan-gateway", "POST /api/planning")} <= names

        await eventually(consumed)
    trace = in_trace()
    by_id = {x.context.span_id: x for x in trace}

    def parent(span: ReadableSpan) -> ReadableSpan:
        assert span.parent is not None and span.parent.trace_id == trace_id, span.name
        return by_id[span.parent.span_id]

    # the gateway answers the caller's request under the caller's span, and proxies it with aiohttp
    gateway = one([x for x in trace if service_of(x) == "yunguan-gateway" and x.kind == SpanKind.SERVER],
                  "gateway server span")
    assert gateway.parent.span_id == caller_span and gateway.name == "POST /api/planning"
    proxied = one([x for x in trace if service_of(x) == "yunguan-gateway" and x.kind == SpanKind.CLIENT],
                  "gateway client span")
    assert parent(proxied) is gateway

    # planning handles it under the proxy's span, its SQL under that
    planning = one([x for x in trace if service_of(x) == "yunguan-planning" and x.kind == SpanKind.SERVER],
                   "planning server span")
    assert parent(planning) is proxied and planning.name == "POST /api/planning/plans/{plan_id}/{action}"
    sql = [x for x in trace if service_of(x) == "yunguan-planning"
           and ("db.system" in x.attributes or "db.system.name" in x.attributes)]
    assert any("UPDATE" in x.name or "INSERT" in x.name for x in sql), [x.name for x in sql]
    assert all(parent(x) is planning for x in sql)

    # planning's relay delivers the event to kpi under the request that recorded it
    deliver = one([x for x in trace if x.name == "deliver planning.plan.issued"
                   and x.attributes["messaging.destination.name"] == "service:kpi"], "delivery to kpi")
    assert service_of(deliver) == "yunguan-planning" and deliver.kind == SpanKind.PRODUCER
    assert parent(deliver) is planning
    post = one([x for x in trace if x.kind == SpanKind.CLIENT and x.parent is not None
                and x.parent.span_id == deliver.context.span_id], "the relay's POST")
    assert service_of(post) == "yunguan-planning"

    # kpi receives the delivery under the relay's POST and applies the event under that
    received = one([x for x in trace if service_of(x) == "yunguan-kpi" and x.kind == SpanKind.SERVER
                    and x.parent is not None and x.parent.span_id == post.context.span_id], "kpi's receipt")
    assert received.name == "POST /api/kpi/events"
    process = one([x for x in trace if x.name == "process planning.plan.issued"
                   and service_of(x) == "yunguan-kpi"], "kpi's handling")
    assert parent(process) is received and process.kind == SpanKind.CONSUMER
    assert any(parent(x) is process and service_of(x) == "yunguan-kpi" and x.kind == SpanKind.CLIENT
               for x in trace if x.parent is not None and x.parent.span_id in by_id), "kpi's SQL under its handling"

    # background polling (relay rounds, org sync, revocation refresh) and start-up leave no root spans behind:
    # a trace starts at a request, or at the delivery of an event recorded outside any (start-up seeding)
    roots = [x for x in spans.get_finished_spans() if x.parent is None]
    assert {x.kind for x in roots} <= {SpanKind.SERVER, SpanKind.PRODUCER}, \
        sorted({(x.name, service_of(x)) for x in roots if x.kind not in (SpanKind.SERVER, SpanKind.PRODUCER)})
    assert all(x.name.startswith("deliver ") for x in roots if x.kind == SpanKind.PRODUCER)


async def test_the_outbox_keeps_the_trace_context_of_the_request_that_recorded_the_event(databases, spans):
    trace_id = secrets.randbits(128)
    async with stack(databases) as s:
        plan_id = await issue_a_plan(s.http, headers_for_issue={
            "traceparent": f"00-{trace_id:032x}-{secrets.randbits(64):016x}-01", "tracestate": "vendor=kept"})
        async with s.apps["planning"].state.db.reader() as session:
            issued = (await session.execute(select(OutboxEvent).where(
                OutboxEvent.type == "planning.plan.issued", OutboxEvent.subject == str(plan_id)))).scalar_one()
        version, stored_trace, stored_span, flags = issued.traceparent.split("-")
        assert (version, int(stored_trace, 16), flags) == ("00", trace_id, "01")

        async def planning_spans():  # exported once the response has gone out, maybe after the client heard it
            return [x for x in spans.get_finished_spans() if x.context.trace_id == trace_id
                    and service_of(x) == "yunguan-planning" and x.kind == SpanKind.SERVER]

        planning = one(await eventually(planning_spans), "planning server span")
    assert int(stored_span, 16) == planning.context.span_id
    assert issued.tracestate == "vendor=kept"


async def test_without_configuration_nothing_is_instrumented_and_no_span_is_made(databases, no_otel_environment,
                                                                               monkeypatch):
    started: list[str] = []
    real_start = sdk_trace.Tracer.start_span

    def counting_start(self, name, *args, **kwargs):
        started.append(name)
        return real_start(self, name, *args, **kwargs)

    monkeypatch.setattr(sdk_trace.Tracer, "start_span", counting_start)
    async with stack(databases) as s:
        plan_id = await issue_a_plan(s.http, headers_for_issue={
            "traceparent": f"00-{secrets.randbits(128):032x}-{secrets.randbits(64):016x}-01"})
        gateway = s.gateway
        assert gateway.tracing is None and gateway._http == gateway._route
        assert all(not u.session.trace_configs for u in gateway.upstreams)
        assert not getattr(gateway.http, "_is_instrumented_by_opentelemetry", False)
        for name in ("org", "planning", "kpi", "risk"):
            app = s.apps[name]
            assert app.state.tracing is None
            assert not getattr(app, "_is_instrumented_by_opentelemetry", False), name
            assert not getattr(app.state.http, "_is_instrumented_by_opentelemetry", False), name
            assert not app.state.db.engine.sync_engine.dispatch.before_cursor_execute, name
        async with s.apps["planning"].state.db.reader() as session:
            issued = (await session.execute(select(OutboxEvent).where(
                OutboxEvent.type == "planning.plan.issued", OutboxEvent.subject == str(plan_id)))).scalar_one()
    assert started == []
    assert issued.traceparent is None and issued.tracestate is None


def test_tracing_follows_the_otel_environment_and_the_yunguan_setting(no_otel_environment, monkeypatch):
    assert tracing.otlp_endpoint() is None and tracing.setup_tracing("kpi") is None
    assert tracing.otlp_endpoint("http://collector:4318") == "http://collector:4318/v1/traces"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4318/")
    assert tracing.otlp_endpoint("http://collector:4318") == "http://otel:4318/v1/traces"
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://otel:4318/custom/traces")
    assert tracing.otlp_endpoint() == "http://otel:4318/custom/traces"
    configured = tracing.setup_tracing("kpi")
    assert configured is not None
    assert configured.provider.resource.attributes["service.name"] == "yunguan-kpi"
    processors = configured.provider._active_span_processor._span_processors
    assert [type(p) for p in processors] == [BatchSpanProcessor]
    assert processors[0]._batch_processor._exporter._endpoint == "http://otel:4318/custom/traces"
    configured.provider.shutdown()
    for off in (("OTEL_SDK_DISABLED", "true"), ("OTEL_TRACES_EXPORTER", "none")):
        with monkeypatch.context() as m:
            m.setenv(*off)
            assert tracing.otlp_endpoint("http://collector:4318") is None
            assert tracing.setup_tracing("kpi", otlp="http://collector:4318") is None


@pytest.mark.parametrize("service", ["gateway", "planning"])
def test_service_name_is_yunguan_service_whatever_otel_service_name_says(service, spans, monkeypatch):
    monkeypatch.setenv("OTEL_SERVICE_NAME", "something-else")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=staging")
    configured = tracing.setup_tracing(service)
    assert configured is not None
    attributes = configured.provider.resource.attributes
    assert attributes["service.name"] == f"yunguan-{service}"
    assert attributes["deployment.environment"] == "staging"


def test_a_delivery_continues_the_stored_trace_and_forwards_it_as_is_when_off(spans):
    stored = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate": "vendor=kept"}
    with tracing.delivery_span(None, event_type="planning.plan.issued", event_id="e1", target="service:kpi",
                               stored=stored) as headers:
        assert headers == stored  # untraced here: a consumer that traces still continues the producer's trace
    with tracing.delivery_span(None, event_type="t", event_id="e2", target="service:kpi",
                               stored={"traceparent": None, "tracestate": None}) as headers:
        assert headers == {}
    configured = tracing.setup_tracing("planning")
    assert configured is not None
    with tracing.delivery_span(configured, event_type="planning.plan.issued", event_id="e1", target="service:kpi",
                               stored=stored) as headers:
        pass
    deliver = one([x for x in spans.get_finished_spans() if x.name == "deliver planning.plan.issued"], "delivery")
    assert deliver.context.trace_id == 0x0AF7651916CD43DD8448EB211C80319C
    assert deliver.parent.span_id == 0xB7AD6B7169203331 and deliver.parent.is_remote
    assert headers["traceparent"] == f"00-{deliver.context.trace_id:032x}-{deliver.context.span_id:016x}-01"
    assert headers["tracestate"] == "vendor=kept"
