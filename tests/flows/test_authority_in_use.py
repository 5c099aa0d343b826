"""The authority org resolves is the authority the other services enforce (real HTTP, the demo org)."""

import httpx

from tests.flows.test_org_read_model import sign_in_http, wait_for
from tests.support import bearer

CARD = {"name": "运营管理部管理人员年度考核", "subject_kind": "person",
        "items": [{"key": "team", "kind": "qualitative", "name": "团队管理", "weight": 50, "max_score": 10},
                  {"key": "process", "kind": "qualitative", "name": "流程优化", "weight": 50, "max_score": 10}]}


async def test_the_operations_director_assesses_the_operations_departments_own_managers_through_kpi(services):
    org, kpi = services["org"], services["kpi"]
    async with httpx.AsyncClient(timeout=10) as http:
        async def who(username):
            return bearer((await sign_in_http(http, org, username))["access_token"])

        director, supply_head, market_mgr = await who("ops_director"), await who("supply_head"), await who("market_mgr")
        units = {u["code"]: u for u in (await http.get(f"{org}/api/org/units", headers=director)).json()["items"]}
        ops = units["OPS"]

        async def kpi_knows_ops():
            r = await http.get(f"{kpi}/api/kpi/org-units", headers=director)
            return any(u["id"] == ops["id"] for u in r.json()["items"]) if r.status_code == 200 else False

        await wait_for(kpi_knows_ops, True)
        card = await http.post(f"{kpi}/api/kpi/scorecards", headers=director, json=CARD | {"unit_id": ops["id"]})
        assert card.status_code == 201, card.text
        body = {"scorecard_id": card.json()["id"], "unit_id": ops["id"], "period": "2026", "kind": "annual",
                "person_name": "运营管理部副部长"}
        for outsider in (supply_head, market_mgr):  # heads of other units: 运营管理部 is not below them
            refused = await http.post(f"{kpi}/api/kpi/assessments", headers=outsider, json=body)
            assert refused.status_code == 403, refused.text
        created = await http.post(f"{kpi}/api/kpi/assessments", headers=director, json=body)
        assert created.status_code == 201, created.text
        assert (created.json()["unit_id"], created.json()["person_name"]) == (ops["id"], "运营管理部副部长")
        # the explainer says why: 'subordinates' of a position that heads its unit reach the unit itself
        me = (await http.get(f"{org}/api/org/me", headers=director)).json()
        why = (await http.get(f"{org}/api/org/authz/explain", headers=director, params={
            "user_id": me["user"]["id"], "right": "assess", "unit_id": ops["id"]})).json()
        assert why["allowed"] is True
        assert [(g["scope"], g["heads_unit"], g["mode"]) for g in why["grants"]] == [("subordinates", True, "subtree")]
        assert "heads" in why["summary"]
