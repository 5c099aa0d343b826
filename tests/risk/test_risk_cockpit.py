"""经营驾驶舱's risk part: the top risks by score and the open alerts by level, for one unit's subtree."""

from tests.risk.conftest import ANALYST, MARKET_MGR, OPS_DIRECTOR, SUPPLY_HEAD, U, assess, new_risk
from tests.risk.test_warnings import satisfaction_kri


async def cockpit(risk, headers=OPS_DIRECTOR, **params) -> dict:
    r = await risk.get("/api/risk/cockpit", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def known_register(risk) -> dict[str, int]:
    """供应科 25 (critical), 市场部 16 (high), 运营管理部 9 (medium), one unassessed;
    one critical alert at 客户服务科."""
    ids = {}
    register = (("sup", "OPS-SUP", "供应商A交货延迟", (5, 5)), ("mkt", "MKT", "市场需求下滑", (4, 4)),
                ("ops", "OPS", "运营人员流失", (3, 3)), ("new", "OPS-DIS", "调度系统故障", None))
    for key, unit, title, score in register:
        r = await new_risk(risk, title=title, unit_id=U[unit])
        if score:
            await assess(risk, r["id"], *score)
        ids[key] = r["id"]
    _, kri = await satisfaction_kri(risk)
    crossed = await risk.post(f"/api/risk/kris/{kri['id']}/values", headers=OPS_DIRECTOR,
                              json={"value": 78, "period": "2026-10"})
    assert crossed.status_code in (200, 201), crossed.text
    return ids


async def test_the_company_sees_the_highest_scores_first_and_open_alerts_by_level(risk):
    ids = await known_register(risk)
    body = await cockpit(risk, period="2026-10")
    assert body["scope"]["unit_id"] == U["HDGAS"] and body["scope"]["period"] == "2026-10"
    top = body["risks"]["top"]
    # satisfaction_kri's own risk (运营管理部, unassessed) counts as open, not in the top list
    assert [(t["id"], t["score"], t["level"]) for t in top] == [(ids["sup"], 25, "critical"), (ids["mkt"], 16, "high"),
                                                                (ids["ops"], 9, "medium")]
    assert top[0]["unit_name"] == "供应科"
    assert body["risks"]["open"] == 5
    assert body["risks"]["by_level"] == {"critical": 1, "high": 1, "medium": 1, "none": 2}
    assert body["alerts"]["open"] == 1 and body["alerts"]["by_level"] == {"critical": 1}
    assert body["alerts"]["critical_drill"] == f"/risk/alerts?unit_id={U['HDGAS']}&status=active&level=critical"


async def test_a_department_sees_only_its_subtree(risk):
    ids = await known_register(risk)
    mkt = await cockpit(risk, MARKET_MGR)  # the default unit: 市场部
    assert mkt["scope"]["unit_id"] == U["MKT"]
    assert [t["id"] for t in mkt["risks"]["top"]] == [ids["mkt"]] and mkt["alerts"]["open"] == 0
    sup = await cockpit(risk, SUPPLY_HEAD)
    assert [t["id"] for t in sup["risks"]["top"]] == [ids["sup"]] and sup["risks"]["open"] == 1
    # 'view' over exactly one unit: the cockpit of that unit, without what sits below it
    assert (await cockpit(risk, ANALYST))["scope"]["unit_id"] == U["MKT-RES"]


async def test_a_department_manager_cannot_ask_for_another_department_or_the_company(risk):
    for unit in ("OPS", "HDGAS", "OPS-SUP"):
        r = await risk.get("/api/risk/cockpit", params={"unit": U[unit]},
                           headers={**MARKET_MGR, "Accept-Language": "zh-CN"})
        assert r.status_code == 403 and "查看权" in r.json()["detail"], r.text
    assert (await risk.get("/api/risk/cockpit", params={"unit": 99999}, headers=OPS_DIRECTOR)).status_code == 404
