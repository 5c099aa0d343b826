"""全局搜索 (GET /api/me/search): one query asked of every service with the caller's token, merged by kind; a
service that does not answer is named and the rest still arrive; a bad query is one 422; the merged document
describes it."""

from __future__ import annotations

from typing import Any

import httpx
from gateway_support import openapi_doc
from test_gateway_ops import _refs, _resolve

from gateway.openapi import merge_documents
from gateway.search import SOURCES, MeSearchRead, search
from services.common.search import parse_query

UPSTREAMS = {n: f"http://{n}" for n in ("planning", "kpi", "risk", "org")}


def hit(kind: str, id: int, title: str, score: int = 1) -> dict[str, Any]:
    return {"kind": kind, "id": id, "title": title, "title_en": "", "subtitle": "", "unit_name": "市场部",
            "status": "", "url": f"/{kind}/{id}", "score": score}


ANSWERS = {
    "/api/planning/search": {"query": "市场", "terms": ["市场"], "groups": {
        "task": [hit("task", 3, "市场走访")], "plan": [hit("plan", 1, "市场部计划", 2)]}},
    "/api/kpi/search": {"query": "市场", "terms": ["市场"], "groups": {"indicator": [hit("indicator", 7, "市场占有率")],
                                                                     "action": [], "finding": []}},
    "/api/risk/search": {"query": "市场", "terms": ["市场"], "groups": {"risk": [hit("risk", 5, "市场需求下滑")],
                                                                      "alert": []}},
    "/api/org/search": {"query": "市场", "terms": ["市场"], "groups": {"person": [hit("person", 4, "张市场部经理")],
                                                                     "unit": [hit("unit", 7, "市场部", 3)]}},
}


def services(answers: dict[str, Any], seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        found = answers.get(request.url.path)
        if isinstance(found, Exception):
            raise found
        status, body = found if isinstance(found, tuple) else (200, found)
        return httpx.Response(status, json=body)
    return httpx.MockTransport(answer)


async def ask(transport: httpx.MockTransport, q: str = "市场", limit: int = 10) -> dict[str, Any]:
    async with httpx.AsyncClient(transport=transport) as http:
        return await search(http, UPSTREAMS, authorization="Bearer caller-token", query=parse_query(q), q=q,
                            limit=limit, request_id="req-1")


async def test_every_service_is_asked_at_once_with_the_callers_token_query_and_limit():
    seen: list[httpx.Request] = []
    await ask(services(ANSWERS, seen), q="市场 计划", limit=7)
    assert sorted((r.url.host, r.url.path) for r in seen) == sorted(
        (name, path) for name, path in SOURCES.items())
    for request in seen:
        assert request.headers["authorization"] == "Bearer caller-token"
        assert request.headers["x-request-id"] == "req-1"
        assert dict(request.url.params) == {"q": "市场 计划", "limit": "7"}


async def test_hits_are_merged_by_kind_in_the_order_people_look_for_them():
    found = await ask(services(ANSWERS))
    assert list(found["groups"]) == ["plan", "task", "indicator", "action", "finding", "risk", "alert", "person",
                                     "unit"]
    assert [h["title"] for h in found["groups"]["plan"]] == ["市场部计划"]
    assert found["counts"] == {"plan": 1, "task": 1, "indicator": 1, "action": 0, "finding": 0, "risk": 1,
                               "alert": 0, "person": 1, "unit": 1}
    assert (found["errors"], found["partial"], found["query"], found["terms"]) == ({}, False, "市场", ["市场"])
    assert MeSearchRead.model_validate(found).model_dump(mode="json") == found


async def test_a_service_that_is_down_slow_or_refuses_is_named_and_the_others_still_arrive():
    found = await ask(services({
        **ANSWERS,
        "/api/risk/search": httpx.ConnectError("connection refused"),
        "/api/kpi/search": httpx.ReadTimeout("too slow"),
        "/api/org/search": (503, {"detail": "starting"}),
    }))
    assert found["partial"] is True
    assert found["errors"] == {"risk": "unreachable (ConnectError)", "kpi": "did not answer in time",
                               "org": "HTTP 503: starting"}
    assert list(found["groups"]) == ["plan", "task"]  # planning's kinds, nobody else's


async def test_an_answer_that_is_not_a_search_result_counts_as_not_answered():
    found = await ask(services({**ANSWERS, "/api/org/search": [1, 2, 3]}))
    assert found["errors"] == {"org": "answered something that is not a search result"}
    assert "person" not in found["groups"] and "plan" in found["groups"]


async def test_through_the_gateway_a_service_down_gives_a_partial_answer_not_a_5xx(start_gateway, client,
                                                                                     make_token):
    base = await start_gateway(risk_down=True)  # risk points at a port nobody listens on
    headers = {"authorization": f"Bearer {make_token()}"}
    r = await client.get(f"{base}/api/me/search", params={"q": "市场"}, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["partial"] is True and body["errors"]["risk"].startswith("unreachable")
    # the echo stand-ins answer something that is not a search result: named too, never a 500
    assert set(body["errors"]) == {"planning", "kpi", "risk", "org"}


async def test_through_the_gateway_a_bad_query_is_one_chinese_422_and_no_token_is_401(start_gateway, client,
                                                                                      make_token):
    base = await start_gateway(risk_down=True)
    headers = {"authorization": f"Bearer {make_token()}", "accept-language": "zh-CN"}
    for params, words in (({}, "请输入"), ({"q": "  "}, "请输入"), ({"q": "x"}, "至少"), ({"q": "计" * 101}, "100"),
                          ({"q": "计划", "limit": "0"}, "limit"), ({"q": "计划", "limit": "abc"}, "limit"),
                          ({"q": "计划", "limit": "51"}, "limit")):
        r = await client.get(f"{base}/api/me/search", params=params, headers=headers)
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert words in r.json()["detail"], (params, r.json())
        assert r.json()["errors"][0]["field"] in ("q", "limit")
    r = await client.get(f"{base}/api/me/search", params={"q": "计划"})
    assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")


def test_the_search_is_in_the_merged_document_with_the_hit_shape():
    merged = merge_documents({"planning": openapi_doc("planning")}, {"risk": "timed out"})
    op = merged["paths"]["/api/me/search"]["get"]
    assert op["operationId"] == "me_search"
    assert {p["name"]: p["required"] for p in op["parameters"]} == {"q": True, "limit": False}
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/gateway.MeSearchRead"
    groups = merged["components"]["schemas"]["gateway.MeSearchRead"]["properties"]["groups"]
    assert groups["additionalProperties"]["items"] == {"$ref": "#/components/schemas/gateway.SearchHit"}
    assert all(_resolve(merged, r) is not None for r in _refs(merged))
