"""An anomaly rule's follow-up, over real HTTP: kpi asks org who heads the unit and the follow-up is
theirs, for the measured period."""


import httpx

from services.common import clock
from tests.flows.test_chains import eventually
from tests.support import DEMO_IDS


async def test_an_order_delay_over_five_days_opens_one_follow_up_owned_by_the_unit_s_head(services):
    base = services
    async with httpx.AsyncClient(timeout=10) as http:
        async def sign_in(user):
            r = await http.post(f"{base['org']}/api/org/auth/token",
                                data={"grant_type": "password", "username": user, "password": "Demo@2026"})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        admin, ops = await sign_in("admin"), await sign_in("ops_director")

        async def synced():
            r = await http.get(f"{base['kpi']}/api/kpi/org-units", headers=ops)
            return r.status_code == 200 and len(r.json()["items"]) >= 13

        await eventually(synced)
        rule = await http.post(f"{base['kpi']}/api/kpi/anomaly-rules", headers=admin, json={
            "indicator_code": "order_delay_days", "operator": "gt", "value": 5, "follow_up": "meeting",
            "title": "订单延期超过5天（{period}）"})
        assert rule.status_code == 201, rule.text
        month = clock.today().strftime("%Y-%m")
        r = await http.post(f"{base['kpi']}/api/kpi/measurements/batch", headers=ops, json=[
            {"indicator_code": "order_delay_days", "unit_id": DEMO_IDS["OPS-CS"], "period": month, "value": 7,
             "source": "erp"}])
        assert r.status_code == 200, r.text
        me = (await http.get(f"{base['org']}/api/org/me", headers=ops)).json()["user"]
        [action] = (await http.get(f"{base['kpi']}/api/kpi/actions", headers=ops)).json()["items"]
        # 客户服务科 has no head of its own: the operations director heads 运营管理部 above it
        assert (action["owner_id"], action["owner_name"], action["period"]) == (me["id"], "李运营总监", month)
        assert action["title"] == f"订单延期超过5天（{month}）"
