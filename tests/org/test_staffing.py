"""人员编制: people against plan per unit — planned headcount only from plans' people lines (a revision replaces
them), actual headcount and vacancies from positions and assignments, the spare-staff ratio 备员率, and the
``org.staffing.measured`` events kpi turns into a KPI."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from services.common import clock
from services.org.models import OutboxEvent
from services.org.staffing.demo import seed_staffing
from tests.org.conftest import auth
from tests.org.test_notifications import deliver, path_of
from tests.support import DEMO_IDS

U = DEMO_IDS


@pytest.fixture
async def db(org_url):
    engine = create_async_engine(org_url)
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


@pytest.fixture(autouse=True)
async def staffed(org, db):
    """The demo's staff, vacant posts and plans' headcount (a running demo seeds them at start-up)."""
    async with db() as s:
        assert await seed_staffing(s) is True
        await s.commit()


async def staffing(org, username: str, code: str, period: str = "2026-12") -> dict[str, dict]:
    r = await org.get("/api/org/staffing", params={"unit_id": U[code], "period": period},
                      headers=await auth(org, username))
    assert r.status_code == 200, r.text
    return {row["unit_code"]: row for row in r.json()["rows"]}


async def measured(db) -> list[dict]:
    async with db() as s:
        rows = (await s.execute(select(OutboxEvent).where(OutboxEvent.type == "org.staffing.measured")
                                .order_by(OutboxEvent.seq))).scalars()
        return [r.data for r in rows]


def numbers(row: dict) -> tuple:
    return row["planned"], row["actual"], row["vacancies"], row["spare_ratio"]


async def test_demo_units_show_planned_actual_vacancies_and_the_spare_staff_ratio(org):
    rows = await staffing(org, "gm", "HDGAS")
    assert next(iter(rows)) == "HDGAS" and rows["HDGAS"]["depth"] == 0 and rows["OPS-SUP"]["depth"] == 2
    # 运营管理部 keeps its 10 % spare staff, 市场部 is short of it, 苏州分公司 is below its plan
    assert numbers(rows["OPS"]) == (36.0, 40, 1, 11.1)
    assert numbers(rows["MKT"]) == (18.0, 19, 1, 5.6)
    assert numbers(rows["SZ"]) == (65.0, 62, 1, -4.6)
    # a unit without a plan of its own and without planned sub-units has no planned headcount
    assert numbers(rows["FIN"]) == (None, 8, 1, None)
    # sections are inside their department's plan: no number of their own
    assert rows["OPS-SUP"]["planned"] is None and rows["OPS-SUP"]["actual"] == 9
    assert rows["OPS-SUP"]["covered_by"] == U["OPS"] and rows["FIN"]["covered_by"] == U["HDGAS"]
    assert rows["OPS"]["covered_by"] is None  # it has its own plan
    assert rows["HDGAS"]["actual"] == sum(rows[c]["actual"] for c in ("OPS", "MKT", "SZ", "FIN")) + 7
    vac = await org.get("/api/org/staffing/vacancies", params={"unit_id": U["SZ"]}, headers=await auth(org, "gm"))
    assert [(v["unit_name"], v["title"], v["vacant_since"]) for v in vac.json()["items"]] == [
        ("客服部", "客服班长", "2026-11-01")]


async def test_reading_people_against_plan_needs_view_over_the_unit(org):
    # 市场调研专员 sees their own team, not the department above it
    analyst = await auth(org, "analyst")
    r = await org.get("/api/org/staffing", params={"unit_id": U["MKT"]},
                      headers={**analyst, "Accept-Language": "zh-CN"})
    assert r.status_code == 403 and "查看权" in r.json()["detail"]
    assert (await org.get("/api/org/staffing/vacancies", params={"unit_id": U["MKT"]},
                          headers=analyst)).status_code == 403
    assert (await org.get("/api/org/staffing/export.xlsx", params={"unit_id": U["MKT"]},
                          headers=analyst)).status_code == 403
    assert (await org.get("/api/org/staffing", params={"unit_id": U["MKT-RES"]}, headers=analyst)).status_code == 200
    # 市场部经理 reads the marketing department, not the company or 苏州分公司
    mkt = await auth(org, "market_mgr")
    assert (await org.get("/api/org/staffing", params={"unit_id": U["HDGAS"]}, headers=mkt)).status_code == 403
    assert (await org.get("/api/org/staffing", params={"unit_id": U["SZ"]}, headers=mkt)).status_code == 403
    assert (await org.get("/api/org/staffing", params={"unit_id": 999}, headers=mkt)).status_code == 404
    assert (await org.get("/api/org/staffing", params={"unit_id": U["MKT"]})).status_code == 401
    # measuring now needs plan over the unit
    r = await org.post("/api/org/staffing/measurements", json={"unit_id": U["MKT"]}, headers=analyst)
    assert r.status_code == 403


async def test_a_period_must_be_a_year_quarter_or_month(org):
    gm = await auth(org, "gm")
    r = await org.get("/api/org/staffing", params={"unit_id": U["MKT"], "period": "2026-W12"},
                      headers={**gm, "Accept-Language": "zh-CN"})
    assert r.status_code == 422 and "按年、季度或月" in r.text
    assert (await org.get("/api/org/staffing", params={"unit_id": U["MKT"], "period": "2026-13"},
                          headers=gm)).status_code == 422
    year = await org.get("/api/org/staffing", params={"unit_id": U["MKT"], "period": "2026"}, headers=gm)
    assert year.json()["rows"][0]["planned"] == 18.0 and year.json()["target_ratio"] == 10.0
    # no plan for 2025: nothing planned, but the people are counted as they were at the end of 2025
    past = await org.get("/api/org/staffing", params={"unit_id": U["MKT"], "period": "2025-Q4"}, headers=gm)
    assert past.json()["as_of"] == "2025-12-31" and past.json()["rows"][0]["planned"] is None
    assert past.json()["rows"][0]["actual"] == 17  # the demo managers joined on 2026-01-01


async def test_assignments_change_the_actual_headcount_and_send_the_changed_numbers(org, db):
    admin = await auth(org, "admin")
    await org.post("/api/org/staffing/measurements", json={"unit_id": U["HDGAS"]}, headers=await auth(org, "gm"))
    sent = len(await measured(db))
    vacancies = (await org.get("/api/org/staffing/vacancies", params={"unit_id": U["MKT"]}, headers=admin)).json()
    post = next(v for v in vacancies["items"] if v["title"] == "品牌策划主管")
    user = await org.post("/api/org/users", headers=admin, json={
        "username": "brand_lead", "display_name": "品牌主管", "password": "Brand#2026x"})
    today = clock.today()
    a = await org.post("/api/org/assignments", headers=admin, json={
        "user_id": user.json()["id"], "position_id": post["position_id"], "start_date": today.isoformat()})
    assert a.status_code == 201, a.text
    rows = await staffing(org, "market_mgr", "MKT", period=today.strftime("%Y-%m"))
    assert (rows["MKT"]["actual"], rows["MKT"]["vacancies"]) == (20, 0)
    assert (rows["MKT-PLN"]["actual"], rows["MKT-PLN"]["vacancies"]) == (9, 0)
    events = (await measured(db))[sent:]
    # the department and the company (the team has no planned headcount of its own): one event each
    assert [e["unit_id"] for e in events] == [U["HDGAS"], U["MKT"]]
    mkt = next(e for e in events if e["unit_id"] == U["MKT"])
    assert (mkt["actual"], mkt["vacancies"], mkt["period"]) == (20, 0, today.strftime("%Y-%m"))
    # the assignment ends yesterday: the post is vacant again and the numbers go back
    sent = len(await measured(db))
    yesterday = today.fromordinal(today.toordinal() - 1)
    await org.patch(f"/api/org/assignments/{a.json()['id']}", headers=admin,
                    json={"end_date": max(yesterday, today.fromisoformat(a.json()["start_date"])).isoformat()})
    await org.delete(f"/api/org/assignments/{a.json()['id']}", headers=admin)
    rows = await staffing(org, "market_mgr", "MKT", period=today.strftime("%Y-%m"))
    assert (rows["MKT"]["actual"], rows["MKT"]["vacancies"]) == (19, 1)
    assert {e["unit_id"]: e["actual"] for e in (await measured(db))[sent:]}[U["MKT"]] == 19


async def test_measuring_again_without_a_change_sends_nothing(org, db):
    gm = await auth(org, "gm")
    first = await org.post("/api/org/staffing/measurements", json={"unit_id": U["HDGAS"]}, headers=gm)
    assert first.status_code == 200 and first.json()["units"] == len(U)
    sent = len(await measured(db))
    again = await org.post("/api/org/staffing/measurements", json={"unit_id": U["HDGAS"]}, headers=gm)
    assert again.json()["changed"] == 0 and len(await measured(db)) == sent
    audit = await org.get("/api/org/audit", params={"action": "staffing.measured"}, headers=await auth(org, "admin"))
    assert [a["grant"]["right"] for a in audit.json()["items"]][:2] == ["plan", "plan"]


async def test_unknown_fields_in_a_measurement_request_are_refused(org):
    r = await org.post("/api/org/staffing/measurements", json={"unit_id": U["MKT"], "planned": 30},
                       headers={**await auth(org, "gm"), "Accept-Language": "zh-CN"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "planned"
    missing = await org.post("/api/org/staffing/measurements", json={"unit_id": 999}, headers=await auth(org, "gm"))
    assert missing.status_code == 404


def plan_event(version: int, people: list[float], *, period: str, kind: str = "issued") -> dict:
    return {"plan_id": 77, "revision": version, "version": version, "unit_id": U["MKT-RES"],
            "unit_path": path_of("MKT-RES"), "period": period, "kind": "annual", "title": "市场调研组年度计划",
            "status": "issued", "actor": "3", "comment": "", "submitted_by": "3", "waiting": None, "targets": [],
            "resources": [{"id": i, "kind": "people", "description": f"人力{i}", "quantity": q, "unit": "人",
                           "amount": None, "amount_unit": "元", "budget_item": None} for i, q in enumerate(people)]
            + [{"id": 99, "kind": "budget", "description": "预算", "quantity": None, "unit": "", "amount": 50000,
                "amount_unit": "元", "budget_item": None}]}


async def test_a_plan_s_people_lines_become_planned_headcount_and_a_revision_replaces_them(org, db):
    year = str(clock.today().year)
    month = clock.today().strftime("%Y-%m")
    sent = len(await measured(db))
    await deliver(org, "planning", "planning.plan.issued", plan_event(1, [5, 2], period=year))
    rows = await staffing(org, "market_mgr", "MKT", period=month)
    assert (rows["MKT-RES"]["planned"], rows["MKT-RES"]["plan_period"]) == (7.0, year)
    assert rows["MKT-RES"]["spare_ratio"] == round((8 - 7) / 7 * 100, 1)
    events = {e["unit_id"]: e for e in (await measured(db))[sent:]}
    assert events[U["MKT-RES"]]["planned"] == 7.0 and events[U["MKT-RES"]]["spare_ratio"] == 14.3
    # the same revision again (a redelivery under a new id) and an older one change nothing
    sent = len(await measured(db))
    await deliver(org, "planning", "planning.plan.issued", plan_event(1, [5, 2], period=year))
    assert (await measured(db))[sent:] == []
    # a revision replaces the planned headcount; an older revision arriving late does not bring it back
    await deliver(org, "planning", "planning.plan.revised", plan_event(2, [9], period=year, kind="revised"))
    await deliver(org, "planning", "planning.plan.issued", plan_event(1, [5, 2], period=year))
    rows = await staffing(org, "market_mgr", "MKT", period=month)
    assert rows["MKT-RES"]["planned"] == 9.0 and rows["MKT-RES"]["spare_ratio"] == -11.1
    # the department keeps its own plan's number (its plan covers the team)
    assert rows["MKT"]["planned"] == (18.0 if year == "2026" else 9.0)
    # a revision without people lines leaves the team without a planned headcount
    await deliver(org, "planning", "planning.plan.revised", plan_event(3, [], period=year, kind="revised"))
    rows = await staffing(org, "market_mgr", "MKT", period=month)
    assert rows["MKT-RES"]["planned"] is None and rows["MKT-RES"]["spare_ratio"] is None
    audit = await org.get("/api/org/audit", params={"action": "staffing.planned"}, headers=await auth(org, "admin"))
    assert [a["after"]["quantity"] if a["after"] else None for a in audit.json()["items"]][:3] in (
        [None, 9.0, 7.0], [7.0, 9.0, None])


async def test_the_staffing_table_exports_as_a_workbook(org):
    r = await org.get("/api/org/staffing/export.xlsx", params={"unit_id": U["MKT"], "period": "2026-12"},
                      headers=await auth(org, "market_mgr"))
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    sheet = wb["人员编制表"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("单位", "单位类型", "编制期间", "计划编制（人）")
    assert rows[1][:9] == ("市场部", "部门", "2026", 18, 19, 1, 5.6, 10, "备员不足")
    assert rows[2][0] == "　市场调研组" and rows[2][8] == "计入上级编制"
    assert [r[1] for r in wb["空缺岗位"].iter_rows(values_only=True)][1:] == ["品牌策划主管"]
