"""No route of any service answers 500 to what a client can send: odd ids, odd queries, odd bodies.

Every operation in each service's own OpenAPI document is called as an all-powerful admin
with path ids that do not exist or no column can hold, query values too large for any
column, and bodies of the wrong shape. Each answer must be a Problem (or a success); a 503
is allowed only where another service is needed and is not running here.
"""

import importlib
import re

import pytest

from tests.support import bearer, load_demo_units, make_token, running, settings, use_test_keys

RIGHTS = ("admin", "view", "plan", "suggest", "veto", "dispatch", "assess", "guide")
ADMIN = bearer(make_token(*[(r, "/1/", "subtree") for r in RIGHTS], sub="1", name="admin"))
PATH_VALUES = ("999999", "99999999999999999999999", "abc")
BODIES = (b"null", b"[]", b'{"x": 1}', b'{"unit_id": 100000000000000000000000000, "period": "\\u0000", "id": -1}')
NEEDS_ANOTHER_SERVICE = {"/org-units/resync"}


@pytest.mark.parametrize("service", ["org", "planning", "kpi", "risk"])
async def test_odd_requests_get_problems_never_500(databases, service):
    create_app = importlib.import_module(f"services.{service}.app").create_app
    app = create_app(settings(service, await databases.fresh(service)))
    use_test_keys(app)
    failures = []
    async with running(app) as client:
        if getattr(app.state, "org_unit_model", None) is not None:
            await load_demo_units(app)
        spec = (await client.get(f"/api/{service}/openapi.json")).json()
        for path, operations in spec["paths"].items():
            for method, op in operations.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                query = {q["name"]: "99999999999999999999999" for q in op.get("parameters", []) if q["in"] == "query"}
                for value in PATH_VALUES:
                    url = re.sub(r"\{[^}]+\}", value, path)
                    for body in ((None,) if method in ("get", "delete") else BODIES):
                        r = await client.request(method.upper(), url, content=body, params=query, headers={
                            **ADMIN, "Content-Type": "application/json", "If-Match": '"stale"'})
                        allowed_503 = r.status_code == 503 and any(path.endswith(p) for p in NEEDS_ANOTHER_SERVICE)
                        if r.status_code >= 500 and not allowed_503:
                            failures.append((method, url, body, r.status_code, r.text[:160]))
                        elif r.status_code >= 400:
                            assert r.headers["content-type"].startswith("application/problem+json"), (method, url)
    assert failures == [], "\n".join(map(str, failures[:20]))
