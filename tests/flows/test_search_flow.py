"""全局搜索 through the gateway in front of the real services: one query finds plans, risks, indicators and people
across services, each only where the caller may see it; a service that stops answering is named."""

import contextlib

from tests.flows.conftest import gateway_client, sign_in, until_units_synced
from tests.support import DEMO_IDS


async def test_one_search_finds_across_services_what_the_caller_may_see_and_no_more(services):
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(gateway_client(services))

        people = {u: await sign_in(http, u) for u in ("market_mgr", "branch_gm")}
        mgr = people["market_mgr"]

        await until_units_synced(http, mgr)
        plan = (await http.post("/api/planning/plans", headers=mgr, json={
            "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度拓展计划",
            "targets": [{"indicator_code": "sales", "value": 31000}]})).json()
        risk = (await http.post("/api/risk/risks", headers=mgr, json={
            "title": "市场拓展受阻", "category": "market", "unit_id": DEMO_IDS["MKT"]})).json()

        async def search(user, q):
            r = await http.get("/api/me/search", params={"q": q}, headers=people[user])
            assert r.status_code == 200, r.text
            assert r.json()["errors"] == {} and r.json()["partial"] is False, r.text
            return r.json()["groups"]

        found = await search("market_mgr", "拓展")
        assert [(h["id"], h["url"]) for h in found["plan"]] == [(plan["id"], f"/plans/{plan['id']}")]
        assert [(h["id"], h["url"]) for h in found["risk"]] == [(risk["id"], f"/risk/{risk['id']}")]
        assert list(found) == ["plan", "task", "indicator", "action", "finding", "risk", "alert", "person", "unit"]
        found = await search("market_mgr", "市场")
        assert "市场份额" in [h["title"] for h in found["indicator"]]
        assert "张市场部经理" in [h["title"] for h in found["person"]]
        assert "市场部" in [h["title"] for h in found["unit"]]
        # another branch's manager: neither 市场部's draft nor its risk, nor its people; the library and the
        # org chart are everyone's
        theirs = await search("branch_gm", "拓展")
        assert theirs["plan"] == [] and theirs["risk"] == []
        theirs = await search("branch_gm", "市场")
        assert theirs["person"] == [] and "市场份额" in [h["title"] for h in theirs["indicator"]]
