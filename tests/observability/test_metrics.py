"""/metrics on the gateway and every service: a Prometheus exposition that parses, with the request
figures and the process's own (CPU, memory, file descriptors), for the scraper holding the token only."""

from __future__ import annotations

from tests.observability.conftest import METRICS_TOKEN, SERVICES, stack
from tests.support import metrics

SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}
PROCESS = ("process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
           "process_open_fds", "process_start_time_seconds")


async def test_every_service_and_the_gateway_expose_parsable_metrics_with_process_figures(databases,
                                                                                         no_otel_environment):
    async with stack(databases) as s:
        for name in (*SERVICES, "gateway"):
            base = s.urls[name]
            await s.http.get(f"{base}/healthz")
            assert (await s.http.get(f"{base}/metrics")).status_code == 404  # not without the token
            r = await s.http.get(f"{base}/metrics", headers=SCRAPER)
            assert r.status_code == 200
            assert r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
            kinds = metrics.families(r.text)  # parses, or raises
            assert kinds["yunguan_http_requests"] == "counter", name
            assert kinds["yunguan_http_request_duration_seconds"] == "histogram", name
            assert kinds["yunguan_http_requests_in_flight"] == "gauge", name
            assert kinds["python_info"] == "gauge" and kinds["python_gc_collections"] == "counter", name
            for process_metric in PROCESS:
                assert metrics.value(r.text, process_metric) > 0, (name, process_metric)
            assert metrics.value(r.text, "yunguan_http_requests_total", service=name, method="GET", route="/healthz",
                                 status="200") == 1, name
            assert metrics.value(r.text, "yunguan_http_request_duration_seconds_bucket", service=name, method="GET",
                                 route="/healthz", le="+Inf") == 1, name
            assert metrics.value(r.text, "yunguan_http_requests_in_flight", service=name) >= 1  # this scrape at least


async def test_the_gateway_counts_what_it_proxies_and_its_own_state(databases, no_otel_environment):
    async with stack(databases) as s:
        assert (await s.http.get("/api/kpi/targets")).status_code == 401
        text = (await s.http.get("/metrics", headers=SCRAPER)).text
    assert metrics.value(text, "yunguan_http_requests_total", service="gateway", method="GET", route="/api/kpi",
                         status="401") == 1
    assert metrics.value(text, "yunguan_gateway_unauthorized", service="gateway") == 1
    assert metrics.value(text, "yunguan_gateway_token_cache_entries", service="gateway") == 0


async def test_a_scraper_asking_for_openmetrics_gets_openmetrics(databases, no_otel_environment):
    async with stack(databases) as s:
        r = await s.http.get(f"{s.urls['kpi']}/metrics",
                             headers={**SCRAPER, "Accept": "application/openmetrics-text; version=1.0.0"})
    assert r.headers["content-type"].startswith("application/openmetrics-text; version=1.0.0")
    assert r.text.endswith("# EOF\n")
