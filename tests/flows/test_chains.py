"""The cross-service chains, over real HTTP between real servers:

an issued plan's targets become KPI targets without retyping, and a measurement crossing a
warning value raises a risk alert for the people who dispatch over the unit.
"""

import asyncio
import time

import httpx

from tests.support import DEMO_IDS


async def eventually(probe, *, timeout=8.0):  # noqa: ASYNC109 - a deadline over many probes
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        assert time.monotonic() < deadline, "the other service never caught up"
        await asyncio.sleep(0.1)


async def test_plans_become_kpi_targets_and_kpi_crossings_become_risk_alerts(services):
    base = services
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

        # 1. the annual plan of 市场部 is issued; kpi creates its targets
        plan = (await http.post(f"{base['planning']}/api/planning/plans", headers=mgr, json={
            "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度运营计划",
            "targets": [{"indicator_code": "sales", "value": 31000, "unit": "万元"}]})).json()
        for who, action in ((mgr, "submit"), (ops, "approve"), (gm, "approve"), (gm, "issue")):
            r = await http.post(f"{base['planning']}/api/planning/plans/{plan['id']}/{action}", headers=who,
                                json={"comment": action})
            assert r.status_code == 200, r.text

        async def kpi_targets():
            r = await http.get(f"{base['kpi']}/api/kpi/targets", headers=mgr,
                               params={"unit_id": DEMO_IDS["MKT"], "period": "2027"})
            return [(t["indicator_code"], t["value"]) for t in r.json()["items"]] if r.status_code == 200 else []

        assert await eventually(kpi_targets) == [("sales", 31000.0)]

        # 2. a KRI watches customer satisfaction at 客户服务科; a bad month raises an alert
        risk = await http.post(f"{base['risk']}/api/risk/risks", headers=ops, json={
            "title": "客户满意度下滑", "category": "market", "unit_id": DEMO_IDS["OPS-CS"]})
        assert risk.status_code == 201, risk.text
        kri = await http.post(f"{base['risk']}/api/risk/kris", headers=ops, json={
            "risk_id": risk.json()["id"], "indicator_code": "customer_satisfaction", "unit_id": DEMO_IDS["OPS-CS"],
            "unit": "%", "warning": 85, "critical": 80, "direction": "below"})
        assert kri.status_code == 201, kri.text
        batch = await http.post(f"{base['kpi']}/api/kpi/measurements/batch", headers=ops, json=[
            {"indicator_code": "customer_satisfaction", "unit_id": DEMO_IDS["OPS-CS"], "period": "2027-01",
             "value": 90, "source": "crm"},
        ])
        assert batch.status_code == 200, batch.text
        await http.post(f"{base['kpi']}/api/kpi/measurements/batch", headers=ops, json=[
            {"indicator_code": "customer_satisfaction", "unit_id": DEMO_IDS["OPS-CS"], "period": "2027-02",
             "value": 83, "source": "crm"}])

        async def alerts():
            r = await http.get(f"{base['risk']}/api/risk/alerts", headers=ops, params={"mine": "true"})
            return r.json()["items"] if r.status_code == 200 else []

        raised = await eventually(alerts)
        assert [(a["indicator_code"], a["level"], a["status"]) for a in raised] == \
            [("customer_satisfaction", "warning", "open")]
