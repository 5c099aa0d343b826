"""全局搜索 in kpi: the indicator library for everyone signed in, improvement actions (整改) for whoever views
their unit."""

from tests.kpi.conftest import MKT, MKT_MANAGER, MKT_VIEWER, NOBODY, OPS_PLANNER
from tests.kpi.test_actions import body


async def search(kpi, headers, q: str, **params) -> dict[str, list[dict]]:
    r = await kpi.get("/api/kpi/search", params={"q": q, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["groups"]


async def test_indicators_are_found_by_chinese_name_english_words_or_code_exact_name_first(kpi):
    found = (await search(kpi, NOBODY, "成本费用"))["indicator"]
    assert [(h["title"], h["subtitle"], h["score"]) for h in found] == [("成本费用", "cost", 3),
                                                                         ("成本费用率", "cost_expense_ratio", 2)]
    assert found[0]["url"] == "/kpi?indicator=cost" and found[0]["title_en"] == "Cost and expenses"
    # every word must match, in any order; English is case-insensitive
    assert [h["subtitle"] for h in (await search(kpi, NOBODY, "SHARE market"))["indicator"]] == ["market_share"]


async def test_an_underscore_or_percent_in_a_code_matches_itself(kpi):
    assert [h["subtitle"] for h in (await search(kpi, NOBODY, "order_delay"))["indicator"]] == ["order_delay_days"]
    assert (await search(kpi, NOBODY, "order%days"))["indicator"] == []
    assert (await search(kpi, NOBODY, "order_d_lay"))["indicator"] == []


async def test_an_action_is_found_by_whoever_views_its_unit_and_nobody_else(kpi):
    r = await kpi.post("/api/kpi/actions", json=body(title="回访不满意客户并整改", unit_id=MKT), headers=MKT_MANAGER)
    assert r.status_code == 201, r.text
    action = r.json()
    for who in (MKT_MANAGER, MKT_VIEWER):
        [hit] = (await search(kpi, who, "不满意客户"))["action"]
        assert (hit["id"], hit["unit_name"], hit["status"]) == (action["id"], "市场部", "open")
        assert hit["url"] == f"/kpi/actions?id={action['id']}"
        assert "张三" in hit["subtitle"]
    # by its owner's name too
    assert [h["id"] for h in (await search(kpi, MKT_MANAGER, "张三"))["action"]] == [action["id"]]
    # 运营管理部's planner and someone with no grants see the library, not 市场部's actions
    assert (await search(kpi, OPS_PLANNER, "不满意客户"))["action"] == []
    assert (await search(kpi, NOBODY, "不满意客户"))["action"] == []


async def test_a_bad_query_is_refused_with_a_chinese_problem(kpi):
    for q, words in (("", "请输入"), ("Ｘ", "至少"), ("a b c d e f", "最多")):
        r = await kpi.get("/api/kpi/search", params={"q": q}, headers={**MKT_MANAGER, "accept-language": "zh-CN"})
        assert r.status_code == 422 and words in r.json()["detail"], (q, r.text)
    r = await kpi.get("/api/kpi/search", params={"q": "销售", "limit": 51}, headers=MKT_MANAGER)
    assert r.status_code == 422
