"""The product as it runs at scale, on one machine: two processes of every service and of the gateway, each
pair behind nginx round-robin, all on one PostgreSQL.

``replicated(tmp_path)`` migrates every database once (the processes run with YUNGUAN_RUN_MIGRATIONS=false,
as the Kubernetes Deployments do), starts nginx (a foreground child with its own configuration, pid, logs
and temp paths under tmp_path) and the ten processes on free ports, and waits for each /readyz. Every
service reaches every other through its nginx front (events, JWKS, service sign-in), as the gateway does,
so a killed replica is routed around for everyone. nginx logs each request with the upstream address(es)
it tried and its timing (``log_entries``), so a test can tell which 5xx answers were in flight on a
process it killed (``unexplained_errors``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.support import PG_BASE, drop_stack_databases, free_port
from tools.stack import ROOT, SERVICES

APPS = [*SERVICES, "gateway"]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
LOG_FORMAT = "$msec $request_time $status $request_method $uri \"$upstream_addr\" \"$upstream_status\""


@dataclass
class Replica:
    app: str
    index: int
    port: int
    proc: subprocess.Popen | None = None
    killed_at: float | None = None

    @property
    def name(self) -> str:
        return f"{self.app}-{self.index}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@dataclass
class LogEntry:
    front: str
    end: float
    duration: float
    status: int
    method: str
    uri: str
    upstreams: list[str]

    @property
    def start(self) -> float:
        return self.end - self.duration


@dataclass
class ReplicatedStack:
    workdir: Path
    env: dict[str, str]
    replicas: dict[str, list[Replica]] = field(default_factory=dict)
    fronts: dict[str, int] = field(default_factory=dict)
    nginx: subprocess.Popen | None = None
    # when every process was ready: what nginx logged before (replicas not started yet) is not judged
    serving_since: float = 0.0

    def url(self, app: str) -> str:
        """The nginx front of ``app`` (the gateway's is where clients go)."""
        return f"http://127.0.0.1:{self.fronts[app]}"

    def environment(self, replica: Replica) -> dict[str, str]:
        env = {**os.environ, **self.env, "YUNGUAN_PORT": str(replica.port)}
        for svc in SERVICES:
            env[f"YUNGUAN_{svc.upper()}_URL"] = self.url(svc)
        env["YUNGUAN_JWKS_URL"] = f"{self.url('org')}/api/org/.well-known/jwks.json"
        # org seeds the demo company on an empty database (see replicated: one replica of each starts first)
        env["YUNGUAN_DEMO"] = "1" if replica.app == "org" else "0"
        return env

    # --- nginx ------------------------------------------------------------------------------------------
    def nginx_config(self) -> str:
        tmp = self.workdir / "nginx"
        blocks = []
        for app in APPS:
            servers = "\n".join(f"    server {r.address} max_fails=1 fail_timeout=1s;" for r in self.replicas[app])
            blocks.append(f"""  upstream {app} {{
{servers}
  }}
  server {{
    listen 127.0.0.1:{self.fronts[app]};
    access_log {tmp}/{app}.log replicas;
    location / {{ proxy_pass http://{app}; }}
  }}""")
        body = "\n".join(blocks)
        return f"""worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 2048; }}
http {{
  log_format replicas '{LOG_FORMAT}';
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  client_max_body_size 20m;
  proxy_http_version 1.1;
  proxy_set_header Host $http_host;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_connect_timeout 2s;
  proxy_read_timeout 30s;
  # a refused connection (a killed replica) goes to the other one; a request already sent is never resent.
  # A failed server rests 1 s, then takes a request again: a replica that starts after nginx is not shunned.
  proxy_next_upstream error timeout;
{body}
}}
"""

    def launch_nginx(self) -> None:
        tmp = self.workdir / "nginx"
        tmp.mkdir(parents=True, exist_ok=True)
        tmp.chmod(0o777)  # nginx's workers (nobody, when started as root) write the temp paths
        conf = tmp / "nginx.conf"
        conf.write_text(self.nginx_config())
        subprocess.run([NGINX, "-t", "-q", "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log")],
                       check=True, capture_output=True)
        self.nginx = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "error.log"),
                                       "-g", "daemon off;"], start_new_session=True)

    async def wait_listening(self) -> None:
        """Until every nginx front accepts a connection."""
        assert self.nginx is not None
        tmp = self.workdir / "nginx"
        deadline = time.monotonic() + 15
        for port in self.fronts.values():
            while True:
                if self.nginx.poll() is not None:
                    raise RuntimeError(f"nginx exited: {(tmp / 'error.log').read_text()}")
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"nginx is not listening on {port}") from None
                    await asyncio.sleep(0.05)

    def log_entries(self) -> list[LogEntry]:
        entries = []
        for app in APPS:
            path = self.workdir / "nginx" / f"{app}.log"
            if not path.exists():
                continue
            for line in path.read_text().splitlines():
                msec, rt, status, method, uri, rest = line.split(" ", 5)
                addr = rest.split('" "')[0].strip('"')
                # "a, b" when nginx tried a then b; " : " between internal redirects
                # (an upstream group's name stands where no server was live)
                upstreams = [a for a in re.split(r"\s*,\s*|\s+:\s+", addr) if ":" in a]
                entries.append(LogEntry(app, float(msec), float(rt), int(status), method, uri, upstreams))
        return entries

    # --- processes --------------------------------------------------------------------------------------
    def migrate(self) -> None:
        env = self.environment(self.replicas["org"][0])
        subprocess.run([sys.executable, "-m", "services.common.migrate", "upgrade", *SERVICES], cwd=ROOT, env=env,
                       check=True)

    def start(self, replica: Replica) -> None:
        logs = self.workdir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        out = open(logs / f"{replica.name}.log", "ab")  # the child writes it for its life
        replica.proc = subprocess.Popen([sys.executable, "-m", "services.common.run", replica.app], cwd=ROOT,
                                        env=self.environment(replica), stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        out.close()

    async def wait_ready(self, replicas: list[Replica], timeout: float = 90) -> None:  # noqa: ASYNC109 - one deadline over many probes
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=3) as client:
            for r in replicas:
                while True:
                    if r.proc is not None and r.proc.poll() is not None:
                        log = (self.workdir / "logs" / f"{r.name}.log").read_text()[-2000:]
                        raise RuntimeError(f"{r.name} exited with code {r.proc.returncode}: {log}")
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(f"http://{r.address}/readyz")).status_code == 200:
                            break
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{r.name} was not ready within {timeout:.0f} s")
                    await asyncio.sleep(0.2)

    def kill(self, replica: Replica) -> None:
        """kill -9: no graceful shutdown, requests in flight are cut, leases are left to expire."""
        assert replica.proc is not None
        replica.killed_at = time.time()
        os.killpg(replica.proc.pid, signal.SIGKILL)
        replica.proc.wait()

    def stop_all(self) -> None:
        procs = [r.proc for rs in self.replicas.values() for r in rs if r.proc is not None]
        if self.nginx is not None:
            procs.append(self.nginx)
        for p in procs:
            if p.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait()

    # --- what the log says ------------------------------------------------------------------------------
    def unexplained_errors(self, slack: float = 0.05) -> tuple[list[LogEntry], list[LogEntry]]:
        """(explained, unexplained) 5xx answers in the nginx logs since the stack was serving. Explained: sent
        to a replica that was killed while the request was in flight, or (a request of one service to another,
        or the gateway's to a service) one whose time span holds an explained 5xx answer it waited on."""
        killed = {r.address: r.killed_at for rs in self.replicas.values() for r in rs if r.killed_at is not None}
        errors = [e for e in self.log_entries() if e.status >= 500 and e.start >= self.serving_since]
        explained: list[LogEntry] = []
        for e in errors:
            if any(a in killed and e.start - slack <= killed[a] <= e.end + slack for a in e.upstreams):
                explained.append(e)
        changed = True
        while changed:
            changed = False
            for e in errors:
                if e in explained:
                    continue
                if any(x.front != e.front and e.start - slack <= x.start and x.end <= e.end + slack for x in explained):
                    explained.append(e)
                    changed = True
        return explained, [e for e in errors if e not in explained]


@contextlib.asynccontextmanager
async def replicated(tmp_path: Path, *, count: int = 2, **env: str) -> AsyncIterator[ReplicatedStack]:
    """``count`` processes of each service and of the gateway, behind nginx, on the test run's PostgreSQL."""
    if not PG_BASE:
        raise RuntimeError("the replicated stack runs on PostgreSQL (YUNGUAN_TEST_DATABASE_URL)")
    prefix = f"yr_{secrets.token_hex(4)}_"
    stack = ReplicatedStack(workdir=tmp_path, env={
        "YUNGUAN_DATABASE_URL": PG_BASE, "YUNGUAN_DATABASE_PREFIX": prefix,
        "YUNGUAN_DATA_DIR": str(tmp_path / "data"), "YUNGUAN_SERVICE_SECRET": secrets.token_hex(32),
        "YUNGUAN_RUN_MIGRATIONS": "false", "YUNGUAN_LOG_LEVEL": "WARNING",
        "YUNGUAN_ARGON2_TIME_COST": "1", "YUNGUAN_ARGON2_MEMORY_KIB": "1024",
        "YUNGUAN_RELAY_INTERVAL": "0.2", "YUNGUAN_RELAY_BACKOFF_BASE": "0.2", "YUNGUAN_RELAY_BACKOFF_MAX": "1",
        "YUNGUAN_RELAY_TIMEOUT": "5", "YUNGUAN_REVOCATION_REFRESH_SECONDS": "1",
        "YUNGUAN_UPSTREAM_TIMEOUT": "10", "YUNGUAN_RATE_LIMIT_RPS": "10000", "YUNGUAN_RATE_LIMIT_BURST": "10000",
        "YUNGUAN_TRUSTED_PROXIES": '["127.0.0.1"]', "YUNGUAN_NOTIFY_DISPATCH_ENABLED": "false",
        "YUNGUAN_DB_POOL_SIZE": "5", "YUNGUAN_DB_MAX_OVERFLOW": "5", **env})
    stack.replicas = {app: [Replica(app, i + 1, free_port()) for i in range(count)] for app in APPS}
    stack.fronts = {app: free_port() for app in APPS}
    try:
        stack.migrate()
        stack.launch_nginx()
        await stack.wait_listening()
        # the first replica of each service before the second: a service seeds its defaults on an empty
        # database at start-up (org the demo company, planning its approval flows), and two at once collide
        for wave in range(count):
            batch = [stack.replicas[app][wave] for app in SERVICES]
            for r in batch:
                stack.start(r)
            await stack.wait_ready(batch)
        for r in stack.replicas["gateway"]:
            stack.start(r)
        await stack.wait_ready(stack.replicas["gateway"])
        stack.serving_since = time.time()
        yield stack
    finally:
        stack.stop_all()
        await drop_stack_databases(prefix, SERVICES)
