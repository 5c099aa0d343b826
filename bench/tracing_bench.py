"""Tracing benchmark: what OpenTelemetry costs a request through the gateway, off against on.

    .venv/bin/python bench/tracing_bench.py               # about a minute
    .venv/bin/python bench/tracing_bench.py --rounds 7 --requests 400

Starts, in this process and one event loop, on 127.0.0.1 and free ports:
  * planning on SQLite (migrated first, under a temporary folder) and a gateway in front of it,
    built with tracing off (no exporter configured: nothing is instrumented);
  * the same pair built with tracing on and recording: every span goes through a
    BatchSpanProcessor to an exporter that drops it (the work an OTLP exporter's thread does
    besides the network is serialisation; it is left out so the figure is the request's own cost).
Then it measures ``GET /api/planning/audit?limit=1`` with an admin token (the gateway's token
check, the aiohttp hop, planning's token check and two SQL statements: gateway server and client
spans, planning's server span, SQL spans) in alternating rounds, off then on then off…, the order
swapped every round so warm-up and drift hit both alike: per round, sequential latency (one request
at a time, median and p95), the process CPU time per request over the sequential requests (everything
runs in this process, so this is the figure other processes' load disturbs least) and throughput with
8 concurrent clients. It prints the medians over
the rounds and the on/off ratio of each round, all measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PATH = "/api/planning/audit?limit=1"


class Discard:
    """A span exporter that keeps nothing (counts what it was given)."""

    def __init__(self) -> None:
        self.spans = 0

    def export(self, spans: Sequence[object]) -> object:
        from opentelemetry.sdk.trace.export import SpanExportResult

        self.spans += len(spans)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        pass

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


@contextlib.asynccontextmanager
async def pair(db_url: str, key: object, *, traced: Discard | None) -> AsyncIterator[str]:
    """Planning and a gateway in front of it, built with tracing on (into ``traced``) or off; the gateway's URL."""
    import uvicorn
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    from bench.common import free_port
    from gateway.app import create_app as gateway_app
    from gateway.settings import GatewaySettings
    from services.common import tracing
    from services.common.settings import ServiceSettings
    from services.common.tokens import JwksCache, KeySet
    from services.planning.app import create_app as planning_app

    jwks = JwksCache.static(KeySet.of(key))  # type: ignore[arg-type]
    port = free_port()
    nowhere = "http://127.0.0.1:9"
    processor = BatchSpanProcessor(traced) if traced is not None else None  # type: ignore[arg-type]
    if processor is not None:
        tracing.EXTRA_SPAN_PROCESSORS.append(processor)
    try:
        planning = planning_app(ServiceSettings(
            service="planning", database_url=db_url, log_level="WARNING", allow_demo_secret=True, relay_enabled=False,
            org_url=nowhere, kpi_url=nowhere, risk_url=nowhere, jwks_url=nowhere + "/jwks.json"))
        planning.state.jwks = jwks
        gateway = gateway_app(GatewaySettings(planning_url=f"http://127.0.0.1:{port}", org_url=nowhere,
                                              kpi_url=nowhere, risk_url=nowhere, log_level="WARNING",
                                              rate_limit_rps=0), jwks=jwks)
    finally:
        if processor is not None:
            tracing.EXTRA_SPAN_PROCESSORS.remove(processor)
    servers = [uvicorn.Server(uvicorn.Config(planning, host="127.0.0.1", port=port, log_config=None,
                                             access_log=False, lifespan="on")),
               uvicorn.Server(uvicorn.Config(gateway, host="127.0.0.1", port=free_port(), log_config=None,
                                             access_log=False, lifespan="on"))]
    tasks = [asyncio.create_task(s.serve()) for s in servers]
    while not all(s.started for s in servers):  # noqa: ASYNC110 - uvicorn says so with a flag, not an event
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{servers[1].config.port}"
    finally:
        for s in servers:
            s.should_exit = True
        await asyncio.gather(*tasks)


async def sequential(client: object, url: str, n: int, headers: dict[str, str]) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        r = await client.get(url, headers=headers)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - start)
        assert r.status_code == 200, r.text
    return times


async def concurrent(client: object, url: str, n: int, headers: dict[str, str], workers: int = 8) -> float:
    """Requests per second with ``workers`` clients sharing ``n`` requests."""
    left = [n]

    async def worker() -> None:
        while left[0] > 0:
            left[0] -= 1
            r = await client.get(url, headers=headers)  # type: ignore[attr-defined]
            assert r.status_code == 200, r.text

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return n / (time.perf_counter() - start)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def main(rounds: int, requests: int) -> None:
    import httpx

    from services.common.migrate import upgrade
    from services.common.tokens import SigningKey

    for name in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "YUNGUAN_OTLP_ENDPOINT"):
        os.environ.pop(name, None)  # "off" means off
    key = SigningKey.generate("bench")
    now = int(time.time())
    token = key.sign({"sub": "1", "name": "bench admin", "iss": "yunguan-org", "aud": "yunguan", "typ": "access",
                      "iat": now, "nbf": now, "exp": now + 3600,
                      "grants": [{"right": "admin", "unit_path": "/1/", "mode": "subtree", "held_at": "/1/",
                                  "via": "bench"}]})
    headers = {"Authorization": f"Bearer {token}"}
    exported = Discard()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite+aiosqlite:///{Path(tmp) / 'planning.db'}"
        await upgrade("planning", db_url)
        async with pair(db_url, key, traced=None) as off, pair(db_url, key, traced=exported) as on, \
                httpx.AsyncClient(timeout=30) as client:
            urls = {"off": off + PATH, "on": on + PATH}
            for url in urls.values():  # warm both: connections, caches, first-call imports
                await sequential(client, url, 50, headers)
                await concurrent(client, url, 100, headers)
            results: dict[str, dict[str, list[float]]] = {m: {"p50": [], "p95": [], "rps": [], "cpu": []}
                                                        for m in urls}
            ratios: dict[str, list[float]] = {"p50": [], "p95": [], "rps": [], "cpu": []}
            for r in range(rounds):
                order = ("off", "on") if r % 2 == 0 else ("on", "off")
                this: dict[str, dict[str, float]] = {}
                for mode in order:
                    cpu = time.process_time()
                    times = await sequential(client, urls[mode], requests, headers)
                    cpu = (time.process_time() - cpu) / requests
                    rps = await concurrent(client, urls[mode], requests, headers)
                    this[mode] = {"p50": statistics.median(times) * 1000, "p95": p95(times) * 1000, "rps": rps,
                                  "cpu": cpu * 1000}
                    for k, v in this[mode].items():
                        results[mode][k].append(v)
                for k in ratios:
                    ratios[k].append(this["on"][k] / this["off"][k])
                print(f"round {r + 1}: off p50 {this['off']['p50']:.2f} ms, on p50 {this['on']['p50']:.2f} ms; "
                      f"off {this['off']['rps']:.0f} req/s, on {this['on']['rps']:.0f} req/s", flush=True)
    load = os.getloadavg()[0]
    print(f"\n{rounds} rounds x {requests} requests per measure; load average {load:.1f}; "
          f"{exported.spans} spans recorded while on")
    print("| | tracing off | tracing on (recording) | on/off (median of rounds; rounds) |")
    print("|---|---:|---:|---|")
    for k, label, unit in (("cpu", "CPU per request (client, gateway, planning)", "ms"),
                           ("p50", "sequential p50", "ms"), ("p95", "sequential p95", "ms"),
                           ("rps", "8 clients", "req/s")):
        off_v, on_v = statistics.median(results["off"][k]), statistics.median(results["on"][k])
        fmt = "{:.0f}" if k == "rps" else "{:.2f}"
        print(f"| {label}, {unit} | {fmt.format(off_v)} | {fmt.format(on_v)} | "
              f"{statistics.median(ratios[k]):.2f}x ({', '.join(f'{x:.2f}' for x in ratios[k])}) |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.requests))
