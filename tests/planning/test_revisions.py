"""计划调整: a revision that is vetoed or returned never takes the issued plan away."""

from sqlalchemy import select

from services.planning.models import OutboxEvent
from tests.planning.conftest import annual
from tests.planning.test_structure import issue


async def events(company, type_: str) -> list[dict]:
    async with company.planning.app.state.db.reader() as s:
        return [e.data for e in (await s.execute(select(OutboxEvent).where(OutboxEvent.type == type_)
                                                 .order_by(OutboxEvent.seq))).scalars()]


async def edit(company, plan: dict, username: str = "market_mgr", **body):
    current = await company.get(username, plan)
    r = await company.planning.patch(f"/api/planning/plans/{plan['id']}", json=body,
                                     headers={**await company.as_(username), "If-Match": current.headers["etag"]})
    assert r.status_code == 200, r.text
    return r.json()


async def revised_and_submitted(company, plan: dict, value: float) -> dict:
    r = await company.act("market_mgr", plan, "revise", "市场变化，下调销售目标")
    assert r.status_code == 200, r.text
    await edit(company, plan, targets=[{"indicator_code": "sales", "value": value}],
               tasks=[{"title": "新增渠道拓展"}])
    r = await company.act("market_mgr", plan, "submit", "请审核调整")
    assert r.status_code == 200 and r.json()["status"] == "submitted", r.text
    return r.json()


async def test_a_vetoed_revision_leaves_the_issued_plan_in_force(company):
    plan = await issue(company, await company.create("market_mgr", **annual(
        "MKT", "市场部2027年度运营计划", targets=(("sales", 30000),), tasks=[{"title": "年度市场调研"}])))
    assert plan["in_force_revision"] == 1
    submitted = await revised_and_submitted(company, plan, 26000)
    # while the revision is reviewed, the plan says which version is in force and shows it
    assert submitted["revision"] == 2 and submitted["in_force_revision"] == 1
    assert submitted["in_force"]["snapshot"]["targets"][0]["value"] == 30000

    r = await company.act("gm", plan, "veto", reason="调整依据不足，维持原计划")
    assert r.status_code == 200, r.text
    after = r.json()
    assert (after["status"], after["revision"], after["in_force_revision"]) == ("issued", 1, 1)
    assert [(t["indicator_code"], t["value"]) for t in after["targets"]] == [("sales", 30000)]
    assert [t["title"] for t in after["tasks"]] == ["年度市场调研"]
    assert after["in_force"] is None and after["issued_at"] == plan["issued_at"]
    assert [(x["revision"], x["reason"]) for x in after["rejected_revisions"]] == [(2, "调整依据不足，维持原计划")]
    assert after["rejected_revisions"][0]["snapshot"]["targets"][0]["value"] == 26000
    assert "revise" in after["allowed_actions"]

    history = (await company.planning.get(f"/api/planning/plans/{plan['id']}/history",
                                          headers=await company.as_("market_mgr"))).json()
    assert [(v["revision"], v["status"], v["reason"]) for v in history["versions"]] == \
        [(1, "issued", None), (2, "vetoed", "调整依据不足，维持原计划")]
    assert [(a["action"], a["revision"]) for a in history["actions"]][-3:] == \
        [("revise", 2), ("submit", 2), ("veto", 2)]
    # kpi heard of the issue only: nothing said the targets changed, nor that the plan is gone
    assert [e["targets"][0]["value"] for e in await events(company, "planning.plan.issued")] == [30000]
    assert await events(company, "planning.plan.revised") == []
    assert await events(company, "planning.plan.vetoed") == []
    [vetoed] = await events(company, "planning.plan.revision_vetoed")
    assert (vetoed["vetoed_revision"], vetoed["in_force_revision"], vetoed["status"]) == (2, 1, "issued")
    assert "targets" not in vetoed

    # a later adjustment is numbered after the vetoed one, and it can be issued
    again = await company.act("market_mgr", plan, "revise", "再次调整")
    assert again.json()["revision"] == 3 and again.json()["in_force_revision"] == 1
    await edit(company, plan, targets=[{"indicator_code": "sales", "value": 28000}])
    issued = await issue(company, plan)
    assert (issued["status"], issued["revision"], issued["in_force_revision"]) == ("issued", 3, 3)
    assert [e["targets"][0]["value"] for e in await events(company, "planning.plan.revised")] == [28000]
    assert [x["revision"] for x in issued["rejected_revisions"]] == [2]


async def test_a_returned_revision_goes_back_to_its_author_while_the_issued_version_stays_in_force(company):
    plan = await issue(company, await company.create("market_mgr", **annual(
        "MKT", "市场部2027年度运营计划", targets=(("sales", 30000),))))
    await revised_and_submitted(company, plan, 26000)
    r = await company.act("ops_director", plan, "return", "请补充调整依据")
    assert r.status_code == 200, r.text
    back = r.json()
    assert (back["status"], back["revision"], back["in_force_revision"]) == ("returned", 2, 1)
    assert back["in_force"]["revision"] == 1 and back["in_force"]["status"] == "issued"
    assert back["in_force"]["snapshot"]["targets"] == [{"indicator_code": "sales", "value": 30000.0, "unit": "",
                                                        "aggregation": "sum"}]
    assert {"edit", "submit"} <= set(back["allowed_actions"])
    # the whole company still reads it (it was issued), with the version in force
    analyst = (await company.get("analyst", plan)).json()
    assert analyst["in_force"]["snapshot"]["targets"][0]["value"] == 30000
    # and a veto of the returned revision restores it as well
    r = await company.act("gm", plan, "veto", reason="不同意调整")
    assert (r.json()["status"], r.json()["targets"][0]["value"]) == ("issued", 30000)


async def test_a_veto_of_a_plan_never_issued_still_ends_it(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    await company.act("market_mgr", plan, "submit")
    r = await company.act("gm", plan, "veto", reason="与公司战略不符")
    assert (r.json()["status"], r.json()["in_force_revision"]) == ("vetoed", None)
    assert not {"revise", "edit", "submit"} & set(r.json()["allowed_actions"])
    assert r.json()["rejected_revisions"] == []


async def test_a_vetoed_revision_that_left_the_tasks_alone_keeps_their_progress(company):
    analyst = await company.user_id("analyst")
    plan = await issue(company, await company.create("market_mgr", **annual(
        "MKT", "市场部2027年度运营计划", targets=(("sales", 30000),),
        tasks=[{"title": "年度市场调研", "owner_id": analyst, "owner_name": "刘"}])))
    task = plan["tasks"][0]
    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/progress", headers=await company.as_("analyst"),
                                    json={"progress": 40, "status": "in_progress", "note": "问卷已回收"})
    assert r.status_code == 201, r.text
    await company.act("market_mgr", plan, "revise", "下调目标")
    await edit(company, plan, targets=[{"indicator_code": "sales", "value": 26000}])
    await company.act("market_mgr", plan, "submit")
    after = (await company.act("gm", plan, "veto", reason="维持原计划")).json()
    assert [(t["id"], t["progress"], t["status"]) for t in after["tasks"]] == [(task["id"], 40, "in_progress")]
    log = (await company.planning.get(f"/api/planning/tasks/{task['id']}/progress",
                                      headers=await company.as_("market_mgr"))).json()
    assert [e["note"] for e in log] == ["问卷已回收"]
