"""综合平衡: an adjustment names a child plan's target; applied by a holder of the plan right over the
company, it changes that target, and both the child plan and the company view show it."""

from sqlalchemy import select

from services.planning.models import OutboxEvent
from tests.planning.conftest import annual
from tests.planning.test_structure import issue
from tests.support import DEMO_IDS


async def propose(company, username: str, plan: dict, value: float, **extra):
    return await company.planning.post("/api/planning/consolidation/adjustments", headers=await company.as_(username),
                                       json={"unit_id": DEMO_IDS["HDGAS"], "period": "2027", "plan_id": plan["id"],
                                             "indicator_code": "sales", "value": value,
                                             "reason": "公司销售目标与部门汇总差2000万元，市场部承担", **extra})


async def apply(company, username: str, adjustment: dict):
    return await company.planning.post(f"/api/planning/consolidation/adjustments/{adjustment['id']}/apply",
                                       headers={**await company.as_(username), "Accept-Language": "zh-CN"})


async def company_view(company) -> dict:
    r = await company.planning.get("/api/planning/consolidation", headers=await company.as_("gm"),
                                   params={"unit_id": DEMO_IDS["HDGAS"], "period": "2027"})
    return r.json()


async def test_an_applied_adjustment_changes_the_child_plans_target_and_both_views_show_it(company):
    await company.create("gm", **annual("HDGAS", "公司2027", targets=(("sales", 52000),)))
    mkt = await company.create("market_mgr", **annual("MKT", "市场部2027", targets=(("sales", 30000),)))
    await company.act("market_mgr", mkt, "submit")
    r = await propose(company, "ops_director", mkt, 32000)
    assert r.status_code == 201, r.text
    adj = r.json()
    assert (adj["status"], adj["previous_value"], adj["plan_title"]) == ("proposed", 30000, "市场部2027")
    # proposed: visible on the child plan and in the company view, the target not yet changed
    child = (await company.get("market_mgr", mkt)).json()
    assert [(a["id"], a["status"]) for a in child["adjustments"]] == [(adj["id"], "proposed")]
    assert child["targets"][0]["value"] == 30000
    assert [a["plan_id"] for a in (await company_view(company))["adjustments"]] == [mkt["id"]]

    # applied by a holder of the plan right over the company, not by 市场部 and not by the proposer
    assert (await apply(company, "market_mgr", adj)).status_code == 403
    own = await apply(company, "ops_director", adj)
    assert own.status_code == 403 and "提出人以外" in own.json()["detail"]
    r = await apply(company, "gm", adj)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["applied_by_name"]) == ("applied", "王总经理")
    assert (await apply(company, "gm", adj)).status_code == 409

    child = (await company.get("market_mgr", mkt)).json()
    assert child["targets"][0]["value"] == 32000 and child["adjustments"][0]["status"] == "applied"
    history = (await company.planning.get(f"/api/planning/plans/{mkt['id']}/history",
                                          headers=await company.as_("market_mgr"))).json()
    balance = history["actions"][-1]
    assert balance["action"] == "balance" and balance["actor_name"] == "王总经理"
    assert "30000 → 32000" in balance["comment"] and "市场部承担" in balance["comment"]
    assert history["versions"][-1]["snapshot"]["targets"][0]["value"] == 32000  # the submitted copy follows
    line = (await company_view(company))["lines"][0]
    assert (line["indicator_code"], line["combined"]) == ("sales", 32000)


async def test_an_adjustment_of_an_issued_plan_issues_a_new_version_kpi_hears_of(company):
    mkt = await issue(company, await company.create("market_mgr", **annual("MKT", "市场部2027",
                                                                           targets=(("sales", 30000),))))
    adj = (await propose(company, "ops_director", mkt, 31000)).json()
    r = await apply(company, "gm", adj)
    assert (r.status_code, r.json()["applied_revision"]) == (200, 2)
    plan = (await company.get("analyst", mkt)).json()
    assert (plan["status"], plan["revision"], plan["in_force_revision"]) == ("issued", 2, 2)
    assert plan["targets"][0]["value"] == 31000
    async with company.planning.app.state.db.reader() as s:
        revised = [e.data for e in (await s.execute(select(OutboxEvent).where(
            OutboxEvent.type == "planning.plan.revised"))).scalars()]
    assert [(e["version"], e["targets"][0]["value"], e["balanced"]["before"]) for e in revised] == [(2, 31000, 30000)]


async def test_an_adjustment_names_a_live_plan_of_a_unit_directly_below_and_one_of_its_targets(company):
    mkt = await company.create("market_mgr", **annual("MKT", "市场部2027", targets=(("sales", 30000),)))
    team = await company.create("market_mgr", **annual("MKT-RES", "调研组2027"))
    assert (await propose(company, "ops_director", team, 1)).json()["errors"][0]["field"] == "plan_id"
    r = await propose(company, "ops_director", mkt, 1, indicator_code="profit")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "indicator_code"
    assert (await propose(company, "market_mgr", mkt, 1)).status_code == 403  # no plan right over the company
    assert (await company.get("market_mgr", mkt)).json()["adjustments"] == []
