"""Linked risks on plans, dispatch with a deadline, the owner's progress updates, declared response schemas."""

from datetime import timedelta

from services.common import clock
from tests.planning.conftest import annual
from tests.planning.test_tracking import issued_monthly
from tests.support import DEMO_IDS


async def test_a_plan_links_risks_and_the_link_is_kept_in_its_history(company):
    first = await company.risk_for("market_mgr", title="市场需求下滑")
    second = await company.risk_for("market_mgr", title="竞争对手降价")
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027", linked_risks=[second, first, second]))
    assert plan["linked_risks"] == [second, first]
    r = await company.planning.patch(f"/api/planning/plans/{plan['id']}", headers=await company.as_("market_mgr"),
                                     json={"linked_risks": [first]})
    assert r.status_code == 200 and r.json()["linked_risks"] == [first]
    # a PATCH that does not mention the links leaves them alone
    r = await company.planning.patch(f"/api/planning/plans/{plan['id']}", headers=await company.as_("market_mgr"),
                                     json={"title": "市场部2027（修订）"})
    assert r.json()["linked_risks"] == [first]
    bad = await company.planning.patch(f"/api/planning/plans/{plan['id']}", headers=await company.as_("market_mgr"),
                                       json={"linked_risks": [0]})
    assert bad.status_code == 422
    await company.act("market_mgr", plan, "submit")
    history = (await company.planning.get(f"/api/planning/plans/{plan['id']}/history",
                                          headers=await company.as_("market_mgr"))).json()
    assert history["versions"][-1]["snapshot"]["linked_risks"] == [first]


async def test_a_dispatcher_sets_a_new_owner_and_deadline_and_the_owner_reports_progress(company):
    plan = await issued_monthly(company, due_offset_days=10)
    task = plan["tasks"][0]
    assert task["plan_title"] == plan["title"] and task["plan_unit_id"] == DEMO_IDS["MKT"]
    new_due = (clock.today() + timedelta(days=30)).isoformat()
    supply = await company.user_id("supply_head")
    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/dispatch",
                                    headers=await company.as_("market_mgr"),
                                    json={"owner_id": supply, "owner_name": "赵", "due": new_due, "comment": "改派"})
    assert r.status_code == 200, r.text
    assert (r.json()["owner_id"], r.json()["due"]) == (supply, new_due)
    # the new owner reports; the former owner (analyst) no longer may
    refused = await company.planning.post(f"/api/planning/tasks/{task['id']}/progress",
                                          headers=await company.as_("analyst"), json={"progress": 50})
    assert refused.status_code == 403
    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/progress",
                                    headers=await company.as_("supply_head"),
                                    json={"progress": 55, "note": "已走访55家",
                                          "evidence": ["https://docs/visits.xlsx", " "]})
    assert r.status_code == 201, r.text
    assert (r.json()["progress"], r.json()["status"]) == (55, "in_progress")
    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/progress",
                                    headers=await company.as_("supply_head"),
                                    json={"progress": 100, "status": "done", "note": "完成"})
    assert r.json()["status"] == "done"
    log = (await company.planning.get(f"/api/planning/tasks/{task['id']}/progress",
                                      headers=await company.as_("market_mgr"))).json()
    assert [(e["progress"], e["note"]) for e in log] == [(100, "完成"), (55, "已走访55家")]
    assert log[1]["evidence"] == ["https://docs/visits.xlsx"] and log[1]["author_name"]
    mine = (await company.planning.get("/api/planning/tasks", params={"mine": "true"},
                                       headers=await company.as_("supply_head"))).json()["items"]
    assert [t["plan_title"] for t in mine if t["id"] == task["id"]] == [plan["title"]]


async def test_only_dispatchers_change_deadlines(company):
    plan = await issued_monthly(company, due_offset_days=10)
    task = plan["tasks"][0]
    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/dispatch", headers=await company.as_("analyst"),
                                    json={"due": clock.today().isoformat()})
    assert r.status_code == 403
    empty = await company.planning.post(f"/api/planning/tasks/{task['id']}/dispatch",
                                        headers=await company.as_("market_mgr"), json={"comment": "x"})
    assert empty.status_code == 422


async def test_composed_answers_declare_their_response_schemas(company):
    doc = (await company.planning.get("/api/planning/openapi.json")).json()

    def schema(path: str) -> str:
        return doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]

    assert schema("/api/planning/consolidation").endswith("/ConsolidationRead")
    assert schema("/api/planning/meetings/{week}/agenda").endswith("/AgendaRead")
    assert schema("/api/planning/plans/{plan_id}/decomposition").endswith("/DecompositionRead")
    line = doc["components"]["schemas"]["ConsolidationLine"]
    assert {"indicator_code", "reference", "combined", "gap", "status", "contributors"} <= set(line["properties"])
    assert "linked_risks" in doc["components"]["schemas"]["PlanRead"]["properties"]
