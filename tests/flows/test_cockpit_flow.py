"""经营驾驶舱 through the gateway in front of the real services: the general manager's company, a department
manager's own department, and the unit they may not open."""

import contextlib

import httpx

from gateway.app import create_app as gateway_app
from gateway.settings import GatewaySettings
from tests.flows.test_chains import eventually
from tests.support import DEMO_IDS, serve


async def test_one_call_answers_every_part_for_the_unit_the_caller_may_view(services):
    gateway = gateway_app(GatewaySettings(**{f"{s}_url": url for s, url in services.items()},
                                          log_level="WARNING", rate_limit_rps=1000.0, rate_limit_burst=1000))
    async with contextlib.AsyncExitStack() as stack:
        gw = await stack.enter_async_context(serve(gateway))
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=gw, timeout=10))

        async def sign_in(user):
            r = await http.post("/api/org/auth/token",
                                data={"grant_type": "password", "username": user, "password": "Demo@2026"})
            return {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "zh-CN"}

        gm, mgr = await sign_in("gm"), await sign_in("market_mgr")

        async def synced():
            for s in ("planning", "kpi", "risk"):
                r = await http.get(f"/api/{s}/org-units", headers=gm)
                if r.status_code != 200 or len(r.json()["items"]) < 13:
                    return False
            return True

        await eventually(synced)
        r = await http.get("/api/me/cockpit", params={"period": "2026-Q4"}, headers=gm)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["errors"] == {} and body["scope"]["unit_id"] == DEMO_IDS["HDGAS"]
        assert all(body[part]["scope"] == body["scope"] for part in ("planning", "kpi", "risk"))
        assert body["kpi"]["attainment"]["drill"] == f"/kpi?unit_id={DEMO_IDS['HDGAS']}&period=2026-Q4"

        mine = (await http.get("/api/me/cockpit", headers=mgr)).json()
        assert mine["scope"]["unit_name"] == "市场部" and mine["errors"] == {}
        refused = await http.get("/api/me/cockpit", params={"unit": DEMO_IDS["HDGAS"]}, headers=mgr)
        assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
        assert "查看权" in refused.json()["detail"]
        bad = await http.get("/api/me/cockpit", params={"period": "2026-W12"}, headers=gm)
        assert bad.status_code == 422
