"""经营驾驶舱 (GET /api/me/cockpit): one round trip fanned out to planning, kpi and risk at once; a part that
does not come back is null and named; a refusal every service gives is the answer; the merged document."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from gateway_support import openapi_doc

from gateway.cockpit import PARTS, CockpitRead, cockpit
from gateway.openapi import merge_documents

UPSTREAMS = {n: f"http://{n}" for n in ("planning", "risk", "kpi", "org")}
SCOPE = {"unit_id": 7, "unit_name": "市场部", "unit_path": "/1/7/", "period": "2026-12"}
FORBIDDEN = {"type": "https://yunguan.dev/problems/forbidden", "title": "Forbidden", "status": 403,
             "detail": "查看财务部的经营概况需要对该单位的查看权，您没有。"}


def part(name: str) -> dict[str, Any]:
    return {"scope": SCOPE, "from": name}


async def ask(handler, **params: str) -> tuple[dict[str, Any], Any]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        return await cockpit(http, UPSTREAMS, authorization="Bearer caller-token", params=params, seconds=0.5)


async def test_the_three_parts_are_asked_at_once_with_the_callers_token_period_and_unit():
    asked: list[httpx.Request] = []
    everyone_asked = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        if len(asked) == len(PARTS):
            everyone_asked.set()
        # each service answers only once all three were asked: asked one after another, this would time out
        await asyncio.wait_for(everyone_asked.wait(), timeout=0.4)
        return httpx.Response(200, json=part(request.url.host))

    body, refused = await ask(handler, period="2026-12", unit="7", colour="red")
    assert refused is None and body["errors"] == {}
    assert {r.url.path for r in asked} == set(PARTS.values())
    for r in asked:
        assert r.headers["authorization"] == "Bearer caller-token"
        assert dict(r.url.params) == {"period": "2026-12", "unit": "7"}  # only what a cockpit takes
    assert body["scope"] == SCOPE
    assert {n: body[n]["from"] for n in PARTS} == {"planning": "planning", "kpi": "kpi", "risk": "risk"}
    CockpitRead.model_validate(body)


async def test_a_slow_or_failing_service_leaves_its_part_null_and_named_while_the_others_arrive():
    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "risk":  # what the client raises when the part's timeout passes
            raise httpx.ReadTimeout("no answer in time", request=request)
        if request.url.host == "kpi":
            return httpx.Response(503, json={"detail": "database unavailable"})
        return httpx.Response(200, json=part(request.url.host))

    body, refused = await ask(handler)
    assert refused is None
    assert body["planning"] == part("planning") and body["kpi"] is None and body["risk"] is None
    assert body["errors"] == {"kpi": "kpi: HTTP 503: database unavailable", "risk": "risk: did not answer in time"}
    assert body["scope"] == SCOPE


async def test_a_refusal_every_service_gives_is_the_answer_and_a_mixed_one_is_partial():
    async def refusing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json=FORBIDDEN)

    body, refused = await ask(refusing, unit="10")
    assert refused is not None and (refused.status, refused.problem) == (403, FORBIDDEN)

    async def one_refuses(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json=FORBIDDEN) if request.url.host == "kpi" else httpx.Response(200, json={})

    body, refused = await ask(one_refuses)
    assert refused is None and body["kpi"] is None and body["errors"]["kpi"].startswith("kpi: HTTP 403")


async def test_through_the_gateway_one_call_answers_and_names_the_service_that_is_down(start_gateway, client,
                                                                                        make_token):
    gw = await start_gateway(risk_down=True)  # risk's port refuses connections
    r = await client.get(f"{gw}/api/me/cockpit", params={"period": "2026-Q4", "unit": "7"},
                         headers={"authorization": f"Bearer {make_token('5')}"})
    assert r.status_code == 200, r.text
    body = r.json()
    # the echo services answer with what they were asked
    assert body["planning"]["path"] == "/api/planning/cockpit" and body["kpi"]["path"] == "/api/kpi/cockpit"
    assert body["planning"]["query"] == "period=2026-Q4&unit=7"
    assert body["risk"] is None and body["errors"]["risk"].startswith("risk: unreachable")
    assert (await client.get(f"{gw}/api/me/cockpit")).status_code == 401


def test_the_cockpit_is_in_the_merged_document_with_each_services_part():
    def with_schema(service: str, name: str) -> dict[str, Any]:
        doc = openapi_doc(service)
        doc["components"]["schemas"][name] = {"type": "object", "properties": {"scope": {"type": "object"}}}
        return doc

    merged = merge_documents({"planning": with_schema("planning", "PlanningCockpit"),
                              "kpi": with_schema("kpi", "KpiCockpit")}, {"risk": "timed out"})
    op = merged["paths"]["/api/me/cockpit"]["get"]
    assert [p["name"] for p in op["parameters"]] == ["period", "unit"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/gateway.CockpitRead"
    props = merged["components"]["schemas"]["gateway.CockpitRead"]["properties"]
    assert props["planning"]["anyOf"][0] == {"$ref": "#/components/schemas/planning.PlanningCockpit"}
    assert props["kpi"]["anyOf"][0] == {"$ref": "#/components/schemas/kpi.KpiCockpit"}
    assert "anyOf" not in props["risk"] or all("$ref" not in s for s in props["risk"]["anyOf"])  # risk is down
