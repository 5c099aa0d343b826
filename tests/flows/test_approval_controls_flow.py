"""Approval controls across the real services (issue 23): an approver transfers a plan's stage (转办) and the
transferee finds it in 我的待办 and in the notification centre (待您审批, with the reason) while the transferer no
longer does; a person copied on the plan (抄送) is told and may open it; withdrawn (撤回), the transferee hears it
and it leaves their 我的待办."""

from __future__ import annotations

from tests.flows.conftest import gateway_client, notifications, sign_in, until_units_synced
from tests.flows.test_chains import eventually
from tests.support import DEMO_IDS

COMPANY_REVIEW = {"key": "company_review", "name": "公司审批", "right": "plan", "over": "company", "held_in": None,
                  "signers": "any"}
LEADERSHIP = {"key": "leadership", "name": "公司高层审批", "right": "plan", "over": "company", "held_in": "company",
              "signers": "any"}


async def test_a_transferred_stage_reaches_the_transferee_and_a_copy_reaches_the_copied(services):
    async with gateway_client(services) as http:
        admin, mgr, ops, gm, branch = [await sign_in(http, u) for u in
                                       ("admin", "market_mgr", "ops_director", "gm", "branch_gm")]
        await until_units_synced(http, ops)
        flow = await http.get("/api/planning/flows/annual", headers=admin)
        r = await http.patch("/api/planning/flows/annual", headers={**admin, "If-Match": flow.headers["etag"]},
                             json={"stages": [COMPANY_REVIEW, LEADERSHIP]})
        assert r.status_code == 200, r.text
        plan = (await http.post("/api/planning/plans", headers=mgr, json={
            "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度运营计划",
            "targets": [{"indicator_code": "sales", "value": 31000}]})).json()
        link = f"/plans/{plan['id']}"
        r = await http.post(f"/api/planning/plans/{plan['id']}/submit", headers=mgr, json={"comment": "请审核"})
        assert r.status_code == 200, r.text

        async def inbox_ids(who) -> list[int]:
            r = await http.get("/api/me/inbox", headers=who)
            assert r.status_code == 200, r.text
            return [p["id"] for p in r.json()["pending_approvals"]]

        assert plan["id"] in await inbox_ids(ops) and plan["id"] in await inbox_ids(gm)
        me = (await http.get("/api/org/me", headers=gm)).json()["user"]["id"]
        r = await http.post(f"/api/planning/plans/{plan['id']}/transfer",
                            headers={**ops, "If-Match": r.headers["etag"]},
                            json={"to_user_id": me, "reason": "本周出差，请总经理审批"})
        assert r.status_code == 200, r.text
        assert plan["id"] not in await inbox_ids(ops) and plan["id"] in await inbox_ids(gm)

        async def transferred():
            return [n for n in await notifications(http, gm)
                    if n["link"] == link and n["topic"] == "planning.plan.transferred"]

        [n] = await eventually(transferred, timeout=20)
        assert n["title"] == "待您审批：市场部《市场部2027年度运营计划》"
        assert "转办给您" in n["body"] and "本周出差，请总经理审批" in n["body"]

        # the submitter copies 苏州分公司's manager, who holds nothing over 市场部
        assert (await http.get(f"/api/planning/plans/{plan['id']}", headers=branch)).status_code == 404
        branch_id = (await http.get("/api/org/me", headers=branch)).json()["user"]["id"]
        r = await http.post(f"/api/planning/plans/{plan['id']}/cc", headers=mgr,
                            json={"user_ids": [branch_id], "comment": "供分公司参考"})
        assert r.status_code == 200, r.text

        async def copied():
            return [n for n in await notifications(http, branch) if n["link"] == link]

        [c] = await eventually(copied, timeout=20)
        assert c["title"] == "抄送给您：市场部《市场部2027年度运营计划》" and "供分公司参考" in c["body"]
        seen = await http.get(f"/api/planning/plans/{plan['id']}", headers=branch)
        assert seen.status_code == 200 and "approve" not in seen.json()["allowed_actions"]

        # a transfer is no decision: the submitter may still withdraw, and the transferee hears it
        r = await http.post(f"/api/planning/plans/{plan['id']}/withdraw", headers=mgr, json={"comment": "补充预算"})
        assert r.status_code == 200 and r.json()["status"] == "draft", r.text
        assert plan["id"] not in await inbox_ids(gm)

        async def withdrawn():
            return [n for n in await notifications(http, gm)
                    if n["link"] == link and n["topic"] == "planning.plan.withdrawn"]

        [w] = await eventually(withdrawn, timeout=20)
        assert w["title"] == "已撤回：市场部《市场部2027年度运营计划》" and "“公司审批”环节无需再审批" in w["body"]
