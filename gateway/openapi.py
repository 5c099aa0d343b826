"""One OpenAPI document for the whole API, merged from the services' own documents.

Each service publishes ``/api/<svc>/openapi.json`` with paths already under
``/api/<svc>/``, so paths merge as they are. Component names are not unique across
services (every one has ``Page_AuditEntryRead_``, ``HTTPValidationError``...), so each
service's components are renamed ``<svc>.<Name>`` and every ``$ref`` (and
discriminator mapping, and security requirement) is rewritten to match. A service that
cannot be fetched is left out and named in the document, never turned into an error:
the docs of the others stay usable while one service is down.

Swagger UI assets are served locally when the ``swagger-ui-bundle-v2`` package (import
name ``swagger_ui_bundle``, Swagger UI 5.x) is installed, because users' browsers may
have no internet either; otherwise the page falls back to FastAPI's CDN defaults.
"""

from __future__ import annotations

import asyncio
import copy
import re
import time
from pathlib import Path
from typing import Any

import httpx

from gateway.aggregate import NAMED_PARTS, InboxRead
from gateway.cockpit import PART_MARKER, CockpitRead
from gateway.search import MeSearchRead
from services.common.problems import PROBLEM_JSON, problem_schemas
from services.common.search import DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY

COMPONENT_SECTIONS = ("schemas", "responses", "parameters", "examples", "requestBodies", "headers",
                      "securitySchemes", "links", "callbacks", "pathItems")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BEARER_SCHEME = "bearerAuth"


def namespace_document(service: str, doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` with its components renamed ``<service>.<Name>`` and refs rewritten."""
    doc = copy.deepcopy(doc)
    prefix = f"{service}."

    def ref(value: str) -> str:
        if not value.startswith("#/components/"):
            return value
        parts = value.split("/", 4)  # '#', 'components', section, name[, rest]
        if len(parts) < 4 or parts[2] not in COMPONENT_SECTIONS:
            return value
        parts[3] = prefix + parts[3]
        return "/".join(parts)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    out[key] = ref(value)
                elif key == "discriminator" and isinstance(value, dict) and isinstance(value.get("mapping"), dict):
                    out[key] = {**value, "mapping": {k: ref(v) if isinstance(v, str) else v
                                                     for k, v in value["mapping"].items()}}
                else:
                    out[key] = walk(value)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    doc = walk(doc)
    # Only the service's own API: its root-level /healthz etc. are the gateway's paths here.
    own = f"/api/{service}/"
    doc["paths"] = {p: item for p, item in (doc.get("paths") or {}).items() if p.startswith(own)}
    components = doc.get("components") or {}
    doc["components"] = {section: {prefix + name: value for name, value in entries.items()}
                         for section, entries in components.items() if isinstance(entries, dict)}

    # Security requirements name schemes directly (no $ref); a service-wide requirement is
    # pushed down to its operations, since the merged document's top level is the gateway's.
    def rename_requirements(reqs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{prefix + k: v for k, v in req.items()} for req in reqs]

    service_security = doc.pop("security", None)
    tag_map = {}
    for tag in doc.get("tags") or []:
        tag_map[tag.get("name")] = f"{service}: {tag.get('name')}"
    for item in (doc.get("paths") or {}).values():
        for method in HTTP_METHODS:
            op = item.get(method) if isinstance(item, dict) else None
            if not isinstance(op, dict):
                continue
            if "security" in op:
                op["security"] = rename_requirements(op["security"])
            elif service_security is not None:
                op["security"] = rename_requirements(service_security)
            # Group operations per service in Swagger UI ("planning: audit").
            op["tags"] = [f"{service}: {t}" for t in op.get("tags") or []] or [service]
    doc["tags"] = [{**t, "name": tag_map[t.get("name")]} for t in doc.get("tags") or []]
    return doc


GATEWAY_PREFIX = "gateway."
ITEMS_MARKER = "x-yunguan-items"
# what the gateway adds to items that name an indicator by code (null when kpi does not know it)
INDICATOR_NAMES = {"type": "object", "required": ["indicator_name", "indicator_name_en"], "properties": {
    "indicator_name": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "The indicator's name"},
    "indicator_name_en": {"anyOf": [{"type": "string"}, {"type": "null"}],
                          "description": "The indicator's English name (may be empty)"}}}


def gateway_document(schemas: dict[str, Any]) -> dict[str, Any]:
    """The gateway's own operations (``GET /api/me/inbox``) as paths and ``gateway.*`` components.

    The inbox's lists hold the services' own resources, so their items refer to the services'
    components in the merged document; a service left out (down) leaves its list untyped rather
    than pointing at nothing."""
    schema = InboxRead.model_json_schema(ref_template=f"#/components/schemas/{GATEWAY_PREFIX}{{model}}",
                                         mode="serialization")
    components = {GATEWAY_PREFIX + name: body for name, body in schema.pop("$defs", {}).items()}
    for part, prop in schema.get("properties", {}).items():
        target = prop.pop(ITEMS_MARKER, None)
        if target and target in schemas:
            item = {"$ref": f"#/components/schemas/{target}"}
            prop["items"] = {"allOf": [item, INDICATOR_NAMES]} if part in NAMED_PARTS else item
    components[GATEWAY_PREFIX + "InboxRead"] = schema
    components.update({GATEWAY_PREFIX + name: body for name, body in
                       problem_schemas(f"#/components/schemas/{GATEWAY_PREFIX}").items()})
    operation = {
        "operationId": "me_inbox",
        "summary": "我的待办: approvals, suggestions to answer, plans to rework, my tasks, overdue tasks, "
                   "my open alerts, my risk actions, my improvement actions",
        "description": "Fanned out to planning, risk and kpi with the caller's token. A part whose service is "
                       "down or slow is empty and named in `errors`; the others still arrive.",
        "tags": ["gateway"],
        "responses": {
            "200": {"description": "Successful Response", "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{GATEWAY_PREFIX}InboxRead"}}}},
            "4XX": {"description": "No or an invalid bearer token (401), too many requests (429, Retry-After): "
                           "Problem Details", "content": {PROBLEM_JSON: {"schema": {
                               "$ref": f"#/components/schemas/{GATEWAY_PREFIX}ProblemDetails"}}}},
        },
    }
    search_paths, search_components = search_document()
    components.update(search_components)
    paths = {"/api/me/inbox": {"get": operation}, "/api/me/cockpit": {"get": _cockpit_operation(schemas, components)},
             **search_paths}
    return {"paths": paths, "components": {"schemas": components},
            "tags": [{"name": "gateway", "description": "Answers the gateway composes from several services"}]}


def search_document() -> tuple[dict[str, Any], dict[str, Any]]:
    """``GET /api/me/search`` as a path and its ``gateway.*`` components (the hit shape every service answers)."""
    ref = f"#/components/schemas/{GATEWAY_PREFIX}"
    schema = MeSearchRead.model_json_schema(ref_template=ref + "{model}", mode="serialization")
    components = {GATEWAY_PREFIX + name: body for name, body in schema.pop("$defs", {}).items()}
    components[GATEWAY_PREFIX + "MeSearchRead"] = schema
    operation = {
        "operationId": "me_search",
        "summary": "全局搜索: plans, tasks, indicators, actions, findings, risks, alerts, people and units the caller "
                   "may see whose name holds every word of q",
        "description": "Fanned out to planning, kpi, risk and org with the caller's token; each answers only what the "
                       "caller's grants let them see. A service that is down or slow is named in `errors` and "
                       "`partial` is true; the others still arrive.",
        "tags": ["gateway"],
        "parameters": [
            {"name": "q", "in": "query", "required": True,
             "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY},
             "description": "Words separated by spaces (full-width forms and case do not matter)"},
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
             "description": "At most this many hits of each kind"}],
        "responses": {
            "200": {"description": "Successful Response", "content": {"application/json": {
                "schema": {"$ref": ref + "MeSearchRead"}}}},
            "4XX": {"description": "No or an invalid bearer token (401), a query that cannot be searched (422), "
                           "too many requests (429): Problem Details", "content": {PROBLEM_JSON: {"schema": {
                               "$ref": ref + "ProblemDetails"}}}},
        },
    }
    return {"/api/me/search": {"get": operation}}, components


def _cockpit_operation(schemas: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """``GET /api/me/cockpit``: each part is the service's own cockpit component (untyped when it is down)."""
    schema = CockpitRead.model_json_schema(ref_template=f"#/components/schemas/{GATEWAY_PREFIX}{{model}}",
                                           mode="serialization")
    for prop in schema.get("properties", {}).values():
        target = prop.pop(PART_MARKER, None)
        if target and target in schemas:
            prop["anyOf"] = [{"$ref": f"#/components/schemas/{target}"}, {"type": "null"}]
    components[GATEWAY_PREFIX + "CockpitRead"] = schema
    problem = {"$ref": f"#/components/schemas/{GATEWAY_PREFIX}ProblemDetails"}
    query = [("period", {"anyOf": [{"type": "string", "maxLength": 10}, {"type": "null"}]},
              "2026, 2026-Q4 or 2026-12; default: this month"),
             ("unit", {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}]},
              "The unit (with its subtree); default: the highest unit the caller holds 'view' over")]
    return {
        "operationId": "me_cockpit",
        "summary": "经营驾驶舱: plan execution, KPI attainment with completeness, 整改, budget execution, top risks "
                   "and open alerts of one unit's subtree for a period",
        "description": "Fanned out to planning, kpi and risk at once with the caller's token. A part whose service "
                       "is down or slow is null and named in `errors`; the others still arrive. When every part "
                       "refuses alike (no 'view' over the unit: 403; a malformed period: 422), that refusal is "
                       "the answer.",
        "tags": ["gateway"],
        "parameters": [{"name": n, "in": "query", "required": False, "schema": sch, "description": d}
                       for n, sch, d in query],
        "responses": {
            "200": {"description": "Successful Response", "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{GATEWAY_PREFIX}CockpitRead"}}}},
            "4XX": {"description": "No or an invalid bearer token (401), no view over the unit (403), an unknown "
                                   "unit (404), a malformed period (422), too many requests (429): Problem Details",
                    "content": {PROBLEM_JSON: {"schema": problem}}},
        },
    }


def merge_documents(docs: dict[str, dict[str, Any]], missing: dict[str, str], *,
                    public_paths: frozenset[str] = frozenset(), title: str = "Yunguan 运管 API",
                    version: str = "0.1.0") -> dict[str, Any]:
    """Merge per-service documents (already fetched) into one; ``missing`` names those left out."""
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": {},
        "components": {"securitySchemes": {
            BEARER_SCHEME: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                            "description": "Access token from POST /api/org/auth/token"}}},
        "security": [{BEARER_SCHEME: []}],
        "tags": [],
        "x-yunguan-services": {},
    }
    versions = []
    operation_ids: set[str] = set()
    for service, raw in docs.items():
        doc = namespace_document(service, raw)
        versions.append(str(raw.get("openapi", "3.1.0")))
        for path, item in (doc.get("paths") or {}).items():
            if path in merged["paths"]:  # cannot happen while paths carry /api/<svc>/; keep the first
                continue
            for method in HTTP_METHODS:
                op = item.get(method) if isinstance(item, dict) else None
                if not isinstance(op, dict):
                    continue
                op_id = op.get("operationId")
                if op_id:
                    if op_id in operation_ids:
                        op["operationId"] = op_id = f"{service}_{op_id}"
                    operation_ids.add(op_id)
                if path in public_paths:
                    op["security"] = []  # no lock icon where no token is needed
            merged["paths"][path] = item
        for section, entries in doc.get("components", {}).items():
            merged["components"].setdefault(section, {}).update(entries)
        merged["tags"].extend(doc.get("tags") or [])
        merged["x-yunguan-services"][service] = {"status": "included",
                                                 "version": (raw.get("info") or {}).get("version")}
    own = gateway_document(merged["components"].get("schemas", {}))
    merged["paths"].update(own["paths"])
    merged["components"].setdefault("schemas", {}).update(own["components"]["schemas"])
    merged["tags"].extend(own["tags"])
    for service, reason in missing.items():
        merged["x-yunguan-services"][service] = {"status": "unavailable", "detail": reason}
    if versions:
        merged["openapi"] = max(versions, key=lambda v: tuple(int(p) for p in re.findall(r"\d+", v)))
    lines = ["The operations-management API, merged by the gateway from each service's own document. "
             "Component names carry their service as a prefix (`planning.PlanRead`)."]
    if missing:
        lines.append("**Not included right now** (the service did not answer): "
                     + ", ".join(f"`{s}` ({r})" for s, r in sorted(missing.items()))
                     + ". Reload when it is back.")
    merged["info"]["description"] = "\n\n".join(lines)
    if not merged["tags"]:
        del merged["tags"]
    return merged


class OpenApiMerger:
    """Fetches the services' documents concurrently and caches a complete merge briefly."""

    def __init__(self, upstreams: dict[str, str], client: httpx.AsyncClient, *,
                 public_paths: frozenset[str], cache_seconds: float = 10.0, timeout: float = 5.0):
        self.upstreams = upstreams
        self.client = client
        self.public_paths = public_paths
        self.cache_seconds = cache_seconds
        self.timeout = timeout
        self._cached: tuple[float, dict[str, Any]] | None = None

    async def document(self) -> dict[str, Any]:
        if self._cached and time.monotonic() - self._cached[0] < self.cache_seconds:
            return self._cached[1]
        results = await asyncio.gather(*(self._fetch(name, url) for name, url in self.upstreams.items()))
        docs = {name: doc for name, doc, _ in results if doc is not None}
        missing = {name: reason for name, doc, reason in results if doc is None}
        merged = merge_documents(docs, missing, public_paths=self.public_paths)
        # Only a complete document is reused: a service coming back shows up on the next load.
        self._cached = (time.monotonic(), merged) if not missing else None
        return merged

    async def _fetch(self, name: str, base_url: str) -> tuple[str, dict[str, Any] | None, str]:
        try:
            resp = await self.client.get(f"{base_url}/api/{name}/openapi.json", timeout=self.timeout)
        except httpx.TimeoutException:
            return name, None, "timed out"
        except httpx.HTTPError as exc:
            return name, None, f"unreachable: {type(exc).__name__}"
        if resp.status_code != 200:
            return name, None, f"answered HTTP {resp.status_code}"
        try:
            doc = resp.json()
        except ValueError:
            return name, None, "answered something that is not JSON"
        if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
            return name, None, "answered something that is not an OpenAPI document"
        return name, doc, ""


def swagger_ui_assets() -> Path | None:
    """The local Swagger UI 5.x asset folder, when a package ships it; else None (use the CDN)."""
    try:
        # provided by the PyPI package swagger-ui-bundle-v2, which ships no type information
        import swagger_ui_bundle
    except ImportError:
        return None
    path = Path(str(swagger_ui_bundle.swagger_ui_path))
    match = re.search(r"swagger-ui-(\d+)", path.name)
    # Swagger UI 4 cannot render OpenAPI 3.1 (what FastAPI produces): treat it as absent.
    if not match or int(match.group(1)) < 5 or not (path / "swagger-ui-bundle.js").is_file():
        return None
    return path
