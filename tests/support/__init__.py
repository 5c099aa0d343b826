"""Test support: a fresh, migrated database per test on SQLite or PostgreSQL, apps over ASGI.

``YUNGUAN_TEST_DATABASE_URL=postgresql+asyncpg://user@host:port/`` runs every test on
PostgreSQL (one throw-away database per test, cloned from a migrated template);
unset, each test gets its own SQLite file copied from a migrated template.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from services.common import webhooks
from services.common.authz import Grant
from services.common.migrate import upgrade
from services.common.service_auth import event_signing_secret
from services.common.settings import DEMO_SERVICE_SECRET, ServiceSettings
from services.common.tokens import JwksCache, KeySet, SigningKey

PG_BASE = os.environ.get("YUNGUAN_TEST_DATABASE_URL", "")
BACKEND = "postgresql" if PG_BASE else "sqlite"

# One key per test run signs the tokens services are given in tests (org signs its own).
TEST_KEY = SigningKey.generate("test-key")
ISSUER, AUDIENCE = "yunguan-org", "yunguan"

FAST_HASH = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}


def settings(service: str, url: str, **kw: Any) -> ServiceSettings:
    base = {"service": service, f"{service}_database_url": url, "log_json": True, "log_level": "WARNING",
            "allow_demo_secret": True, "relay_enabled": False, **FAST_HASH,
            # a rotated signing key signs at once (tests of the activation window set their own)
            "key_activation_seconds": 0,
            # Nothing listens on the discard port: a test never reaches a stack running on 8001-8004.
            **{f"{s}_url": "http://127.0.0.1:9" for s in ("org", "planning", "kpi", "risk")},
            "jwks_url": "http://127.0.0.1:9/jwks.json"}
    base.update(kw)
    return ServiceSettings(**base)


async def _pg(sql: str, *args) -> Any:
    import asyncpg

    u = make_url(PG_BASE)
    conn = await asyncpg.connect(user=u.username, password=u.password, host=u.host, port=u.port or 5432,
                                 database="postgres")
    try:
        return await conn.execute(sql, *args)
    finally:
        await conn.close()


class Databases:
    """Migrated templates, made once per test run, cloned for every test."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.templates: dict[str, str] = {}
        self.created: list[str] = []

    async def template(self, service: str, prepare=None) -> str:
        key = service if prepare is None else f"{service}_{prepare.__name__}"
        if key in self.templates:
            return self.templates[key]
        if BACKEND == "sqlite":
            url = f"sqlite+aiosqlite:///{self.workdir / ('tmpl_' + key + '.db')}"
        else:
            name = f"yt_tmpl_{key}_{uuid.uuid4().hex[:6]}"
            url = PG_BASE + name
            self.created.append(name)
        await upgrade(service, url)
        if prepare is not None:
            await prepare(url)
        self.templates[key] = url
        return url

    async def fresh(self, service: str, prepare=None) -> str:
        tmpl = await self.template(service, prepare)
        if BACKEND == "sqlite":
            src = Path(make_url(tmpl).database)
            dst = self.workdir / f"{service}_{uuid.uuid4().hex[:8]}.db"
            shutil.copyfile(src, dst)
            return f"sqlite+aiosqlite:///{dst}"
        name = f"yt_{service}_{uuid.uuid4().hex[:10]}"
        await _pg(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(tmpl).database}"')
        self.created.append(name)
        return PG_BASE + name

    async def drop_all(self) -> None:
        if BACKEND != "postgresql":
            return
        for name in reversed(self.created):
            with contextlib.suppress(Exception):
                await _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def sign_internal_events(request: httpx.Request) -> None:
    """Sign a test's POST to a service's ``/events`` as the relay of the event's source would
    (Standard Webhooks, the source's derived secret), unless the test set a signature itself."""
    if request.method != "POST" or not request.url.path.endswith("/events") or "webhook-signature" in request.headers:
        return
    body = request.read()
    try:
        source = json.loads(body).get("source")
    except (ValueError, AttributeError):
        return
    if isinstance(source, str):
        event_id = str(json.loads(body).get("id", "unknown"))
        request.headers.update(webhooks.headers(event_signing_secret(DEMO_SERVICE_SECRET, source), event_id, body))


@contextlib.asynccontextmanager
async def running(app, *, base_url: str = "http://test") -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan and give an HTTP client talking to it over ASGI (internal
    events it posts are signed as their source service would sign them)."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url, timeout=30,
                                     event_hooks={"request": [sign_internal_events]}) as client:
            client.app = app
            yield client


def use_test_keys(app) -> None:
    """Make a (non-org) service trust tokens signed with TEST_KEY."""
    app.state.jwks = JwksCache.static(KeySet.of(TEST_KEY))


# Test modules build their tokens when they are imported; a whole run on a busy machine can take
# longer than a real access token lives (15 min), so test tokens live for the run.
def make_token(*grants: Grant | tuple, sub: str = "900", name: str = "Tester", key: SigningKey = TEST_KEY,
               lifetime: int = 6 * 3600, **claims: Any) -> str:
    now = int(time.time())
    gs = [g if isinstance(g, Grant) else Grant(*g) for g in grants]
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "name": name, "typ": "access", "iat": now, "nbf": now,
            "exp": now + lifetime, "grants": [g.to_claim() for g in gs]}
    body.update(claims)
    return key.sign(body)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextlib.asynccontextmanager
async def serve(app, *, port: int = 0, **config: Any) -> AsyncIterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 in this event loop (real sockets); yield its base URL."""
    import asyncio

    import uvicorn

    config.setdefault("proxy_headers", False)  # as services.common.run serves them
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False,
                                           lifespan="on", timeout_graceful_shutdown=1, **config))
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 15
    while not server.started:
        if task.done():
            task.result()  # surface a start-up failure
            raise RuntimeError("server stopped before it started")
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start")
        await asyncio.sleep(0.005)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{bound}"
    finally:
        server.should_exit = True
        await task


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """A real HTTP endpoint that records what it is sent; it can fail on purpose."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.fail_with: int | None = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                if msg["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif msg["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        status = self.fail_with or 200
        if status == 200:
            self.received.append({"path": scope["path"], "body": body,
                                  "headers": {k.decode(): v.decode() for k, v in scope["headers"]}})
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"{}"})

    def events(self) -> list[dict[str, Any]]:
        import json

        return [json.loads(r["body"]) for r in self.received]


# The demo company as org seeds it on an empty database (ids in creation order).
DEMO_UNITS = [
    # id, parent, code, name, kind
    (1, None, "HDGAS", "华东燃气有限公司", "company"),
    (2, 1, "OPS", "运营管理部", "department"),
    (3, 2, "OPS-SUP", "供应科", "section"),
    (4, 2, "OPS-DIS", "调度科", "section"),
    (5, 2, "OPS-SAF", "安全科", "section"),
    (6, 2, "OPS-CS", "客户服务科", "section"),
    (7, 1, "MKT", "市场部", "department"),
    (8, 7, "MKT-RES", "市场调研组", "team"),
    (9, 7, "MKT-PLN", "市场策划组", "team"),
    (10, 1, "FIN", "财务部", "department"),
    (11, 1, "SZ", "苏州分公司", "branch"),
    (12, 11, "SZ-SALES", "销售部", "department"),
    (13, 11, "SZ-CS", "客服部", "department"),
]


def demo_unit_rows() -> list[dict[str, Any]]:
    paths: dict[int, str] = {}
    rows = []
    for uid, parent, code, name, kind in DEMO_UNITS:
        paths[uid] = (paths[parent] if parent else "/") + f"{uid}/"
        rows.append({"id": uid, "parent_id": parent, "code": code, "name": name, "kind": kind,
                     "path": paths[uid], "version": 1})
    return rows


DEMO_PATHS = {r["code"]: r["path"] for r in demo_unit_rows()}
DEMO_IDS = {r["code"]: r["id"] for r in demo_unit_rows()}


async def load_demo_units(app) -> None:
    """Fill a (non-org) service's org read-model with the demo tree, as a resync would."""
    from services.common.org_units import replace_all

    async with app.state.db.writer() as s:
        await replace_all(s, app.state.org_unit_model, demo_unit_rows())
        await s.commit()


def stack_databases(env: dict[str, str], tag: str) -> str:
    """Point a process stack's ``env`` at the run's backend: PostgreSQL databases under a fresh
    prefix (returned), or SQLite files in the stack's data folder."""
    prefix = f"{tag}_{uuid.uuid4().hex[:8]}_"
    if BACKEND == "postgresql":
        env.update({"YUNGUAN_DATABASE_URL": PG_BASE, "YUNGUAN_DATABASE_PREFIX": prefix})
    else:
        os.environ.pop("YUNGUAN_DATABASE_URL", None)
    return prefix


async def drop_stack_databases(prefix: str, services: Iterable[str]) -> None:
    """Drop the PostgreSQL databases a stack made under ``prefix`` (SQLite files go with tmp_path)."""
    if BACKEND == "postgresql":
        for svc in services:
            await _pg(f'DROP DATABASE IF EXISTS "{prefix}{svc}" WITH (FORCE)')


@contextlib.asynccontextmanager
async def service_processes(tmp_path: Path, env: dict[str, str], *, tag: str) -> AsyncIterator[Any]:
    """The four services as processes (tools.stack) on free ports and throw-away data, with ``env``; the
    stack's ``dbs`` open each service's database for the test. Stopped, and PostgreSQL databases dropped,
    afterwards."""
    from services.common.db import Database
    from services.common.settings import service_database_url
    from tools.stack import SERVICES, Stack

    ports = {name: free_port() for name in SERVICES}
    env = {"YUNGUAN_DATA_DIR": str(tmp_path / "data"), "YUNGUAN_LOG_LEVEL": "WARNING", **env}
    prefix = stack_databases(env, tag)
    s = Stack(env=env, ports=ports, log_dir=tmp_path / "logs")
    s.migrate()
    s.dbs = {svc: Database(service_database_url(env.get("YUNGUAN_DATABASE_URL", ""), svc, tmp_path / "data", prefix))
             for svc in SERVICES}
    for svc in SERVICES:
        s.start(svc)
    try:
        await s.wait_ready(SERVICES, timeout=90)
        yield s
    finally:
        for svc in SERVICES[::-1]:
            if svc in s.procs:
                s.stop(svc)
        for db in s.dbs.values():
            await db.dispose()
        await drop_stack_databases(prefix, SERVICES)


@contextlib.asynccontextmanager
async def product(tmp_path: Path, **env: str) -> AsyncIterator[Any]:
    """The whole product as processes (tools.stack): free ports, throw-away data, the demo company,
    SQLite files or PostgreSQL databases (dropped afterwards) as the test run is configured."""
    from tools.stack import SERVICES, Stack

    ports = {name: free_port() for name in [*SERVICES, "gateway"]}
    env = {"YUNGUAN_DEMO": "1", "YUNGUAN_DATA_DIR": str(tmp_path / "data"), "YUNGUAN_LOG_LEVEL": "WARNING",
           "YUNGUAN_RELAY_INTERVAL": "0.2", "YUNGUAN_UPSTREAM_TIMEOUT": "3", **env}
    prefix = stack_databases(env, "ys")
    s = Stack(env=env, ports=ports, log_dir=tmp_path / "logs")
    s.migrate()
    s.start_all()
    try:
        await s.wait_ready(timeout=90)
        yield s
    finally:
        s.stop_all()
        await drop_stack_databases(prefix, SERVICES)
