"""Evaluation: subtree and period rollups, derived indicators from summed inputs, 环比, 同比, benchmark."""

import pytest

from tests.kpi.conftest import (
    ADMIN,
    MKT,
    MKT_MANAGER,
    MKT_PLN,
    MKT_RES,
    MKT_VIEWER,
    NOBODY,
    OPS,
    OPS_CS,
    OPS_PLANNER,
    batch,
    evaluation,
    point,
)


async def seed_marketing(kpi):
    # 市场调研组 and 市场策划组, monthly sales and cost (万元)
    await batch(kpi, [
        point("sales", MKT_RES, "2026-01", 100), point("sales", MKT_RES, "2026-02", 110),
        point("sales", MKT_RES, "2026-03", 120),
        point("cost", MKT_RES, "2026-01", 60), point("cost", MKT_RES, "2026-02", 66),
        point("cost", MKT_RES, "2026-03", 72),
        point("sales", MKT_PLN, "2026-01", 50), point("sales", MKT_PLN, "2026-02", 40),
        point("sales", MKT_PLN, "2026-03", 60),
        point("cost", MKT_PLN, "2026-01", 40), point("cost", MKT_PLN, "2026-02", 35),
        point("cost", MKT_PLN, "2026-03", 45),
        # the quarter before (环比) and the same quarter last year (同比)
        point("sales", MKT_RES, "2025-10", 100), point("sales", MKT_RES, "2025-11", 100),
        point("sales", MKT_RES, "2025-12", 200),
        point("sales", MKT_RES, "2025-01", 200), point("sales", MKT_PLN, "2025-03", 100),
    ])


async def test_a_department_quarter_sums_its_teams_months_and_derives_ratios_from_summed_inputs(kpi):
    await seed_marketing(kpi)
    r = await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                       json={"indicator_code": "sales", "unit_id": MKT, "period": "2026", "value": 2400})
    assert r.status_code == 201
    r = await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                       json={"indicator_code": "cost_expense_ratio", "unit_id": MKT, "period": "2026-Q1", "value": 70})
    assert r.status_code == 201
    r = await kpi.post("/api/kpi/benchmarks", headers=ADMIN, json={
        "indicator_code": "cost_expense_ratio", "period": "2026", "value": 68.0, "source": "行业年报",
        "as_of": "2026-01-31"})
    assert r.status_code == 201

    rows = await evaluation(kpi, MKT, "2026-Q1")
    sales = rows["sales"]
    # 100+110+120 + 50+40+60
    assert sales["actual"] == pytest.approx(480.0)
    # annual target 2400 prorated to a quarter: 600; 480 / 600
    assert sales["target"] == pytest.approx(600.0) and sales["target_prorated"] is True
    assert sales["attainment"] == pytest.approx(0.8)
    assert sales["status"] == "red"  # no thresholds on sales: below 90 % of target
    # 环比: 2025-Q4 = 100+100+200 = 400 → (480-400)/400
    assert sales["previous"] == pytest.approx(400.0) and sales["previous_period"] == "2025-Q4"
    assert sales["change_previous"] == pytest.approx(0.2)
    # 同比: 2025-Q1 = 200 + 100 = 300 → (480-300)/300
    assert sales["last_year"] == pytest.approx(300.0) and sales["last_year_period"] == "2025-Q1"
    assert sales["change_last_year"] == pytest.approx(0.6)

    ratio = rows["cost_expense_ratio"]
    # Σcost / Σsales = (198 + 120) / 480 × 100 = 66.25 — not the mean of the teams' ratios (60 and 80 → 70)
    assert ratio["derived"] is True
    assert ratio["actual"] == pytest.approx(66.25)
    assert ratio["target"] == 70 and ratio["attainment"] == pytest.approx(70 / 66.25)
    assert ratio["status"] == "green"
    assert ratio["benchmark"] == {"value": 68.0, "source": "行业年报", "as_of": "2026-01-31", "period": "2026"}
    assert ratio["previous"] is None  # no cost in 2025-Q4

    team = await evaluation(kpi, MKT_PLN, "2026-Q1")
    assert team["sales"]["actual"] == pytest.approx(150.0)
    assert team["cost_expense_ratio"]["actual"] == pytest.approx(80.0)
    month = await evaluation(kpi, MKT, "2026-02")
    assert month["sales"]["actual"] == pytest.approx(150.0) and month["sales"]["target"] == pytest.approx(200.0)
    year = await evaluation(kpi, MKT, "2026")
    assert year["sales"]["actual"] == pytest.approx(480.0) and year["sales"]["target"] == 2400
    company = await evaluation(kpi, 1, "2026-Q1", headers=ADMIN)
    assert company["sales"]["actual"] == pytest.approx(480.0)


async def test_averaged_indicators_average_every_point_below_and_min_max_follow_corrections(kpi):
    await batch(kpi, [point("market_share", MKT_RES, "2026-01", 10), point("market_share", MKT_RES, "2026-02", 20),
                      point("market_share", MKT_PLN, "2026-01", 30)])
    assert (await evaluation(kpi, MKT, "2026-Q1"))["market_share"]["actual"] == pytest.approx(20.0)
    await batch(kpi, [point("order_delay_days", MKT_RES, "2026-01", 3),
                      point("order_delay_days", MKT_PLN, "2026-02", 9)])
    assert (await evaluation(kpi, MKT, "2026-Q1"))["order_delay_days"]["actual"] == 9
    # correcting the maximum downwards must lower the max (not a delta-maintainable aggregate)
    await batch(kpi, [point("order_delay_days", MKT_PLN, "2026-02", 2)])
    assert (await evaluation(kpi, MKT, "2026-Q1"))["order_delay_days"]["actual"] == 3


async def test_the_series_gives_actual_and_target_per_period(kpi):
    await seed_marketing(kpi)
    await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                   json={"indicator_code": "sales", "unit_id": MKT, "period": "2026-02", "value": 160})
    r = await kpi.get("/api/kpi/series", headers=MKT_VIEWER, params={
        "indicator_code": "sales", "unit_id": MKT, "from": "2025-12", "to": "2026-03"})
    assert r.status_code == 200, r.text
    assert r.json()["items"] == [
        {"period": "2025-12", "actual": 200.0, "target": None},
        {"period": "2026-01", "actual": 150.0, "target": None},
        {"period": "2026-02", "actual": 150.0, "target": 160.0},
        {"period": "2026-03", "actual": 180.0, "target": None},
    ]
    ratio = await kpi.get("/api/kpi/series", headers=MKT_VIEWER, params={
        "indicator_code": "cost_expense_ratio", "unit_id": MKT, "from": "2026-Q1", "to": "2026-Q1"})
    assert ratio.json()["items"][0]["actual"] == pytest.approx(66.25)
    bad = await kpi.get("/api/kpi/series", headers=MKT_VIEWER, params={
        "indicator_code": "sales", "unit_id": MKT, "from": "2026-03", "to": "2026-Q1"})
    assert bad.status_code == 422


async def test_evaluations_need_view_over_the_unit_and_valid_parameters(kpi):
    assert (await kpi.get("/api/kpi/evaluations", params={"unit_id": MKT, "period": "2026-Q1"},
                          headers=OPS_PLANNER)).status_code == 403
    assert (await kpi.get("/api/kpi/evaluations", params={"unit_id": MKT, "period": "2026-Q1"},
                          headers=NOBODY)).status_code == 403
    assert (await kpi.get("/api/kpi/evaluations", params={"unit_id": MKT, "period": "2026-Q1"})).status_code == 401
    bad = await kpi.get("/api/kpi/evaluations", params={"unit_id": MKT, "period": "2026-Q5"}, headers=MKT_VIEWER)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"
    assert (await kpi.get("/api/kpi/evaluations", params={"unit_id": 999, "period": "2026"},
                          headers=ADMIN)).status_code == 404
    empty = await evaluation(kpi, MKT, "2026-Q1", headers=MKT_VIEWER)
    assert empty["sales"]["actual"] is None and empty["sales"]["status"] is None


async def test_benchmarks_are_loaded_by_admins_with_source_and_date(kpi):
    body = {"indicator_code": "customer_satisfaction", "period": "2026", "value": 86.0, "source": "协会报告",
            "as_of": "2026-03-31"}
    assert (await kpi.post("/api/kpi/benchmarks", json=body, headers=MKT_MANAGER)).status_code == 403
    r = await kpi.post("/api/kpi/benchmarks", json=body, headers=ADMIN)
    assert r.status_code == 201
    listed = await kpi.get("/api/kpi/benchmarks", params={"indicator_code": "customer_satisfaction"}, headers=NOBODY)
    assert [(b["value"], b["source"], b["as_of"]) for b in listed.json()["items"]] == [(86.0, "协会报告", "2026-03-31")]
    bad = await kpi.post("/api/kpi/benchmarks", json={**body, "period": "2026-13"}, headers=ADMIN)
    assert bad.status_code == 422


async def test_after_a_team_moves_its_points_roll_up_under_its_new_department(kpi):
    from tests.kpi.conftest import ORG_SERVICE, event

    await batch(kpi, [point("sales", MKT_RES, "2026-01", 100), point("sales", MKT_PLN, "2026-01", 50)])
    await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                   json={"indicator_code": "sales", "unit_id": MKT_PLN, "period": "2026", "value": 900})
    # 市场策划组 moves from 市场部 (/1/7/) to 运营管理部 (/1/2/)
    moved = event("org.unit.moved", {"id": MKT_PLN, "parent_id": 2, "name": "市场策划组", "code": "MKT-PLN",
                                     "kind": "team", "path": "/1/2/9/", "version": 2, "old_path": "/1/7/9/",
                                     "new_path": "/1/2/9/", "units_moved": 1}, subject=str(MKT_PLN))
    assert (await kpi.post("/api/kpi/events", json=moved, headers=ORG_SERVICE)).json() == {"status": "applied"}
    assert (await evaluation(kpi, MKT, "2026-01"))["sales"]["actual"] == pytest.approx(100.0)
    assert (await evaluation(kpi, 2, "2026-01", headers=ADMIN))["sales"]["actual"] == pytest.approx(50.0)
    # the marketing manager no longer sees the moved team's targets
    assert (await kpi.get("/api/kpi/targets", params={"unit_id": MKT_PLN}, headers=MKT_MANAGER)).status_code == 403
    listed = await kpi.get("/api/kpi/targets", headers=ADMIN)
    assert [t["unit_path"] for t in listed.json()["items"]] == ["/1/2/9/"]


async def test_a_half_reported_month_says_how_many_units_reported_beside_the_figure(kpi):
    # October: both marketing teams and the customer service section report; November: only 市场调研组
    await batch(kpi, [point("sales", MKT_RES, "2026-10", 100), point("sales", MKT_PLN, "2026-10", 80),
                      point("cost", MKT_RES, "2026-10", 70), point("cost", MKT_PLN, "2026-10", 60),
                      point("sales", MKT_RES, "2026-11", 110), point("cost", MKT_RES, "2026-11", 75)])
    await batch(kpi, [point("sales", OPS_CS, "2026-10", 50)], ADMIN)
    mkt = await evaluation(kpi, MKT, "2026-11")
    assert mkt["sales"]["actual"] == pytest.approx(110.0)  # not a collapse from 180: one team has not reported
    assert mkt["sales"]["completeness"] == {"reported": 1, "expected": 2,
                                            "missing": [{"unit_id": MKT_PLN, "name": "市场策划组"}]}
    # a derived figure counts a unit once it reported every input
    assert mkt["cost_expense_ratio"]["completeness"]["reported"] == 1
    assert (await evaluation(kpi, MKT, "2026-10"))["sales"]["completeness"] == {"reported": 2, "expected": 2,
                                                                               "missing": []}
    company = await evaluation(kpi, 1, "2026-11", ADMIN)
    assert company["sales"]["completeness"] == {"reported": 1, "expected": 2,
                                                "missing": [{"unit_id": OPS, "name": "运营管理部"}]}
    # indicators nobody reports expect nobody
    assert company["customer_satisfaction"]["completeness"] == {"reported": 0, "expected": 0, "missing": []}
    # a team on its own: itself
    assert (await evaluation(kpi, MKT_PLN, "2026-11"))["sales"]["completeness"]["missing"] == [
        {"unit_id": MKT_PLN, "name": "市场策划组"}]
