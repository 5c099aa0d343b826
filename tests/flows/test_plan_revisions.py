"""Across planning and kpi: a vetoed adjustment changes no kpi target; a balancing adjustment applied
to an issued plan does, as a new version of the plan."""

import httpx

from tests.flows.test_chains import eventually
from tests.support import DEMO_IDS


async def test_kpi_keeps_the_issued_target_through_a_vetoed_revision_and_takes_an_applied_balancing(services):
    base = services
    async with httpx.AsyncClient(timeout=10) as http:
        async def sign_in(user):
            r = await http.post(f"{base['org']}/api/org/auth/token",
                                data={"grant_type": "password", "username": user, "password": "Demo@2026"})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        mgr, ops, gm = await sign_in("market_mgr"), await sign_in("ops_director"), await sign_in("gm")

        async def synced():
            for s in ("planning", "kpi"):
                r = await http.get(f"{base[s]}/api/{s}/org-units", headers=ops)
                if r.status_code != 200 or len(r.json()["items"]) < 13:
                    return False
            return True

        await eventually(synced)
        plans = f"{base['planning']}/api/planning/plans"
        plan = (await http.post(plans, headers=mgr, json={
            "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度运营计划",
            "targets": [{"indicator_code": "sales", "value": 31000, "unit": "万元"}]})).json()

        async def act(who, action, **body):
            r = await http.post(f"{plans}/{plan['id']}/{action}", headers=who, json={"comment": action, **body})
            assert r.status_code == 200, r.text
            return r.json()

        for who, action in ((mgr, "submit"), (ops, "approve"), (gm, "approve"), (gm, "issue")):
            await act(who, action)

        async def kpi_target():
            r = await http.get(f"{base['kpi']}/api/kpi/targets", headers=mgr,
                               params={"unit_id": DEMO_IDS["MKT"], "period": "2027"})
            items = r.json()["items"] if r.status_code == 200 else []
            return items[0] if items else None

        assert (await eventually(kpi_target))["value"] == 31000

        # an adjustment to 26000 is drafted, submitted and vetoed
        await act(mgr, "revise")
        current = await http.get(f"{plans}/{plan['id']}", headers=mgr)
        r = await http.patch(f"{plans}/{plan['id']}", headers={**mgr, "If-Match": current.headers["etag"]},
                             json={"targets": [{"indicator_code": "sales", "value": 26000, "unit": "万元"}]})
        assert r.status_code == 200, r.text
        await act(mgr, "submit")
        assert (await act(gm, "veto", reason="维持原计划"))["status"] == "issued"

        # then 综合平衡 raises 市场部's target to 32000, applied by the general manager
        adj = await http.post(f"{base['planning']}/api/planning/consolidation/adjustments", headers=ops, json={
            "unit_id": DEMO_IDS["HDGAS"], "period": "2027", "plan_id": plan["id"], "indicator_code": "sales",
            "value": 32000, "reason": "公司目标缺口由市场部承担"})
        assert adj.status_code == 201, adj.text
        r = await http.post(f"{base['planning']}/api/planning/consolidation/adjustments/{adj.json()['id']}/apply",
                            headers=gm)
        assert r.status_code == 200, r.text

        async def balanced():
            t = await kpi_target()
            return t if t and t["value"] == 32000 else None

        target = await eventually(balanced)
        assert target["plan_version"] == 3  # after the vetoed revision 2, never reused
        history = (await http.get(f"{base['kpi']}/api/kpi/targets/{target['id']}/history", headers=mgr)).json()
        assert sorted(h["value"] for h in history["items"]) == [31000, 32000]  # 26000 never reached kpi
