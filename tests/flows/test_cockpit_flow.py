"""经营驾驶舱 through the gateway in front of the real services: the general manager's company, a department
manager's own department, and the unit they may not open."""

import contextlib

from tests.flows.conftest import gateway_client, sign_in, until_units_synced
from tests.support import DEMO_IDS


async def test_one_call_answers_every_part_for_the_unit_the_caller_may_view(services):
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(gateway_client(services))

        gm, mgr = await sign_in(http, "gm"), await sign_in(http, "market_mgr")

        await until_units_synced(http, gm)
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
