"""Unknown fields in org requests are refused, naming them, instead of being silently dropped."""

from tests.org.conftest import auth, unit_by_code


async def test_unknown_fields_are_refused_with_422_naming_them_and_nothing_changes(org):
    admin = await auth(org, "admin")
    mkt, sz = await unit_by_code(org, admin, "MKT"), await unit_by_code(org, admin, "SZ")
    url = f"/api/org/units/{mkt['id']}"
    etag = {"If-Match": (await org.get(url, headers=admin)).headers["etag"]}
    moved = await org.patch(url, headers=admin | etag, json={"name": "市场营销部", "parent_id": sz["id"]})
    assert moved.status_code == 422
    assert [e["field"] for e in moved.json()["errors"]] == ["parent_id"] and "parent_id" in moved.json()["detail"]
    after = (await org.get(url, headers=admin)).json()
    assert (after["name"], after["path"]) == (mkt["name"], mkt["path"])
    roles = {r["key"]: r for r in (await org.get("/api/org/roles", headers=admin)).json()["items"]}
    nested = await org.post("/api/org/roles", headers=admin, json={
        "key": "auditor", "name": "审计员", "rights": [{"right": "view", "scope": "company", "mode": "exact"}]})
    assert nested.status_code == 422 and [e["field"] for e in nested.json()["errors"]] == ["rights.0.mode"]
    pos = await org.post("/api/org/positions", headers=admin, json={
        "unit_id": mkt["id"], "role_id": roles["specialist"]["id"], "title": "市场专员",
        "requirements": {"education": "本科", "age": 30}, "salary": 1})
    assert pos.status_code == 422 and sorted(e["field"] for e in pos.json()["errors"]) == ["requirements.age", "salary"]
    users = await org.post("/api/org/users", headers=admin, json={
        "username": "newbie", "display_name": "新人", "password": "Newbie#2026", "is_admin": True})
    assert users.status_code == 422 and [e["field"] for e in users.json()["errors"]] == ["is_admin"]
    assert "newbie" not in {u["username"] for u in (await org.get("/api/org/users", headers=admin)).json()["items"]}
