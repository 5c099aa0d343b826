"""Reminders and escalation: the scan, 催办, SLA policies and the digests, on the demo company."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from services.common import clock
from services.common.db import Database, as_utc, utcnow
from services.common.service_auth import secret_for
from services.common.settings import DEMO_SERVICE_SECRET
from services.org.app import remind_and_digest
from services.org.models import DigestRun, Notification, Unit, User, Watch
from services.org.reminders.digests import run_digests
from services.org.reminders.scan import scan
from services.org.reminders.watches import close_watches, open_watch
from tests.org.conftest import auth
from tests.support import bearer

ZH_HEADERS = {"Accept-Language": "zh-CN"}


async def people(org) -> dict[str, int]:
    async with org.app.state.db.reader() as s:
        return dict((await s.execute(select(User.username, User.id))).all())


async def paths(org) -> dict[str, tuple[int, str]]:
    async with org.app.state.db.reader() as s:
        return {code: (uid, path) for code, uid, path in (await s.execute(select(Unit.code, Unit.id, Unit.path)))}


async def notes(org, username: str, topic: str | None = None) -> list[Notification]:
    uid = (await people(org))[username]
    async with org.app.state.db.reader() as s:
        stmt = select(Notification).where(Notification.user_id == uid)
        if topic:
            stmt = stmt.where(Notification.topic == topic)
        return list((await s.execute(stmt.order_by(Notification.id))).scalars())


async def scan_at(org, now: datetime):
    async with org.app.state.db.writer() as s:
        result = await scan(s, now)
        await s.commit()
    return result


async def approval_watch(org, *, requester: str | None = None, started_at: datetime | None = None,
                         limit_days: int | None = 2, plan_id: int = 7) -> Watch:
    """An approval stage of a 市场部 plan waiting on the right to plan over the company held in 运营管理部."""
    units = await paths(org)
    async with org.app.state.db.writer() as s:
        w = await open_watch(s, key=f"approval:plan:{plan_id}:r1:s0", kind="approval", policy_kind="approval",
                             subject_type="plan", subject_id=str(plan_id),
                             title=f"市场部《2027年度市场计划》#{plan_id}",
                             link=f"/plans/{plan_id}", unit_id=units["MKT"][0],
                             started_at=started_at or clock.at(date(2026, 12, 1), time(10, 0)), limit_days=limit_days,
                             holder_right="plan", holder_unit_path=units["HDGAS"][1],
                             holder_held_at=units["OPS"][1], requester=requester)
        await s.commit()
    return w


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` on ``day`` in the business time zone, as an aware UTC instant."""
    return as_utc(clock.at(day, time(hour, minute)))


async def test_a_submitted_plan_is_reminded_once_before_its_limit_and_escalated_once_to_the_general_manager(org):
    ids = await people(org)
    units = await paths(org)
    # planning's event opens the watch: the stage needs the right to plan over the company, held in 运营管理部
    tok = await org.post("/api/org/auth/token", data={"grant_type": "client_credentials", "client_id": "svc-planning",
                                                      "client_secret": secret_for(DEMO_SERVICE_SECRET, "planning")})
    submitted = local(date(2026, 12, 1), 10)  # Tuesday 10:00 in Shanghai
    event = {"id": str(uuid.uuid4()), "type": "planning.plan.submitted", "source": "planning",
             "occurred_at": submitted.isoformat(), "subject": "7", "unit_path": units["MKT"][1],
             "data": {"plan_id": 7, "revision": 1, "unit_id": units["MKT"][0], "unit_path": units["MKT"][1],
                      "period": "2027", "title": "2027年度市场计划", "status": "submitted",
                      "actor": str(ids["market_mgr"]), "comment": "", "submitted_by": str(ids["market_mgr"]),
                      "waiting": {"index": 0, "key": "ops", "name": "运营总监审核", "right": "plan",
                                  "unit_path": units["HDGAS"][1], "held_at": units["OPS"][1],
                                  "time_limit_days": 2}}}
    r = await org.post("/api/org/events", json=event, headers=bearer(tok.json()["access_token"]))
    assert r.json() == {"status": "applied"}, r.text
    async with org.app.state.db.reader() as s:
        w = (await s.execute(select(Watch).where(Watch.key == "approval:plan:7:r1:s0"))).scalar_one()
    # two working days from Tuesday: the end of Thursday; reminded Wednesday 09:00
    assert as_utc(w.due_at) == local(date(2026, 12, 4), 0)
    assert as_utc(w.remind_at) == local(date(2026, 12, 2), 9)

    assert (await scan_at(org, local(date(2026, 12, 2), 8))).reminded == 0  # not yet
    first = await scan_at(org, local(date(2026, 12, 2), 9, 1))
    assert (first.reminded, first.escalated) == (1, 0)
    again = await scan_at(org, local(date(2026, 12, 2), 9, 2))
    assert (again.reminded, again.escalated) == (0, 0)
    reminders = await notes(org, "ops_director", "notify.reminder")
    assert len(reminders) == 1
    title, body = reminders[0].text["zh-CN"]["title"], reminders[0].text["zh-CN"]["body"]
    assert title == "即将到期：市场部《2027年度市场计划》· 运营总监审核"
    assert "2026-12-03 日终" in body and "还剩 1 个工作日" in body
    assert reminders[0].text["en"]["title"].startswith("Due soon")
    assert reminders[0].kind == "approval" and reminders[0].link == "/plans/7"
    assert await notes(org, "gm", "notify.reminder") == []

    assert (await scan_at(org, local(date(2026, 12, 3), 23, 59))).escalated == 0  # still Thursday
    late = await scan_at(org, local(date(2026, 12, 4), 0, 1))
    assert (late.reminded, late.escalated) == (0, 1)
    assert (await scan_at(org, local(date(2026, 12, 4), 9))).escalated == 0
    escalations = await notes(org, "gm", "notify.escalation")
    assert len(escalations) == 1
    text = escalations[0].text["zh-CN"]
    assert text["title"] == "已超时，请督办：市场部《2027年度市场计划》· 运营总监审核"
    assert "李运营总监" in text["body"] and "2026-12-01 10:00" in text["body"]
    overdue = await notes(org, "ops_director", "notify.overdue")
    assert len(overdue) == 1 and "王总经理" in overdue[0].text["zh-CN"]["body"]
    # the escalation goes to the next level up only, not to everyone above
    assert await notes(org, "market_mgr", "notify.escalation") == []
    # the people see it in their centre
    centre = await org.get("/api/org/me/notifications", headers=await auth(org, "gm"))
    assert [n["topic"] for n in centre.json()["items"]] == ["notify.escalation"]



async def test_a_countersign_stage_reminds_only_those_still_to_sign(org):
    ids = await people(org)
    units = await paths(org)
    tok = await org.post("/api/org/auth/token", data={"grant_type": "client_credentials", "client_id": "svc-planning",
                                                      "client_secret": secret_for(DEMO_SERVICE_SECRET, "planning")})
    planning = bearer(tok.json()["access_token"])

    def step(topic: str, at: datetime, actor: str, pending: list[str]) -> dict:
        return {"id": str(uuid.uuid4()), "type": topic, "source": "planning", "occurred_at": at.isoformat(),
                "subject": "8", "unit_path": units["MKT"][1],
                "data": {"plan_id": 8, "revision": 1, "unit_id": units["MKT"][0], "unit_path": units["MKT"][1],
                         "period": "2027", "title": "2027年度市场计划", "status": "submitted",
                         "actor": str(ids[actor]), "comment": "", "submitted_by": str(ids["market_mgr"]),
                         "waiting": {"index": 0, "key": "joint", "name": "联合会签", "right": "plan",
                                     "unit_path": units["HDGAS"][1], "held_at": None, "time_limit_days": 2,
                                     "pending_signers": pending}}}
    both = [str(ids["gm"]), str(ids["ops_director"])]
    r = await org.post("/api/org/events", headers=planning,
                       json=step("planning.plan.submitted", local(date(2026, 12, 1), 10), "market_mgr", both))
    assert r.json() == {"status": "applied"}, r.text
    # the 运营总监 signs: the stage waits on the general manager alone
    r = await org.post("/api/org/events", headers=planning,
                       json=step("planning.plan.countersigned", local(date(2026, 12, 1), 11), "ops_director",
                                 [str(ids["gm"])]))
    assert r.json() == {"status": "applied"}, r.text
    mine = await org.get("/api/org/me/watches", headers=await auth(org, "ops_director"))
    assert [w["title"] for w in mine.json()["waiting_on_me"]] == []
    theirs = (await org.get("/api/org/me/watches", headers=await auth(org, "gm"))).json()["waiting_on_me"]
    assert [(w["title"], w["waiting_on"]) for w in theirs] == [("市场部《2027年度市场计划》· 联合会签", ["王总经理"])]
    assert (await scan_at(org, local(date(2026, 12, 2), 9, 1))).reminded == 1
    assert len(await notes(org, "gm", "notify.reminder")) == 1
    assert await notes(org, "ops_director", "notify.reminder") == []


async def test_a_watch_decided_before_its_reminder_is_never_reminded(org):
    await approval_watch(org)
    async with org.app.state.db.writer() as s:
        await close_watches(s, "approval:plan:7:")
        await s.commit()
    result = await scan_at(org, local(date(2026, 12, 8), 9))
    assert (result.reminded, result.escalated) == (0, 0)
    assert await notes(org, "ops_director") == []


async def test_two_replicas_scanning_at_once_notify_each_person_once(org, org_url):
    await approval_watch(org)
    replicas = [Database(org_url), Database(org_url)]

    async def run(db: Database, now: datetime):
        async with db.writer() as s:
            result = await scan(s, now)
            await s.commit()
        return result

    try:
        reminded = await asyncio.gather(*(run(db, local(date(2026, 12, 2), 10)) for db in replicas))
        assert sorted(r.reminded for r in reminded) == [0, 1]
        escalated = await asyncio.gather(*(run(db, local(date(2026, 12, 5), 10)) for db in replicas))
        assert sorted(r.escalated for r in escalated) == [0, 1]
    finally:
        for db in replicas:
            await db.dispose()
    assert len(await notes(org, "ops_director", "notify.reminder")) == 1
    assert len(await notes(org, "ops_director", "notify.overdue")) == 1
    assert len(await notes(org, "gm", "notify.escalation")) == 1


async def test_national_day_and_its_tiaoxiu_workdays_count_in_a_deadline(org):
    # started the day before National Day with two working days: 1–7 October are off, so the end of 9 October
    w = await approval_watch(org, started_at=local(date(2026, 9, 30), 10), limit_days=2)
    assert as_utc(w.due_at) == local(date(2026, 10, 10), 0)
    assert as_utc(w.remind_at) == local(date(2026, 10, 8), 9)
    # started Friday 18 September with one working day: Sunday 20 September is a 调休 workday
    w = await approval_watch(org, started_at=local(date(2026, 9, 18), 10), limit_days=1, plan_id=8)
    assert as_utc(w.due_at) == local(date(2026, 9, 21), 0)
    # the company gives 9 October off: a watch opened afterwards runs to Saturday 10 October (a 调休 workday)
    admin = await auth(org, "admin")
    r = await org.put("/api/org/calendar/days/2026-10-09", json={"workday": False, "note": "公司调休"}, headers=admin)
    assert r.status_code == 200, r.text
    w = await approval_watch(org, started_at=local(date(2026, 9, 30), 10), limit_days=2, plan_id=9)
    assert as_utc(w.due_at) == local(date(2026, 10, 11), 0)
    # and the open watch's working days left reads the same calendar
    mine = await org.get("/api/org/me/watches", headers=await auth(org, "ops_director"))
    assert {x["subject_id"] for x in mine.json()["waiting_on_me"]} == {"7", "8", "9"}


async def test_the_requester_may_urge_once_a_day_and_nobody_else_may(org):
    ids = await people(org)
    w = await approval_watch(org, requester=str(ids["market_mgr"]))
    market = await auth(org, "market_mgr")
    before = (await org.get("/api/org/watches", params={"subject_type": "plan", "subject_id": "7"},
                            headers=market)).json()["items"]
    assert [(x["id"], x["can_urge"], x["urged_today"], x["waiting_on"]) for x in before] == [
        (w.id, True, False, ["李运营总监"])]

    r = await org.post(f"/api/org/watches/{w.id}/urge", json={"comment": "请今天处理，谢谢"}, headers=market)
    assert r.status_code == 200, r.text
    assert r.json()["notified"] == 1 and r.json()["watch"]["can_urge"] is False
    urged = await notes(org, "ops_director", "notify.urge")
    assert len(urged) == 1
    assert urged[0].text["zh-CN"]["title"] == "催办：市场部《2027年度市场计划》#7"
    assert "张市场部经理" in urged[0].text["zh-CN"]["body"] and "请今天处理，谢谢" in urged[0].text["zh-CN"]["body"]
    assert urged[0].dedupe_key == f"urge:{r.json()['id']}"

    again = await org.post(f"/api/org/watches/{w.id}/urge", json={}, headers={**market, **ZH_HEADERS})
    assert again.status_code == 409
    assert again.json()["detail"] == "今天已经催办过了，明天可再次催办"
    assert len(await notes(org, "ops_director", "notify.urge")) == 1  # nothing sent the second time

    after = (await org.get("/api/org/watches", params={"subject_type": "plan", "subject_id": "7"},
                           headers=market)).json()["items"]
    assert (after[0]["can_urge"], after[0]["urged_today"]) == (False, True)

    # someone else, even the person it waits on or an administrator, may not
    for who in ("ops_director", "analyst", "admin"):
        refused = await org.post(f"/api/org/watches/{w.id}/urge", json={}, headers={**await auth(org, who),
                                                                                    **ZH_HEADERS})
        assert refused.status_code == 403, who
        assert refused.json()["detail"] == "只有发起人才能催办该事项。"
    # the holder sees it and may not urge; someone without view over 市场部 does not see it
    holder = (await org.get("/api/org/watches", params={"subject_type": "plan", "subject_id": "7"},
                            headers=await auth(org, "ops_director"))).json()["items"]
    assert [(x["id"], x["can_urge"]) for x in holder] == [(w.id, False)]
    outsider = await org.get("/api/org/watches", params={"subject_type": "plan", "subject_id": "7"},
                             headers=await auth(org, "supply_head"))
    assert outsider.json()["items"] == []
    # what waits on me / what I asked for
    mine = (await org.get("/api/org/me/watches", headers=market)).json()
    assert [x["id"] for x in mine["asked_by_me"]] == [w.id] and mine["waiting_on_me"] == []
    theirs = (await org.get("/api/org/me/watches", headers=await auth(org, "ops_director"))).json()
    assert [x["id"] for x in theirs["waiting_on_me"]] == [w.id]
    assert {"due_at", "overdue", "working_days_left"} <= theirs["waiting_on_me"][0].keys()

    # a comment longer than 500 characters is refused; a decided item cannot be chased
    long = await org.post(f"/api/org/watches/{w.id}/urge", json={"comment": "催" * 501}, headers=market)
    assert long.status_code == 422
    async with org.app.state.db.writer() as s:
        await close_watches(s, "approval:plan:7:")
        await s.commit()
    closed = await org.post(f"/api/org/watches/{w.id}/urge", json={}, headers={**market, **ZH_HEADERS})
    assert closed.status_code == 409 and closed.json()["detail"] == "该事项已办结，无需催办。"
    assert (await org.post("/api/org/watches/99999/urge", json={}, headers=market)).status_code == 404


async def test_the_daily_digest_goes_out_once_a_day_even_when_the_job_runs_twice(org, org_url):
    await approval_watch(org, started_at=local(date(2026, 11, 25), 10))  # overdue by 3 December
    settings = org.app.state.settings
    thursday_morning = local(date(2026, 12, 3), 9)
    assert await run_digests_at(org, local(date(2026, 12, 3), 7)) == []  # before the digest hour
    replicas = [Database(org_url), Database(org_url)]

    async def run(db: Database):
        async with db.writer() as s:
            keys = await run_digests(s, settings, thursday_morning)
            await s.commit()
        return keys

    try:
        sent = await asyncio.gather(*(run(db) for db in replicas))
    finally:
        for db in replicas:
            await db.dispose()
    assert sorted(sent, key=len) == [[], ["daily:2026-12-03"]]
    assert await run_digests_at(org, local(date(2026, 12, 3), 15)) == []
    digests = await notes(org, "ops_director", "notify.digest")
    assert len(digests) == 1
    assert digests[0].kind == "digest" and digests[0].dedupe_key == "digest:daily:2026-12-03"
    text = digests[0].text["zh-CN"]
    assert text["title"] == "我的待办（2026-12-03）：1 项，逾期 1 项"
    assert "审批 1 项，其中逾期 1 项" in text["body"] and "【逾期】" in text["body"]
    assert f"{settings.public_url}/plans/7" in text["body"]
    assert await notes(org, "market_mgr", "notify.digest") == []  # nothing waits on them


async def run_digests_at(org, now: datetime) -> list[str]:
    async with org.app.state.db.writer() as s:
        keys = await run_digests(s, org.app.state.settings, now)
        await s.commit()
    return keys


async def test_weekly_digest_and_the_meeting_agenda_go_out_on_their_working_days_only(org):
    await approval_watch(org)
    # Saturday: not a working day, nothing goes out
    assert await run_digests_at(org, local(date(2026, 12, 5), 9)) == []
    # Friday before a Monday meeting: the daily digest and the meeting's agenda to the heads of units
    assert await run_digests_at(org, local(date(2026, 12, 4), 9)) == ["daily:2026-12-04", "meeting:2026-W50"]
    agenda = await notes(org, "market_mgr", "notify.digest.meeting")
    assert len(agenda) == 1 and agenda[0].link == "/plans/meeting?week=2026-W50"
    assert agenda[0].text["zh-CN"]["title"] == "运营例会议程（2026-W50）"
    assert "2026-12-07（星期一）" in agenda[0].text["zh-CN"]["body"]
    assert await notes(org, "analyst", "notify.digest.meeting") == []  # not a head of a unit
    # Monday: the week's first working day brings the weekly digest
    assert await run_digests_at(org, local(date(2026, 12, 7), 9)) == ["daily:2026-12-07", "weekly:2026-W50"]
    weekly = await notes(org, "ops_director", "notify.digest.weekly")
    assert len(weekly) == 1 and weekly[0].dedupe_key == "digest:weekly:2026-W50"
    # after National Day the week's first working day is Thursday 8 October
    assert await run_digests_at(org, local(date(2026, 10, 5), 9)) == []
    assert "weekly:2026-W41" in await run_digests_at(org, local(date(2026, 10, 8), 9))
    async with org.app.state.db.reader() as s:
        assert set((await s.execute(select(DigestRun.key))).scalars()) == {
            "daily:2026-12-04", "meeting:2026-W50", "daily:2026-12-07", "weekly:2026-W50", "daily:2026-10-08",
            "weekly:2026-W41"}


async def test_sla_policies_are_read_by_anyone_and_set_by_company_admins_only(org):
    market = await auth(org, "market_mgr")
    listed = await org.get("/api/org/sla-policies", headers=market)
    assert [(p["kind"], p["limit_days"], p["chosen"]) for p in listed.json()["items"]] == [
        ("approval", 3, False), ("planning.task", 5, False), ("kpi.action", 10, False)]
    body = {"limit_days": 2, "remind_before_days": 1, "escalate_after_days": 1}
    refused = await org.put("/api/org/sla-policies/approval", json=body, headers={**market, **ZH_HEADERS})
    assert refused.status_code == 403 and "管理员" in refused.json()["detail"]

    admin = {**await auth(org, "admin"), **ZH_HEADERS}
    unknown = await org.put("/api/org/sla-policies/approval", json={**body, "limit_hours": 4}, headers=admin)
    assert unknown.status_code == 422 and "不允许的字段" in unknown.json()["detail"]
    too_long = await org.put("/api/org/sla-policies/approval", json={**body, "limit_days": 61}, headers=admin)
    assert too_long.status_code == 422 and "应不大于 60" in too_long.json()["detail"]
    negative = await org.put("/api/org/sla-policies/approval", json={**body, "escalate_after_days": -1},
                             headers=admin)
    assert negative.status_code == 422 and "应不小于 0" in negative.json()["detail"]
    assert (await org.put("/api/org/sla-policies/holiday", json=body, headers=admin)).status_code == 422

    # a watch open before the change keeps its deadline
    before = await approval_watch(org, limit_days=None)
    assert as_utc(before.due_at) == local(date(2026, 12, 5), 0)  # three working days from Tuesday: the end of Friday
    ok = await org.put("/api/org/sla-policies/approval", json=body, headers=admin)
    assert ok.status_code == 200, ok.text
    assert (ok.json()["limit_days"], ok.json()["chosen"], ok.json()["name"]) == (2, True, "审批环节")
    async with org.app.state.db.reader() as s:
        assert as_utc((await s.get(Watch, before.id)).due_at) == local(date(2026, 12, 5), 0)
    # a new one follows the policy: two working days, escalated a working day after the deadline
    after = await approval_watch(org, limit_days=None, plan_id=8)
    assert as_utc(after.due_at) == local(date(2026, 12, 4), 0)
    assert as_utc(after.escalate_at) == local(date(2026, 12, 5), 0)  # a working day later: the end of Friday
    audit = await org.get("/api/org/audit", params={"action": "sla_policy.changed"}, headers=admin)
    assert [e["subject_id"] for e in audit.json()["items"]] == ["approval"]


async def test_the_periodic_job_escalates_a_late_watch_in_its_own_transaction(org):
    await approval_watch(org, started_at=utcnow() - timedelta(days=30))
    await remind_and_digest(org.app.state.runtime)
    assert len(await notes(org, "gm", "notify.escalation")) == 1
    await remind_and_digest(org.app.state.runtime)  # the next run finds nothing new
    assert len(await notes(org, "gm", "notify.escalation")) == 1
