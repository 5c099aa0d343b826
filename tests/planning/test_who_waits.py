"""Planning's events say who waits: the stage a plan waits on (as the approval check sees it) with its
time limit, the move from one stage to the next, each 会签 signature, and a task finished once; org
takes the events it has no handler for yet without complaint."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.common import clock
from services.common.relay import Relay
from services.org.models import events as org_events
from services.planning.models import OutboxEvent
from services.planning.models import events as planning_events
from tests.planning.conftest import annual
from tests.support import DEMO_IDS

COMPANY, OPS = f"/{DEMO_IDS['HDGAS']}/", f"/{DEMO_IDS['HDGAS']}/{DEMO_IDS['OPS']}/"


async def events(company, prefix: str) -> list[tuple[str, dict]]:
    async with company.planning.app.state.db.reader() as s:
        rows = (await s.execute(select(OutboxEvent).where(OutboxEvent.type.startswith(prefix))
                                .order_by(OutboxEvent.seq))).scalars()
        return [(e.type, e.data) for e in rows]


async def test_a_submitted_plan_waits_on_the_operations_review_with_its_time_limit(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    assert (await company.act("market_mgr", plan, "submit", "请审核")).status_code == 200
    [(kind, data)] = await events(company, "planning.plan.")
    assert kind == "planning.plan.submitted"
    assert data["submitted_by"] == str(await company.user_id("market_mgr"))
    assert data["waiting"] == {"index": 0, "key": "ops_review", "name": "运营管理部汇总审核", "right": "plan",
                               "unit_path": COMPANY, "held_at": OPS, "signers": "any", "time_limit_days": 3,
                               "pending_signers": []}


async def test_the_next_stage_is_told_when_the_first_approves_and_nobody_waits_once_approved(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    await company.act("market_mgr", plan, "submit")
    submitter = str(await company.user_id("market_mgr"))
    assert (await company.act("ops_director", plan, "approve", "已汇总")).json()["status"] == "submitted"
    [*_, (kind, data)] = await events(company, "planning.plan.")
    assert kind == "planning.plan.stage_advanced"
    assert data["actor"] == str(await company.user_id("ops_director")) and data["submitted_by"] == submitter
    assert data["status"] == "submitted" and data["comment"] == "已汇总"
    assert data["waiting"] == {"index": 1, "key": "leadership", "name": "公司高层审批", "right": "plan",
                               "unit_path": COMPANY, "held_at": COMPANY, "signers": "any", "time_limit_days": 5,
                               "pending_signers": []}
    await company.act("gm", plan, "approve")
    await company.act("gm", plan, "issue")
    steps = await events(company, "planning.plan.")
    assert [k for k, _ in steps] == ["planning.plan.submitted", "planning.plan.stage_advanced",
                                     "planning.plan.approved", "planning.plan.issued"]
    for kind, data in steps[2:]:
        assert data["waiting"] is None and data["submitted_by"] == submitter, kind


async def test_a_returned_plan_waits_on_no_stage(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    await company.act("market_mgr", plan, "submit")
    await company.act("ops_director", plan, "return", "销售目标偏低")
    [*_, (kind, data)] = await events(company, "planning.plan.")
    assert kind == "planning.plan.returned" and data["waiting"] is None


async def test_each_countersignature_says_who_is_left_to_sign(company):
    admin = await company.as_("admin")
    flow = await company.planning.get("/api/planning/flows/monthly", headers=admin)
    stages = [{"key": "joint", "name": "联合会签", "right": "plan", "over": "company", "held_in": None,
               "signers": "all", "time_limit_days": 2}]
    r = await company.planning.patch("/api/planning/flows/monthly", headers={**admin, "If-Match": flow.headers["etag"]},
                                     json={"stages": stages})
    assert r.status_code == 200 and r.json()["stages"][0]["time_limit_days"] == 2
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年1月", period="2027-01"))
    await company.act("market_mgr", plan, "submit")
    gm, ops = str(await company.user_id("gm")), str(await company.user_id("ops_director"))
    [(_, submitted)] = await events(company, "planning.plan.")
    assert submitted["waiting"]["signers"] == "all" and submitted["waiting"]["held_at"] is None
    assert sorted(submitted["waiting"]["pending_signers"]) == sorted([gm, ops])
    assert submitted["waiting"]["time_limit_days"] == 2
    await company.act("gm", plan, "approve")
    [*_, (kind, data)] = await events(company, "planning.plan.")
    assert kind == "planning.plan.countersigned" and data["waiting"]["pending_signers"] == [ops]
    await company.act("ops_director", plan, "approve")
    [*_, (kind, data)] = await events(company, "planning.plan.")
    assert kind == "planning.plan.approved" and data["waiting"] is None


async def test_stage_time_limits_are_whole_working_days_up_to_sixty(company):
    admin = await company.as_("admin")
    flows = {f["kind"]: f for f in (await company.planning.get("/api/planning/flows", headers=admin)).json()}
    assert [s["time_limit_days"] for s in flows["annual"]["stages"]] == [3, 5]
    assert [s["time_limit_days"] for s in flows["monthly"]["stages"]] == [3]
    flow = await company.planning.get("/api/planning/flows/monthly", headers=admin)
    stage = {"key": "ops", "name": "运营审核", "right": "plan", "over": "company", "held_in": "OPS"}
    for bad in (61, -1):
        headers = {**admin, "If-Match": flow.headers["etag"], "Accept-Language": "zh-CN"}
        r = await company.planning.patch("/api/planning/flows/monthly", headers=headers,
                                         json={"stages": [{**stage, "time_limit_days": bad}]})
        assert r.status_code == 422, r.text
        assert "办理时限应为 0 到 60 个工作日的整数" in r.text
    for bad in (True, 2.5, "3"):  # a number of days, not a yes or a text
        r = await company.planning.patch("/api/planning/flows/monthly",
                                         headers={**admin, "If-Match": flow.headers["etag"]},
                                         json={"stages": [{**stage, "time_limit_days": bad}]})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "stages.0.time_limit_days", r.text
    r = await company.planning.patch("/api/planning/flows/monthly", headers={**admin, "If-Match": flow.headers["etag"]},
                                     json={"stages": [{**stage, "time_limit_days": None}]})
    assert r.status_code == 200 and r.json()["stages"][0]["time_limit_days"] is None  # the company's default


async def published_monthly(company) -> dict:
    today = clock.today()
    plan = await company.create("market_mgr", **annual(
        "MKT", "市场部月度计划", period=today.strftime("%Y-%m"),
        tasks=[{"title": "客户走访", "owner_id": await company.user_id("analyst"), "owner_name": "刘",
                "start": (today - timedelta(days=5)).isoformat(), "due": (today + timedelta(days=10)).isoformat()}]))
    await company.act("market_mgr", plan, "submit")
    await company.act("ops_director", plan, "approve")
    return (await company.act("ops_director", plan, "publish")).json()


async def test_a_finished_task_is_said_once(company):
    plan = await published_monthly(company)
    task, analyst = plan["tasks"][0], await company.as_("analyst")
    url = f"/api/planning/tasks/{task['id']}"
    assert (await company.planning.post(f"{url}/progress", headers=analyst, json={"progress": 50})).status_code == 201
    assert await events(company, "planning.task.completed") == []
    assert (await company.planning.patch(url, headers=analyst, json={"status": "done", "progress": 100})
            ).status_code == 200
    assert (await company.planning.patch(url, headers=analyst, json={"status": "done"})).status_code == 200
    assert (await company.planning.post(f"{url}/progress", headers=analyst,
                                        json={"progress": 100, "status": "done", "note": "已完成"})).status_code == 201
    [(_, data)] = await events(company, "planning.task.completed")
    completed_at = data.pop("completed_at")
    assert data == {"task_id": task["id"], "plan_id": plan["id"], "title": "客户走访",
                    "owner_id": await company.user_id("analyst"), "unit_id": DEMO_IDS["MKT"],
                    "unit_path": f"{COMPANY}{DEMO_IDS['MKT']}/", "status": "done"}
    assert abs(datetime.fromisoformat(completed_at) - datetime.now(UTC)) < timedelta(minutes=5)


async def test_a_weekly_report_that_cancels_a_task_says_it_finished(company):
    plan = await published_monthly(company)
    task = plan["tasks"][0]
    week = f"{clock.today().isocalendar()[0]}-W{clock.today().isocalendar()[1]:02d}"
    body = {"week": week, "summary": "调整", "items": [{"task_id": task["id"], "progress": 0, "status": "cancelled"}]}
    for _ in range(2):
        r = await company.planning.put(f"/api/planning/plans/{plan['id']}/reports/{week}", json=body,
                                       headers=await company.as_("market_mgr"))
        assert r.status_code == 200, r.text
    assert [d["status"] for _, d in await events(company, "planning.task.completed")] == ["cancelled"]


async def test_a_dispatched_task_names_its_title_and_unit(company):
    plan = await published_monthly(company)
    task = plan["tasks"][0]
    r = await company.planning.post(f"/api/planning/tasks/{task['id']}/dispatch",
                                    headers=await company.as_("market_mgr"),
                                    json={"unit_id": DEMO_IDS["MKT-PLN"], "owner_id": 3, "owner_name": "王",
                                          "comment": "策划组接手"})
    assert r.status_code == 200, r.text
    [(_, data)] = await events(company, "planning.task.dispatched")
    assert data["title"] == "客户走访" and data["unit_id"] == DEMO_IDS["MKT-PLN"]
    assert data["unit_path"] == f"{COMPANY}{DEMO_IDS['MKT']}/{DEMO_IDS['MKT-PLN']}/"


async def test_org_takes_planning_events_it_has_no_handler_for_and_ignores_them(company):
    """Org subscribes to planning.plan.* for notifications before its handlers exist: the delivery
    succeeds (200, "ignored"), is recorded as processed there, and nothing is parked here."""
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    await company.act("market_mgr", plan, "submit")
    app = company.planning.app
    relay = Relay(db=app.state.db, tables=planning_events, settings=app.state.settings,
                  tokens=app.state.service_tokens, client=app.state.http)
    assert await relay.dispatch_once() == 1
    assert await relay.deliver_once() == 1
    async with app.state.db.reader() as s:
        deliveries = (await s.execute(select(planning_events.delivery))).scalars().all()
    assert [(d.target, d.status, d.last_error) for d in deliveries] == [("service:org", "delivered", "")]
    async with company.org.app.state.db.reader() as s:
        processed = (await s.execute(select(org_events.processed))).scalars().all()
    assert [(p.type, p.source) for p in processed] == [("planning.plan.submitted", "planning")]
