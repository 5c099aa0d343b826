"""The four services and the gateway as real servers on free ports, traced into memory or not traced."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gateway.app import Gateway
from gateway.app import create_app as gateway_app
from gateway.settings import GatewaySettings
from services.common import tracing
from services.kpi.app import create_app as kpi_app
from services.org.app import create_app as org_app
from services.planning.app import create_app as planning_app
from services.risk.app import create_app as risk_app
from tests.org.conftest import seeded
from tests.support import free_port, serve, settings

METRICS_TOKEN = "scraper-secret"
SERVICES = ("org", "planning", "kpi", "risk")


@dataclass
class Stack:
    http: httpx.AsyncClient  # to the gateway
    urls: dict[str, str]  # every service's and the gateway's base URL
    apps: dict[str, Any] = field(default_factory=dict)

    @property
    def gateway(self) -> Gateway:
        gateway: Gateway = self.apps["gateway"]
        return gateway


@pytest.fixture
def no_otel_environment(monkeypatch):
    """Whatever the machine's environment says, these tests decide whether tracing is on."""
    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED",
                 "OTEL_TRACES_EXPORTER", "YUNGUAN_OTLP_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def spans(no_otel_environment) -> AsyncIterator[InMemorySpanExporter]:
    """Apps built while this fixture is active trace into this in-memory exporter."""
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    tracing.EXTRA_SPAN_PROCESSORS.append(processor)
    try:
        yield exporter
    finally:
        tracing.EXTRA_SPAN_PROCESSORS.remove(processor)


@contextlib.asynccontextmanager
async def stack(databases) -> AsyncIterator[Stack]:
    ports = {s: free_port() for s in SERVICES}
    urls = {f"{s}_url": f"http://127.0.0.1:{p}" for s, p in ports.items()}
    common = {**urls, "relay_enabled": True, "relay_interval": 0.1, "metrics_token": METRICS_TOKEN,
              "jwks_url": f"{urls['org_url']}/api/org/.well-known/jwks.json"}
    apps: dict[str, Any] = {"org": org_app(settings("org", await databases.fresh("org", seeded), demo=True,
                                                    **common))}
    for name, factory in (("planning", planning_app), ("kpi", kpi_app), ("risk", risk_app)):
        apps[name] = factory(settings(name, await databases.fresh(name), **common))
    apps["gateway"] = gateway_app(GatewaySettings(**urls, log_level="WARNING", rate_limit_rps=1000.0,
                                                  rate_limit_burst=1000, metrics_token=METRICS_TOKEN))
    async with contextlib.AsyncExitStack() as exits:
        for name in ("planning", "kpi", "risk", "org"):
            await exits.enter_async_context(serve(apps[name], port=ports[name]))
        gw = await exits.enter_async_context(serve(apps["gateway"]))
        http = await exits.enter_async_context(httpx.AsyncClient(base_url=gw, timeout=30))
        yield Stack(http=http, urls={**{s: urls[f"{s}_url"] for s in SERVICES}, "gateway": gw}, apps=apps)
