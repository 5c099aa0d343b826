"""The rules a plan's content and its place keep: one live plan per unit and period, owners on monthly
tasks, money with its unit, a planner's reach through nested fields."""

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError

from services.planning.models import Plan
from tests.planning.conftest import annual
from tests.support import DEMO_IDS


async def test_a_second_live_plan_for_the_same_unit_and_period_is_refused_naming_the_first(company):
    first = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    r = await company.planning.post("/api/planning/plans", json=annual("MKT", "市场部2027计划（重复）"),
                                    headers={**await company.as_("gm"), "Accept-Language": "zh-CN"})
    assert r.status_code == 409, r.text
    assert "市场部2027年度运营计划" in r.json()["detail"] and str(first["id"]) in r.json()["detail"]
    assert r.json()["existing_plan"]["id"] == first["id"]
    en = await company.planning.post("/api/planning/plans", json=annual("MKT", "again"),
                                     headers=await company.as_("market_mgr"))
    assert en.status_code == 409 and "'市场部2027年度运营计划' (id" in en.json()["detail"]
    # another period, or another cadence, is another plan
    await company.create("market_mgr", **annual("MKT", "市场部2027年第一季度", period="2027-Q1"))
    await company.create("market_mgr", **annual("MKT", "市场部2028年度", period="2028"))
    # once the first is vetoed, the unit may draft again
    await company.act("gm", first, "veto", reason="重做")
    again = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划（重编）"))
    assert again["status"] == "draft"


async def test_two_people_drafting_the_same_plan_at_once_get_one_plan(company):
    headers = [await company.as_("market_mgr"), await company.as_("gm")]
    results = await asyncio.gather(*[company.planning.post("/api/planning/plans", headers=h,
                                                           json=annual("MKT", f"市场部2027（{i}）"))
                                     for i, h in enumerate(headers)])
    assert sorted(r.status_code for r in results) == [201, 409], [r.text for r in results]
    listed = (await company.planning.get("/api/planning/plans", params={"unit_id": DEMO_IDS["MKT"]},
                                         headers=await company.as_("gm"))).json()["items"]
    assert len(listed) == 1


async def test_the_database_itself_holds_one_live_plan_per_unit_and_period(company):
    async with company.planning.app.state.db.writer() as s:
        s.add(Plan(unit_id=DEMO_IDS["MKT"], period="2027", kind="annual", title="a", status="draft", created_by="1",
                   pending_signers=[]))
        await s.flush()
        s.add(Plan(unit_id=DEMO_IDS["MKT"], period="2027", kind="annual", title="b", status="vetoed",
                   created_by="1", pending_signers=[]))
        await s.flush()  # a vetoed one makes no second live plan
        s.add(Plan(unit_id=DEMO_IDS["MKT"], period="2027", kind="annual", title="c", status="draft", created_by="1",
                   pending_signers=[]))
        with pytest.raises(IntegrityError):
            await s.flush()
        await s.rollback()
