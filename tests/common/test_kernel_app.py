"""The app factory: Problem Details everywhere, request ids, health, readiness, metrics."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from services.common.app import create_service_app
from services.common.db import Session
from services.common.problems import Conflict
from services.planning.models import Plan
from tests.support import BACKEND, metrics, running, settings

router = APIRouter()


class Thing(BaseModel):
    name: str = Field(min_length=2)
    size: int = Field(ge=0)


@router.post("/things")
async def make_thing(thing: Thing):
    return thing


@router.get("/boom")
async def boom():
    raise RuntimeError("secret internal detail")


@router.get("/conflict")
async def conflict():
    raise Conflict("It was already done.", hint="reload")


@router.get("/needs")
async def needs(n: Annotated[int, Query()]):
    return {"n": n}


@router.get("/plans/{plan_id}")
async def a_plan(plan_id: int, session: Session):
    # a lookup by an id the client chose, as every service does
    return {"found": (await session.execute(select(Plan.id).where(Plan.id == plan_id))).first() is not None}


METRICS_TOKEN = "scraper-secret-for-tests"


async def app_client(databases):
    app = create_service_app(settings("planning", await databases.fresh("planning"), metrics_token=METRICS_TOKEN),
                             title="t", routers=[router])
    return running(app)


async def test_validation_errors_are_422_problems_with_field_errors(databases):
    async with await app_client(databases) as c:
        r = await c.post("/api/planning/things", json={"name": "x", "size": -1})
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
        body = r.json()
        assert body["type"].endswith("/validation-error") and body["status"] == 422 and body["detail"]
        assert {e["field"] for e in body["errors"]} == {"name", "size"}
        bad_json = await c.post("/api/planning/things", content=b"{not json",
                                headers={"content-type": "application/json"})
        assert bad_json.status_code == 422
        q = await c.get("/api/planning/needs", params={"n": "many"})
        assert q.status_code == 422 and q.json()["errors"][0]["field"] == "n"


async def test_unexpected_errors_are_500_problems_without_internals(databases):
    async with await app_client(databases) as c:
        r = await c.get("/api/planning/boom")
        assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
        assert "secret" not in r.text and "Traceback" not in r.text
        assert r.json()["request_id"] == r.headers["x-request-id"]


async def test_domain_problems_and_unknown_routes_are_problem_details(databases):
    async with await app_client(databases) as c:
        r = await c.get("/api/planning/conflict")
        assert r.status_code == 409 and r.json()["hint"] == "reload" and r.json()["detail"] == "It was already done."
        nf = await c.get("/api/planning/nowhere")
        assert nf.status_code == 404 and nf.headers["content-type"] == "application/problem+json"
        mna = await c.delete("/api/planning/things")
        assert mna.status_code == 405 and mna.json()["status"] == 405


async def test_request_ids_are_kept_when_sane_and_made_otherwise(databases):
    async with await app_client(databases) as c:
        assert (await c.get("/healthz", headers={"X-Request-ID": "abc-123"})).headers["x-request-id"] == "abc-123"
        made = (await c.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})).headers["x-request-id"]
        assert made != "bad id\nwith newline" and len(made) == 32


async def test_health_readiness_and_metrics(databases):
    async with await app_client(databases) as c:
        assert (await c.get("/healthz")).json() == {"status": "ok", "service": "planning"}
        ready = await c.get("/readyz")
        assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "migrations": "ok"}
        await c.get("/api/planning/needs", params={"n": 1})
        # the figures are for the scraper holding the metrics token, not for anyone who asks
        for refused in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {METRICS_TOKEN}"}):
            assert (await c.get("/metrics", headers=refused)).status_code == 404
        assert (await c.get("/api/planning/metrics")).status_code == 404
        m = await c.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert m.headers["content-type"].startswith("text/plain; version=")
        assert metrics.value(m.text, "yunguan_http_requests_total", service="planning", method="GET",
                             route="/api/planning/needs", status="200") == 1
        assert metrics.value(m.text, "yunguan_http_request_duration_seconds_count", service="planning",
                             method="GET", route="/api/planning/needs") == 1
        assert metrics.value(m.text, "process_resident_memory_bytes") > 0


async def test_readiness_fails_when_migrations_are_behind(databases, tmp_path):
    from services.common.migrate import upgrade

    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    await upgrade("planning", url, "base")
    app = create_service_app(settings("planning", url), title="t")
    async with running(app) as c:
        r = await c.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"]["migrations"] == "behind"


async def test_ids_no_column_can_hold_are_422_problems_not_500s(databases):
    async with await app_client(databases) as c:
        assert (await c.get("/api/planning/plans/5")).json() == {"found": False}
        for huge in (10**30, -(10**30)):
            r = await c.get(f"/api/planning/plans/{huge}")
            assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json", (huge, r.text)
            assert "out of range" in r.json()["detail"]
        # beyond a 32-bit column but inside 64 bits: PostgreSQL refuses it, SQLite simply finds nothing
        r = await c.get(f"/api/planning/plans/{2**40}")
        assert r.status_code == 422 if BACKEND == "postgresql" else r.json() == {"found": False}
