"""Improvement proposals (合理化建议) with the demo company's people: submission, review by the company's
flow, adoption into a process optimisation project, benefit and reward; every refusal beside each step."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from services.planning.models import AuditEntry, OutboxEvent
from tests.support import DEMO_IDS

P = "/api/planning/proposals"
TO_REVIEW = "/api/planning/inbox/proposals-to-review"


def proposal(unit: str = "MKT", **kw) -> dict:
    return {"title": kw.pop("title", "客户回访改为线上问卷"), "problem": "电话回访耗时长，覆盖率不足三成。",
            "suggestion": "改用小程序问卷，回访结果自动汇总。", "expected_benefit": "每月节省约40工时。",
            "unit_id": DEMO_IDS[unit], **kw}


async def submit(c, username: str, **kw) -> dict:
    r = await c.planning.post(P, json=proposal(**kw), headers=await c.as_(username))
    assert r.status_code == 201, r.text
    return r.json()


async def post(c, username: str, pid: int, what: str, body: dict, *, etag: str | None = None):
    headers = await c.as_(username)
    if etag is not None:
        headers = {**headers, "If-Match": etag}
    return await c.planning.post(f"{P}/{pid}/{what}", json=body, headers=headers)


async def outbox(c, type_: str) -> list[dict]:
    async with c.planning.app.state.db.reader() as s:
        return [e.data for e in (await s.execute(select(OutboxEvent).where(OutboxEvent.type == type_)
                                                 .order_by(OutboxEvent.seq))).scalars()]


async def audits(c, subject_id: int) -> list[AuditEntry]:
    async with c.planning.app.state.db.reader() as s:
        return list((await s.execute(select(AuditEntry).where(AuditEntry.subject_type == "proposal",
                                                              AuditEntry.subject_id == str(subject_id))
                                     .order_by(AuditEntry.seq))).scalars())


async def allow_anonymous(c, on: bool) -> None:
    r = await c.planning.get(f"{P}/settings", headers=await c.as_("admin"))
    r = await c.planning.patch(f"{P}/settings", json={"allow_anonymous": on},
                               headers={**await c.as_("admin"), "If-Match": r.headers["etag"]})
    assert r.status_code == 200, r.text


async def test_proposal_goes_from_submission_through_adoption_to_a_granted_reward(company):
    c = company
    p = await submit(c, "analyst")
    assert p["status"] == "in_review" and p["waiting"]["right"] == "plan" and p["proposer_name"] == "刘市场调研专员"

    waiting = (await c.planning.get(TO_REVIEW, headers=await c.as_("market_mgr"))).json()
    assert [w["id"] for w in waiting] == [p["id"]] and waiting[0]["can"] == ["decide"]
    assert (await c.planning.get(TO_REVIEW, headers=await c.as_("analyst"))).json() == []

    r = await post(c, "market_mgr", p["id"], "decision", {"decision": "adopt", "reason": "效益明显，采纳。"})
    assert r.status_code == 200, r.text
    adopted = r.json()
    assert adopted["status"] == "adopted" and adopted["decision"] == "adopt" and adopted["project_id"]
    assert adopted["decided_by_name"] == "张市场部经理" and adopted["waiting"] is None
    project = await c.planning.get(f"/api/planning/improvement/projects/{adopted['project_id']}",
                                   headers=await c.as_("market_mgr"))
    assert project.status_code == 200, project.text
    assert any(link["ref"] == f"planning:proposal:{p['id']}" for link in project.json()["links"])

    r = await post(c, "market_mgr", p["id"], "benefit", {"benefit": "回访覆盖率升至85%", "benefit_amount": 36000})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "implemented" and r.json()["benefit_amount"] == 36000

    to_reward = (await c.planning.get("/api/planning/inbox/rewards-to-grant", headers=await c.as_("market_mgr"))).json()
    assert [t["id"] for t in to_reward] == [p["id"]] and to_reward[0]["can"] == ["record_benefit", "reward"]
    r = await post(c, "market_mgr", p["id"], "reward", {"level": "second", "note": "季度优秀建议"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rewarded"

    mine = (await c.planning.get(P, params={"mine": "true"}, headers=await c.as_("analyst"))).json()["items"]
    assert [(m["id"], m["reward_name"], m["reward_points"], m["reward_amount"], m["mine"]) for m in mine] == \
        [(p["id"], "二等奖", 50, 800.0, True)]
    detail = (await c.planning.get(f"{P}/{p['id']}", headers=await c.as_("analyst"))).json()
    assert [s["action"] for s in detail["steps"]] == ["submit", "adopt", "benefit", "reward"]

    assert [e["proposal_id"] for e in await outbox(c, "planning.proposal.submitted")] == [p["id"]]
    decided = await outbox(c, "planning.proposal.decided")
    assert decided[0]["decision"] == "adopt" and decided[0]["final"] and decided[0]["project_id"]
    rewarded = await outbox(c, "planning.proposal.rewarded")
    assert rewarded[0]["level"] == "second" and rewarded[0]["amount"] == 800.0
    actions = [a.action for a in await audits(c, p["id"])]
    assert actions == ["proposal.submitted", "proposal.decided", "proposal.benefit_recorded", "proposal.rewarded"]


async def test_each_step_is_refused_without_the_right(company):
    c = company
    # supply_head proposes to 市场调研组; analyst sees it (view over their own unit) but holds no plan there
    p = await submit(c, "supply_head", unit="MKT-RES")
    r = await post(c, "analyst", p["id"], "decision", {"decision": "adopt"})
    assert r.status_code == 403 and r.json()["right"] == "plan"
    # someone who cannot see the unit is told there is no such proposal
    assert (await post(c, "branch_gm", p["id"], "decision", {"decision": "adopt"})).status_code == 404
    assert (await c.planning.get(f"{P}/{p['id']}", headers=await c.as_("branch_gm"))).status_code == 404

    r = await post(c, "market_mgr", p["id"], "decision", {"decision": "partly", "reason": "先在市场部试点"})
    assert r.status_code == 200 and r.json()["status"] == "partly"
    r = await post(c, "analyst", p["id"], "benefit", {"benefit": "试点有效"})
    assert r.status_code == 403 and r.json()["right"] == "plan"
    r = await post(c, "market_mgr", p["id"], "benefit", {"benefit": "试点有效", "benefit_amount": 5000})
    assert r.status_code == 200
    r = await post(c, "analyst", p["id"], "reward", {"level": "third"})
    assert r.status_code == 403 and r.json()["right"] == "assess"
    # the proposer cannot reward their own proposal, even holding assess over the unit
    own = await submit(c, "market_mgr", title="市场部自提建议")
    r = await post(c, "market_mgr", own["id"], "decision", {"decision": "adopt"})
    assert r.status_code == 403


async def test_each_step_is_refused_in_the_wrong_state(company):
    c = company
    p = await submit(c, "analyst")
    assert (await post(c, "market_mgr", p["id"], "benefit", {"benefit": "x"})).status_code == 409
    assert (await post(c, "market_mgr", p["id"], "reward", {"level": "first"})).status_code == 409
    r = await post(c, "market_mgr", p["id"], "decision", {"decision": "decline"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = await post(c, "market_mgr", p["id"], "decision", {"decision": "decline", "reason": "已有同类方案在实施"})
    assert r.status_code == 200 and r.json()["status"] == "declined" and r.json()["project_id"] is None
    assert (await post(c, "market_mgr", p["id"], "decision", {"decision": "adopt"})).status_code == 409
    assert (await post(c, "market_mgr", p["id"], "benefit", {"benefit": "x"})).status_code == 409

    q = await submit(c, "analyst", title="第二条")
    await post(c, "market_mgr", q["id"], "decision", {"decision": "adopt"})
    # reward before the benefit is recorded, and a level the scale does not have
    r = await post(c, "market_mgr", q["id"], "reward", {"level": "first"})
    assert r.status_code == 409
    await post(c, "market_mgr", q["id"], "benefit", {"benefit": "已上线"})
    r = await post(c, "market_mgr", q["id"], "reward", {"level": "platinum"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "level"
    assert (await post(c, "market_mgr", q["id"], "reward", {"level": "first"})).status_code == 200
    assert (await post(c, "market_mgr", q["id"], "reward", {"level": "first"})).status_code == 409


async def test_anonymous_proposals_only_when_the_company_allows_and_never_name_the_proposer(company):
    c = company
    r = await c.planning.post(P, json=proposal(anonymous=True), headers=await c.as_("analyst"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "anonymous"

    await allow_anonymous(c, True)
    p = await submit(c, "analyst", anonymous=True)
    assert p["proposer_name"] == "刘市场调研专员" and p["mine"]  # they see their own
    seen = (await c.planning.get(f"{P}/{p['id']}", headers=await c.as_("market_mgr"))).json()
    assert seen["proposer"] is None and seen["proposer_name"] == "匿名" and not seen["mine"]
    assert seen["steps"][0]["actor_name"] == "匿名"
    listed = (await c.planning.get(P, headers=await c.as_("market_mgr"))).json()["items"]
    assert all("刘市场调研专员" not in str(item) for item in listed)
    sheet = await c.planning.get(f"{P}/export.xlsx", headers=await c.as_("market_mgr"))
    assert "刘市场调研专员" not in str(list(load_workbook(io.BytesIO(sheet.content)).active.values))

    analyst_id = str(await c.user_id("analyst"))
    event = (await outbox(c, "planning.proposal.submitted"))[-1]
    assert event["proposer"] is None and event["actor"] is None and event["anonymous"]
    for entry in await audits(c, p["id"]):
        after = dict(entry.after or {})
        assert analyst_id not in {str(after.get(k)) for k in ("proposer", "actor", "by")}
        assert "proposer" not in (entry.after or {}) and "刘市场调研专员" not in str(entry.after)

    await allow_anonymous(c, False)
    r = await c.planning.post(P, json=proposal(anonymous=True), headers=await c.as_("analyst"))
    assert r.status_code == 422


async def test_a_two_stage_flow_passes_the_proposal_on_before_the_decision(company):
    c = company
    r = await c.planning.get(f"{P}/settings", headers=await c.as_("admin"))
    stages = [{"key": "unit", "name": "部门评审", "right": "plan", "over": "unit"},
              {"key": "company", "name": "公司评审", "right": "assess", "over": "company"}]
    r = await c.planning.patch(f"{P}/settings", json={"stages": stages},
                               headers={**await c.as_("admin"), "If-Match": r.headers["etag"]})
    assert r.status_code == 200 and [s["key"] for s in r.json()["stages"]] == ["unit", "company"]
    p = await submit(c, "analyst")
    r = await post(c, "market_mgr", p["id"], "decision", {"decision": "adopt", "reason": "建议公司采纳"})
    assert r.json()["status"] == "in_review" and r.json()["waiting"]["key"] == "company"
    assert (await post(c, "market_mgr", p["id"], "decision", {"decision": "adopt"})).status_code == 403
    r = await post(c, "gm", p["id"], "decision", {"decision": "adopt"})
    assert r.status_code == 200 and r.json()["status"] == "adopted" and r.json()["project_id"]
    passed, final = await outbox(c, "planning.proposal.decided")
    assert not passed["final"] and passed["waiting"]["key"] == "company" and final["final"]


async def test_settings_are_changed_by_admins_only_with_known_fields_and_a_fresh_etag(company):
    c = company
    r = await c.planning.get(f"{P}/settings", headers=await c.as_("analyst"))
    assert r.status_code == 200 and r.json()["allow_anonymous"] is False and r.json()["stages"][0]["right"] == "plan"
    tag = r.headers["etag"]
    assert (await c.planning.patch(f"{P}/settings", json={"allow_anonymous": True},
                                   headers=await c.as_("gm"))).status_code == 403
    r = await c.planning.patch(f"{P}/settings", json={"allow_anonymous": True, "colour": "red"},
                               headers=await c.as_("admin"))
    assert r.status_code == 422 and "colour" in r.text
    r = await c.planning.patch(f"{P}/settings", json={"reward_levels": [{"key": "a", "name": "空"}]},
                               headers=await c.as_("admin"))
    assert r.status_code == 422
    r = await c.planning.patch(f"{P}/settings", json={"stages": [{"key": "x", "name": "x", "right": "plan",
                                                                   "over": "galaxy"}]}, headers=await c.as_("admin"))
    assert r.status_code == 422
    r = await c.planning.patch(f"{P}/settings", json={"allow_anonymous": True},
                               headers={**await c.as_("admin"), "If-Match": tag})
    assert r.status_code == 200
    r = await c.planning.patch(f"{P}/settings", json={"allow_anonymous": False},
                               headers={**await c.as_("admin"), "If-Match": tag})
    assert r.status_code == 412


async def test_unknown_fields_and_a_stale_if_match_are_refused(company):
    c = company
    assert (await c.planning.post(P, json=proposal())).status_code == 401  # signed in only
    r = await c.planning.post(P, json={**proposal(), "unit_id": 99999}, headers=await c.as_("analyst"))
    assert r.status_code == 404
    r = await c.planning.post(P, json={**proposal(), "reward": 100}, headers=await c.as_("analyst"))
    assert r.status_code == 422 and "reward" in r.text
    p = await submit(c, "analyst")
    r = await post(c, "market_mgr", p["id"], "decision", {"decision": "adopt", "priority": "high"})
    assert r.status_code == 422
    stale = f'"proposal-{p["id"]}-v{p["version"]}"'
    assert (await post(c, "market_mgr", p["id"], "decision", {"decision": "adopt"}, etag=stale)).status_code == 200
    r = await post(c, "market_mgr", p["id"], "benefit", {"benefit": "x"}, etag=stale)
    assert r.status_code == 412


async def test_the_register_filters_and_exports_what_the_caller_may_see(company):
    c = company
    a = await submit(c, "analyst", category="客户服务")
    await submit(c, "supply_head", unit="OPS-SUP", title="供应计划周报自动化", category="流程管理")
    r = await c.planning.get(P, params={"category": "客户服务"}, headers=await c.as_("market_mgr"))
    assert [i["id"] for i in r.json()["items"]] == [a["id"]]
    r = await c.planning.get(P, headers=await c.as_("market_mgr"))
    assert [i["title"] for i in r.json()["items"]] == ["客户回访改为线上问卷"]  # OPS-SUP is not theirs to see
    r = await c.planning.get(P, params={"unit_id": DEMO_IDS["OPS"]}, headers=await c.as_("ops_director"))
    assert [i["title"] for i in r.json()["items"]] == ["供应计划周报自动化"]
    sheet = await c.planning.get(f"{P}/export.xlsx", headers=await c.as_("ops_director"))
    assert sheet.status_code == 200 and "proposals.xlsx" in sheet.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][:3] == ("编号", "标题", "责任单位") and len(rows) == 3
    assert rows[1][6] == "评审中"


async def test_the_demo_company_has_a_proposal_in_each_state(company):
    from services.planning.proposals.demo import seed_demo_proposals

    c = company
    assert await seed_demo_proposals(c.planning.app.state.runtime) is True
    assert await seed_demo_proposals(c.planning.app.state.runtime) is False  # only once
    items = (await c.planning.get(P, headers=await c.as_("gm"))).json()["items"]
    assert sorted(i["status"] for i in items) == ["adopted", "in_review", "rewarded"]
    rewarded = next(i for i in items if i["status"] == "rewarded")
    assert rewarded["project_id"] and rewarded["reward_amount"] == 800.0
    mine = (await c.planning.get(P, params={"mine": "true"}, headers=await c.as_("analyst"))).json()["items"]
    assert {m["status"] for m in mine} == {"in_review", "rewarded"}
    waiting = (await c.planning.get(TO_REVIEW, headers=await c.as_("market_mgr"))).json()
    assert [w["status"] for w in waiting] == ["in_review"]


async def test_the_project_owner_records_the_benefit_without_the_plan_right(company):
    c = company
    p = await submit(c, "analyst")
    owner_id = await c.user_id("supply_head")  # 供应科: no right over 市场部 at all
    assert (await c.planning.get(f"{P}/{p['id']}", headers=await c.as_("supply_head"))).status_code == 404
    r = await post(c, "market_mgr", p["id"], "decision", {"decision": "adopt", "project_owner_id": owner_id,
                                                          "project_owner_name": "赵供应科主管"})
    assert r.status_code == 200, r.text
    project = await c.planning.get(f"/api/planning/improvement/projects/{r.json()['project_id']}",
                                   headers=await c.as_("supply_head"))
    assert project.json()["owner_id"] == owner_id
    seen = await c.planning.get(f"{P}/{p['id']}", headers=await c.as_("supply_head"))
    assert seen.status_code == 200 and seen.json()["can"] == ["record_benefit"]
    assert [i["id"] for i in (await c.planning.get(P, headers=await c.as_("supply_head"))).json()["items"]] == [p["id"]]
    r = await post(c, "supply_head", p["id"], "benefit", {"benefit": "已上线", "benefit_amount": 1200})
    assert r.status_code == 200 and r.json()["benefit_by_name"] == "赵供应科主管"
    # but rewarding still needs assess over the unit
    assert (await post(c, "supply_head", p["id"], "reward", {"level": "third"})).status_code == 403
