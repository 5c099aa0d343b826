"""The annual cycle end to end, with the demo company's people and their rights."""

import asyncio

from sqlalchemy import select

from services.planning.models import OutboxEvent
from tests.planning.conftest import annual
from tests.support import DEMO_IDS


async def outbox(company, type_: str) -> list[dict]:
    async with company.planning.app.state.db.reader() as s:
        return [e.data for e in (await s.execute(select(OutboxEvent).where(OutboxEvent.type == type_)
                                                 .order_by(OutboxEvent.seq))).scalars()]


async def test_the_annual_cycle_runs_end_to_end(company):
    c = company
    guidance = "稳中求进：销售增长8%，客户满意度不低于90%。"
    top = await c.create("gm", **annual("HDGAS", "华东燃气2027年度运营计划", targets=(("sales", 50000),),
                                         guidance=guidance))
    plan = await c.create("market_mgr", **annual("MKT", "市场部2027年度运营计划", targets=(("sales", 30000),),
                                                 parent_plan_id=top["id"],
                                                 tasks=[{"title": "年度市场调研", "owner_id": 7, "owner_name": "刘",
                                                         "start": "2027-01-04", "due": "2027-04-30",
                                                         "milestones": [{"title": "问卷定稿", "due": "2027-02-15"}]}],
                                                 resources=[{"kind": "budget", "description": "调研费用",
                                                             "amount": 180000, "budget_item": "marketing"},
                                                            {"kind": "people", "description": "调研专员",
                                                             "quantity": 3, "unit": "人"}]))
    assert plan["status"] == "draft" and plan["kind"] == "annual"
    assert plan["inherited_guidance"][0]["guidance"] == guidance
    assert plan["budget_total"] == 180000
    assert "submit" in plan["allowed_actions"]

    # someone with no right over 市场部 (the supply section's head) cannot see the draft, in the list or
    # directly; the analyst, who suggests to the department's manager, can (tests/flows/test_suggest_upwards.py)
    assert (await c.get("supply_head", plan)).status_code == 404
    listed = (await c.planning.get("/api/planning/plans", headers=await c.as_("supply_head"))).json()["items"]
    assert plan["id"] not in [p["id"] for p in listed]

    r = await c.act("market_mgr", plan, "submit", "请审核")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert [s["state"] for s in r.json()["stages"]] == ["current", "waiting"]
    # a submitter never approves their own plan
    own = await c.act("market_mgr", plan, "approve")
    assert own.status_code == 403 and "own plan" in own.json()["detail"]
    # the general manager is not the operations department: cannot sign its review
    gm_early = await c.act("gm", plan, "approve")
    assert gm_early.status_code == 403 and "held in /1/2/" in gm_early.json()["detail"]

    r = await c.act("ops_director", plan, "approve", "已汇总平衡")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert [s["state"] for s in r.json()["stages"]] == ["done", "current"]
    r = await c.act("gm", plan, "approve", "同意")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert (await c.act("market_mgr", plan, "issue")).status_code == 403
    r = await c.act("gm", plan, "issue", "下达执行")
    assert r.status_code == 200 and r.json()["status"] == "issued"

    # issued: the whole company sees it, the analyst included
    assert (await c.get("analyst", plan)).status_code == 200
    assert (await c.get("branch_gm", plan)).status_code == 200
    issued = await outbox(c, "planning.plan.issued")
    assert issued[-1]["plan_id"] == plan["id"] and issued[-1]["targets"][0] == \
        {"indicator_code": "sales", "value": 30000.0, "unit": "", "aggregation": "sum"}
    # the resource lines in force travel with it (kpi's budgets, org's planned headcount)
    assert [(r["kind"], r["amount"], r["quantity"], r["budget_item"]) for r in issued[-1]["resources"]] == \
        [("budget", 180000.0, None, "marketing"), ("people", None, 3.0, None)]
    assert [e["plan_id"] for e in await outbox(c, "planning.plan.submitted")] == [plan["id"]]

    history = (await c.planning.get(f"/api/planning/plans/{plan['id']}/history",
                                    headers=await c.as_("market_mgr"))).json()
    assert [a["action"] for a in history["actions"]] == ["create", "submit", "approve", "approve", "issue"]
    assert history["actions"][2]["grant"]["held_at"] == "/1/2/"  # signed with the grant held in 运营管理部
    audit = (await c.planning.get("/api/planning/audit", headers=await c.as_("admin"),
                                  params={"subject_id": str(plan["id"])})).json()["items"]
    assert [a["action"] for a in audit] == ["plan.created", "plan.submit", "plan.approve", "plan.approve", "plan.issue"]


async def test_nobody_plans_outside_their_scope(company):
    r = await company.planning.post("/api/planning/plans", headers=await company.as_("market_mgr"),
                                    json=annual("OPS-SUP", "供应科计划"))
    assert r.status_code == 403 and r.json()["right"] == "plan"
    team = await company.create("market_mgr", **annual("MKT-RES", "市场调研组2027年度计划"))
    assert team["unit_id"] == DEMO_IDS["MKT-RES"]


async def test_drafts_are_hidden_from_units_without_rights_over_them(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部草稿"))
    assert (await company.get("branch_gm", plan)).status_code == 404
    assert (await company.get("supply_head", plan)).status_code == 404
    assert (await company.get("ops_director", plan)).status_code == 200
    assert (await company.get("gm", plan)).status_code == 200


async def test_a_veto_ends_the_plan(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    await company.act("market_mgr", plan, "submit")
    assert (await company.act("supply_head", plan, "veto", "理由")).status_code in (403, 404)
    no_reason = await company.act("gm", plan, "veto")
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    r = await company.act("gm", plan, "veto", "与公司战略不符")
    assert r.status_code == 200 and r.json()["status"] == "vetoed"
    for action in ("approve", "submit", "issue", "return"):
        assert (await company.act("ops_director", plan, action, "x")).status_code == 409


async def test_a_returned_plan_is_edited_and_resubmitted(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    await company.act("market_mgr", plan, "submit")
    assert (await company.act("ops_director", plan, "return")).status_code == 422
    r = await company.act("ops_director", plan, "return", "销售目标偏低，请上调")
    assert r.json()["status"] == "returned"
    current = await company.get("market_mgr", plan)
    edit = await company.planning.patch(f"/api/planning/plans/{plan['id']}",
                                        headers={**await company.as_("market_mgr"),
                                                 "If-Match": current.headers["etag"]},
                                        json={"targets": [{"indicator_code": "sales", "value": 1500}]})
    assert edit.status_code == 200 and edit.json()["targets"][0]["value"] == 1500
    stale = await company.planning.patch(f"/api/planning/plans/{plan['id']}",
                                         headers={**await company.as_("market_mgr"),
                                                  "If-Match": current.headers["etag"]}, json={"title": "x"})
    assert stale.status_code == 412
    assert (await company.act("market_mgr", plan, "submit")).json()["status"] == "submitted"


async def test_suggestions_must_be_answered_before_final_approval(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    await company.act("market_mgr", plan, "submit")
    await company.act("ops_director", plan, "approve")
    # the operations director holds 建议权 over the company, and so over 市场部
    s = await company.act("ops_director", plan, "suggest", "建议增加线上渠道目标")
    assert s.status_code == 200 and s.json()["open_suggestions"] == 1
    blocked = await company.act("gm", plan, "approve")
    assert blocked.status_code == 409 and blocked.json()["open_suggestions"] == 1
    sug = (await company.planning.get(f"/api/planning/plans/{plan['id']}/suggestions",
                                      headers=await company.as_("market_mgr"))).json()[0]
    not_owner = await company.planning.post(f"/api/planning/plans/{plan['id']}/suggestions/{sug['id']}/answer",
                                            headers=await company.as_("analyst"),
                                            json={"accepted": False, "reason": "x"})
    assert not_owner.status_code in (403, 404)
    ans = await company.planning.post(f"/api/planning/plans/{plan['id']}/suggestions/{sug['id']}/answer",
                                      headers=await company.as_("market_mgr"),
                                      json={"accepted": False, "reason": "线上渠道纳入下季度"})
    assert ans.status_code == 200 and ans.json()["status"] == "declined"
    assert (await company.act("gm", plan, "approve")).json()["status"] == "approved"
    # the supply section's head holds no suggest right over 市场部 (only over 运营管理部)
    assert (await company.act("supply_head", plan, "suggest", "x")).status_code in (403, 404)


async def test_guidance_notes_need_the_guide_right(company):
    plan = await company.create("supply_head", **annual("OPS-SUP", "供应科计划"))
    ok = await company.act("ops_director", plan, "guide", "注意冬季保供")
    assert ok.status_code == 200
    assert (await company.act("market_mgr", plan, "guide", "x")).status_code in (403, 404)
    notes = (await company.planning.get(f"/api/planning/plans/{plan['id']}/guidance-notes",
                                        headers=await company.as_("supply_head"))).json()
    assert [n["text"] for n in notes] == ["注意冬季保供"]


async def test_twenty_concurrent_approvals_make_exactly_one_transition(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    submitted = await company.act("market_mgr", plan, "submit")
    headers = {**await company.as_("ops_director"), "If-Match": submitted.headers["etag"]}
    results = await asyncio.gather(*[
        company.planning.post(f"/api/planning/plans/{plan['id']}/approve", json={"comment": f"#{i}"}, headers=headers)
        for i in range(20)])
    codes = sorted(r.status_code for r in results)
    assert codes.count(200) == 1 and all(c in (409, 412) for c in codes if c != 200), codes
    history = (await company.planning.get(f"/api/planning/plans/{plan['id']}/history",
                                          headers=await company.as_("market_mgr"))).json()
    assert [a["action"] for a in history["actions"]].count("approve") == 1


async def test_actions_in_the_wrong_state_are_409_and_unknown_ones_404(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    assert (await company.act("gm", plan, "approve")).status_code == 409
    assert (await company.act("gm", plan, "issue")).status_code == 409
    assert (await company.act("market_mgr", plan, "revise", "x")).status_code == 409
    assert (await company.act("market_mgr", plan, "launch")).status_code == 404
    empty = await company.create("market_mgr", **annual("MKT", "空计划", targets=(), period="2028"))
    r = await company.act("market_mgr", empty, "submit")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "targets"


async def test_plans_awaiting_me_lists_what_each_person_must_act_on(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    await company.act("market_mgr", plan, "submit")

    async def waiting(user):
        r = await company.planning.get("/api/planning/plans/awaiting-me", headers=await company.as_(user))
        return [p["id"] for p in r.json()]

    assert await waiting("ops_director") == [plan["id"]]
    assert await waiting("gm") == [] and await waiting("market_mgr") == []
    await company.act("ops_director", plan, "approve")
    assert await waiting("gm") == [plan["id"]] and await waiting("ops_director") == []
    await company.act("gm", plan, "return", "请补充任务")
    assert await waiting("market_mgr") == [plan["id"]]
