"""Health, readiness, the merged OpenAPI document and its Swagger UI page."""

from __future__ import annotations

from typing import Any

from gateway.openapi import merge_documents, swagger_ui_assets
from gateway_support import openapi_doc


async def test_healthz_says_the_gateway_is_alive_even_with_services_down(start_gateway, client):
    gw = await start_gateway(risk_down=True)
    r = await client.get(f"{gw}/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok", "service": "gateway"}


async def test_readyz_is_503_and_names_the_upstream_that_is_down(start_gateway, client):
    gw = await start_gateway(risk_down=True)
    r = await client.get(f"{gw}/readyz")
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert "risk" in body["detail"]
    ups = body["upstreams"]
    assert ups["risk"]["status"] == "unreachable"
    assert {ups[n]["status"] for n in ("org", "planning", "kpi")} == {"ready"}
    assert ups["planning"]["checks"] == {"database": "ok", "migrations": "ok"}


async def test_readyz_is_200_when_every_upstream_is_ready(start_gateway, client):
    gw = await start_gateway(risk_down=False)
    r = await client.get(f"{gw}/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ready"
    assert sorted(body["upstreams"]) == ["kpi", "org", "planning", "risk"]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref" and isinstance(v, str)] + \
            [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def _resolve(doc: dict, ref: str) -> Any:
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


async def test_merged_openapi_prefixes_components_and_notes_a_down_service(start_gateway, client):
    gw = await start_gateway(risk_down=True)
    r = await client.get(f"{gw}/api/openapi.json")
    assert r.status_code == 200
    doc = r.json()
    schemas = doc["components"]["schemas"]
    for svc in ("org", "planning", "kpi"):
        assert f"/api/{svc}/things" in doc["paths"]
        assert schemas[f"{svc}.Thing"]["properties"]["service"] == {"const": svc}
        assert f"{svc}.HTTPValidationError" in schemas
        page = doc["paths"][f"/api/{svc}/things"]["get"]["responses"]["200"]["content"]["application/json"]
        assert page["schema"]["$ref"] == f"#/components/schemas/{svc}.Page_Thing_"
    assert "Thing" not in schemas
    # Every reference points at something that exists in the merged document.
    refs = _refs(doc)
    assert refs and all(_resolve(doc, ref) is not None for ref in refs)
    # The services' root-level /healthz belongs to the gateway, not to the merged API.
    assert "/healthz" not in doc["paths"]
    assert not any(p.startswith("/api/risk/") for p in doc["paths"])
    assert doc["x-yunguan-services"]["risk"]["status"] == "unavailable"
    assert doc["x-yunguan-services"]["planning"]["status"] == "included"
    assert "`risk`" in doc["info"]["description"]
    # One bearer scheme for Swagger UI's Authorize button; public operations need none.
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["paths"]["/api/planning/openapi.json"]["get"]["security"] == []
    op_ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(op_ids) == len(set(op_ids))


def test_merge_rewrites_discriminators_and_security_requirements():
    raw = openapi_doc("kpi")
    raw["components"]["schemas"]["Pet"] = {"oneOf": [{"$ref": "#/components/schemas/Thing"}],
                                           "discriminator": {"propertyName": "kind",
                                                             "mapping": {"thing": "#/components/schemas/Thing"}}}
    raw["components"]["securitySchemes"] = {"HTTPBearer": {"type": "http", "scheme": "bearer"}}
    raw["security"] = [{"HTTPBearer": []}]
    merged = merge_documents({"kpi": raw}, {})
    pet = merged["components"]["schemas"]["kpi.Pet"]
    assert pet["discriminator"]["mapping"] == {"thing": "#/components/schemas/kpi.Thing"}
    assert pet["oneOf"] == [{"$ref": "#/components/schemas/kpi.Thing"}]
    assert "kpi.HTTPBearer" in merged["components"]["securitySchemes"]
    assert merged["paths"]["/api/kpi/things"]["get"]["security"] == [{"kpi.HTTPBearer": []}]
    assert merged["paths"]["/api/kpi/things"]["get"]["tags"] == ["kpi: things"]
    assert raw["components"]["schemas"]["Pet"]["oneOf"][0]["$ref"] == "#/components/schemas/Thing"  # input untouched


async def test_docs_page_serves_swagger_ui_for_the_merged_document(start_gateway, client):
    gw = await start_gateway()
    r = await client.get(f"{gw}/api/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "/api/openapi.json" in r.text and "SwaggerUIBundle" in r.text
    if swagger_ui_assets() is not None:  # the asset package is installed: served from here
        assert "/api/docs/assets/swagger-ui-bundle.js" in r.text
        js = await client.get(f"{gw}/api/docs/assets/swagger-ui-bundle.js")
        assert js.status_code == 200 and "javascript" in js.headers["content-type"]
        css = await client.get(f"{gw}/api/docs/assets/swagger-ui.css")
        assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert (await client.get(f"{gw}/api/docs/oauth2-redirect")).status_code == 200


async def test_metrics_count_proxied_requests_per_service(start_gateway, client, make_token):
    gw = await start_gateway(metrics_token="scraper-secret")
    await client.get(f"{gw}/api/kpi/x", headers={"Authorization": f"Bearer {make_token()}"})
    await client.get(f"{gw}/api/kpi/x")
    # not public: a signed-in user's token is not the scraper's
    assert (await client.get(f"{gw}/metrics")).status_code == 404
    assert (await client.get(f"{gw}/metrics", headers={"Authorization": f"Bearer {make_token()}"})).status_code == 404
    text = (await client.get(f"{gw}/metrics", headers={"Authorization": "Bearer scraper-secret"})).text
    assert 'route="/api/kpi",status="200"' in text
    assert 'route="/api/kpi",status="401"' in text
    assert "yunguan_gateway_token_cache_entries" in text


def test_the_inbox_is_in_the_merged_document_with_the_services_item_schemas():
    merged = merge_documents({"planning": _with_schemas(openapi_doc("planning"), "PlanRead", "TaskRead"),
                              "kpi": _with_schemas(openapi_doc("kpi"), "ActionRead")}, {"risk": "timed out"})
    op = merged["paths"]["/api/me/inbox"]["get"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/gateway.InboxRead"
    props = merged["components"]["schemas"]["gateway.InboxRead"]["properties"]
    assert props["pending_approvals"]["items"] == {"$ref": "#/components/schemas/planning.PlanRead"}
    assert props["my_tasks"]["items"] == {"$ref": "#/components/schemas/planning.TaskRead"}
    assert props["my_actions"]["items"] == {"$ref": "#/components/schemas/kpi.ActionRead"}
    # risk is down: its list stays untyped rather than pointing at a component that is not there
    assert "$ref" not in props["open_alerts"]["items"]
    assert all(_resolve(merged, ref) is not None for ref in _refs(merged))
    assert set(merged["components"]["schemas"]["gateway.InboxRead"]["required"]) >= {
        "pending_approvals", "my_tasks", "open_alerts", "my_actions", "errors", "counts"}


def _with_schemas(doc: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        doc["components"]["schemas"][name] = {"type": "object", "properties": {"id": {"type": "integer"}}}
    return doc


async def test_the_inbox_answer_matches_its_declared_model():
    import httpx

    from gateway.aggregate import InboxRead, inbox

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host == "risk":
            return httpx.Response(503, json={"detail": "down for maintenance"})
        if request.url.path.endswith("/awaiting-me"):
            return httpx.Response(200, json=[{"id": 1, "title": "计划"}])
        return httpx.Response(200, json={"items": [{"id": 2, "status": "in_progress"}, {"id": 3, "status": "done"}]})

    ups = {n: f"http://{n}" for n in ("planning", "risk", "kpi")}
    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as http:
        box = await inbox(http, ups, authorization="Bearer x", sub="5")
    assert InboxRead.model_validate(box).model_dump(mode="json") == {k: box[k] for k in InboxRead.model_fields}
    assert box["my_tasks"] == [{"id": 2, "status": "in_progress"}] and box["counts"]["my_tasks"] == 1
    assert box["open_alerts"] == [] and "risk" in box["errors"]["open_alerts"]
