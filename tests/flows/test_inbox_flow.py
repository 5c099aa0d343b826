"""我的待办 through the gateway in front of the real services: each person sees what waits on them, and
nothing that waits on someone else; items name their plan, risk and indicator."""

import contextlib
from datetime import timedelta

from services.common import clock
from tests.flows.conftest import gateway_client, sign_in, until_units_synced
from tests.support import DEMO_IDS

EMPTY = {"pending_approvals": [], "suggestions_to_answer": [], "plans_to_rework": [], "my_tasks": [],
         "overdue_tasks": [], "open_alerts": [], "risk_actions": [], "my_actions": [],
         "audit_steps": [],
         "improvement_steps": [],
         "proposals_to_review": [], "rewards_to_grant": [],
         "inspections_to_do": [], "sanctions_to_confirm": [],
         "training_to_approve": [], "certifications_expiring": []}


async def test_each_person_sees_what_waits_on_them_and_nothing_else(services):
    async with contextlib.AsyncExitStack() as stack:
        http = await stack.enter_async_context(gateway_client(services))

        people = {u: await sign_in(http, u) for u in ("market_mgr", "ops_director", "analyst", "branch_gm")}
        mgr, ops, analyst = people["market_mgr"], people["ops_director"], people["analyst"]
        analyst_id = (await http.get("/api/org/me", headers=analyst)).json()["user"]["id"]

        await until_units_synced(http, ops)

        async def box(user):
            r = await http.get("/api/me/inbox", headers=people[user])
            assert r.status_code == 200 and r.json()["errors"] == {}, r.text
            return r.json()

        # 市场部's plan is submitted; the operations director reviews it and makes a suggestion
        plan = (await http.post("/api/planning/plans", headers=mgr, json={
            "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度运营计划",
            "targets": [{"indicator_code": "sales", "value": 31000}]})).json()
        for who, action, comment in ((mgr, "submit", "请审核"), (ops, "suggest", "建议增加线上渠道投入")):
            r = await http.post(f"/api/planning/plans/{plan['id']}/{action}", headers=who, json={"comment": comment})
            assert r.status_code == 200, r.text
        # a risk measure for the analyst, an improvement action on customer satisfaction for the analyst
        risk = (await http.post("/api/risk/risks", headers=mgr, json={
            "title": "竞品降价", "category": "market", "unit_id": DEMO_IDS["MKT"], "owner_id": analyst_id})).json()
        r = await http.post(f"/api/risk/risks/{risk['id']}/actions", headers=mgr,
                            json={"title": "跟踪竞品价格", "owner_id": analyst_id})
        assert r.status_code == 201, r.text
        r = await http.post("/api/kpi/actions", headers=mgr, json={
            "title": "回访不满意客户", "unit_id": DEMO_IDS["MKT-RES"], "indicator_code": "customer_satisfaction",
            "owner_id": analyst_id, "owner_name": "刘", "due": (clock.today() + timedelta(days=10)).isoformat()})
        assert r.status_code == 201, r.text

        mine = await box("market_mgr")
        assert [(s["plan_title"], s["text"]) for s in mine["suggestions_to_answer"]] == [
            ("市场部2027年度运营计划", "建议增加线上渠道投入")]
        assert mine["pending_approvals"] == [] and mine["risk_actions"] == [] and mine["my_actions"] == []
        theirs = await box("ops_director")
        assert [p["id"] for p in theirs["pending_approvals"]] == [plan["id"]]
        assert theirs["suggestions_to_answer"] == []  # their own suggestion waits on the plan's owners
        his = await box("analyst")
        assert [(a["title"], a["risk_title"]) for a in his["risk_actions"]] == [("跟踪竞品价格", "竞品降价")]
        assert [(a["title"], a["indicator_code"], a["indicator_name"]) for a in his["my_actions"]] == [
            ("回访不满意客户", "customer_satisfaction", "客户满意度")]
        assert {k: v for k, v in his.items() if k not in ("risk_actions", "my_actions", "counts", "errors")} == \
            {k: v for k, v in EMPTY.items() if k not in ("risk_actions", "my_actions")}
        assert {k: v for k, v in (await box("branch_gm")).items() if k in EMPTY} == EMPTY

        # returned: the plan waits on 市场部 to rework it, with the reason, and no longer on the director
        r = await http.post(f"/api/planning/plans/{plan['id']}/return", headers=ops, json={"comment": "请补充任务"})
        assert r.status_code == 200, r.text
        mine = await box("market_mgr")
        assert [(p["title"], p["reason"]) for p in mine["plans_to_rework"]] == \
            [("市场部2027年度运营计划", "请补充任务")]
        assert mine["pending_approvals"] == []  # listed once, where the reason is
        assert (await box("ops_director"))["pending_approvals"] == []
