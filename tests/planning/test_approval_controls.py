"""Approval controls on a plan in review (issue 23), with the demo company's people and their rights:
撤回 withdraw, 转办 transfer, 加签 add a signer (binding or advisory), 抄送 CC (by the submitter and by a
stage), the people each control may name, and transfer against approve at the same moment."""

import asyncio

from sqlalchemy import select

from services.common import clock
from services.planning.models import AuditEntry, OutboxEvent, PlanAddedSigner, PlanTransfer, StageSignature
from tests.planning.conftest import annual
from tests.support import DEMO_IDS

ZH = {"Accept-Language": "zh-CN"}

# A first stage any holder of plan over the company signs (或签): the general manager and the operations
# director; then the leadership (the general manager).
UNIT_REVIEW = {"key": "company_review", "name": "公司审批", "right": "plan", "over": "company", "held_in": None,
               "signers": "any"}
LEADERSHIP = {"key": "leadership", "name": "公司高层审批", "right": "plan", "over": "company", "held_in": "company",
              "signers": "any"}


async def set_flow(company, *stages, kind: str = "annual") -> None:
    admin = await company.as_("admin")
    flow = await company.planning.get(f"/api/planning/flows/{kind}", headers=admin)
    r = await company.planning.patch(f"/api/planning/flows/{kind}", headers={**admin, "If-Match": flow.headers["etag"]},
                                     json={"stages": list(stages)})
    assert r.status_code == 200, r.text


async def submitted(company, title: str = "市场部2027年度运营计划", **kw) -> dict:
    plan = await company.create("market_mgr", **annual("MKT", title, **kw))
    r = await company.act("market_mgr", plan, "submit", "请审核")
    assert r.status_code == 200, r.text
    return r.json()


async def control(company, who: str, plan: dict | int, path: str, body: dict, **headers):
    pid = plan if isinstance(plan, int) else plan["id"]
    return await company.planning.post(f"/api/planning/plans/{pid}/{path}", json=body,
                                       headers={**await company.as_(who), **ZH, **headers})


async def uid(company, who: str) -> int:
    return await company.user_id(who)


async def events(company, type_: str) -> list[dict]:
    async with company.planning.app.state.db.reader() as s:
        return [e.data for e in (await s.execute(select(OutboxEvent).where(OutboxEvent.type == type_)
                                                 .order_by(OutboxEvent.seq))).scalars()]


async def audit_actions(company, plan_id: int) -> list[str]:
    async with company.planning.app.state.db.reader() as s:
        rows = (await s.execute(select(AuditEntry.action).where(AuditEntry.subject_type == "plan",
                                                                AuditEntry.subject_id == str(plan_id))
                                .order_by(AuditEntry.id))).scalars().all()
    return list(rows)


async def history(company, plan_id: int) -> list[dict]:
    r = await company.planning.get(f"/api/planning/plans/{plan_id}/history", headers=await company.as_("market_mgr"))
    return r.json()["actions"]


async def hire(company, username: str, name: str, unit: str, role_key: str, title: str) -> int:
    """A new person holding a new position (so a stage has one more holder than the demo company has)."""
    admin = await company.as_("admin")
    roles = (await company.org.get("/api/org/roles", headers=admin, params={"limit": 100})).json()["items"]
    role = next(r for r in roles if r["key"] == role_key)
    pos = await company.org.post("/api/org/positions", headers=admin,
                                 json={"unit_id": DEMO_IDS[unit], "role_id": role["id"], "title": title})
    assert pos.status_code == 201, pos.text
    user = await company.org.post("/api/org/users", headers=admin, json={
        "username": username, "display_name": name, "password": "Yg-Strong#Pass2026"})
    assert user.status_code == 201, user.text
    a = await company.org.post("/api/org/assignments", headers=admin, json={
        "user_id": user.json()["id"], "position_id": pos.json()["id"], "start_date": clock.today().isoformat()})
    assert a.status_code == 201, a.text
    return user.json()["id"]


# --- 撤回 withdraw -------------------------------------------------------------------------------------------


async def test_the_submitter_withdraws_a_submission_nobody_acted_on_and_submits_it_again(company):
    plan = await submitted(company)
    assert "withdraw" in plan["allowed_actions"]
    r = await control(company, "market_mgr", plan, "withdraw", {"comment": "补充预算后再提交"})
    assert r.status_code == 200, r.text
    back = r.json()
    assert back["status"] == "draft" and back["stage_index"] is None
    assert [s["state"] for s in back["stages"]] == ["waiting", "waiting"]
    assert {"edit", "submit"} <= set(back["allowed_actions"]) and "withdraw" not in back["allowed_actions"]
    assert [a["action"] for a in await history(company, plan["id"])][-1] == "withdraw"
    assert (await audit_actions(company, plan["id"]))[-1] == "plan.withdraw"
    [withdrawn] = await events(company, "planning.plan.withdrawn")
    assert withdrawn["waiting"] is None and withdrawn["left"]["key"] == "ops_review"
    # nobody waits on it any more
    waiting = await company.planning.get("/api/planning/plans/awaiting-me", headers=await company.as_("ops_director"))
    assert plan["id"] not in [p["id"] for p in waiting.json()]
    assert (await company.act("market_mgr", plan, "submit")).json()["status"] == "submitted"


async def test_a_submission_the_submitter_passed_a_stage_with_is_withdrawn_and_resubmitted(company):
    # 运营管理部 submits its own plan: the operations review is passed by the submission itself
    plan = await company.create("ops_director", **annual("OPS", "运营管理部2027年度运营计划"))
    r = await company.act("ops_director", plan, "submit")
    assert [s["state"] for s in r.json()["stages"]] == ["done", "current"]
    w = await control(company, "ops_director", plan, "withdraw", {"comment": ""})
    assert w.status_code == 200 and w.json()["status"] == "draft", w.text
    again = await company.act("ops_director", plan, "submit")
    assert again.status_code == 200 and [s["state"] for s in again.json()["stages"]] == ["done", "current"]


async def test_withdraw_is_refused_once_someone_approved(company):
    plan = await submitted(company)
    assert (await company.act("ops_director", plan, "approve", "已汇总")).status_code == 200
    r = await control(company, "market_mgr", plan, "withdraw", {"comment": ""})
    assert r.status_code == 409 and "不能再撤回" in r.json()["detail"], r.text
    assert "withdraw" not in (await company.get("market_mgr", plan)).json()["allowed_actions"]


async def test_only_the_submitter_withdraws(company):
    plan = await submitted(company)
    for who in ("ops_director", "gm"):
        r = await control(company, who, plan, "withdraw", {"comment": ""})
        assert r.status_code == 403 and r.json()["detail"] == "只有提交人可以撤回提交。", r.text
    assert "withdraw" not in (await company.get("ops_director", plan)).json()["allowed_actions"]
    assert (await company.get("market_mgr", plan)).json()["status"] == "submitted"


async def test_a_returned_plan_resubmitted_is_signed_again_by_the_same_approver(company):
    plan = await submitted(company)
    assert (await company.act("ops_director", plan, "return", "销售目标偏低")).status_code == 200
    assert (await company.act("market_mgr", plan, "submit")).status_code == 200
    r = await company.act("ops_director", plan, "approve", "已调整，同意")
    assert r.status_code == 200 and [s["state"] for s in r.json()["stages"]] == ["done", "current"], r.text


# --- 转办 transfer ---------------------------------------------------------------------------------------------


async def test_an_approver_transfers_an_any_stage_to_another_holder_who_alone_signs_it(company):
    await set_flow(company, UNIT_REVIEW, LEADERSHIP)
    plan = await submitted(company)
    gm, ops = str(await uid(company, "gm")), str(await uid(company, "ops_director"))
    assert {"transfer", "add_signer"} <= set((await company.get("ops_director", plan)).json()["allowed_actions"])
    r = await control(company, "ops_director", plan, "transfer", {"to_user_id": int(gm), "reason": "出差一周"})
    assert r.status_code == 200, r.text
    stage = r.json()["stages"][0]
    assert stage["pending_signers"] == [gm] and stage["pending_names"] == ["王总经理"]
    [t] = stage["transfers"]
    assert (t["from_name"], t["to_name"], t["reason"]) == ("李运营总监", "王总经理", "出差一周")
    assert r.headers["etag"] != f'"plan-{plan["id"]}-{plan["version"]}"' and r.json()["version"] > plan["version"]
    # the stage now waits on the general manager alone
    assert "approve" not in (await company.get("ops_director", plan)).json()["allowed_actions"]
    refused = await company.act("ops_director", plan, "approve")
    assert refused.status_code == 409, refused.text
    waiting_gm = await company.planning.get("/api/planning/plans/awaiting-me", headers=await company.as_("gm"))
    waiting_ops = await company.planning.get("/api/planning/plans/awaiting-me",
                                             headers=await company.as_("ops_director"))
    assert plan["id"] in [p["id"] for p in waiting_gm.json()]
    assert plan["id"] not in [p["id"] for p in waiting_ops.json()]
    r = await company.act("gm", plan, "approve", "同意")
    assert r.status_code == 200 and [s["state"] for s in r.json()["stages"]] == ["done", "current"], r.text
    assert [a["action"] for a in await history(company, plan["id"])][-2:] == ["transfer", "approve"]
    assert "plan.transfer" in await audit_actions(company, plan["id"])
    [e] = await events(company, "planning.plan.transferred")
    assert (e["to_user"], e["to_name"], e["reason"]) == (gm, "王总经理", "出差一周")
    assert e["waiting"]["pending_signers"] == [gm] and e["actor"] == ops


async def test_a_transfer_to_someone_without_the_right_or_to_the_submitter_is_refused_by_name(company):
    await set_flow(company, UNIT_REVIEW, LEADERSHIP)
    plan = await submitted(company)
    analyst, mgr = await uid(company, "analyst"), await uid(company, "market_mgr")
    r = await control(company, "ops_director", plan, "transfer", {"to_user_id": analyst, "reason": "请代办"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith("刘市场调研专员不持有环节“公司审批”所需的计划权")
    r = await control(company, "ops_director", plan, "transfer", {"to_user_id": mgr, "reason": "请代办"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "张市场部经理是本计划的提交人，不能审批自己提交的计划。"
    r = await control(company, "ops_director", plan, "transfer", {"to_user_id": await uid(company, "gm"), "reason": ""})
    assert r.status_code == 422, r.text
    # only someone who could sign the stage now hands it on
    for who, status in (("analyst", 403), ("market_mgr", 403), ("supply_head", 404)):
        r = await control(company, who, plan, "transfer", {"to_user_id": await uid(company, "gm"), "reason": "x"})
        assert r.status_code == status, (who, r.text)
    assert (await company.get("market_mgr", plan)).json()["stages"][0]["transfers"] == []


async def test_a_countersigner_transfers_to_another_holder_who_replaces_them_but_not_to_a_cosigner(company):
    await set_flow(company, {**UNIT_REVIEW, "key": "joint", "name": "联合会签", "signers": "all"}, LEADERSHIP)
    plan = await submitted(company)
    gm, ops = str(await uid(company, "gm")), str(await uid(company, "ops_director"))
    assert sorted(plan["stages"][0]["pending_signers"]) == sorted([gm, ops])
    # named before anyone acts: the names org gave when the stage was entered
    waiting = (await company.get("market_mgr", plan)).json()["stages"][0]
    assert dict(zip(waiting["pending_signers"], waiting["pending_names"], strict=True)) == {
        gm: "王总经理", ops: "李运营总监"}
    r = await control(company, "ops_director", plan, "transfer", {"to_user_id": int(gm), "reason": "请代签"})
    assert r.status_code == 422 and "王总经理已在环节“联合会签”的签署人之列" in r.json()["detail"], r.text
    # a deputy appointed after the stage opened holds the right but is not among its signers
    deputy = str(await hire(company, "ops_deputy", "周运营副总监", "OPS", "operations_director", "运营副总监"))
    r = await control(company, "ops_director", plan, "transfer", {"to_user_id": int(deputy), "reason": "请代签"})
    assert r.status_code == 200, r.text
    stage = r.json()["stages"][0]
    assert sorted(stage["pending_signers"]) == sorted([gm, deputy])
    assert dict(zip(stage["pending_signers"], stage["pending_names"], strict=True)) == {
        gm: "王总经理", deputy: "周运营副总监"}
    assert stage["transfers"][0]["to_name"] == "周运营副总监"
    assert (await company.act("gm", plan, "approve")).json()["stages"][0]["state"] == "current"
    assert (await company.act("gm", plan, "approve")).status_code == 409  # signed once


# --- 加签 add signer -----------------------------------------------------------------------------------------


async def test_a_signer_added_before_signs_first_then_the_stage_comes_back_to_the_adder(company):
    await set_flow(company, UNIT_REVIEW, LEADERSHIP)
    plan = await submitted(company)
    gm = await uid(company, "gm")
    r = await control(company, "ops_director", plan, "add-signer", {"user_id": gm, "position": "before",
                                                                    "comment": "请总经理先把关"})
    assert r.status_code == 200, r.text
    [step] = r.json()["stages"][0]["added_signers"]
    assert (step["user_name"], step["position"], step["advisory"], step["status"]) == ("王总经理", "before", False,
                                                                                       "pending")
    blocked = await company.act("ops_director", plan, "approve")
    assert blocked.status_code == 409 and "王总经理" in blocked.json()["detail"], blocked.text
    assert {"approve", "return"} <= set((await company.get("gm", plan)).json()["allowed_actions"])
    r = await company.act("gm", plan, "approve", "可以")
    assert r.status_code == 200 and r.json()["stages"][0]["state"] == "current", r.text
    assert r.json()["stages"][0]["added_signers"][0]["status"] == "signed"
    [due] = await events(company, "planning.plan.signer_due")
    assert due["to_users"] == [str(await uid(company, "ops_director"))] and due["reason"] == "back"
    assert "approve" not in (await company.get("gm", plan)).json()["allowed_actions"]
    r = await company.act("ops_director", plan, "approve", "同意")
    assert r.status_code == 200 and [s["state"] for s in r.json()["stages"]] == ["done", "current"], r.text
    assert [a["action"] for a in await history(company, plan["id"])][-3:] == ["add_signer", "sign_added", "approve"]


async def test_in_a_countersign_stage_a_signer_added_before_holds_back_only_the_adder(company):
    await set_flow(company, {**UNIT_REVIEW, "key": "joint", "name": "联合会签", "signers": "all"}, LEADERSHIP)
    plan = await submitted(company)
    r = await control(company, "ops_director", plan, "add-signer",
                      {"user_id": await uid(company, "analyst"), "position": "before", "comment": "请先提意见"})
    assert r.status_code == 200, r.text
    blocked = await company.act("ops_director", plan, "approve")
    assert blocked.status_code == 409 and "刘市场调研专员" in blocked.json()["detail"], blocked.text
    assert (await company.act("gm", plan, "approve", "同意")).status_code == 200  # the other cosigner goes on
    r = await company.act("analyst", plan, "approve", "目标可行")
    assert r.status_code == 200 and r.json()["stages"][0]["state"] == "current", r.text
    r = await company.act("ops_director", plan, "approve", "同意")
    assert r.status_code == 200 and [s["state"] for s in r.json()["stages"]] == ["done", "current"], r.text


async def test_an_advisory_signer_added_after_gives_an_opinion_and_cannot_return(company):
    await set_flow(company, UNIT_REVIEW, LEADERSHIP)
    plan = await submitted(company)
    analyst = await uid(company, "analyst")
    r = await control(company, "ops_director", plan, "add-signer", {"user_id": analyst, "position": "after",
                                                                    "comment": "请调研组提意见"})
    assert r.status_code == 200, r.text
    [step] = r.json()["stages"][0]["added_signers"]
    assert (step["advisory"], step["status"]) == (True, "waiting")
    # not their turn yet: the adder signs first
    assert "approve" not in (await company.get("analyst", plan)).json()["allowed_actions"]
    r = await company.act("ops_director", plan, "approve", "同意")
    assert r.status_code == 200 and r.json()["stages"][0]["state"] == "current", r.text
    [due] = await events(company, "planning.plan.signer_due")
    assert due["to_users"] == [str(analyst)] and due["reason"] == "after"
    actions = (await company.get("analyst", plan)).json()["allowed_actions"]
    assert "approve" in actions and "return" not in actions and "veto" not in actions
    assert (await company.act("analyst", plan, "return", "不同意")).status_code == 403
    waiting = await company.planning.get("/api/planning/plans/awaiting-me", headers=await company.as_("analyst"))
    assert plan["id"] in [p["id"] for p in waiting.json()]
    assert (await company.act("analyst", plan, "approve", "")).status_code == 422  # an opinion says something
    r = await company.act("analyst", plan, "approve", "建议增加线上调研样本")
    assert r.status_code == 200 and [s["state"] for s in r.json()["stages"]] == ["done", "current"], r.text
    opinion = [a for a in await history(company, plan["id"]) if a["action"] == "opinion"]
    assert [a["comment"] for a in opinion] == ["建议增加线上调研样本"]
    async with company.planning.app.state.db.reader() as s:
        [row] = (await s.execute(select(PlanAddedSigner))).scalars().all()
        assert (row.status, row.opinion) == ("opined", "建议增加线上调研样本")


async def test_adding_someone_without_any_right_over_the_plan_or_the_submitter_is_refused(company):
    await set_flow(company, UNIT_REVIEW, LEADERSHIP)
    plan = await submitted(company)
    r = await control(company, "ops_director", plan, "add-signer",
                      {"user_id": await uid(company, "supply_head"), "position": "after"})
    assert r.status_code == 422 and r.json()["detail"].startswith("赵供应科主管既不持有"), r.text
    r = await control(company, "ops_director", plan, "add-signer",
                      {"user_id": await uid(company, "market_mgr"), "position": "before"})
    assert r.status_code == 422 and "提交人" in r.json()["detail"], r.text
    r = await control(company, "ops_director", plan, "add-signer",
                      {"user_id": await uid(company, "gm"), "position": "sideways"})
    assert r.status_code == 422, r.text
    r = await control(company, "ops_director", plan, "add-signer",
                      {"user_id": await uid(company, "gm"), "position": "after", "extra": 1})
    assert r.status_code == 422, r.text
    r = await control(company, "analyst", plan, "add-signer",
                      {"user_id": await uid(company, "gm"), "position": "after"})
    assert r.status_code == 403, r.text
    async with company.planning.app.state.db.reader() as s:
        assert (await s.execute(select(PlanAddedSigner))).scalars().all() == []


# --- 抄送 CC -------------------------------------------------------------------------------------------------


async def test_a_copied_reader_sees_that_plan_only_and_takes_no_decision(company):
    other = await company.create("market_mgr", **annual("MKT", "市场部2028年度运营计划", period="2028"))
    plan = await submitted(company)
    branch_gm = await uid(company, "branch_gm")
    assert (await company.get("branch_gm", plan)).status_code == 404  # 苏州分公司 holds nothing over 市场部
    r = await control(company, "market_mgr", plan, "cc", {"user_ids": [branch_gm], "comment": "供分公司参考"})
    assert r.status_code == 200, r.text
    [cc] = r.json()["cc"]
    assert (cc["user_name"], cc["by_name"], cc["source"]) == ("陈分公司总经理", "张市场部经理", "submitter")
    seen = await company.get("branch_gm", plan)
    assert seen.status_code == 200 and seen.json()["title"] == "市场部2027年度运营计划"
    assert not {"approve", "return", "veto", "transfer", "add_signer", "withdraw"} & set(seen.json()["allowed_actions"])
    assert (await company.get("branch_gm", other)).status_code == 404
    listed = (await company.planning.get("/api/planning/plans", headers=await company.as_("branch_gm"))).json()
    assert plan["id"] in [p["id"] for p in listed["items"]] and other["id"] not in [p["id"] for p in listed["items"]]
    for action in ("approve", "return", "veto"):
        assert (await company.act("branch_gm", plan, action, "不同意")).status_code == 403, action
    [e] = await events(company, "planning.plan.copied")
    assert e["user_ids"] == [str(branch_gm)] and e["source"] == "submitter"
    assert "plan.cc" in await audit_actions(company, plan["id"])


async def test_only_the_submitter_copies_and_only_once_submitted(company):
    draft = await company.create("market_mgr", **annual("MKT", "市场部草稿"))
    branch_gm = await uid(company, "branch_gm")
    r = await control(company, "market_mgr", draft, "cc", {"user_ids": [branch_gm]})
    assert r.status_code == 409, r.text
    plan = await company.create("market_mgr", **annual("MKT", "市场部2026年度运营计划", period="2026"))
    await company.act("market_mgr", plan, "submit")
    r = await control(company, "ops_director", plan, "cc", {"user_ids": [branch_gm]})
    assert r.status_code == 403 and r.json()["detail"] == "只有计划的提交人可以抄送。", r.text
    r = await control(company, "market_mgr", plan, "cc", {"user_ids": [999999]})
    assert r.status_code == 422 and "999999" in r.json()["detail"], r.text
    assert (await company.get("branch_gm", plan)).status_code == 404


async def test_a_stage_copies_the_holders_of_its_cc_when_it_is_reached(company):
    await set_flow(company, {**UNIT_REVIEW, "cc": [{"right": "plan", "over": "unit", "held_in": "SZ"}]},
                   {**LEADERSHIP, "cc": [{"right": "plan", "over": "company", "held_in": "OPS"}]})
    flows = (await company.planning.get("/api/planning/flows/annual", headers=await company.as_("admin"))).json()
    assert flows["stages"][1]["cc"] == [{"right": "plan", "over": "company", "held_in": "OPS"}]
    plan = await submitted(company)
    assert plan["cc"] == []  # nobody in 苏州分公司 holds plan over 市场部
    r = await company.act("gm", plan, "approve", "同意")
    assert r.status_code == 200, r.text
    [cc] = r.json()["cc"]
    assert (cc["user_name"], cc["source"], cc["stage_key"]) == ("李运营总监", "stage", "leadership")
    [e] = await events(company, "planning.plan.copied")
    assert e["user_ids"] == [str(await uid(company, "ops_director"))] and e["stage_key"] == "leadership"
    # a cc naming no right is refused with the stage's name
    admin = await company.as_("admin")
    flow = await company.planning.get("/api/planning/flows/annual", headers=admin)
    bad = await company.planning.patch("/api/planning/flows/annual", json={"stages": [{**UNIT_REVIEW, "cc": [
        {"right": "sing", "over": "unit"}]}]}, headers={**admin, **ZH, "If-Match": flow.headers["etag"]})
    assert bad.status_code == 422, bad.text


# --- candidates ----------------------------------------------------------------------------------------------


async def test_candidates_come_from_org_holders_with_where_they_hold_the_right(company):
    await set_flow(company, UNIT_REVIEW, LEADERSHIP)
    plan = await submitted(company)
    url = f"/api/planning/plans/{plan['id']}/candidates"
    ops = await company.as_("ops_director")
    r = await company.planning.get(url, params={"control": "transfer"}, headers=ops)
    assert r.status_code == 200, r.text
    assert [(c["name"], c["unit_name"], c["position_name"], c["advisory"]) for c in r.json()] == \
        [("王总经理", "华东燃气有限公司", "总经理", False)]
    r = await company.planning.get(url, params={"control": "add_signer"}, headers=ops)
    assert [(c["name"], c["advisory"]) for c in r.json()] == [("王总经理", False), ("刘市场调研专员", True)]
    r = await company.planning.get(url, params={"control": "cc"}, headers=await company.as_("market_mgr"))
    names = [c["name"] for c in r.json()]
    assert "陈分公司总经理" in names and "张市场部经理" not in names
    # CC candidates come from the directory with the post each holds today, to tell namesakes apart
    copied = {c["name"]: (c["unit_name"], c["position_name"]) for c in r.json()}
    assert copied["王总经理"] == ("华东燃气有限公司", "总经理")
    r = await company.planning.get(url, params={"control": "transfer"}, headers=await company.as_("analyst"))
    assert r.status_code == 403
    r = await company.planning.get(url, params={"control": "promote"}, headers=ops)
    assert r.status_code == 422


# --- two people at once ----------------------------------------------------------------------------------------


async def test_transfer_and_approve_at_once_exactly_one_wins(company):
    await set_flow(company, UNIT_REVIEW, LEADERSHIP)
    gm = await uid(company, "gm")
    for year in (2026, 2027, 2028):
        plan = await submitted(company, title=f"市场部{year}年度运营计划", period=str(year))
        etag = (await company.get("market_mgr", plan)).headers["etag"]
        transfer, approve = await asyncio.gather(
            control(company, "ops_director", plan, "transfer", {"to_user_id": gm, "reason": "出差"},
                    **{"If-Match": etag}),
            company.planning.post(f"/api/planning/plans/{plan['id']}/approve", json={"comment": "同意"},
                                  headers={**await company.as_("gm"), "If-Match": etag}))
        codes = sorted([transfer.status_code, approve.status_code])
        assert codes[0] == 200 and codes[1] in (409, 412), (transfer.text, approve.text)
        async with company.planning.app.state.db.reader() as s:
            transfers = (await s.execute(select(PlanTransfer).where(PlanTransfer.plan_id == plan["id"]))
                         ).scalars().all()
            signatures = (await s.execute(select(StageSignature).where(StageSignature.plan_id == plan["id"],
                                                                       StageSignature.signer == str(gm)))
                          ).scalars().all()
        after = (await company.get("market_mgr", plan)).json()
        if transfer.status_code == 200:  # the transfer won: nothing of the approval was kept
            assert len(transfers) == 1 and signatures == [] and after["stages"][0]["state"] == "current"
        else:  # the approval won: the stage moved on and no transfer was recorded
            assert transfers == [] and len(signatures) == 1 and after["stages"][0]["state"] == "done"
