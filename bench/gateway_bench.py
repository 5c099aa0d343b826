"""Gateway benchmark: the same service measured directly, through the gateway, through nginx.

    .venv/bin/python bench/gateway_bench.py            # about 6 minutes
    .venv/bin/python bench/gateway_bench.py --rounds 5 --duration 8

Starts, on 127.0.0.1 and free ports, all under one temporary folder:
  * a JWKS document server (a thread here) with a key generated for this run,
  * the planning service on SQLite (migrated first), with two probe routes added for the
    auth comparison (``/api/planning/bench/open`` and ``/api/planning/bench/me``),
  * the gateway exactly as ``python -m services.common.run gateway`` starts it,
  * nginx (one worker, keep-alive upstream) as the reference reverse proxy.
Then wrk measures, in alternating rounds (the order rotates every round so drift and
warm-up hit every target alike), and prints medians over the rounds:
  * ``GET /api/planning/audit?limit=1`` with an admin token (verify + database) at 16,
    1 and 64 connections: direct, gateway, nginx;
  * the probes at 16 connections, without and with a token, direct and via the gateway,
    and the token probe at 1 connection;
  * a trivial upstream (a raw ASGI app, routed as /api/kpi/ by both proxies) at 16 and 1
    connections: what the proxy itself costs when the service costs next to nothing.
Needs ``nginx`` and ``wrk`` (Debian: ``apt-get install -y nginx wrk``). Traffic stays on
loopback and every run is bounded by --rounds x --duration.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import free_port, serve_jwks, wait_http  # noqa: E402

PY = sys.executable
AUDIT = "/api/planning/audit?limit=1"
OPEN = "/api/planning/bench/open"
ME = "/api/planning/bench/me"
TRIVIAL = "/api/kpi/ping"


# --- the service under test, started in a subprocess with ``--serve-service`` ----------------

def serve_service(port: int) -> None:
    """The planning service plus two probe routes that differ only in requiring a token.

    (This file has no ``from __future__ import annotations``: FastAPI must see real types.)
    """
    import uvicorn
    from fastapi import APIRouter

    from services.common.security import CurrentPrincipal
    from services.common.settings import settings_for
    from services.planning.app import create_app

    settings = settings_for("planning", port=port)
    app = create_app(settings)
    probes = APIRouter(prefix="/api/planning/bench", tags=["bench"])

    @probes.get("/open")
    async def open_probe() -> dict:
        return {"sub": None, "ok": True}

    @probes.get("/me")
    async def me_probe(principal: CurrentPrincipal) -> dict:
        return {"sub": principal.sub, "ok": True}

    app.include_router(probes)
    uvicorn.run(app, host="127.0.0.1", port=port, loop="uvloop", http="httptools",
                log_config=None, access_log=False, timeout_graceful_shutdown=5)


def serve_trivial(port: int) -> None:
    """A raw ASGI app answering every path with the same small JSON: measures the proxy alone."""
    import uvicorn

    body = b'{"ok":true,"service":"trivial"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    uvicorn.run(app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", log_config=None,
                access_log=False, lifespan="off")


# --- helpers ---------------------------------------------------------------------------------







NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    upstream planning {{
        server 127.0.0.1:{service_port};
        keepalive 128;
    }}
    upstream trivial {{
        server 127.0.0.1:{trivial_port};
        keepalive 128;
    }}
    server {{
        listen 127.0.0.1:{port};
        location /api/kpi/ {{
            proxy_pass http://trivial;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Request-ID $request_id;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
        }}
        location / {{
            proxy_pass http://planning;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Request-ID $request_id;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
        }}
    }}
}}
"""


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    timeouts: int
    errors: int
    non2xx: int


@dataclass
class Series:
    results: list[Result] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.results)

    def total(self, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.results)


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(url: str, *, connections: int, duration: float, token: str | None) -> Result:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "2s"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = sum(int(sock.group(i)) for i in (1, 2, 3)) if sock else 0
    timeouts = int(sock.group(4)) if sock else 0
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return Result(rps, p50, p99, timeouts, errors, non2xx)


# --- the run ---------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--serve-service", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-trivial", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_service:
        serve_service(args.serve_service)
        return 0
    if args.serve_trivial:
        serve_trivial(args.serve_trivial)
        return 0

    missing = [tool for tool in ("nginx", "wrk") if shutil.which(tool) is None]
    if missing:
        print(f"missing: {', '.join(missing)}. Install with:\n"
              f"  sudo apt-get update && sudo apt-get install -y nginx wrk", file=sys.stderr)
        return 2

    load = _load()
    if load != "?" and float(load.split()[0]) > 0.7:
        print(f"# WARNING: load average {load} before the run: something else is using the CPUs, and a "
              f"proxy (one more process) suffers most from that. Figures will be low; rerun when idle.")

    from services.common.tokens import SigningKey

    work = Path(tempfile.mkdtemp(prefix="yunguan-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        key = SigningKey.generate()
        jwks_url = serve_jwks(key.public_jwk())
        now = int(time.time())
        token = key.sign({"sub": "1", "name": "bench admin", "iss": "yunguan-org", "aud": "yunguan",
                          "iat": now, "exp": now + 4 * 3600, "typ": "access",
                          "grants": [{"right": "admin", "unit_path": "/1/", "mode": "subtree",
                                      "held_at": "/1/", "via": "position:1"}]})

        service_port, trivial_port, gateway_port, nginx_port = free_port(), free_port(), free_port(), free_port()
        env = {**os.environ, "YUNGUAN_DATA_DIR": str(work / "data"), "YUNGUAN_JWKS_URL": jwks_url,
               "YUNGUAN_SERVICE_SECRET": secrets.token_urlsafe(32), "PYTHONPATH": str(ROOT)}
        subprocess.run([PY, "-m", "services.common.migrate", "upgrade", "planning"], env=env, cwd=ROOT,
                       check=True, capture_output=True)

        logs = work / "logs"
        logs.mkdir()
        procs.append(subprocess.Popen([PY, __file__, "--serve-service", str(service_port)], env=env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=open(logs / "service.log", "w")))
        procs.append(subprocess.Popen([PY, __file__, "--serve-trivial", str(trivial_port)], env=env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=open(logs / "trivial.log", "w")))
        public = [*_default_public_paths(), OPEN]
        gateway_env = {**env, "YUNGUAN_PORT": str(gateway_port),
                       "YUNGUAN_PLANNING_URL": f"http://127.0.0.1:{service_port}",
                       # The gateway's kpi route leads to the trivial app (so does nginx's /api/kpi/).
                       "YUNGUAN_KPI_URL": f"http://127.0.0.1:{trivial_port}",
                       # Limits stay on (their cost is measured) but far above what wrk sends.
                       "YUNGUAN_RATE_LIMIT_RPS": "1000000", "YUNGUAN_RATE_LIMIT_BURST": "1000000",
                       "YUNGUAN_PUBLIC_PATHS": json.dumps(public)}
        procs.append(subprocess.Popen([PY, "-m", "services.common.run", "gateway"], env=gateway_env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=open(logs / "gateway.log", "w")))
        ngx = work / "nginx"
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi"):
            (ngx / sub).mkdir(parents=True)
        (ngx / "nginx.conf").write_text(NGINX_CONF.format(dir=ngx, port=nginx_port, service_port=service_port,
                                                                  trivial_port=trivial_port))
        procs.append(subprocess.Popen(["nginx", "-p", str(ngx), "-c", str(ngx / "nginx.conf"),
                                       "-e", str(ngx / "error.log")],
                                      stdout=subprocess.DEVNULL, stderr=open(logs / "nginx.log", "w")))

        targets = {"direct": f"http://127.0.0.1:{service_port}",
                   "gateway": f"http://127.0.0.1:{gateway_port}",
                   "nginx": f"http://127.0.0.1:{nginx_port}"}
        for base in targets.values():
            wait_http(base + "/healthz")
        for name, base in targets.items():  # every path answers as expected before measuring
            _expect(base + AUDIT, token, 200, name)
            _expect(base + ME, token, 200, name)
            _expect(base + OPEN, None, 200, name)
        wait_http(f"http://127.0.0.1:{trivial_port}/healthz")
        for name, base in {**targets, "direct": f"http://127.0.0.1:{trivial_port}"}.items():
            _expect(base + TRIVIAL, token, 200, f"{name} (trivial)")

        print(f"# {os.cpu_count()} CPUs; service, gateway, nginx and wrk share them; load average {_load()}. "
              f"{args.rounds} rounds x {args.duration:g} s per measurement; medians shown.")
        for base in targets.values():  # warm-up: JWKS fetched, pools and caches filled
            wrk(base + AUDIT, connections=16, duration=2, token=token)

        # Groups of comparable measurements; within a group the order rotates every round.
        groups: dict[str, list[tuple[str, str, int, str | None]]] = {}
        for c in (16, 1, 64):
            groups[f"audit c{c}"] = [(f"audit c{c} {t}", targets[t] + AUDIT, c, token)
                                     for t in ("direct", "gateway", "nginx")]
        groups["probe c16"] = [(f"probe {kind} c16 {t}", targets[t] + path, 16, tok)
                               for t in ("direct", "gateway")
                               for kind, path, tok in (("open", OPEN, None), ("me", ME, token))]
        groups["probe c1"] = [(f"probe me c1 {t}", targets[t] + ME, 1, token)
                              for t in ("direct", "gateway", "nginx")]
        trivial = {**targets, "direct": f"http://127.0.0.1:{trivial_port}"}
        for c in (16, 1):
            groups[f"trivial c{c}"] = [(f"trivial c{c} {t}", trivial[t] + TRIVIAL, c, token)
                                       for t in ("direct", "gateway", "nginx")]
        series = {name: Series() for items in groups.values() for name, *_ in items}
        for r in range(args.rounds):
            for items in groups.values():
                shift = r % len(items)
                for name, url, conns, tok in items[shift:] + items[:shift]:
                    series[name].results.append(wrk(url, connections=conns, duration=args.duration, token=tok))
            print(f"# round {r + 1}/{args.rounds} done; load average {_load()}", flush=True)

        report(series)
        return 0
    finally:
        for p in reversed(procs):
            with contextlib.suppress(Exception):
                p.send_signal(signal.SIGTERM if p.args[0] != "nginx" else signal.SIGQUIT)
        for p in procs:
            with contextlib.suppress(Exception):
                p.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def _default_public_paths() -> list[str]:
    from gateway.settings import DEFAULT_PUBLIC_PATHS
    return list(DEFAULT_PUBLIC_PATHS)


def _expect(url: str, token: str | None, status: int, name: str) -> None:
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            got = r.status
    except urllib.error.HTTPError as exc:
        got = exc.code
    if got != status:
        raise SystemExit(f"{name}: {url} answered {got}, expected {status}")


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def report(series: dict[str, Series]) -> None:
    print()
    print(f"{'measurement':<24} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'timeouts':>9} {'errors':>7} {'non-2xx':>8}")
    for name, s in series.items():
        print(f"{name:<24} {s.median('rps'):>9.0f} {s.median('p50_ms'):>8.2f} {s.median('p99_ms'):>8.2f} "
              f"{s.total('timeouts'):>9} {s.total('errors'):>7} {s.total('non2xx'):>8}")

    def med(name: str, attr: str) -> float:
        return series[name].median(attr)

    def rounds(a: str, b: str, attr: str, op) -> str:
        pairs = zip(series[a].results, series[b].results, strict=False)
        return ", ".join(f"{op(getattr(x, attr), getattr(y, attr)):.2f}" for x, y in pairs)

    def ratio(x: float, y: float) -> float:
        return x / y

    def diff(x: float, y: float) -> float:
        return x - y

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    gw16 = med("audit c16 gateway", "rps") / med("audit c16 direct", "rps")
    ngx16 = med("audit c16 nginx", "rps") / med("audit c16 direct", "rps")
    gw16p = med("probe me c16 gateway", "rps") / med("probe me c16 direct", "rps")
    added = med("audit c1 gateway", "p50_ms") - med("audit c1 direct", "p50_ms")
    added_ngx = med("audit c1 nginx", "p50_ms") - med("audit c1 direct", "p50_ms")
    added_p = med("probe me c1 gateway", "p50_ms") - med("probe me c1 direct", "p50_ms")
    added_pn = med("probe me c1 nginx", "p50_ms") - med("probe me c1 direct", "p50_ms")
    g64 = series["audit c64 gateway"]
    t64, e64 = g64.total("timeouts"), g64.total("errors") + g64.total("non2xx")
    auth_direct = med("probe me c16 direct", "rps") / med("probe open c16 direct", "rps")
    auth_gw = med("probe me c16 gateway", "rps") / med("probe open c16 gateway", "rps")

    print()
    print(f"gateway/direct req/s, 16 connections: audit {gw16:.2f}x (rounds: "
          f"{rounds('audit c16 gateway', 'audit c16 direct', 'rps', ratio)}), cheap probe {gw16p:.2f}x; "
          f"nginx/direct audit {ngx16:.2f}x.  Goal >= 0.8x (audit): {verdict(gw16 >= 0.8)}; "
          f"on the probe: {verdict(gw16p >= 0.8)}")
    print(f"added p50, 1 connection: audit {added:+.2f} ms (rounds: "
          f"{rounds('audit c1 gateway', 'audit c1 direct', 'p50_ms', diff)}), cheap probe {added_p:+.2f} ms; "
          f"nginx {added_ngx:+.2f} / {added_pn:+.2f} ms.  Goal < 1 ms (audit): {verdict(added < 1.0)}; "
          f"on the probe: {verdict(added_p < 1.0)}")
    print(f"timeouts at 64 connections through the gateway: {t64} (errors and non-2xx: {e64}); direct "
          f"{series['audit c64 direct'].total('timeouts')}, nginx {series['audit c64 nginx'].total('timeouts')}."
          f"  Goal 0: {verdict(t64 == 0 and e64 == 0)}")
    print(f"authenticated/unauthenticated req/s (probes, 16 connections): direct {auth_direct:.2f}x, through "
          f"the gateway {auth_gw:.2f}x.  Goal >= 0.7x: {verdict(min(auth_direct, auth_gw) >= 0.7)}")
    print(f"the proxy alone (trivial upstream): gateway {med('trivial c16 gateway', 'rps'):.0f} req/s at 16 "
          f"connections (nginx {med('trivial c16 nginx', 'rps'):.0f}, direct {med('trivial c16 direct', 'rps'):.0f}); "
          f"added p50 at 1 connection: gateway "
          f"{med('trivial c1 gateway', 'p50_ms') - med('trivial c1 direct', 'p50_ms'):+.2f} ms, nginx "
          f"{med('trivial c1 nginx', 'p50_ms') - med('trivial c1 direct', 'p50_ms'):+.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
