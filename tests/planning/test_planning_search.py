"""全局搜索 in planning: plans and tasks found by part of their Chinese title, only where the caller may see them."""

from tests.planning.conftest import annual
from tests.planning.test_tracking import issued_monthly


async def search(company, user: str, q: str, **params) -> dict:
    r = await company.planning.get("/api/planning/search", params={"q": q, **params},
                                   headers=await company.as_(user))
    assert r.status_code == 200, r.text
    return r.json()


def titles(body: dict, kind: str) -> list[str]:
    return [h["title"] for h in body["groups"][kind]]


async def test_a_plan_is_found_by_part_of_its_chinese_title_and_links_to_its_page(company):
    plan = await company.create("market_mgr", **annual("MKT", "市场部2027年度运营计划"))
    body = await search(company, "market_mgr", "年度运营")
    [hit] = body["groups"]["plan"]
    assert (hit["kind"], hit["id"], hit["title"], hit["url"]) == ("plan", plan["id"], "市场部2027年度运营计划",
                                                                  f"/plans/{plan['id']}")
    assert hit["unit_name"] == "市场部" and hit["subtitle"] == "2027" and hit["status"] == "draft"
    assert hit["score"] == 1  # inside the title
    # every word must match: one that does not leaves nothing
    assert titles(await search(company, "market_mgr", "市场部 运营"), "plan") == ["市场部2027年度运营计划"]
    assert titles(await search(company, "market_mgr", "市场部 采购"), "plan") == []


async def test_a_draft_of_another_unit_is_not_found_by_whoever_may_not_see_it(company):
    await company.create("market_mgr", **annual("MKT", "市场部保密草案计划"))
    assert titles(await search(company, "market_mgr", "保密草案"), "plan") == ["市场部保密草案计划"]
    # another branch's manager holds no right over 市场部: its draft is not theirs to find
    assert titles(await search(company, "branch_gm", "保密草案"), "plan") == []


async def test_an_issued_plans_tasks_are_found_by_title_or_owner(company):
    plan = await issued_monthly(company)
    task = plan["tasks"][0]
    body = await search(company, "branch_gm", task["title"][:2])
    hit = next(h for h in body["groups"]["task"] if h["id"] == task["id"])
    assert hit["url"] == f"/plans/{plan['id']}" and plan["title"] in hit["subtitle"]


async def test_full_width_and_case_are_normalised_and_wildcards_are_literal(company):
    await company.create("market_mgr", **annual("MKT", "KPI提升计划"))
    await company.create("market_mgr", **annual("MKT", "渠道100%覆盖计划", period="2028"))
    # full-width letters (as a Chinese keyboard types them) and lower case find "KPI"
    assert titles(await search(company, "market_mgr", "ｋｐｉ"), "plan") == ["KPI提升计划"]
    # % and _ match themselves, not anything
    assert titles(await search(company, "market_mgr", "100%"), "plan") == ["渠道100%覆盖计划"]
    assert titles(await search(company, "market_mgr", "0%覆"), "plan") == ["渠道100%覆盖计划"]
    assert titles(await search(company, "market_mgr", "K_I"), "plan") == []


async def test_the_exact_title_ranks_before_one_that_starts_with_it_before_one_that_holds_it(company):
    await company.create("market_mgr", **annual("MKT", "年度营销计划补充", period="2028"))
    await company.create("market_mgr", **annual("MKT", "市场部年度营销计划", period="2026"))
    await company.create("market_mgr", **annual("MKT", "年度营销计划"))
    body = await search(company, "market_mgr", "年度营销计划")
    assert [(h["title"], h["score"]) for h in body["groups"]["plan"]] == \
        [("年度营销计划", 3), ("年度营销计划补充", 2), ("市场部年度营销计划", 1)]
    assert len((await search(company, "market_mgr", "年度营销计划", limit=2))["groups"]["plan"]) == 2


async def test_an_empty_too_long_or_too_short_query_is_refused_in_chinese(company):
    headers = {**await company.as_("market_mgr"), "accept-language": "zh-CN"}
    for q, words in (("", "请输入"), ("   ", "请输入"), ("a", "至少"), ("计" * 101, "100"),
                     ("一 二 三 四 五 六", "最多")):
        r = await company.planning.get("/api/planning/search", params={"q": q}, headers=headers)
        assert r.status_code == 422, (q, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert words in r.json()["detail"], (q, r.json())
    r = await company.planning.get("/api/planning/search", headers=headers)
    assert r.status_code == 422
    r = await company.planning.get("/api/planning/search", params={"q": "计划", "limit": 0}, headers=headers)
    assert r.status_code == 422
    assert (await company.planning.get("/api/planning/search", params={"q": "计划"})).status_code == 401
