"""Tracking: weekly reports, the meeting agenda and its decisions, overdue flags, dispatch."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.common import clock
from services.common.periods import of_date
from services.common.service_auth import secret_for
from services.common.settings import DEMO_SERVICE_SECRET
from services.planning.models import OutboxEvent
from services.planning.tracking.service import flag_overdue
from tests.planning.conftest import annual
from tests.support import DEMO_IDS, bearer


async def issued_monthly(company, due_offset_days=-3):
    due = (clock.today() + timedelta(days=due_offset_days)).isoformat()
    start = (clock.today() - timedelta(days=20)).isoformat()
    plan = await company.create("market_mgr", **annual(
        "MKT", "市场部月度计划", period=clock.today().strftime("%Y-%m"),
        tasks=[{"title": "客户走访", "owner_id": await company.user_id("analyst"), "owner_name": "刘", "start": start,
                "due": due, "milestones": [{"title": "名单确定", "due": start}]}]))
    await company.act("market_mgr", plan, "submit")
    r = await company.act("ops_director", plan, "approve")
    assert r.json()["status"] == "approved", r.text
    return (await company.act("ops_director", plan, "publish")).json()


async def test_weekly_report_feeds_the_agenda_and_a_decision_becomes_a_task(company):
    plan = await issued_monthly(company)
    task = plan["tasks"][0]
    assert task["overdue"] is True and task["overdue_milestones"] == ["名单确定"]
    week = "2027-W05"
    body = {"week": week, "summary": "进度滞后", "items": [
        {"task_id": task["id"], "progress": 40, "status": "in_progress", "problems": "预约困难",
         "help_needed": "请客服科协助"}]}
    r = await company.planning.put(f"/api/planning/plans/{plan['id']}/reports/{week}", json=body,
                                   headers=await company.as_("market_mgr"))
    assert r.status_code == 200, r.text
    assert (await company.planning.put(f"/api/planning/plans/{plan['id']}/reports/{week}", json=body,
                                       headers=await company.as_("analyst"))).status_code == 403
    bad = await company.planning.put(f"/api/planning/plans/{plan['id']}/reports/{week}",
                                     json={**body, "items": [{**body["items"][0], "task_id": 99999}]},
                                     headers=await company.as_("market_mgr"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "items.0.task_id"
    agenda = (await company.planning.get(f"/api/planning/meetings/{week}/agenda",
                                         headers=await company.as_("ops_director"))).json()
    assert [i["plan_id"] for i in agenda["reports"]] == [plan["id"]]
    assert agenda["reports"][0]["problems"][0]["help_needed"] == "请客服科协助"
    assert task["id"] in [t["id"] for t in agenda["overdue_tasks"]]
    analyst_id = await company.user_id("analyst")
    d = await company.planning.post(f"/api/planning/meetings/{week}/decisions",
                                    headers=await company.as_("ops_director"),
                                    json={"plan_id": plan["id"], "text": "客服科配合市场部预约工商户",
                                          "owner_id": analyst_id, "owner_name": "刘", "due": "2027-02-10"})
    assert d.status_code == 201 and d.json()["task_id"]
    assert (await company.planning.post(f"/api/planning/meetings/{week}/decisions",
                                        headers=await company.as_("analyst"),
                                        json={"plan_id": plan["id"], "text": "x", "due": "2027-02-10"})
            ).status_code == 403
    mine = (await company.planning.get("/api/planning/tasks", params={"mine": True},
                                       headers=await company.as_("analyst"))).json()["items"]
    assert {t["source"] for t in mine} == {"plan", "meeting"}


async def test_overdue_tasks_are_emitted_once(company):
    plan = await issued_monthly(company)
    async with company.planning.app.state.db.writer() as s:
        assert await flag_overdue(s) == 1
        await s.commit()
    async with company.planning.app.state.db.writer() as s:
        assert await flag_overdue(s) == 0
        await s.commit()
        events = (await s.execute(select(OutboxEvent)
                                  .where(OutboxEvent.type == "planning.task.overdue"))).scalars().all()
    assert [e.data["plan_id"] for e in events] == [plan["id"]]


async def test_dispatch_reassigns_within_the_dispatchers_scope(company):
    plan = await issued_monthly(company, due_offset_days=10)
    task = plan["tasks"][0]
    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/dispatch",
                                    headers=await company.as_("market_mgr"),
                                    json={"unit_id": DEMO_IDS["MKT-PLN"], "owner_id": 3, "owner_name": "王",
                                          "comment": "策划组接手"})
    assert r.status_code == 200 and r.json()["unit_id"] == DEMO_IDS["MKT-PLN"] and r.json()["owner_id"] == 3
    outside = await company.planning.post(f"/api/planning/tasks/{task['id']}/dispatch",
                                          headers=await company.as_("market_mgr"),
                                          json={"unit_id": DEMO_IDS["OPS-SUP"], "comment": "x"})
    assert outside.status_code == 403
    assert (await company.planning.post(f"/api/planning/tasks/{task['id']}/dispatch",
                                        headers=await company.as_("analyst"),
                                        json={"owner_id": 1})).status_code == 403
    audit = (await company.planning.get("/api/planning/audit", headers=await company.as_("admin"),
                                        params={"action": "task.dispatched"})).json()["items"]
    assert audit[0]["after"]["unit_id"] == DEMO_IDS["MKT-PLN"] and audit[0]["note"] == "策划组接手"


async def test_task_owners_update_their_own_tasks(company):
    plan = await issued_monthly(company, due_offset_days=10)
    task = plan["tasks"][0]
    r = await company.planning.patch(f"/api/planning/tasks/{task['id']}", headers=await company.as_("analyst"),
                                     json={"status": "done", "progress": 100})
    assert r.status_code == 200 and r.json()["status"] == "done"
    # the published plan is visible company-wide, but only its owner or planners may change the task
    assert (await company.planning.patch(f"/api/planning/tasks/{task['id']}", headers=await company.as_("supply_head"),
                                         json={"progress": 10})).status_code == 403


def followup_event(**extra) -> dict:
    return {"id": str(uuid.uuid4()), "type": "kpi.followup.requested", "source": "kpi",
            "occurred_at": datetime.now(UTC).isoformat(), "subject": "rule:1",
            "unit_path": "/1/7/8/", "data": {"kind": "meeting", "rule_id": 1, "action_id": 5,
                                             "indicator_code": "order_delay_days", "unit_id": DEMO_IDS["MKT-RES"],
                                             "unit_path": "/1/7/8/", "period": "2027-01", "value": 7,
                                             "title": "订单延误超过5天", **extra}}


async def test_a_kpi_followup_request_lands_on_this_weeks_agenda(company):
    plan = await issued_monthly(company, due_offset_days=10)
    event = {"id": str(uuid.uuid4()), "type": "kpi.followup.requested", "source": "kpi",
             "occurred_at": datetime.now(UTC).isoformat(), "subject": "rule:1",
             "unit_path": "/1/7/8/", "data": {"kind": "meeting", "rule_id": 1, "action_id": 5,
                                              "indicator_code": "order_delay_days", "unit_id": DEMO_IDS["MKT-RES"],
                                              "unit_path": "/1/7/8/", "period": clock.today().strftime("%Y-%m"),
                                              "value": 7, "title": "订单延误超过5天", "owner_id": 5,
                                              "owner_name": "张市场部经理", "due": clock.today().isoformat()}}
    # kpi delivers with its own service token, from org's client-credentials grant
    tok = await company.org.post("/api/org/auth/token", data={
        "grant_type": "client_credentials", "client_id": "svc-kpi",
        "client_secret": secret_for(DEMO_SERVICE_SECRET, "kpi")})
    r = await company.planning.post("/api/planning/events", json=event, headers=bearer(tok.json()["access_token"]))
    assert r.json() == {"status": "applied"}
    week = of_date(clock.today(), "week").text
    agenda = (await company.planning.get(f"/api/planning/meetings/{week}/agenda",
                                         headers=await company.as_("ops_director"))).json()
    assert [d["plan_id"] for d in agenda["decisions"]] == [plan["id"]]
    assert "订单延误超过5天" in agenda["decisions"][0]["text"]
    # the follow-up is kpi's action with its owner: the agenda names both and opens no second, ownerless task
    assert "负责人：张市场部经理" in agenda["decisions"][0]["text"] and "#5" in agenda["decisions"][0]["text"]
    assert agenda["decisions"][0]["task_id"] is None
    tasks = (await company.planning.get("/api/planning/tasks", params={"plan_id": plan["id"]},
                                        headers=await company.as_("ops_director"))).json()["items"]
    assert [t["title"] for t in tasks] == ["客户走访"]


async def test_a_kpi_followup_goes_to_the_plan_of_its_own_period(company):
    month = await issued_monthly(company, due_offset_days=10)
    from tests.planning.test_structure import issue
    year = await issue(company, await company.create("market_mgr", **annual(
        "MKT", "市场部年度计划", period=clock.today().strftime("%Y"))))
    assert year["id"] > month["id"]  # the newest live plan is the year's
    tok = await company.org.post("/api/org/auth/token", data={
        "grant_type": "client_credentials", "client_id": "svc-kpi",
        "client_secret": secret_for(DEMO_SERVICE_SECRET, "kpi")})
    other = f"{clock.today().year}-{'02' if clock.today().month == 1 else '01'}-15"  # in the year, not this month
    for per in (clock.today().strftime("%Y-%m"), other):
        event = {"id": str(uuid.uuid4()), "type": "kpi.followup.requested", "source": "kpi",
                 "occurred_at": datetime.now(UTC).isoformat(), "subject": "rule:1", "unit_path": "/1/7/8/",
                 "data": {"kind": "meeting", "rule_id": 1, "action_id": 9, "indicator_code": "order_delay_days",
                          "unit_id": DEMO_IDS["MKT-RES"], "unit_path": "/1/7/8/", "period": per, "value": 8,
                          "title": f"订单延误 {per}", "owner_id": 5, "owner_name": "张市场部经理"}}
        r = await company.planning.post("/api/planning/events", json=event, headers=bearer(tok.json()["access_token"]))
        assert r.json() == {"status": "applied"}
    week = of_date(clock.today(), "week").text
    agenda = (await company.planning.get(f"/api/planning/meetings/{week}/agenda",
                                         headers=await company.as_("ops_director"))).json()
    # this month's delay goes to the month's plan; another month's to the year's (no plan of its own is live)
    assert [(d["plan_id"], d["text"].split("（")[0]) for d in agenda["decisions"]] == [
        (month["id"], f"订单延误 {clock.today().strftime('%Y-%m')}"), (year["id"], f"订单延误 {other}")]


async def test_a_followup_task_names_the_indicator_not_its_code(company):
    await issued_monthly(company, due_offset_days=10)
    tok = await company.org.post("/api/org/auth/token", data={
        "grant_type": "client_credentials", "client_id": "svc-kpi",
        "client_secret": secret_for(DEMO_SERVICE_SECRET, "kpi")})
    r = await company.planning.post("/api/planning/events", json=followup_event(indicator_name="订单延期天数",
                                                                        period=clock.today().strftime("%Y-%m")),
                                    headers=bearer(tok.json()["access_token"]))
    assert r.json() == {"status": "applied"}
    week = of_date(clock.today(), "week").text
    agenda = (await company.planning.get(f"/api/planning/meetings/{week}/agenda",
                                         headers=await company.as_("ops_director"))).json()
    [decision] = agenda["decisions"]
    assert decision["text"].startswith("订单延误超过5天（订单延期天数 = 7，") \
        and "order_delay_days" not in decision["text"]
