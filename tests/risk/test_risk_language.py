"""Risk answers in the caller's language: statuses, levels and rights as the SPA names them."""

from tests.risk.conftest import ANALYST, OPS_DIRECTOR, assess, new_risk

ZH = {"Accept-Language": "zh-CN"}


async def test_treating_a_high_risk_without_a_contingency_plan_is_refused_in_chinese(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 5, 4)
    current = await risk.get(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR)
    body = {"status": "treating", "strategy": "reduce"}
    zh = await risk.patch(f"/api/risk/risks/{r['id']}", json=body,
                          headers={**OPS_DIRECTOR, **ZH, "If-Match": current.headers["etag"]})
    assert zh.status_code == 409
    assert zh.json()["detail"].startswith("此风险等级为重大：须先制定应急预案")
    en = await risk.patch(f"/api/risk/risks/{r['id']}", json=body,
                          headers={**OPS_DIRECTOR, "If-Match": current.headers["etag"]})
    assert en.status_code == 409 and "contingency" in en.json()["detail"]


async def test_a_refusal_names_the_unit_and_the_right_in_chinese(risk):
    body = {"title": "市场调研数据失真", "category": "market", "unit_id": 8, "description": "x"}
    r = await risk.post("/api/risk/risks", json=body, headers={**ANALYST, **ZH})
    assert r.status_code == 403 and "计划权" in r.json()["detail"] and "plan" not in r.json()["detail"]
    bad = await risk.post("/api/risk/risks", json={**body, "category": "weather"}, headers={**ANALYST, **ZH})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("类别：应为以下之一：")
