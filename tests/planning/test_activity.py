"""The activity stream (动态) of plans, tasks and proposals: what happened, by whom (by name), in the caller's
language, only the record's own entries, and only to those who may see the record."""

from services.common.api import encode_cursor
from tests.planning.conftest import annual
from tests.planning.test_proposals import allow_anonymous
from tests.planning.test_proposals import submit as submit_proposal
from tests.planning.test_tracking import issued_monthly

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


async def activity(company, user: str, kind: str, record_id: int, *, lang=ZH, **params):
    return await company.planning.get(f"/api/planning/records/{kind}/{record_id}/activity", params=params,
                                      headers={**await company.as_(user), **lang})


async def name_of(company, user: str) -> str:
    r = await company.org.get("/api/org/me", headers=await company.as_(user))
    return r.json()["user"]["display_name"]


async def test_a_plans_activity_tells_its_submission_and_approval_by_name_and_nothing_of_other_plans(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    other = await company.create("market_mgr", **annual("MKT", "另一份计划", period="2028"))
    assert (await company.act("market_mgr", plan, "submit", "请审核")).status_code == 200
    assert (await company.act("market_mgr", other, "submit", "另一份")).status_code == 200
    assert (await company.act("ops_director", plan, "approve", "同意，报公司高层")).status_code == 200
    manager = await name_of(company, "market_mgr")

    r = await activity(company, "market_mgr", "plan", plan["id"])
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(e["kind"], e["sentence"]) for e in items] == [
        ("decision", "李运营总监 批准了计划（运营管理部汇总审核）"),
        ("decision", f"{manager} 提交了计划，待运营管理部汇总审核"),
        ("edit", f"{manager} 创建了计划"),
    ]
    assert [e["quote"] for e in items] == ["同意，报公司高层", "请审核", None]
    assert (items[1]["status_from"], items[1]["status_to"]) == ("草稿", "已提交")
    assert items[0]["actor_name"] == "李运营总监" and "另一份" not in r.text
    assert [e["seq"] for e in items] == sorted((e["seq"] for e in items), reverse=True)

    en = (await activity(company, "market_mgr", "plan", plan["id"], lang=EN)).json()["items"]
    assert en[0]["sentence"] == "李运营总监 approved the plan (Operations review and consolidation)"
    assert (en[1]["status_from"], en[1]["status_to"]) == ("Draft", "Submitted")

    oldest = (await activity(company, "market_mgr", "plan", plan["id"], order="asc", limit=2)).json()
    assert [e["sentence"] for e in oldest["items"]] == [f"{manager} 创建了计划",
                                                        f"{manager} 提交了计划，待运营管理部汇总审核"]
    last = (await activity(company, "market_mgr", "plan", plan["id"], order="asc",
                           cursor=oldest["next_cursor"])).json()
    assert [e["quote"] for e in last["items"]] == ["同意，报公司高层"] and last["next_cursor"] is None


async def test_someone_who_cannot_see_the_plan_is_refused_its_activity_as_its_page_refuses_them(company):
    plan = await company.create("supply_head", **annual("OPS-SUP", "供应科计划"))
    assert (await company.act("supply_head", plan, "submit", "内部意见：预算偏紧")).status_code == 200
    # 市场部's specialist and another branch's manager see nothing of 供应科's plans
    for user in ("analyst", "branch_gm"):
        page = await company.get(user, plan)
        r = await activity(company, user, "plan", plan["id"])
        assert page.status_code in (403, 404) and r.status_code == page.status_code, (user, r.text)
        assert "预算偏紧" not in r.text and r.headers["content-type"].startswith("application/problem+json")
    no_token = await company.planning.get(f"/api/planning/records/plan/{plan['id']}/activity")
    assert no_token.status_code == 401
    assert (await activity(company, "ops_director", "plan", plan["id"])).status_code == 200
    unknown = await activity(company, "market_mgr", "meeting", 1)
    assert unknown.status_code == 404 and "记录" in unknown.json()["detail"]
    bad_cursor = await activity(company, "ops_director", "plan", plan["id"], cursor="不是分页位置")
    assert bad_cursor.status_code == 422
    huge = await activity(company, "ops_director", "plan", plan["id"], cursor=encode_cursor(10**30))
    assert huge.status_code in (200, 422), huge.text  # past any entry: never a 500
    bad_order = await activity(company, "ops_director", "plan", plan["id"], order="sideways")
    assert bad_order.status_code == 422
    missing = await activity(company, "market_mgr", "plan", 999999)
    assert missing.status_code == 404


async def test_a_tasks_activity_has_its_dispatch_and_progress_reports_and_the_plan_keeps_its_own(company):
    plan = await issued_monthly(company, due_offset_days=10)
    task = plan["tasks"][0]
    supply = await company.user_id("supply_head")
    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/dispatch",
                                    headers=await company.as_("market_mgr"),
                                    json={"owner_id": supply, "owner_name": "赵", "due": "2027-12-31",
                                          "comment": "改派"})
    assert r.status_code == 200, r.text
    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/progress",
                                    headers=await company.as_("supply_head"),
                                    json={"progress": 55, "note": "已走访55家", "evidence": ["https://docs/v.xlsx"]})
    assert r.status_code == 201, r.text
    manager, supplier = await name_of(company, "market_mgr"), await name_of(company, "supply_head")

    items = (await activity(company, "market_mgr", "task", task["id"])).json()["items"]
    assert [(e["sentence"], e["quote"], e["status_to"]) for e in items] == [
        (f"{supplier} 报告了进度 55%", "已走访55家", "进行中"),
        (f"{manager} 调度了任务：责任人 赵，期限 2027-12-31", "改派", None),
    ]
    assert "docs/v.xlsx" not in str(items)  # evidence links are the task page's, not the timeline's
    plan_items = (await activity(company, "market_mgr", "plan", plan["id"])).json()["items"]
    assert plan_items[0]["sentence"].endswith("公示了计划") and plan_items[0]["status_to"] == "已公示"
    assert not any("进度" in e["sentence"] or "调度" in e["sentence"] for e in plan_items)


async def test_an_anonymous_proposer_stays_anonymous_in_the_activity_except_to_themselves(company):
    await allow_anonymous(company, True)
    p = await submit_proposal(company, "analyst", anonymous=True)
    seen = (await activity(company, "market_mgr", "proposal", p["id"])).json()["items"]
    assert [(e["actor_name"], e["sentence"], e["status_to"]) for e in seen] == [
        ("匿名", "匿名 提交了合理化建议", "评审中")]
    own = (await activity(company, "analyst", "proposal", p["id"])).json()["items"]
    assert own[0]["sentence"] == "刘市场调研专员 提交了合理化建议"


async def test_comments_on_a_plan_appear_in_its_activity_and_a_deleted_ones_words_do_not(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部计划"))
    base = f"/api/planning/records/plan/{plan['id']}/comments"
    director = await company.as_("ops_director")
    kept = await company.planning.post(base, json={"body": "渠道费用请再核实"}, headers=director)
    assert kept.status_code == 201, kept.text
    gone = await company.planning.post(base, json={"body": "这句话稍后删除"}, headers=director)
    assert gone.status_code == 201, gone.text
    headers = {**director, "If-Match": gone.headers.get("etag", "*")}
    deleted = await company.planning.delete(f"{base}/{gone.json()['id']}", headers=headers)
    assert deleted.status_code == 204, deleted.text

    r = await activity(company, "market_mgr", "plan", plan["id"])
    items = [(e["kind"], e["sentence"], e["quote"]) for e in r.json()["items"]]
    assert items[:3] == [("comment", "李运营总监 删除了一条评论", None),
                         ("comment", "李运营总监 发表了评论", None),
                         ("comment", "李运营总监 发表了评论", "渠道费用请再核实")]
    assert "稍后删除" not in r.text
