"""经营驾驶舱's kpi part: attainment with data completeness, open 整改, budget execution — for one unit's subtree."""

from datetime import timedelta

import pytest

from services.common import clock
from tests.kpi.conftest import ADMIN, MKT, MKT_MANAGER, MKT_PLN, MKT_RES, MKT_VIEWER, NOBODY, OPS, batch, point
from tests.kpi.test_budgets import actuals, deliver, execution, plan_event, spend
from tests.support import bearer, make_token

OPS_ADMIN = bearer(make_token(("plan", "/1/2/", "subtree"), ("view", "/1/2/", "subtree"), sub="9", name="ops"))


async def cockpit(kpi, headers=MKT_MANAGER, **params) -> dict:
    r = await kpi.get("/api/kpi/cockpit", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def action(unit_id: int, title: str, due_days: int) -> dict:
    return {"title": title, "unit_id": unit_id, "origin": "manual", "owner_id": 42, "owner_name": "张三",
            "due": (clock.today() + timedelta(days=due_days)).isoformat()}


async def test_attainment_counts_the_dashboards_statuses_and_completeness_for_the_subtree(kpi):
    # March: 市场调研组 reported sales and cost; 市场策划组 reported in February but not yet in March
    await batch(kpi, [point("sales", MKT_RES, "2026-03", 120), point("cost", MKT_RES, "2026-03", 60),
                      point("sales", MKT_PLN, "2026-02", 40)])
    r = await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                       json={"indicator_code": "sales", "unit_id": MKT, "period": "2026-03", "value": 100})
    assert r.status_code == 201, r.text

    body = await cockpit(kpi, period="2026-03")
    assert body["scope"] == {"unit_id": MKT, "unit_name": "市场部", "unit_path": "/1/7/", "period": "2026-03"}
    tile = body["attainment"]
    [sales] = [t for t in tile["targets"] if t["indicator_code"] == "sales"]
    assert (sales["actual"], sales["target"], sales["status"]) == (120, 100, "green")
    assert sales["attainment"] == pytest.approx(1.2)
    # the same judgement as the KPI dashboard's evaluation of the unit
    rows = (await kpi.get("/api/kpi/evaluations", params={"unit_id": MKT, "period": "2026-03"},
                          headers=MKT_MANAGER)).json()["items"]
    for status, key in (("green", "on_target"), ("amber", "warning"), ("red", "off_target")):
        assert tile[key] == sum(1 for r in rows if r["status"] == status)
    assert tile["on_target"] >= 1 and tile["not_judged"] == len(rows) - tile["on_target"] - tile["warning"] \
        - tile["off_target"]
    # sales: 2 teams expected (both have data for March or February), 1 reported
    [sales_row] = [r for r in rows if r["indicator_code"] == "sales"]
    assert (sales_row["completeness"]["reported"], sales_row["completeness"]["expected"]) == (1, 2)
    assert tile["reported"] == sum(r["completeness"]["reported"] for r in rows)
    assert tile["expected"] == sum(r["completeness"]["expected"] for r in rows) > tile["reported"]
    assert tile["drill"] == f"/kpi?unit_id={MKT}&period=2026-03"
    assert body["budget"] is None  # no budget and no spend


async def test_open_actions_are_counted_by_state_and_overdue_within_the_subtree(kpi):
    ids = []
    for unit, title, due in ((MKT, "逾期整改", -2), (MKT_RES, "进行中整改", 10), (MKT_PLN, "待验证整改", 10)):
        r = await kpi.post("/api/kpi/actions", json=action(unit, title, due), headers=MKT_MANAGER)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    elsewhere = await kpi.post("/api/kpi/actions", json=action(OPS, "运营部整改", -2), headers=OPS_ADMIN)
    assert elsewhere.status_code == 201, elsewhere.text
    done = await kpi.post(f"/api/kpi/actions/{ids[2]}/complete", json={"evidence": [{"note": "完成"}]},
                          headers=bearer(make_token(sub="42", name="张三")))
    assert done.status_code == 200, done.text
    assert (await kpi.post("/api/kpi/actions/overdue-scan", headers=ADMIN)).json() == {"flagged": 2}

    tile = (await cockpit(kpi, period="2026-03"))["actions"]
    assert (tile["open"], tile["awaiting_verification"], tile["overdue"]) == (2, 1, 1)
    assert tile["overdue_drill"] == f"/kpi/actions?unit_id={MKT}&status=open&overdue=true"
    company = (await cockpit(kpi, ADMIN, period="2026-03"))["actions"]
    assert (company["open"], company["overdue"]) == (3, 2)


async def test_budget_execution_is_the_budget_pages_total_in_yuan(kpi):
    await deliver(kpi, plan_event(1, [{"amount": 120, "amount_unit": "万元", "budget_item": "marketing"}]))
    await actuals(kpi, [spend(MKT_RES, "2026-03", "marketing", 50_000), spend(MKT_PLN, "2026-03", "marketing", 30_000)])
    tile = (await cockpit(kpi, MKT_VIEWER, period="2026-03"))["budget"]
    page = (await execution(kpi, MKT, "2026-03"))["total"]
    assert (tile["budget"], tile["spent"], tile["rate"]) == (page["budget"], page["actual"], page["rate"])
    assert tile["spent"] == 80_000 and tile["currency_unit"] == "元" and tile["over_budget"] is False
    assert tile["drill"] == f"/kpi/budgets?unit_id={MKT}&period=2026-03"
    year = (await cockpit(kpi, MKT_VIEWER, period="2026"))["budget"]
    assert (year["budget"], year["spent"]) == (1_200_000, 80_000)


async def test_the_default_unit_is_the_highest_viewed_and_other_units_are_refused(kpi):
    assert (await cockpit(kpi, MKT_VIEWER))["scope"]["unit_id"] == MKT
    assert (await cockpit(kpi, ADMIN))["scope"]["unit_id"] == 1
    assert (await cockpit(kpi, MKT_VIEWER, unit=MKT_RES))["scope"]["unit_path"] == "/1/7/8/"
    for unit in (OPS, 1):
        r = await kpi.get("/api/kpi/cockpit", params={"unit": unit},
                          headers={**MKT_MANAGER, "Accept-Language": "zh-CN"})
        assert r.status_code == 403 and "查看权" in r.json()["detail"], r.text
    assert (await kpi.get("/api/kpi/cockpit", headers=NOBODY)).status_code == 403
    assert (await kpi.get("/api/kpi/cockpit", params={"period": "2026-W12"}, headers=ADMIN)).status_code == 422


async def test_the_demo_month_is_partly_reported_with_budget_spent(databases):
    from services.kpi.app import create_app
    from services.kpi.demo import seed_demo, seed_demo_budgets
    from tests.support import load_demo_units, running, settings, use_test_keys

    app = create_app(settings("kpi", await databases.fresh("kpi"), demo=True))
    use_test_keys(app)
    async with running(app) as kpi:
        await load_demo_units(app)
        assert await seed_demo(app.state.runtime) and await seed_demo_budgets(app.state.runtime)
        body = await cockpit(kpi, ADMIN)  # this month, the company
        tile = body["attainment"]
        # the marketing teams and finance have reported, the other units not yet
        assert 0 < tile["reported"] < tile["expected"], tile
        assert tile["on_target"] + tile["warning"] + tile["off_target"] > 0
        mkt = (await cockpit(kpi, ADMIN, unit=MKT))["attainment"]
        # both teams of 市场部 sent their figures: the department is further along than the company
        assert mkt["reported"] / mkt["expected"] > tile["reported"] / tile["expected"]
        if body["scope"]["period"].startswith("2026"):  # the demo's budgets are 2026's
            assert body["budget"]["budget"] > 0 and body["budget"]["spent"] >= 0
