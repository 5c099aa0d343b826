"""Plans are for periods near today: a plan for 2451 is a typing error, refused with 422."""

from tests.planning.conftest import annual


async def test_a_plan_for_a_far_period_is_refused_naming_the_period_and_the_window(company):
    r = await company.planning.post("/api/planning/plans", headers={**await company.as_("market_mgr"),
                                                                    "accept-language": "zh-CN"},
                                    json=annual("MKT", "市场部2451年度计划", period="2451"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "period"
    assert r.json()["detail"].startswith("期间：2451 不在可录入的期间范围内（")
    listed = (await company.planning.get("/api/planning/plans", headers=await company.as_("market_mgr"))).json()
    assert listed["items"] == []
