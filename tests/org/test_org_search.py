"""全局搜索 in org: people as the user list shows them (with the positions the caller may see), and org units,
which everyone signed in may read."""

from tests.org.conftest import auth


async def search(org, headers, q: str) -> dict[str, list[dict]]:
    r = await org.get("/api/org/search", params={"q": q}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["groups"]


async def test_a_person_is_found_by_part_of_their_name_with_their_position_and_unit(org):
    [hit] = (await search(org, await auth(org, "market_mgr"), "调研专员"))["person"]
    assert (hit["title"], hit["subtitle"], hit["unit_name"]) == ("刘市场调研专员", "市场调研专员", "市场调研组")
    assert hit["url"].startswith("/org/tree?unit=")
    # by user name too, case-insensitively
    assert [h["title"] for h in (await search(org, await auth(org, "market_mgr"), "ANALYST"))["person"]] == \
        ["刘市场调研专员"]


async def test_people_outside_the_units_one_views_are_not_found(org):
    market_mgr, supply_head = await auth(org, "market_mgr"), await auth(org, "supply_head")
    # 市场部's manager finds themself, not the general manager nor another branch's manager
    assert [h["title"] for h in (await search(org, market_mgr, "经理"))["person"]] == ["张市场部经理"]
    assert (await search(org, supply_head, "调研专员"))["person"] == []
    # the general manager views the whole company; an administrator sees everyone
    assert len((await search(org, await auth(org, "gm"), "经理"))["person"]) >= 3
    assert [h["title"] for h in (await search(org, await auth(org, "admin"), "调研专员"))["person"]] == \
        ["刘市场调研专员"]


async def test_units_are_found_by_everyone_exact_name_first(org):
    found = (await search(org, await auth(org, "supply_head"), "市场部"))["unit"]
    assert [(h["title"], h["score"]) for h in found] == [("市场部", 3)]
    assert [h["title"] for h in (await search(org, await auth(org, "supply_head"), "客服"))["unit"]] == ["客服部"]
    assert [h["subtitle"] for h in (await search(org, await auth(org, "analyst"), "mkt-"))["unit"]] == \
        ["MKT-RES", "MKT-PLN"]


async def test_a_bad_query_is_refused_and_no_token_is_401(org):
    headers = {**await auth(org, "analyst"), "accept-language": "zh-CN"}
    r = await org.get("/api/org/search", params={"q": "　"}, headers=headers)  # an ideographic space only
    assert r.status_code == 422 and "请输入" in r.json()["detail"]
    assert (await org.get("/api/org/search", params={"q": "市场"})).status_code == 401
