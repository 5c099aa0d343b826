"""Notifications from other services' events: who is told, once, in which language, on which channels.

Events are posted to org's /events as the producing service's relay would (signed, with its service token)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from services.common.service_auth import secret_for
from services.common.settings import DEMO_SERVICE_SECRET
from services.org.app import create_app
from services.org.models import OutgoingMessage, RobotChannel, Watch
from tests.org.conftest import auth
from tests.support import DEMO_IDS, bearer, demo_unit_rows, running, settings

U = DEMO_IDS


def path_of(code: str) -> str:
    return next(r["path"] for r in demo_unit_rows() if r["code"] == code)


@pytest.fixture
async def org(org_url):
    """Org with the demo company and no background dispatcher: these tests read the messages org writes
    (pending), and the dispatcher would otherwise send or drop them (no SMTP here) under a slow machine's race."""
    app = create_app(settings("org", org_url, demo=True, notify_dispatch_enabled=False))
    async with running(app, base_url="http://org") as client:
        yield client


async def service_token(org, service: str) -> dict[str, str]:
    r = await org.post("/api/org/auth/token", data={"grant_type": "client_credentials", "client_id": f"svc-{service}",
                                                    "client_secret": secret_for(DEMO_SERVICE_SECRET, service)})
    assert r.status_code == 200, r.text
    return bearer(r.json()["access_token"])


async def deliver(org, source: str, type_: str, data: dict, *, event_id: str | None = None) -> str:
    event_id = event_id or str(uuid.uuid4())
    event = {"id": event_id, "type": type_, "source": source, "occurred_at": datetime.now(UTC).isoformat(),
             "subject": str(data.get("plan_id") or data.get("id") or data.get("alert_id") or "x"),
             "unit_path": data.get("unit_path"), "data": data}
    r = await org.post("/api/org/events", json=event, headers=await service_token(org, source))
    assert r.status_code == 200, r.text
    return event_id


async def user_ids(org) -> dict[str, int]:
    r = await org.get("/api/org/users", headers=await auth(org, "admin"), params={"limit": 500})
    return {u["username"]: u["id"] for u in r.json()["items"]}


def submitted(plan_id: int, submitter: int, *, status: str = "in_review", waiting: bool = True, **over) -> dict:
    data = {"plan_id": plan_id, "revision": 1, "unit_id": U["MKT"], "unit_path": path_of("MKT"), "period": "2027",
            "kind": "annual", "title": "2027年市场部年度运营计划", "status": status, "actor": str(submitter),
            "comment": "", "submitted_by": str(submitter),
            "waiting": {"index": 0, "key": "ops_review", "name": "运营管理部汇总审核", "right": "plan",
                        "unit_path": path_of("HDGAS"), "held_at": path_of("OPS"), "signers": "any",
                        "time_limit_days": 3, "pending_signers": []} if waiting else None}
    return data | over


async def inbox(org, username: str, **params) -> dict:
    r = await org.get("/api/org/me/notifications", headers={**await auth(org, username), "Accept-Language": "zh-CN"},
                      params=params)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
async def db(org_url):
    engine = create_async_engine(org_url)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


async def messages(db) -> list[OutgoingMessage]:
    async with db() as s:
        return list((await s.execute(select(OutgoingMessage).order_by(OutgoingMessage.id))).scalars())


async def test_a_submitted_plan_tells_the_holders_of_the_stage_s_right_once_and_nobody_else(org, db):
    ids = await user_ids(org)
    event = submitted(7, ids["market_mgr"])
    event_id = await deliver(org, "planning", "planning.plan.submitted", event)
    mine = await inbox(org, "ops_director")
    assert mine["unread"] == 1
    [n] = mine["items"]
    assert n["title"] == "待您审批：市场部《2027年市场部年度运营计划》"
    assert n["body"] == ("张市场部经理提交了市场部的计划《2027年市场部年度运营计划》（2027），"
                         "等待“运营管理部汇总审核”环节审批（时限 3 个工作日）。")
    assert (n["kind"], n["link"], n["subject_type"], n["subject_id"]) == ("approval", "/plans/7", "plan", "7")
    # the general manager holds plan over the company too, but not in 运营管理部: not this stage's signer
    for other in ("gm", "market_mgr", "analyst"):
        assert (await inbox(org, other))["items"] == []
    # the relay delivering the same event again (a retry) tells nobody twice
    r = await org.post("/api/org/events", json={"id": event_id, "type": "planning.plan.submitted",
                                               "source": "planning", "occurred_at": datetime.now(UTC).isoformat(),
                                               "subject": "7", "unit_path": event["unit_path"], "data": event},
                       headers=await service_token(org, "planning"))
    assert r.status_code == 200
    assert (await inbox(org, "ops_director"))["unread"] == 1
    # e-mail to the approver's address (the built-in default for approvals), in Chinese, with the deep link
    [mail] = [m for m in await messages(db) if m.channel == "email"]
    assert mail.address == "ops_director@hdgas.example" and mail.status == "pending"
    assert mail.content["subject"] == n["title"] and mail.content["link"] == "/plans/7"
    # the stage is watched: 3 working days, for the plan right over the company held in 运营管理部
    async with db() as s:
        [w] = (await s.execute(select(Watch))).scalars().all()
    assert (w.key, w.holder_right, w.holder_held_at, w.requester) == ("approval:plan:7:r1:s0", "plan", path_of("OPS"),
                                                                      str(ids["market_mgr"]))
    assert w.closed_at is None and w.due_at > w.started_at


async def test_a_decision_reaches_the_submitter_and_closes_the_stage_s_watch(org, db):
    ids = await user_ids(org)
    await deliver(org, "planning", "planning.plan.submitted", submitted(8, ids["market_mgr"]))
    await deliver(org, "planning", "planning.plan.returned",
                  submitted(8, ids["market_mgr"], status="returned", waiting=False, actor=str(ids["ops_director"]),
                            comment="请补充市场调研数据"))
    [n] = (await inbox(org, "market_mgr"))["items"]
    assert n["title"] == "已退回修改：《2027年市场部年度运营计划》"
    assert n["body"] == "李运营总监退回了市场部的计划《2027年市场部年度运营计划》（2027）：请补充市场调研数据"
    async with db() as s:
        [w] = (await s.execute(select(Watch))).scalars().all()
    assert w.closed_at is not None


async def test_notifications_speak_the_caller_s_language(org):
    ids = await user_ids(org)
    await deliver(org, "planning", "planning.plan.submitted", submitted(9, ids["market_mgr"]))
    r = await org.get("/api/org/me/notifications", headers={**await auth(org, "ops_director"),
                                                             "Accept-Language": "en"})
    assert r.json()["items"][0]["title"] == "Awaiting your approval: 市场部 “2027年市场部年度运营计划”"


async def test_the_centre_counts_marks_and_keeps_each_person_s_own(org):
    ids = await user_ids(org)
    for plan in (10, 11, 12):
        await deliver(org, "planning", "planning.plan.submitted", submitted(plan, ids["market_mgr"]))
    director = await auth(org, "ops_director")
    page = await inbox(org, "ops_director", limit=2)
    assert [n["subject_id"] for n in page["items"]] == ["12", "11"]  # newest first
    rest = await inbox(org, "ops_director", limit=2, cursor=page["next_cursor"])
    assert [n["subject_id"] for n in rest["items"]] == ["10"] and rest["next_cursor"] is None
    first = page["items"][0]["id"]
    # someone else's notification is as absent as one that never was
    r = await org.post(f"/api/org/me/notifications/{first}/read", headers=await auth(org, "gm"))
    assert r.status_code == 404
    r = await org.post(f"/api/org/me/notifications/{first}/read", headers=director)
    assert r.status_code == 200 and r.json()["read_at"] is not None
    assert (await org.get("/api/org/me/notifications/unread-count", headers=director)).json() == {"unread": 2}
    assert [n["subject_id"] for n in (await inbox(org, "ops_director", unread="true"))["items"]] == ["11", "10"]
    assert (await org.post("/api/org/me/notifications/read-all", headers=director)).json() == {"marked": 2}
    assert (await org.get("/api/org/me/notifications/unread-count", headers=director)).json() == {"unread": 0}


async def test_a_service_or_api_client_has_no_notification_centre(org):
    r = await org.get("/api/org/me/notifications", headers=await service_token(org, "kpi"))
    assert r.status_code == 403
    assert "用户本人" in (await org.get("/api/org/me/notifications", headers={
        **await service_token(org, "kpi"), "Accept-Language": "zh-CN"})).json()["detail"]


async def test_a_person_s_channel_choice_and_quiet_hours_decide_their_e_mail(org, db):
    ids = await user_ids(org)
    director = await auth(org, "ops_director")
    r = await org.put("/api/org/me/notification-preferences", headers={**director, "Accept-Language": "zh-CN"},
                      json={"channels": {"approval": ["in_app"]}})
    assert r.status_code == 200, r.text
    kinds = {k["kind"]: k for k in r.json()["kinds"]}
    assert kinds["approval"] == {"kind": "approval", "name": "审批", "channels": ["in_app"], "chosen": True,
                                 "default_channels": ["in_app", "email"]}
    assert r.json()["email_enabled"] is False  # this org has no SMTP server
    assert kinds["alert"]["chosen"] is False and kinds["alert"]["channels"] == ["in_app", "email"]
    await deliver(org, "planning", "planning.plan.submitted", submitted(13, ids["market_mgr"]))
    assert (await inbox(org, "ops_director"))["unread"] == 1  # in-app still
    assert [m for m in await messages(db) if m.channel == "email"] == []
    # quiet around the clock but one minute: the e-mail waits for the end of quiet hours
    now_local = datetime.now(UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    end = (now_local.replace(second=0, microsecond=0) + timedelta(minutes=2)).strftime("%H:%M")
    start = (now_local.replace(second=0, microsecond=0) - timedelta(minutes=2)).strftime("%H:%M")
    r = await org.put("/api/org/me/notification-preferences", headers=director,
                      json={"channels": {}, "quiet_hours": {"start": start, "end": end}, "language": "en"})
    assert r.status_code == 200, r.text
    await deliver(org, "planning", "planning.plan.submitted", submitted(14, ids["market_mgr"]))
    [mail] = [m for m in await messages(db) if m.channel == "email"]
    assert mail.next_attempt_at > datetime.now(UTC)
    assert mail.content["language"] == "en" and mail.content["subject"].startswith("Awaiting your approval")


@pytest.mark.parametrize("body, field", [
    ({"channels": {"approval": ["email"]}}, "channels"),                    # in-app cannot be turned off
    ({"channels": {"meetings": ["in_app"]}}, "channels"),                   # no such kind
    ({"channels": {"approval": ["in_app", "sms"]}}, "channels"),            # no such channel
    ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours"),
    ({"quiet_hours": {"start": "22:00", "end": "22:00"}}, "quiet_hours"),
    ({"language": "fr"}, "language"),
    ({"channels": {}, "digest_hour": 7}, "digest_hour"),                    # unknown fields are refused
])
async def test_preferences_refuse_what_they_cannot_keep_and_change_nothing(org, body, field):
    director = await auth(org, "ops_director")
    before = (await org.get("/api/org/me/notification-preferences", headers=director)).json()
    r = await org.put("/api/org/me/notification-preferences", headers={**director, "Accept-Language": "zh-CN"},
                      json=body)
    assert r.status_code == 422, r.text
    assert field in r.text
    assert (await org.get("/api/org/me/notification-preferences", headers=director)).json() == before


async def test_company_defaults_are_the_admin_s_and_apply_to_whoever_did_not_choose(org, db):
    ids = await user_ids(org)
    r = await org.put("/api/org/notification-defaults", headers=await auth(org, "market_mgr"),
                      json={"channels": {"approval": ["in_app"]}})
    assert r.status_code == 403
    r = await org.put("/api/org/notification-defaults", headers=await auth(org, "admin"),
                      json={"channels": {"approval": ["in_app"]}})
    assert r.status_code == 200, r.text
    await deliver(org, "planning", "planning.plan.submitted", submitted(15, ids["market_mgr"]))
    assert [m for m in await messages(db) if m.channel == "email"] == []
    audit = (await org.get("/api/org/audit", headers=await auth(org, "admin"),
                           params={"action": "notification.defaults.changed"})).json()["items"]
    assert len(audit) == 1


async def test_the_unit_s_group_robots_get_one_post_per_event(org, db):
    ids = await user_ids(org)
    async with db() as s:
        s.add_all([RobotChannel(unit_id=U["MKT"], vendor="dingtalk", name="市场部群", url="https://robot.example/a",
                                secret="SEC1"),
                   RobotChannel(unit_id=U["HDGAS"], vendor="feishu", name="公司群", url="https://robot.example/b",
                                include_subunits=True, kinds=["alert"]),
                   RobotChannel(unit_id=U["HDGAS"], vendor="wecom", name="公司运营群", url="https://robot.example/c",
                                include_subunits=True)])
        await s.commit()
    await deliver(org, "planning", "planning.plan.submitted", submitted(16, ids["market_mgr"]))
    robots = sorted((m.channel, m.address) for m in await messages(db) if m.channel != "email")
    # 市场部's own robot and the company robot that takes its subunits' news; not the alerts-only one
    assert [c for c, _ in robots] == ["dingtalk", "wecom"]
    posted = next(m for m in await messages(db) if m.channel == "dingtalk")
    assert posted.content["subject"] == "待您审批：市场部《2027年市场部年度运营计划》"


async def test_a_kri_alert_reaches_the_unit_s_heads_and_the_risk_s_owner(org):
    ids = await user_ids(org)
    await deliver(org, "risk", "risk.alert.raised", {
        "alert_id": 3, "risk_id": 5, "risk_title": "市场份额下滑", "kri_id": 2, "indicator_code": "market_share",
        "unit_id": U["MKT"], "unit_path": path_of("MKT"), "owner_id": ids["analyst"], "level": "critical",
        "value": 11.5, "threshold": 12, "period": "2026-11", "source": "kpi", "status": "open",
        "raised_at": "2026-12-01T08:00:00", "reopened": False, "escalated": False, "previous_level": "normal"})
    for who in ("market_mgr", "analyst"):
        [n] = (await inbox(org, who))["items"]
        assert n["title"] == "风险预警（严重）：市场份额下滑" and n["link"] == "/risk/5"
        assert "market_share 在 2026-11 为 11.5，越过严重阈值 12" in n["body"]
    assert (await inbox(org, "ops_director"))["items"] == []


async def test_an_action_s_owner_is_told_and_its_raiser_is_asked_to_verify_when_done(org):
    ids = await user_ids(org)
    action = {"id": 4, "title": "提升客户回访率", "description": "", "unit_id": U["MKT"], "unit_path": path_of("MKT"),
              "indicator_code": None, "period": None, "origin": "manual", "origin_ref": None,
              "owner_id": ids["analyst"], "owner_name": "刘市场调研专员", "due": "2026-12-20", "status": "open",
              "progress": 0, "evidence": [], "raised_by": str(ids["market_mgr"]), "overdue": False,
              "completed_at": None, "verified_at": None, "verified_by": None, "version": 1}
    await deliver(org, "kpi", "kpi.action.created", action)
    [n] = (await inbox(org, "analyst"))["items"]
    assert n["title"] == "新的整改措施：提升客户回访率" and "截止日期 2026-12-20" in n["body"]
    await deliver(org, "kpi", "kpi.action.completed", action | {"status": "done", "version": 2})
    [n] = (await inbox(org, "market_mgr"))["items"]
    assert n["title"] == "整改措施已完成，待验证：提升客户回访率"


async def test_a_cancelled_action_s_owner_is_told_and_nothing_more_is_watched(org):
    """An audit withdrew the finding behind an action: the owner hears it is cancelled, and no reminder follows."""
    ids = await user_ids(org)
    action = {"id": 5, "title": "更换过期灭火器", "description": "", "unit_id": U["MKT"], "unit_path": path_of("MKT"),
              "indicator_code": None, "period": None, "origin": "audit", "origin_ref": "finding:3",
              "owner_id": ids["analyst"], "owner_name": "刘市场调研专员", "due": "2026-12-20", "status": "open",
              "progress": 0, "evidence": [], "raised_by": str(ids["market_mgr"]), "overdue": False,
              "completed_at": None, "verified_at": None, "verified_by": None, "version": 1}
    await deliver(org, "kpi", "kpi.action.created", action)
    await deliver(org, "kpi", "kpi.action.cancelled", action | {"status": "cancelled", "version": 2})
    titles = [n["title"] for n in (await inbox(org, "analyst"))["items"]]
    assert "整改措施已撤销：更换过期灭火器" in titles
    async with org.app.state.db.reader() as s:
        watches = (await s.execute(select(Watch).where(Watch.key == "action:5"))).scalars().all()
    assert watches and all(w.closed_at is not None for w in watches)
