"""The rules a plan's content and its place keep: one live plan per unit and period, owners on monthly
tasks, money with its unit, a planner's reach through nested fields."""

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError

from services.planning.models import Plan
from tests.planning.conftest import annual
from tests.support import DEMO_IDS


async def test_a_second_live_plan_for_the_same_unit_and_period_is_refused_naming_the_first(company):
    first = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    r = await company.planning.post("/api/planning/plans", json=annual("MKT", "市场部2027计划（重复）"),
                                    headers={**await company.as_("gm"), "Accept-Language": "zh-CN"})
    assert r.status_code == 409, r.text
    assert "市场部2027年度运营计划" in r.json()["detail"] and str(first["id"]) in r.json()["detail"]
    assert r.json()["existing_plan"]["id"] == first["id"]
    en = await company.planning.post("/api/planning/plans", json=annual("MKT", "again"),
                                     headers=await company.as_("market_mgr"))
    assert en.status_code == 409 and "'市场部2027年度运营计划' (id" in en.json()["detail"]
    # another period, or another cadence, is another plan
    await company.create("market_mgr", **annual("MKT", "市场部2027年第一季度", period="2027-Q1"))
    await company.create("market_mgr", **annual("MKT", "市场部2028年度", period="2028"))
    # once the first is vetoed, the unit may draft again
    await company.act("gm", first, "veto", reason="重做")
    again = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划（重编）"))
    assert again["status"] == "draft"


async def test_two_people_drafting_the_same_plan_at_once_get_one_plan(company):
    headers = [await company.as_("market_mgr"), await company.as_("gm")]
    results = await asyncio.gather(*[company.planning.post("/api/planning/plans", headers=h,
                                                           json=annual("MKT", f"市场部2027（{i}）"))
                                     for i, h in enumerate(headers)])
    assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
    listed = (await company.planning.get("/api/planning/plans", params={"unit_id": DEMO_IDS["MKT"]},
                                         headers=await company.as_("gm"))).json()["items"]
    assert len(listed) == 1


async def test_the_database_itself_holds_one_live_plan_per_unit_and_period(company):
    async with company.planning.app.state.db.writer() as s:
        s.add(Plan(unit_id=DEMO_IDS["MKT"], period="2027", kind="annual", title="a", status="draft", created_by="1",
                   pending_signers=[]))
        await s.flush()
        s.add(Plan(unit_id=DEMO_IDS["MKT"], period="2027", kind="annual", title="b", status="vetoed",
                   created_by="1", pending_signers=[]))
        await s.flush()  # a vetoed one makes no second live plan
        s.add(Plan(unit_id=DEMO_IDS["MKT"], period="2027", kind="annual", title="c", status="draft", created_by="1",
                   pending_signers=[]))
        with pytest.raises(IntegrityError):
            await s.flush()
        await s.rollback()


async def test_a_monthly_plan_is_not_submitted_while_a_task_has_no_responsible_person(company):
    analyst = await company.user_id("analyst")
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年3月运营计划", period="2027-03", tasks=[
        {"title": "客户走访", "owner_id": analyst, "owner_name": "刘"}, {"title": "竞品价格跟踪", "owner_name": ""}]))
    r = await company.planning.post(f"/api/planning/plans/{plan['id']}/submit", json={},
                                    headers={**await company.as_("market_mgr"), "Accept-Language": "zh-CN"})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "tasks.1.owner_id"
    assert "第 2 项任务「竞品价格跟踪」没有责任人" in r.json()["detail"]
    assert (await company.get("market_mgr", plan)).json()["status"] == "draft"
    # an annual plan's tasks may still be assigned later
    yearly = await company.create("market_mgr", **annual("MKT", "市场部2027", tasks=[{"title": "竞品价格跟踪"}]))
    assert (await company.act("market_mgr", yearly, "submit")).status_code == 200


async def test_decomposition_sums_quarters_or_months_no_quarter_covers_never_both(company):
    from tests.planning.test_structure import issue

    year = await issue(company, await company.create("market_mgr", **annual(
        "MKT", "市场部2027年度运营计划", targets=(("sales", 30000),))))
    for period, value in (("2027-Q4", 8200), ("2027-11", 2700), ("2027-02", 2000)):
        await company.create("market_mgr", **annual("MKT", f"市场部{period}", period=period,
                                                    targets=(("sales", value),), parent_plan_id=year["id"]))
    r = await company.planning.get(f"/api/planning/plans/{year['id']}/decomposition",
                                   headers=await company.as_("market_mgr"))
    [line] = r.json()["by_period"]
    # Q4 (with November inside it) and February, which no quarter plan covers: 8,200 + 2,000
    assert (line["combined"], line["gap"]) == (10200, -19800)
    assert [c["label"] for c in line["contributors"]] == ["市场部 2027-Q4", "市场部 2027-02"]


async def patch(company, username: str, plan: dict, zh: bool = True, **body):
    current = await company.get(username, plan)
    headers = {**await company.as_(username), "If-Match": current.headers["etag"]}
    if zh:
        headers["Accept-Language"] = "zh-CN"
    return await company.planning.patch(f"/api/planning/plans/{plan['id']}", json=body, headers=headers)


async def test_a_planner_cannot_put_a_task_in_a_unit_outside_their_plan_right(company):
    tasks = [{"title": "调研"}, {"title": "策划", "unit_id": DEMO_IDS["MKT-PLN"]},
             {"title": "苏州推广", "unit_id": DEMO_IDS["SZ"]}]
    r = await company.planning.post("/api/planning/plans", json=annual("MKT", "市场部2027", tasks=tasks),
                                    headers={**await company.as_("market_mgr"), "Accept-Language": "zh-CN"})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "tasks.2.unit_id"
    assert "第 3 项任务「苏州推广」的单位是苏州分公司，您对该单位没有计划权" in r.json()["detail"]
    en = await company.planning.post("/api/planning/plans", json=annual("MKT", "市场部2027", tasks=tasks),
                                     headers=await company.as_("market_mgr"))
    assert "Task 3 '苏州推广' is for 苏州分公司" in en.json()["detail"]
    # nothing was created; within the right it is fine, and the same refusal holds on an edit
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027", tasks=tasks[:2]))
    r = await patch(company, "market_mgr", plan, tasks=[*tasks[:2], {"title": "x", "unit_id": DEMO_IDS["FIN"]}])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tasks.2.unit_id"
    r = await patch(company, "market_mgr", plan, tasks=[{"title": "x", "unit_id": 999}])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tasks.0.unit_id"
    assert [t["title"] for t in (await company.get("market_mgr", plan)).json()["tasks"]] == ["调研", "策划"]


async def test_a_task_owner_must_be_someone_of_the_task_unit_the_planner_may_assign(company):
    analyst, supply = await company.user_id("analyst"), await company.user_id("supply_head")
    ok = await company.create("market_mgr", **annual("MKT", "市场部2027", tasks=[
        {"title": "调研", "owner_id": analyst, "unit_id": DEMO_IDS["MKT-RES"]}]))
    # 赵供应科主管 holds a position in 供应科, not in 市场部
    r = await patch(company, "market_mgr", ok, tasks=[{"title": "调研", "owner_id": analyst},
                                                      {"title": "供气走访", "owner_id": supply}])
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "tasks.1.owner_id"
    assert "第 2 项任务「供气走访」：所选责任人不在市场部" in r.json()["detail"]
    # the analyst is in 市场调研组, not in 市场策划组
    r = await patch(company, "market_mgr", ok, tasks=[{"title": "策划", "owner_id": analyst,
                                                       "unit_id": DEMO_IDS["MKT-PLN"]}])
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tasks.0.owner_id"
    # an owner already on the plan stays acceptable on the next edit
    r = await patch(company, "market_mgr", ok, title="市场部2027（修订）")
    assert r.status_code == 200


async def test_a_linked_risk_must_exist_and_be_visible_to_the_planner(company):
    mine = await company.risk_for("market_mgr", "MKT", "市场需求下滑")
    theirs = await company.risk_for("branch_gm", "SZ", "苏州管网老化")
    r = await company.planning.post("/api/planning/plans", json=annual("MKT", "市场部2027",
                                                                       linked_risks=[mine, theirs]),
                                    headers={**await company.as_("market_mgr"), "Accept-Language": "zh-CN"})
    assert r.status_code == 422, r.text
    assert (r.json()["errors"][0]["field"], r.json()["risk_id"]) == ("linked_risks", theirs)
    assert f"关联风险 {theirs} 不在风险登记册中，或您无权查看" in r.json()["detail"]
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027", linked_risks=[mine]))
    r = await patch(company, "market_mgr", plan, zh=False, linked_risks=[mine, 424242])
    assert r.status_code == 422 and "Linked risk 424242 does not exist" in r.json()["detail"]
    assert (await company.get("market_mgr", plan)).json()["linked_risks"] == [mine]


async def test_money_carries_its_unit_and_the_budget_total_is_in_yuan(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027", resources=[
        {"kind": "budget", "description": "推广费用", "amount": 120, "amount_unit": "万元"},
        {"kind": "budget", "description": "调研费用", "amount": 180000},
        {"kind": "people", "description": "调研人员", "quantity": 3, "unit": "人"}]))
    lines = [(r["amount"], r["amount_unit"], r["amount_yuan"]) for r in plan["resources"]]
    assert lines == [(120, "万元", 1_200_000), (180000, "元", 180000), (None, "元", None)]
    assert plan["budget_total"] == 1_380_000
    bad = await company.planning.post("/api/planning/plans", headers=await company.as_("market_mgr"), json=annual(
        "MKT", "x", period="2028", resources=[{"kind": "budget", "description": "y", "amount": 1, "amount_unit": "$"}]))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "resources.0.amount_unit"


async def test_a_suggest_grant_over_a_unit_reaches_its_plans_in_draft_and_review(company):
    # 建议权 from the demo roles: the analyst's over 市场调研组 (own unit, exact), the branch general
    # manager's over the company (its superior unit, exact). Each may read such a plan before it is
    # issued and suggest on it; nothing below or beside that unit opens up.
    team = await company.create("market_mgr", **annual("MKT-RES", "市场调研组2027年度计划"))
    await company.act("market_mgr", team, "submit")
    assert (await company.get("analyst", team)).status_code == 200
    assert (await company.act("analyst", team, "suggest", "建议增加线上问卷")).json()["open_suggestions"] == 1
    top = await company.create("ops_director", **annual("HDGAS", "公司2027年度运营计划（草案）"))
    assert (await company.get("branch_gm", top)).status_code == 200
    assert "suggest" in (await company.get("branch_gm", top)).json()["allowed_actions"]
    assert (await company.act("branch_gm", top, "suggest", "建议分公司销售目标按管网覆盖分解")).status_code == 200
    ops = await company.create("ops_director", **annual("OPS", "运营管理部2027"))
    assert (await company.get("branch_gm", ops)).status_code == 404


async def test_only_a_budget_line_names_a_budget_item_and_a_refused_plan_is_not_kept(company):
    body = annual("MKT", "市场部2027年度运营计划", resources=[
        {"kind": "people", "description": "调研专员", "quantity": 3, "budget_item": "labor"}])
    r = await company.planning.post("/api/planning/plans", json=body,
                                    headers={**await company.as_("market_mgr"), "Accept-Language": "zh-CN"})
    assert r.status_code == 422 and "只有预算类资源才填写预算科目" in r.text
    bad_code = annual("MKT", "市场部2027年度运营计划", resources=[
        {"kind": "budget", "description": "调研费用", "amount": 5, "budget_item": "调研费"}])
    assert (await company.planning.post("/api/planning/plans", json=bad_code,
                                        headers=await company.as_("market_mgr"))).status_code == 422
    listed = await company.planning.get("/api/planning/plans", headers=await company.as_("market_mgr"))
    assert listed.json()["items"] == []
