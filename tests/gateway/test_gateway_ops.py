"""Health, readiness, the merged OpenAPI document and its Swagger UI page."""

from __future__ import annotations

from typing import Any

from gateway_support import openapi_doc

from gateway.openapi import merge_documents, swagger_ui_assets
from tests.support import metrics


async def test_healthz_says_the_gateway_is_alive_even_with_services_down(start_gateway, client):
    gw = await start_gateway(risk_down=True)
    r = await client.get(f"{gw}/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok", "service": "gateway"}


async def test_readyz_is_the_gateways_own_state_not_its_upstreams(start_gateway, client):
    gw = await start_gateway(risk_down=True)
    r = await client.get(f"{gw}/readyz")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ready", "service": "gateway", "checks": {"started": "ok", "keys": "ok"}}


async def test_readyz_is_503_while_the_gateway_holds_no_signing_keys(start_gateway, client, refused_port):
    gw = await start_gateway(jwks=None, jwks_url=f"http://127.0.0.1:{refused_port}/jwks.json")
    r = await client.get(f"{gw}/readyz", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 503
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["checks"]["started"] == "ok" and body["checks"]["keys"].startswith("unavailable")
    assert "签名公钥" in body["detail"]


async def test_readyz_upstreams_reports_each_service_and_names_the_one_that_is_down(start_gateway, client):
    gw = await start_gateway(risk_down=True)
    r = await client.get(f"{gw}/readyz/upstreams")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "degraded" and body["down"] == ["risk"]
    ups = body["upstreams"]
    assert ups["risk"]["status"] == "unreachable"
    assert {ups[n]["status"] for n in ("org", "planning", "kpi")} == {"ready"}
    assert ups["planning"]["checks"] == {"database": "ok", "migrations": "ok"}


async def test_readyz_upstreams_is_ready_when_every_upstream_is(start_gateway, client):
    gw = await start_gateway(risk_down=False)
    r = await client.get(f"{gw}/readyz/upstreams")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ready" and body["down"] == []
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
    for status in ("200", "401"):
        assert metrics.value(text, "yunguan_http_requests_total", service="gateway", method="GET", route="/api/kpi",
                             status=status) == 1
    assert metrics.value(text, "yunguan_gateway_token_cache_entries", service="gateway") == 1
    assert metrics.value(text, "process_cpu_seconds_total") > 0
