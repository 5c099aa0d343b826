"""KPI answers in the caller's language: Chinese with indicator names and labels for zh-CN."""

from tests.kpi.conftest import ADMIN, MKT, MKT_VIEWER, OPS_CS, point

ZH = {"Accept-Language": "zh-CN"}


async def test_thresholds_in_the_wrong_order_are_explained_in_chinese_on_the_critical_field(kpi):
    bad = {"indicator_code": "customer_satisfaction", "unit_id": OPS_CS, "warning": 85, "critical": 90}
    r = await kpi.put("/api/kpi/thresholds", json=bad, headers={**ADMIN, **ZH})
    assert r.status_code == 422
    assert r.json()["detail"] == "此指标越高越好，告警值（90）不能高于预警值（85）。"
    assert r.json()["errors"] == [{"field": "critical",
                                   "message": "此指标越高越好，告警值（90）不能高于预警值（85）。"}]
    en = await kpi.put("/api/kpi/thresholds", json=bad, headers=ADMIN)
    assert "at or below its warning value (85)" in en.json()["detail"]


async def test_a_duplicate_indicator_and_a_missing_right_are_refused_in_chinese(kpi):
    body = {"code": "profit_margin", "name": "利润率", "category": "financial", "direction": "higher_better"}
    assert (await kpi.post("/api/kpi/indicators", json=body, headers=ADMIN)).status_code == 201
    again = await kpi.post("/api/kpi/indicators", json=body, headers={**ADMIN, **ZH})
    assert again.status_code == 409 and again.json()["detail"] == "编码为“profit_margin”的指标已存在。"
    denied = await kpi.post("/api/kpi/measurements/batch", json=[point("sales", MKT, "2026-03", 1.0)],
                            headers={**MKT_VIEWER, **ZH})
    assert denied.status_code == 403 and "计划权" in denied.json()["detail"]
    assert "'plan' right" in (await kpi.post("/api/kpi/measurements/batch", json=[point("sales", MKT, "2026-03", 1.0)],
                                             headers=MKT_VIEWER)).json()["detail"]


async def test_form_mistakes_are_refused_by_the_fields_label(kpi):
    body = {"code": "X Rate", "name": "X", "category": "financial", "direction": "higher_better"}
    r = await kpi.post("/api/kpi/indicators", json=body, headers={**ADMIN, **ZH})
    assert r.status_code == 422 and r.json()["detail"] == "编码：格式不正确"
    missing = await kpi.post("/api/kpi/indicators", json={"code": "x_rate", "name": "X", "direction": "higher_better"},
                             headers={**ADMIN, **ZH})
    assert missing.json()["detail"] == "类别：必填" and missing.json()["errors"][0]["field"] == "category"
