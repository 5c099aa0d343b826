"""全局搜索 in risk: risks and alerts found by part of their Chinese title, seen as the register and the alert
list see them (view over the unit, the owner, dispatchers of the watched unit)."""

from tests.risk.conftest import (
    ANALYST,
    BRANCH_GM,
    CS_CLERK,
    CS_DISPATCHER,
    MARKET_MGR,
    OPS_DIRECTOR,
    U,
    new_risk,
    person,
)
from tests.risk.test_warnings import crossed, deliver, satisfaction_kri


async def search(risk, headers, q: str) -> dict[str, list[dict]]:
    r = await risk.get("/api/risk/search", params={"q": q}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["groups"]


async def test_a_risk_is_found_by_part_of_its_title_by_whoever_views_its_unit(risk):
    found = await new_risk(risk, headers=MARKET_MGR, title="竞品大幅降价", category="market", unit_id=U["MKT"],
                           owner_id=None)
    [hit] = (await search(risk, MARKET_MGR, "降价"))["risk"]
    assert (hit["id"], hit["title"], hit["url"], hit["unit_name"]) == (found["id"], "竞品大幅降价",
                                                                       f"/risk/{found['id']}", "市场部")
    assert [h["id"] for h in (await search(risk, OPS_DIRECTOR, "竞品"))["risk"]] == [found["id"]]


async def test_another_units_risk_is_not_found_without_view_over_it_but_its_owner_finds_it(risk):
    await new_risk(risk, headers=MARKET_MGR, title="竞品大幅降价", category="market", unit_id=U["MKT"], owner_id=None)
    # another branch's manager, and an analyst who views only 市场调研科 (below 市场部), do not find it
    assert (await search(risk, BRANCH_GM, "降价"))["risk"] == []
    assert (await search(risk, ANALYST, "降价"))["risk"] == []
    mine = await new_risk(risk, headers=MARKET_MGR, title="渠道商违约", category="market", unit_id=U["MKT"],
                          owner_id=5)
    assert [h["id"] for h in (await search(risk, BRANCH_GM, "违约"))["risk"]] == [mine["id"]]


async def test_an_alert_is_found_by_its_risks_title_or_indicator_by_the_dispatcher_not_by_others(risk):
    r, _ = await satisfaction_kri(risk)
    assert await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 80.5)) == {"status": "applied"}
    [hit] = (await search(risk, CS_DISPATCHER, "满意度"))["alert"]
    assert hit["title"] == "客户满意度下滑" and hit["url"] == f"/risk/{r['id']}"
    assert "customer_satisfaction" in hit["subtitle"] and hit["unit_name"] == "客户服务科"
    assert [h["id"] for h in (await search(risk, CS_DISPATCHER, "customer_sat"))["alert"]] == [hit["id"]]
    assert [h["id"] for h in (await search(risk, CS_CLERK, "满意度"))["alert"]] == [hit["id"]]  # views the unit
    assert (await search(risk, BRANCH_GM, "满意度"))["alert"] == []
    # the dispatcher does not view 运营管理部 itself, where the risk is registered
    assert (await search(risk, CS_DISPATCHER, "满意度"))["risk"] == []


async def test_wildcards_match_themselves_and_bad_queries_are_refused(risk):
    await new_risk(risk, headers=MARKET_MGR, title="市场份额下降5%", category="market", unit_id=U["MKT"])
    await new_risk(risk, headers=MARKET_MGR, title="市场份额下降五成", category="market", unit_id=U["MKT"])
    assert [h["title"] for h in (await search(risk, MARKET_MGR, "下降5%"))["risk"]] == ["市场份额下降5%"]
    assert [h["title"] for h in (await search(risk, MARKET_MGR, "下降_"))["risk"]] == []
    nobody = person("99", "无权限")
    assert (await search(risk, nobody, "市场"))["risk"] == []
    for q in ("", "计" * 101, "a"):
        r = await risk.get("/api/risk/search", params={"q": q}, headers=MARKET_MGR)
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), q
