"""经营驾驶舱's planning part: plan execution of a unit's subtree, and who may ask for which unit."""

from datetime import timedelta

from services.common import clock
from tests.planning.conftest import annual
from tests.support import DEMO_IDS

MONTH = clock.today().strftime("%Y-%m")


async def cockpit(company, user: str, **params) -> dict:
    r = await company.planning.get("/api/planning/cockpit", params=params, headers=await company.as_(user))
    assert r.status_code == 200, r.text
    return r.json()


async def issued(company, user: str, unit: str, title: str, tasks: list[dict],
                 targets=(("sales", 100.0), ("profit", 10.0))):
    # a monthly plan names every task's responsible person, someone in the unit
    owner = await company.user_id("analyst" if unit == "MKT" else user)
    tasks = [{"owner_id": owner, "start": day(-20), **t} for t in tasks]
    plan = await company.create(user, **annual(unit, title, period=MONTH, tasks=tasks, targets=targets))
    assert (await company.act(user, plan, "submit")).status_code == 200
    approved = await company.act("ops_director", plan, "approve")
    assert approved.json()["status"] == "approved", approved.text
    published = (await company.act("ops_director", plan, "publish")).json()
    assert published["status"] == "published", published
    return published


def day(offset: int) -> str:
    return (clock.today() + timedelta(days=offset)).isoformat()


async def known_month(company) -> None:
    """市场部: 3 tasks (one overdue, one due later, one done later on); 苏州分公司: 1 overdue; one plan waiting."""
    mkt = await issued(company, "market_mgr", "MKT", "市场部月度计划", [
        {"title": "客户走访", "owner_name": "刘", "due": day(-3)},
        {"title": "渠道拓展", "owner_name": "刘", "due": day(10)},
        {"title": "竞品分析", "owner_name": "张", "due": day(5)}])
    done = mkt["tasks"][2]
    r = await company.planning.post(f"/api/planning/tasks/{done['id']}/progress",
                                    json={"progress": 100, "status": "done", "note": "完成"},
                                    headers=await company.as_("market_mgr"))
    assert r.status_code in (200, 201), r.text
    await issued(company, "branch_gm", "SZ", "苏州分公司月度计划",
                 [{"title": "月度结账", "owner_name": "赵", "due": day(-1)}],
                 targets=(("cost_ratio", 60.0),))
    waiting = await company.create("market_mgr", **annual("MKT", "市场部下年度计划", period=str(int(MONTH[:4]) + 1)))
    assert (await company.act("market_mgr", waiting, "submit")).status_code == 200


async def test_the_company_cockpit_counts_plans_targets_tasks_and_approvals_of_the_whole_tree(company):
    await known_month(company)
    body = await cockpit(company, "gm", period=MONTH)
    assert body["scope"] == {"unit_id": DEMO_IDS["HDGAS"], "unit_name": "华东燃气有限公司", "unit_path": "/1/",
                             "period": MONTH}
    assert (body["plans"]["issued"], body["plans"]["targets"]) == (2, 3)
    tasks = body["tasks"]
    assert (tasks["total"], tasks["done"], tasks["on_time"], tasks["overdue"]) == (4, 1, 1, 2)
    assert [t["title"] for t in tasks["top_overdue"]] == ["客户走访", "月度结账"]  # the longest overdue first
    assert body["approvals"]["awaiting"] == 1 and body["approvals"]["top"][0]["title"] == "市场部下年度计划"
    assert body["plans"]["drill"] == f"/plans?unit_id={DEMO_IDS['HDGAS']}&status=issued"
    assert body["approvals"]["drill"] == f"/plans?unit_id={DEMO_IDS['HDGAS']}&status=submitted"


async def test_a_department_cockpit_counts_only_its_subtree_and_a_year_takes_in_its_months(company):
    await known_month(company)
    body = await cockpit(company, "market_mgr")  # default: the highest unit they view, this month
    assert (body["scope"]["unit_id"], body["scope"]["period"]) == (DEMO_IDS["MKT"], MONTH)
    assert (body["plans"]["issued"], body["plans"]["targets"]) == (1, 2)
    assert (body["tasks"]["total"], body["tasks"]["overdue"], body["tasks"]["done"]) == (3, 1, 1)
    year = await cockpit(company, "gm", unit=DEMO_IDS["SZ"], period=MONTH[:4])
    assert (year["plans"]["issued"], year["tasks"]["overdue"], year["approvals"]["awaiting"]) == (1, 1, 0)
    other_year = await cockpit(company, "gm", period=str(int(MONTH[:4]) + 3))
    assert (other_year["plans"]["issued"], other_year["tasks"]["total"]) == (0, 0)


async def test_a_department_manager_cannot_ask_for_another_department_or_the_company(company):
    for unit in ("FIN", "HDGAS", "SZ"):
        r = await company.planning.get("/api/planning/cockpit", params={"unit": DEMO_IDS[unit]},
                                       headers=await company.as_("market_mgr") | {"accept-language": "zh-CN"})
        assert r.status_code == 403, (unit, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "查看权" in r.json()["detail"]


async def test_a_malformed_or_too_fine_period_and_an_unknown_unit_are_refused(company):
    headers = await company.as_("gm")
    for period in ("2026-13", "2026-W12", "2026-03-15"):
        r = await company.planning.get("/api/planning/cockpit", params={"period": period}, headers=headers)
        assert r.status_code == 422, (period, r.text)
    r = await company.planning.get("/api/planning/cockpit", params={"unit": 9999}, headers=headers)
    assert r.status_code == 404
