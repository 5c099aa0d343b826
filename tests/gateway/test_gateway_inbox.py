"""我的待办 (GET /api/me/inbox): its parts, who they are asked for, what a refusal or an outage leaves,
indicator names on the items, and the merged document that describes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from gateway_support import openapi_doc
from test_gateway_ops import _refs, _resolve

from gateway.aggregate import PARTS, InboxRead, inbox
from gateway.openapi import merge_documents

UPSTREAMS = {n: f"http://{n}" for n in ("planning", "risk", "kpi", "org")}
LIBRARY = [{"code": "customer_satisfaction", "name": "客户满意度", "name_en": "Customer satisfaction"},
           {"code": "sales", "name": "销售额", "name_en": ""}]


def services(answers: dict[str, Any], seen: list[httpx.Request] | None = None) -> httpx.MockTransport:
    """Services that answer each path from ``answers`` (a body, or a (status, body) pair); [] otherwise."""
    def answer(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        found = answers.get(request.url.path, {"items": []})
        status, body = found if isinstance(found, tuple) else (200, found)
        return httpx.Response(status, json=body)
    return httpx.MockTransport(answer)


async def ask(transport: httpx.MockTransport, sub: str = "4") -> dict[str, Any]:
    async with httpx.AsyncClient(transport=transport) as http:
        return await inbox(http, UPSTREAMS, authorization="Bearer caller-token", sub=sub)


async def test_every_part_is_asked_of_its_service_with_the_callers_token_and_user_id():
    seen: list[httpx.Request] = []
    await ask(services({}, seen), sub="4")
    asked = {(r.url.host, r.url.path): r for r in seen}
    for part, (service, path, _) in PARTS.items():
        request = asked[(service, path)]
        assert request.headers["authorization"] == "Bearer caller-token", part
    assert asked[("kpi", "/api/kpi/actions")].url.params["owner_id"] == "4"
    assert asked[("planning", "/api/planning/tasks")].url.params["mine"] == "true"
    assert asked[("risk", "/api/risk/alerts")].url.params["mine"] == "true"
    assert asked[("org", "/api/org/training/plans")].url.params["awaiting_me"] == "true"
    assert asked[("org", "/api/org/training/certifications")].url.params["expiring"] == "true"
    # the indicator library for names, with the same token (never a service's own)
    assert asked[("kpi", "/api/kpi/indicators")].headers["authorization"] == "Bearer caller-token"


async def test_a_refused_part_is_empty_and_named_while_the_other_parts_arrive():
    box = await ask(services({
        "/api/planning/inbox/suggestions": (403, {"detail": "You need the 'plan' right"}),
        "/api/risk/inbox/actions": (404, {"detail": "Not Found"}),
        "/api/planning/inbox/plans-to-rework": [{"id": 9, "status": "returned", "title": "市场部计划"}],
    }))
    assert box["suggestions_to_answer"] == [] and box["counts"]["suggestions_to_answer"] == 0
    assert box["errors"]["suggestions_to_answer"] == "planning: HTTP 403: You need the 'plan' right"
    assert box["errors"]["risk_actions"] == "risk: HTTP 404: Not Found"
    assert [p["id"] for p in box["plans_to_rework"]] == [9] and set(box["errors"]) == {
        "suggestions_to_answer", "risk_actions"}


async def test_a_returned_plan_is_to_rework_not_to_approve_and_an_overdue_task_is_listed_once():
    box = await ask(services({
        "/api/planning/plans/awaiting-me": [{"id": 1, "status": "submitted"}, {"id": 2, "status": "returned"}],
        "/api/planning/inbox/plans-to-rework": [{"id": 2, "status": "returned"}],
        "/api/planning/tasks": {"items": [{"id": 5, "status": "in_progress"}, {"id": 6, "status": "in_progress"},
                                          {"id": 7, "status": "done"}]},
        "/api/planning/inbox/overdue-tasks": [{"id": 6, "status": "in_progress", "overdue": True},
                                              {"id": 8, "status": "not_started", "overdue": True}],
    }))
    assert [p["id"] for p in box["pending_approvals"]] == [1]
    assert [p["id"] for p in box["plans_to_rework"]] == [2]
    assert [t["id"] for t in box["my_tasks"]] == [5]
    assert [t["id"] for t in box["overdue_tasks"]] == [6, 8]
    # every part is counted; the parts nobody answered for count 0
    assert set(box["counts"]) == set(PARTS)
    assert {part: n for part, n in box["counts"].items() if n} == {"pending_approvals": 1, "plans_to_rework": 1,
                                                                   "my_tasks": 1, "overdue_tasks": 2}


async def test_alerts_and_improvement_actions_name_their_indicator():
    box = await ask(services({
        "/api/kpi/indicators": {"items": LIBRARY},
        "/api/risk/alerts": {"items": [{"id": 1, "status": "open", "indicator_code": "customer_satisfaction"},
                                       {"id": 2, "status": "resolved", "indicator_code": "sales"}]},
        "/api/kpi/actions": {"items": [{"id": 3, "status": "open", "indicator_code": "sales"},
                                       {"id": 4, "status": "open", "indicator_code": None},
                                       {"id": 5, "status": "open", "indicator_code": "retired_one"}]},
    }))
    [alert] = box["open_alerts"]
    assert (alert["indicator_name"], alert["indicator_name_en"]) == ("客户满意度", "Customer satisfaction")
    assert [(a["indicator_name"], a["indicator_name_en"]) for a in box["my_actions"]] == [
        ("销售额", ""), (None, None), (None, None)]


async def test_without_the_indicator_library_the_items_still_arrive_with_codes_only():
    box = await ask(services({
        "/api/kpi/indicators": (503, {"detail": "down"}),
        "/api/risk/alerts": {"items": [{"id": 1, "status": "open", "indicator_code": "customer_satisfaction"}]},
    }))
    [alert] = box["open_alerts"]
    assert alert["indicator_code"] == "customer_satisfaction" and alert["indicator_name"] is None
    assert box["errors"] == {}  # names are a courtesy; no part is missing


async def test_the_inbox_answer_matches_its_declared_model():
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "risk":
            return httpx.Response(503, json={"detail": "down for maintenance"})
        if request.url.path.endswith("/awaiting-me"):
            return httpx.Response(200, json=[{"id": 1, "title": "计划"}])
        return httpx.Response(200, json={"items": [{"id": 2, "status": "in_progress"}, {"id": 3, "status": "done"}]})

    box = await ask(httpx.MockTransport(answer), sub="5")
    assert InboxRead.model_validate(box).model_dump(mode="json") == {k: box[k] for k in InboxRead.model_fields}
    assert box["my_tasks"] == [] and box["overdue_tasks"] == [{"id": 2, "status": "in_progress"}]
    assert box["open_alerts"] == [] and "risk" in box["errors"]["open_alerts"]
    assert "risk" in box["errors"]["risk_actions"]


def _with_schemas(doc: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        doc["components"]["schemas"][name] = {"type": "object", "properties": {"id": {"type": "integer"}}}
    return doc


def test_the_inbox_is_in_the_merged_document_with_the_services_item_schemas():
    merged = merge_documents({
        "planning": _with_schemas(openapi_doc("planning"), "PlanRead", "TaskRead", "SuggestionToAnswer",
                                  "PlanToRework"),
        "kpi": _with_schemas(openapi_doc("kpi"), "ActionRead")}, {"risk": "timed out"})
    op = merged["paths"]["/api/me/inbox"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/gateway.InboxRead"
    props = merged["components"]["schemas"]["gateway.InboxRead"]["properties"]
    ref: Callable[[str], dict] = lambda name: {"$ref": f"#/components/schemas/{name}"}  # noqa: E731
    assert props["pending_approvals"]["items"] == ref("planning.PlanRead")
    assert props["suggestions_to_answer"]["items"] == ref("planning.SuggestionToAnswer")
    assert props["plans_to_rework"]["items"] == ref("planning.PlanToRework")
    assert props["my_tasks"]["items"] == props["overdue_tasks"]["items"] == ref("planning.TaskRead")
    # the gateway adds the indicator's names to improvement actions
    my_actions = props["my_actions"]["items"]["allOf"]
    assert my_actions[0] == ref("kpi.ActionRead")
    assert set(my_actions[1]["required"]) == {"indicator_name", "indicator_name_en"}
    # risk is down: its lists stay untyped rather than pointing at components that are not there
    assert "$ref" not in props["open_alerts"]["items"] and "$ref" not in props["risk_actions"]["items"]
    assert all(_resolve(merged, r) is not None for r in _refs(merged))
    assert set(merged["components"]["schemas"]["gateway.InboxRead"]["required"]) >= {*PARTS, "errors", "counts"}
