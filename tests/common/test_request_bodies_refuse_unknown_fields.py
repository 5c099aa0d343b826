"""Unknown fields are refused, not ignored, in every service: every JSON request body (nested
objects and list items included) forbids fields it does not know, and a request using one is a 422
naming it and changes nothing."""

import pytest

from services.kpi.app import create_app as kpi_app
from services.org.app import create_app as org_app
from services.planning.app import create_app as planning_app
from services.risk.app import create_app as risk_app
from tests.risk.conftest import OPS_DIRECTOR, U, new_risk, risk  # noqa: F401 (fixture)
from tests.support import settings

APPS = {"org": org_app, "planning": planning_app, "kpi": kpi_app, "risk": risk_app}


def open_request_objects(doc: dict) -> list[str]:
    """Object schemas reachable from a JSON request body that would take unknown fields."""
    comps = doc.get("components", {}).get("schemas", {})
    seen: set[str] = set()
    open_: list[str] = []

    def walk(schema, where: str) -> None:
        if isinstance(schema, list):
            for s in schema:
                walk(s, where)
            return
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                target = comps.get(name, {})
                if target.get("properties") and target.get("additionalProperties") is not False:
                    open_.append(f"{name} (from {where})")
                walk(target, name)
            return
        for value in schema.values():
            walk(value, where)

    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            content = (op.get("requestBody") or {}).get("content", {}) if isinstance(op, dict) else {}
            if "application/json" in content:
                walk(content["application/json"].get("schema", {}), f"{method.upper()} {path}")
    return open_


@pytest.mark.parametrize("service", list(APPS))
def test_every_json_request_body_refuses_unknown_fields(service):
    app = APPS[service](settings(service, "sqlite+aiosqlite:///:memory:"))
    assert open_request_objects(app.openapi()) == []


async def test_an_unknown_field_is_named_and_changes_nothing(risk):  # noqa: F811
    created = await new_risk(risk)
    got = await risk.get(f"/api/risk/risks/{created['id']}", headers=OPS_DIRECTOR)
    r = await risk.patch(f"/api/risk/risks/{created['id']}", headers={**OPS_DIRECTOR, "If-Match": got.headers["etag"]},
                         json={"title": "新标题", "unit": U["MKT"]})
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["unit"]
    nested = await risk.patch(f"/api/risk/risks/{created['id']}",
                              headers={**OPS_DIRECTOR, "If-Match": got.headers["etag"]},
                              json={"contingency_plan": {"trigger": "t", "owner_id": 6,
                                                         "steps": [{"title": "a", "owner": 6}]}})
    assert nested.status_code == 422
    assert nested.json()["errors"][0]["field"] == "contingency_plan.steps.0.owner"
    after = await risk.get(f"/api/risk/risks/{created['id']}", headers=OPS_DIRECTOR)
    assert after.json()["title"] == created["title"]
