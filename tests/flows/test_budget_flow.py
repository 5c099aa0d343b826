"""Across planning, kpi and risk: an issued plan's budget line becomes 市场部's budget, spend reported by a finance
system passes it, and the budget execution rate's warning reaches the risk register as a KRI alert."""

import httpx

from tests.flows.test_chains import eventually
from tests.support import DEMO_IDS


async def test_an_issued_budget_line_and_spend_past_it_end_in_a_warning_and_a_risk_alert(services):
    base = services
    mkt = DEMO_IDS["MKT"]
    async with httpx.AsyncClient(timeout=10) as http:
        async def sign_in(user):
            r = await http.post(f"{base['org']}/api/org/auth/token",
                                data={"grant_type": "password", "username": user, "password": "Demo@2026"})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        mgr, ops, gm = await sign_in("market_mgr"), await sign_in("ops_director"), await sign_in("gm")

        async def synced():
            for s in ("planning", "kpi", "risk"):
                r = await http.get(f"{base[s]}/api/{s}/org-units", headers=ops)
                if r.status_code != 200 or len(r.json()["items"]) < 13:
                    return False
            return True

        await eventually(synced)
        plans = f"{base['planning']}/api/planning/plans"
        plan = await http.post(plans, headers=mgr, json={
            "unit_id": mkt, "period": "2027", "title": "市场部2027年度运营计划",
            "targets": [{"indicator_code": "sales", "value": 31000, "unit": "万元"}],
            "resources": [{"kind": "budget", "description": "市场推广", "amount": 120, "amount_unit": "万元",
                           "budget_item": "marketing"}]})
        assert plan.status_code == 201, plan.text
        for who, action in ((mgr, "submit"), (ops, "approve"), (gm, "approve"), (gm, "issue")):
            r = await http.post(f"{plans}/{plan.json()['id']}/{action}", headers=who, json={"comment": action})
            assert r.status_code == 200, r.text

        async def budget():
            r = await http.get(f"{base['kpi']}/api/kpi/budgets/execution", headers=mgr,
                               params={"unit_id": mkt, "period": "2027"})
            return r.json() if r.status_code == 200 and r.json()["total"]["budget"] else None

        year = await eventually(budget)
        assert [(i["item_code"], i["budget"]) for i in year["items"]] == [("marketing", 1_200_000.0)]

        # the 运营总监 watches 市场部's budget execution rate in the risk register
        risk = await http.post(f"{base['risk']}/api/risk/risks", headers=ops, json={
            "title": "市场部费用超支", "category": "market", "unit_id": mkt})
        assert risk.status_code == 201, risk.text
        kri = await http.post(f"{base['risk']}/api/risk/kris", headers=ops, json={
            "risk_id": risk.json()["id"], "indicator_code": "budget_execution_rate", "unit_id": mkt, "unit": "%",
            "warning": 100, "critical": 120, "direction": "above"})
        assert kri.status_code == 201, kri.text

        # the market manager's sections spend 115,000 元 in January against 100,000 元 a month
        spent = await http.post(f"{base['kpi']}/api/kpi/budgets/actuals/batch", headers=mgr, json=[
            {"unit_id": DEMO_IDS["MKT-RES"], "period": "2027-01", "item_code": "marketing", "amount": 70_000,
             "source": "erp", "ref": "PZ-2701-01"},
            {"unit_id": DEMO_IDS["MKT-PLN"], "period": "2027-01", "item_code": "marketing", "amount": 45_000,
             "source": "erp"}])
        assert spent.status_code == 200 and spent.json()["overruns"] == 1, spent.text
        dashboard = await http.get(f"{base['kpi']}/api/kpi/evaluations", headers=mgr,
                                   params={"unit_id": mkt, "period": "2027-01"})
        rate = next(r for r in dashboard.json()["items"] if r["indicator_code"] == "budget_execution_rate")
        assert round(rate["actual"], 1) == 115.0 and rate["status"] == "amber"

        async def alerts():
            r = await http.get(f"{base['risk']}/api/risk/alerts", headers=ops, params={"mine": "true"})
            return [a for a in r.json()["items"] if a["indicator_code"] == "budget_execution_rate"] \
                if r.status_code == 200 else []

        raised = await eventually(alerts)
        assert [(a["level"], a["status"]) for a in raised] == [("warning", "open")]
