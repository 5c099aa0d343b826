"""建议权 over a superior's decisions works with the org as seeded: a specialist suggests on their
manager's plan (analyst → 市场部经理) and a branch general manager on the operations director's
company plan (branch_gm → 运营总监); both read the draft far enough to do it, and no further."""

import httpx

from tests.flows.test_chains import eventually
from tests.flows.test_org_read_model import sign_in_http
from tests.support import DEMO_IDS, bearer


async def test_suggestions_go_up_to_the_superior_whose_decision_it_is(services):
    base = services
    plans = f"{base['planning']}/api/planning/plans"
    async with httpx.AsyncClient(timeout=10) as http:
        who = {u: bearer((await sign_in_http(http, base["org"], u))["access_token"])
               for u in ("market_mgr", "ops_director", "analyst", "branch_gm", "supply_head")}

        async def synced():
            r = await http.get(f"{base['planning']}/api/planning/org-units", headers=who["ops_director"])
            return r.status_code == 200 and len(r.json()["items"]) >= 13

        await eventually(synced)
        for owner, unit, suggester, outsider in (("market_mgr", "MKT", "analyst", "supply_head"),
                                                 ("ops_director", "HDGAS", "branch_gm", "analyst")):
            created = await http.post(plans, headers=who[owner], json={
                "unit_id": DEMO_IDS[unit], "period": "2028", "title": f"{unit} 2028 年度计划",
                "targets": [{"indicator_code": "sales", "value": 100, "unit": "万元"}]})
            assert created.status_code == 201, created.text
            plan = created.json()
            seen = await http.get(f"{plans}/{plan['id']}", headers=who[suggester])
            assert seen.status_code == 200, (suggester, seen.text)
            assert "suggest" in seen.json()["allowed_actions"]
            r = await http.post(f"{plans}/{plan['id']}/suggest", headers=who[suggester],
                                json={"comment": "建议把渠道拓展列为重点任务"})
            assert r.status_code == 200, r.text
            # a draft stays out of sight of someone with no right over its unit
            assert (await http.get(f"{plans}/{plan['id']}", headers=who[outsider])).status_code == 404
            answered = await http.get(f"{plans}/{plan['id']}/suggestions", headers=who[owner])
            assert [s["text"] for s in answered.json()] == ["建议把渠道拓展列为重点任务"]
