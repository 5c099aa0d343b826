"""我的待办's planning parts: suggestions to answer, plans to rework, overdue tasks — each for whom it waits on."""

from datetime import timedelta

from services.common import clock
from tests.planning.conftest import annual
from tests.planning.test_tracking import issued_monthly
from tests.support import DEMO_IDS


async def waiting(company, user: str, part: str) -> list[dict]:
    r = await company.planning.get(f"/api/planning/inbox/{part}", headers=await company.as_(user))
    assert r.status_code == 200, r.text
    return r.json()


async def test_an_open_suggestion_waits_on_the_plans_owners_until_answered(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    assert (await company.act("market_mgr", plan, "submit")).status_code == 200
    r = await company.act("ops_director", plan, "suggest", "建议增加线上渠道投入")
    assert r.status_code == 200, r.text

    [item] = await waiting(company, "market_mgr", "suggestions")
    assert (item["plan_id"], item["plan_title"], item["plan_unit_id"]) == (plan["id"], "市场部2027年度运营计划",
                                                                          DEMO_IDS["MKT"])
    assert item["text"] == "建议增加线上渠道投入" and item["author_name"] and item["plan_status"] == "submitted"
    # its author holds plan over the whole company yet does not answer their own suggestion; a specialist
    # and another branch's manager hold no plan over 市场部
    assert await waiting(company, "ops_director", "suggestions") == []
    assert await waiting(company, "analyst", "suggestions") == []
    assert await waiting(company, "branch_gm", "suggestions") == []

    answered = await company.planning.post(f"/api/planning/plans/{plan['id']}/suggestions/{item['id']}/answer",
                                           json={"accepted": True, "reason": "采纳"},
                                           headers=await company.as_("market_mgr"))
    assert answered.status_code == 200, answered.text
    assert await waiting(company, "market_mgr", "suggestions") == []


async def test_a_suggestion_on_a_vetoed_plan_waits_on_nobody(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    await company.act("ops_director", plan, "suggest", "建议压缩费用")
    assert len(await waiting(company, "market_mgr", "suggestions")) == 1
    assert (await company.act("gm", plan, "veto", reason="方向不对")).status_code == 200
    assert await waiting(company, "market_mgr", "suggestions") == []


async def test_a_returned_plan_waits_on_its_owners_with_the_reason_until_resubmitted(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    await company.act("market_mgr", plan, "submit")
    assert (await company.act("ops_director", plan, "return", "请补充任务")).status_code == 200

    [item] = await waiting(company, "market_mgr", "plans-to-rework")
    assert (item["id"], item["status"], item["reason"]) == (plan["id"], "returned", "请补充任务")
    assert item["decided_by_name"] == "李运营总监" and item["decided_at"]
    assert await waiting(company, "analyst", "plans-to-rework") == []
    assert await waiting(company, "branch_gm", "plans-to-rework") == []

    assert (await company.act("market_mgr", plan, "submit", "已补充")).status_code == 200
    assert await waiting(company, "market_mgr", "plans-to-rework") == []


async def test_a_vetoed_plan_waits_on_its_owners_until_a_new_plan_replaces_it(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    await company.act("market_mgr", plan, "submit")
    assert (await company.act("gm", plan, "veto", reason="目标脱离实际")).status_code == 200

    [item] = await waiting(company, "market_mgr", "plans-to-rework")
    assert (item["id"], item["status"], item["reason"], item["decided_by_name"]) == \
        (plan["id"], "vetoed", "目标脱离实际", "王总经理")
    assert await waiting(company, "branch_gm", "plans-to-rework") == []
    # a plan for another period does not replace it; a new one for the same unit and period does
    await company.create("market_mgr", **annual("MKT", "市场部2028计划", period="2028"))
    assert [p["id"] for p in await waiting(company, "market_mgr", "plans-to-rework")] == [plan["id"]]
    await company.create("market_mgr", **annual("MKT", "市场部计划（重拟）"))
    assert await waiting(company, "market_mgr", "plans-to-rework") == []


async def test_an_overdue_task_waits_on_its_owner_and_on_who_dispatches_its_unit(company):
    plan = await issued_monthly(company)
    [task] = plan["tasks"]
    for user in ("analyst", "market_mgr", "ops_director"):  # the owner; dispatch over 市场部; over the company
        [item] = await waiting(company, user, "overdue-tasks")
        assert (item["id"], item["plan_title"], item["overdue"]) == (task["id"], plan["title"], True), user
    assert await waiting(company, "branch_gm", "overdue-tasks") == []
    assert await waiting(company, "supply_head", "overdue-tasks") == []

    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/dispatch", headers={
        **await company.as_("market_mgr"), "If-Match": f'"task-{task["id"]}-v{task["version"]}"'},
        json={"due": (clock.today() + timedelta(days=7)).isoformat(), "comment": "延期一周"})
    assert r.status_code == 200, r.text
    assert await waiting(company, "analyst", "overdue-tasks") == []
    assert await waiting(company, "market_mgr", "overdue-tasks") == []


async def test_a_task_due_in_a_draft_plan_is_not_overdue_work(company):
    past = (clock.today() - timedelta(days=3)).isoformat()
    await company.create("market_mgr", **annual("MKT", "草稿计划", tasks=[
        {"title": "走访", "owner_id": await company.user_id("analyst"), "due": past}]))
    assert await waiting(company, "market_mgr", "overdue-tasks") == []
    assert await waiting(company, "analyst", "overdue-tasks") == []
