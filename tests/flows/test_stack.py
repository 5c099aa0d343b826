"""The whole product as `make run` starts it: real processes, real HTTP, the gateway in front.

Proves: readiness through the gateway, the merged API docs, sign-in at the edge, the demo
seeds, a unit move reaching every service within 5 s, and a stopped service answering 503
Problem Details within 2 s while the others keep working.
"""

import time

import httpx
import pytest

from tests.support import product
from tools.stack import SERVICES


@pytest.fixture
async def stack(tmp_path):
    async with product(tmp_path) as s:
        yield s


async def test_the_running_product_works_end_to_end(stack):
    gw = f"http://127.0.0.1:{stack.ports['gateway']}"
    async with httpx.AsyncClient(base_url=gw, timeout=10) as c:
        ready = await c.get("/readyz")
        assert ready.status_code == 200, ready.text
        docs = (await c.get("/api/openapi.json")).json()
        for svc in SERVICES:
            assert any(p.startswith(f"/api/{svc}/") for p in docs["paths"]), svc
        assert (await c.get("/api/docs")).status_code == 200
        assert (await c.get("/api/org/me")).status_code == 401

        tok = await c.post("/api/org/auth/token", data={"grant_type": "password", "username": "admin",
                                                        "password": "Demo@2026"})
        assert tok.status_code == 200
        admin = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        units = {u["code"]: u for u in (await c.get("/api/org/units", headers=admin)).json()["items"]}

        async def read_models():
            out = {}
            for svc in ("planning", "kpi", "risk"):
                r = await c.get(f"/api/{svc}/org-units", headers=admin)
                out[svc] = {u["code"]: u["path"] for u in r.json()["items"]} if r.status_code == 200 else {}
            return out

        deadline = time.monotonic() + 20
        while any(m.get("MKT-RES") != units["MKT-RES"]["path"] for m in (await read_models()).values()):
            assert time.monotonic() < deadline, await read_models()
            await _sleep(0.2)

        # the planning demo seed: issued 2026 plans, visible to the analyst
        analyst = await c.post("/api/org/auth/token", data={"grant_type": "password", "username": "analyst",
                                                            "password": "Demo@2026"})
        ah = {"Authorization": f"Bearer {analyst.json()['access_token']}"}
        deadline = time.monotonic() + 20
        while True:
            plans = (await c.get("/api/planning/plans", headers=ah, params={"period": "2026"})).json()["items"]
            if plans:
                break
            assert time.monotonic() < deadline, "the planning demo data never appeared"
            await _sleep(0.3)
        assert {p["status"] for p in plans} == {"issued"}

        # 我的待办: a submitted plan waits for the operations director, through the gateway's fan-out
        mgr = await c.post("/api/org/auth/token", data={"grant_type": "password", "username": "market_mgr",
                                                        "password": "Demo@2026"})
        mh = {"Authorization": f"Bearer {mgr.json()['access_token']}"}
        plan = await c.post("/api/planning/plans", headers=mh, json={
            "unit_id": units["MKT"]["id"], "period": "2027", "title": "市场部2027年度运营计划",
            "targets": [{"indicator_code": "sales", "value": 31000}]})
        assert plan.status_code == 201, plan.text
        assert (await c.post(f"/api/planning/plans/{plan.json()['id']}/submit", headers=mh,
                             json={"comment": "请审核"})).status_code == 200
        ops = await c.post("/api/org/auth/token", data={"grant_type": "password", "username": "ops_director",
                                                        "password": "Demo@2026"})
        oh = {"Authorization": f"Bearer {ops.json()['access_token']}"}
        box = (await c.get("/api/me/inbox", headers=oh)).json()
        assert [p["id"] for p in box["pending_approvals"]] == [plan.json()["id"]] and box["errors"] == {}
        assert (await c.get("/api/me/inbox")).status_code == 401

        moved = await c.post(f"/api/org/units/{units['MKT']['id']}/move", headers=admin,
                             json={"parent_id": units["SZ"]["id"]})
        assert moved.status_code == 200
        new_path = f"{moved.json()['path']}{units['MKT-RES']['id']}/"
        started = time.monotonic()
        while any(m.get("MKT-RES") != new_path for m in (await read_models()).values()):
            assert time.monotonic() - started < 5, await read_models()
            await _sleep(0.1)

        stack.stop("planning")
        started = time.monotonic()
        down = await c.get("/api/planning/plans", headers=admin)
        assert down.status_code == 503 and time.monotonic() - started < 2
        assert down.headers["content-type"].startswith("application/problem+json")
        assert (await c.get("/api/org/me", headers=admin)).status_code == 200
        # the gateway itself stays ready (in the load balancer); its report names the service that is down
        assert (await c.get("/readyz")).status_code == 200
        assert (await c.get("/readyz/upstreams")).json()["down"] == ["planning"]
        box = (await c.get("/api/me/inbox", headers=oh)).json()
        assert box["pending_approvals"] == [] and "planning" in box["errors"]["pending_approvals"]
        assert "open_alerts" in box and "open_alerts" not in box["errors"]


async def _sleep(seconds):
    import asyncio

    await asyncio.sleep(seconds)
