"""The indicator library: seeded from the documents, edited by administrators only."""

from tests.kpi.conftest import ADMIN, MKT_MANAGER, NOBODY


async def test_the_library_is_seeded_with_the_documents_indicators(kpi):
    r = await kpi.get("/api/kpi/indicators", params={"limit": 500}, headers=NOBODY)
    assert r.status_code == 200
    by_code = {i["code"]: i for i in r.json()["items"]}
    for code in ("sales", "profit", "cost_expense_ratio", "inventory_turnover", "order_cycle_days",
                 "production_efficiency", "customer_satisfaction", "complaint_rate", "customer_loyalty",
                 "attendance_rate", "training_completion", "policy_compliance", "order_completion_rate",
                 "inventory_error_rate", "sampling_rate", "complaint_response_hours"):
        assert code in by_code, code
    assert {i["category"] for i in by_code.values()} == {"financial", "efficiency", "customer", "internal"}
    cs = by_code["customer_satisfaction"]
    assert (cs["direction"], cs["warning"], cs["aggregation"]) == ("higher_better", 85.0, "avg")
    assert by_code["inventory_error_rate"]["direction"] == "lower_better" \
        and by_code["inventory_error_rate"]["warning"] == 2.0
    assert by_code["cost_expense_ratio"]["formula"] == "cost / sales * 100"
    assert by_code["cost_expense_ratio"]["inputs"] == ["cost", "sales"]


async def test_an_admin_adds_a_derived_indicator(kpi):
    body = {"code": "profit_margin", "name": "利润率", "name_en": "Profit margin", "category": "financial",
            "unit": "%", "direction": "higher_better", "aggregation": "avg", "formula": "profit / sales * 100"}
    r = await kpi.post("/api/kpi/indicators", json=body, headers=ADMIN)
    assert r.status_code == 201, r.text
    assert r.json()["inputs"] == ["profit", "sales"] and r.headers["etag"]
    again = await kpi.post("/api/kpi/indicators", json=body, headers=ADMIN)
    assert again.status_code == 409


async def test_a_formula_that_closes_a_cycle_is_refused_naming_the_field(kpi):
    a = {"code": "ind_a", "name": "A", "category": "financial", "formula": "sales * 2"}
    assert (await kpi.post("/api/kpi/indicators", json=a, headers=ADMIN)).status_code == 201
    b = {"code": "ind_b", "name": "B", "category": "financial", "formula": "ind_a + 1"}
    assert (await kpi.post("/api/kpi/indicators", json=b, headers=ADMIN)).status_code == 201
    r = await kpi.patch("/api/kpi/indicators/ind_a", json={"formula": "ind_b / 2"}, headers=ADMIN)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "formula" and "cycle" in r.json()["detail"]
    self_ref = await kpi.post("/api/kpi/indicators", headers=ADMIN, json={
        "code": "ind_c", "name": "C", "category": "financial", "formula": "ind_c + 1"})
    assert self_ref.status_code == 422


async def test_formulas_with_bad_syntax_or_unknown_inputs_are_refused(kpi):
    for formula, words in (("sales +", "not valid"), ("sales * nosuch", "unknown"), ("__import__('os')", "not valid")):
        r = await kpi.post("/api/kpi/indicators", headers=ADMIN, json={
            "code": "bad_one", "name": "X", "category": "financial", "formula": formula})
        assert r.status_code == 422, formula
        assert words in r.json()["detail"] and r.json()["errors"][0]["field"] == "formula"


async def test_only_admins_change_the_library_and_stale_versions_get_412(kpi):
    r = await kpi.post("/api/kpi/indicators", headers=MKT_MANAGER,
                       json={"code": "mine", "name": "X", "category": "financial"})
    assert r.status_code == 403
    assert (await kpi.patch("/api/kpi/indicators/sales", json={"name": "x"}, headers=MKT_MANAGER)).status_code == 403
    current = await kpi.get("/api/kpi/indicators/sales", headers=ADMIN)
    tag = current.headers["etag"]
    ok = await kpi.patch("/api/kpi/indicators/sales", json={"name_en": "Sales revenue"},
                         headers={**ADMIN, "If-Match": tag})
    assert ok.status_code == 200 and ok.json()["name_en"] == "Sales revenue"
    stale = await kpi.patch("/api/kpi/indicators/sales", json={"name_en": "Again"}, headers={**ADMIN, "If-Match": tag})
    assert stale.status_code == 412
    assert (await kpi.get("/api/kpi/indicators/nosuch", headers=ADMIN)).status_code == 404
    bad = await kpi.post("/api/kpi/indicators", headers=ADMIN, json={"code": "Bad Code", "name": "X",
                                                                     "category": "money"})
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"code", "category"}
