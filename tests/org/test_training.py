"""Training management (培训管理): a unit's plan drafted by plan holders and approved by guide holders, sessions and
their attendance sheet, the records a person (and only the people over them) reads, the completion rate recorded
for kpi, certificates reminded once before and once after they expire, and needs from low assessments."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from services.common import clock
from services.common.service_auth import secret_for
from services.common.settings import DEMO_SERVICE_SECRET
from services.org.models import AuditEntry, Notification, OutboxEvent, Position, Unit, User
from services.org.training.service import remind_certifications
from tests.org.conftest import auth
from tests.support import bearer


async def people(org) -> dict[str, int]:
    async with org.app.state.db.reader() as s:
        return dict((await s.execute(select(User.username, User.id))).all())


async def units(org) -> dict[str, int]:
    async with org.app.state.db.reader() as s:
        return dict((await s.execute(select(Unit.code, Unit.id))).all())


async def position_of(org, title: str) -> int:
    async with org.app.state.db.reader() as s:
        return (await s.execute(select(Position.id).where(Position.title == title))).scalar_one()


async def outbox(org, type_: str) -> list[dict]:
    async with org.app.state.db.reader() as s:
        rows = await s.execute(select(OutboxEvent).where(OutboxEvent.type == type_).order_by(OutboxEvent.seq))
        return [e.data for e in rows.scalars()]


async def notes(org, username: str, topic: str) -> list[Notification]:
    uid = (await people(org))[username]
    async with org.app.state.db.reader() as s:
        rows = await s.execute(select(Notification).where(Notification.user_id == uid, Notification.topic == topic)
                               .order_by(Notification.id))
        return list(rows.scalars())


async def audit(org, action: str) -> list[AuditEntry]:
    async with org.app.state.db.reader() as s:
        return list((await s.execute(select(AuditEntry).where(AuditEntry.action == action))).scalars())


async def supply_plan(org, ids: dict[str, int]) -> tuple[dict, str]:
    """供应科's 2026 plan (drafted by its head): one required course for the head's post and 张市场部经理."""
    r = await org.post("/api/org/training/plans", headers=await auth(org, "supply_head"), json={
        "unit_id": (await units(org))["OPS-SUP"], "year": 2026, "title": "供应科2026年度培训计划",
        "courses": [{"title": "燃气供应安全规程", "kind": "quarterly", "required": True,
                     "audience_position_ids": [await position_of(org, "供应科主管")],
                     "audience_user_ids": [ids["market_mgr"]], "planned_sessions": 4, "hours": 3}]})
    assert r.status_code == 201, r.text
    return r.json(), r.headers["ETag"]


async def test_a_plan_is_drafted_by_plan_holders_approved_by_guide_holders_and_its_records_become_the_rate(org):
    ids = await people(org)
    # 刘市场调研专员 holds no plan over 供应科: refused
    r = await org.post("/api/org/training/plans", headers=await auth(org, "analyst"), json={
        "unit_id": (await units(org))["OPS-SUP"], "year": 2026, "title": "x", "courses": []})
    assert r.status_code == 403
    plan, tag = await supply_plan(org, ids)
    assert plan["status"] == "draft" and plan["courses"][0]["audience_size"] == 2
    head = await auth(org, "supply_head")
    # a change moves the version on: the old ETag is stale
    r = await org.patch(f"/api/org/training/plans/{plan['id']}", headers={**head, "If-Match": tag},
                        json={"title": "供应科2026年度培训计划（修订）"})
    assert r.status_code == 200, r.text
    r = await org.post(f"/api/org/training/plans/{plan['id']}/submit", headers={**head, "If-Match": tag})
    assert r.status_code == 412
    r = await org.post(f"/api/org/training/plans/{plan['id']}/submit", headers=head)
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    # the holder of guide over 供应科 (运营总监) is told and finds it awaiting him; the drafter does not
    assert len(await notes(org, "ops_director", "org.training.submitted")) == 1
    director = await auth(org, "ops_director")
    waiting = await org.get("/api/org/training/plans", params={"awaiting_me": "true"}, headers=director)
    assert plan["id"] in [p["id"] for p in waiting.json()["items"]]
    mine = await org.get("/api/org/training/plans", params={"awaiting_me": "true"}, headers=head)
    assert plan["id"] not in [p["id"] for p in mine.json()["items"]]
    # neither its drafter nor someone without guide over the unit may decide it
    decision = {"decision": "approve", "reason": "同意"}
    assert (await org.post(f"/api/org/training/plans/{plan['id']}/decision", json=decision,
                           headers=head)).status_code == 403
    assert (await org.post(f"/api/org/training/plans/{plan['id']}/decision", json=decision,
                           headers=await auth(org, "analyst"))).status_code == 403
    # a reason is required, and unknown fields are refused
    assert (await org.post(f"/api/org/training/plans/{plan['id']}/decision", json={"decision": "approve"},
                           headers=director)).status_code == 422
    assert (await org.post(f"/api/org/training/plans/{plan['id']}/decision", json={**decision, "urgent": True},
                           headers=director)).status_code == 422
    r = await org.post(f"/api/org/training/plans/{plan['id']}/decision",
                       json={"decision": "approve", "reason": "课程符合供应岗位要求"}, headers=director)
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    assert r.json()["decided_by_name"] == "李运营总监"
    approved = await audit(org, "training.plan.approved")
    assert len(approved) == 1 and approved[0].grant["right"] == "guide"
    assert [e["status"] for e in await outbox(org, "org.training.planned") if e["id"] == plan["id"]] == ["approved"]
    assert len(await notes(org, "supply_head", "org.training.planned")) == 1
    # a decided plan cannot be changed
    assert (await org.patch(f"/api/org/training/plans/{plan['id']}", json={"title": "y"},
                            headers=head)).status_code == 409

    # sessions: recorded by plan holders; the trainer (刘市场调研专员) fills in the attendance sheet
    course_id = plan["courses"][0]["id"]
    body = {"course_id": course_id, "held_on": "2026-10-16", "trainer_id": ids["analyst"], "location": "调度中心"}
    assert (await org.post(f"/api/org/training/plans/{plan['id']}/sessions", json=body,
                           headers=await auth(org, "analyst"))).status_code == 403
    r = await org.post(f"/api/org/training/plans/{plan['id']}/sessions", json=body, headers=head)
    assert r.status_code == 201, r.text
    held = r.json()
    assert held["trainer_name"] == "刘市场调研专员" and held["hours"] == 3
    assert {a["user_id"] for a in held["attendees"]} == {ids["supply_head"], ids["market_mgr"]}
    sheet = {"attendance": [{"user_id": ids["supply_head"], "attended": True, "result": "pass", "score": 91},
                            {"user_id": ids["market_mgr"], "attended": False}]}
    # someone neither the trainer nor a plan holder over 供应科 may not record it
    assert (await org.put(f"/api/org/training/sessions/{held['id']}/attendance", json=sheet,
                          headers=await auth(org, "market_mgr"))).status_code == 403
    trainer = await auth(org, "analyst")
    stale = {**trainer, "If-Match": f'"training-session-{held["id"]}-v0"'}
    assert (await org.put(f"/api/org/training/sessions/{held['id']}/attendance", json=sheet,
                          headers=stale)).status_code == 412
    r = await org.put(f"/api/org/training/sessions/{held['id']}/attendance", json=sheet, headers=trainer)
    assert r.status_code == 200, r.text
    assert {a["user_id"]: a["attended"] for a in r.json()["attendees"]} == {ids["supply_head"]: True,
                                                                            ids["market_mgr"]: False}
    recorded = await audit(org, "training.attendance.recorded")
    assert len(recorded) == 1 and recorded[0].grant["right"] == "trainer"
    # one of the two people required completed it in October: 50 %, recorded for kpi
    rates = [e for e in await outbox(org, "org.training.measured") if e["unit_id"] == (await units(org))["OPS-SUP"]]
    assert [(e["period"], e["required"], e["completed"], e["rate"]) for e in rates] == [("2026-10", 2, 1, 50.0)]
    quarter = await org.get("/api/org/training/completion", params={"unit_id": (await units(org))["OPS-SUP"],
                                                                    "period": "2026-Q4"}, headers=director)
    assert quarter.json()["rate"] == 50.0
    session_event = (await outbox(org, "org.training.session_recorded"))[-1]
    assert (session_event["attended"], session_event["passed"], session_event["absent"]) == (1, 1, 1)

    # records: the person reads their own; the people over them do; a stranger may not
    own = await org.get("/api/org/training/records", headers=head)
    assert ("燃气供应安全规程", "pass", 91.0) in [(r["course_title"], r["result"], r["score"])
                                                 for r in own.json()["items"]]
    assert {r["user_id"] for r in own.json()["items"]} == {ids["supply_head"]}
    assert (await org.get("/api/org/training/records", params={"user_id": ids["supply_head"]},
                          headers=trainer)).status_code == 403
    assert (await org.get("/api/org/training/records/export.xlsx", params={"user_id": ids["supply_head"]},
                          headers=trainer)).status_code == 403
    theirs = await org.get("/api/org/training/records", params={"user_id": ids["supply_head"]}, headers=director)
    assert theirs.status_code == 200 and theirs.json()["items"] == own.json()["items"]
    sheet_file = await org.get("/api/org/training/records/export.xlsx", headers=head)
    assert sheet_file.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet_file.content)).active.values)
    assert rows[0][:4] == ("姓名", "单位", "课程", "类别")
    assert len(rows) == 1 + len(own.json()["items"])
    assert ("赵供应科主管", "供应科", "燃气供应安全规程", "季度培训") in [row[:4] for row in rows]


async def test_a_returned_plan_goes_back_to_its_drafter_with_the_reason(org):
    ids = await people(org)
    plan, _ = await supply_plan(org, ids)
    await org.post(f"/api/org/training/plans/{plan['id']}/submit", headers=await auth(org, "supply_head"))
    r = await org.post(f"/api/org/training/plans/{plan['id']}/decision", headers=await auth(org, "ops_director"),
                       json={"decision": "return", "reason": "请补充新员工培训"})
    assert r.json()["status"] == "returned" and r.json()["decision_reason"] == "请补充新员工培训"
    told = await notes(org, "supply_head", "org.training.plan_returned")
    assert len(told) == 1 and "请补充新员工培训" in told[0].text["zh-CN"]["body"]
    assert len(await audit(org, "training.plan.returned")) == 1
    # sessions are for approved plans only
    r = await org.post(f"/api/org/training/plans/{plan['id']}/sessions", headers=await auth(org, "supply_head"),
                       json={"course_id": plan["courses"][0]["id"], "held_on": "2026-10-16"})
    assert r.status_code == 409


async def test_a_certificate_is_reminded_once_before_it_expires_and_once_when_it_has(org):
    ids = await people(org)
    today = clock.today()
    body = {"user_id": ids["analyst"], "name": "市场调研分析师证书", "number": "MR-001",
            "issued_on": (today - timedelta(days=700)).isoformat(),
            "expires_on": (today + timedelta(days=10)).isoformat(), "remind_days": 30}
    # only plan holders over the person's unit record certificates; unknown fields are refused
    assert (await org.post("/api/org/training/certifications", json=body,
                           headers=await auth(org, "supply_head"))).status_code == 403
    manager = await auth(org, "market_mgr")
    assert (await org.post("/api/org/training/certifications", json={**body, "level": "高级"},
                           headers=manager)).status_code == 422
    r = await org.post("/api/org/training/certifications", json=body, headers=manager)
    assert r.status_code == 201, r.text
    cert = r.json()
    assert (cert["status"], cert["days_left"]) == ("expiring", 10)

    async with org.app.state.db.writer() as s:
        await remind_certifications(s, today=today)
        await s.commit()
    async with org.app.state.db.writer() as s:
        await remind_certifications(s, today=today + timedelta(days=1))  # the next run: nothing new
        await s.commit()
    # the holder and the head over their unit (张市场部经理 heads 市场部, above 市场调研组), each once
    for who in ("analyst", "market_mgr"):
        told = await notes(org, who, "org.certification.expiring")
        assert len(told) == 1, who
    body_zh = (await notes(org, "analyst", "org.certification.expiring"))[0].text["zh-CN"]["body"]
    assert "市场调研分析师证书" in body_zh and "还剩 10 天" in body_zh
    # it shows among the manager's expiring certificates, not among 供应科's head's
    listed = await org.get("/api/org/training/certifications", params={"expiring": "true"}, headers=manager)
    assert cert["id"] in [c["id"] for c in listed.json()["items"]]
    other = await org.get("/api/org/training/certifications", params={"expiring": "true"},
                          headers=await auth(org, "supply_head"))
    assert cert["id"] not in [c["id"] for c in other.json()["items"]]

    for day in (11, 12):  # expired, told once
        async with org.app.state.db.writer() as s:
            await remind_certifications(s, today=today + timedelta(days=day))
            await s.commit()
    assert len(await notes(org, "analyst", "org.certification.expired")) == 1
    assert len(await notes(org, "market_mgr", "org.certification.expired")) == 1
    statuses = [e["status"] for e in await outbox(org, "org.certification.expiring") if e["id"] == cert["id"]]
    assert statuses == ["expiring", "expired"]

    # renewed (stale If-Match refused first), it is reminded again before its new date
    stale = {**manager, "If-Match": f'"certification-{cert["id"]}-v1"'}
    renewal = {"expires_on": (today + timedelta(days=20)).isoformat()}
    assert (await org.patch(f"/api/org/training/certifications/{cert['id']}", json=renewal,
                            headers=stale)).status_code == 412
    r = await org.patch(f"/api/org/training/certifications/{cert['id']}", json=renewal, headers=manager)
    assert r.status_code == 200 and r.json()["status"] == "expiring", r.text
    async with org.app.state.db.writer() as s:
        await remind_certifications(s, today=today)
        await s.commit()
    assert len(await notes(org, "analyst", "org.certification.expiring")) == 2


async def test_certificates_of_others_are_private(org):
    ids = await people(org)
    analyst = await auth(org, "analyst")
    assert (await org.get("/api/org/training/certifications", params={"user_id": ids["supply_head"]},
                          headers=analyst)).status_code == 403
    own = await org.get("/api/org/training/certifications", headers=await auth(org, "supply_head"))
    assert [c["name"] for c in own.json()["items"]] == ["燃气经营企业从业人员资格证"]  # the demo's, expiring soon
    assert own.json()["items"][0]["status"] == "expiring"


async def service_token(org, service: str) -> dict[str, str]:
    r = await org.post("/api/org/auth/token", data={"grant_type": "client_credentials", "client_id": f"svc-{service}",
                                                    "client_secret": secret_for(DEMO_SERVICE_SECRET, service)})
    return bearer(r.json()["access_token"])


def finalized(ids: dict[str, int], unit_id: int, total: float, assessment_id: int = 41) -> dict:
    return {"id": str(uuid.uuid4()), "type": "kpi.assessment.finalized", "source": "kpi",
            "occurred_at": datetime.now(UTC).isoformat(), "subject": str(assessment_id), "unit_path": None,
            "data": {"id": assessment_id, "scorecard_id": 1, "unit_id": unit_id, "unit_path": "/1/7/8/",
                     "subject_kind": "person", "person_id": ids["analyst"], "person_name": "刘市场调研专员",
                     "period": "2026-Q3", "kind": "routine", "status": "final", "total": total, "grade": "D",
                     "vetoed": False, "missing": [], "incomplete": False, "weight_counted": 1.0,
                     "incomplete_reason": None, "outcomes": [], "items": [], "finalized_by": "5",
                     "finalized_at": datetime.now(UTC).isoformat(), "version": 2}}


async def test_a_low_assessment_and_the_job_requirements_become_training_needs(org):
    ids = await people(org)
    unit = (await units(org))["MKT-RES"]
    kpi = await service_token(org, "kpi")
    low = finalized(ids, unit, 52.0)
    assert (await org.post("/api/org/events", json=low, headers=kpi)).json() == {"status": "applied"}
    assert (await org.post("/api/org/events", json=low, headers=kpi)).json() == {"status": "duplicate"}
    good = finalized(ids, unit, 88.0, assessment_id=42)
    assert (await org.post("/api/org/events", json=good, headers=kpi)).json() == {"status": "applied"}
    needs = await org.get("/api/org/training/needs", headers=await auth(org, "analyst"))
    by_source = {(n["source"], n["course"]): n for n in needs.json()["items"]}
    assert set(by_source) == {("position", "岗位业务培训"), ("assessment", "绩效改进培训")}
    assert "52 分" in by_source[("assessment", "绩效改进培训")]["reason"]
    assert not by_source[("position", "岗位业务培训")]["met"]
    # the manager over the unit sees them and adds one by hand; a stranger may not read the unit's
    manager = await auth(org, "market_mgr")
    r = await org.post("/api/org/training/needs", headers=manager,
                       json={"user_id": ids["analyst"], "course": "数据分析进阶", "reason": "新业务需要"})
    assert r.status_code == 201, r.text
    unit_needs = await org.get("/api/org/training/needs", params={"unit_id": unit}, headers=manager)
    assert ("manual", "数据分析进阶") in {(n["source"], n["course"]) for n in unit_needs.json()["items"]}
    assert (await org.get("/api/org/training/needs", params={"unit_id": unit},
                          headers=await auth(org, "supply_head"))).status_code == 403
    assert (await org.post("/api/org/training/needs", headers=await auth(org, "supply_head"),
                           json={"user_id": ids["analyst"], "course": "x"})).status_code == 403


async def test_the_demo_shows_an_approved_plan_with_sessions_a_plan_to_approve_and_its_rate(org):
    director = await auth(org, "ops_director")
    plans = (await org.get("/api/org/training/plans", headers=director)).json()["items"]
    assert {(p["title"], p["status"]) for p in plans} >= {("运营管理部2026年度培训计划", "approved"),
                                                          ("供应科2027年度培训计划", "submitted")}
    waiting = await org.get("/api/org/training/plans", params={"awaiting_me": "true"}, headers=director)
    assert [p["title"] for p in waiting.json()["items"]] == ["供应科2027年度培训计划"]
    rate = await org.get("/api/org/training/completion", params={"unit_id": (await units(org))["OPS"],
                                                                 "period": "2026-11"}, headers=director)
    assert (rate.json()["required"], rate.json()["completed"], rate.json()["rate"]) == (4, 3, 75.0)
