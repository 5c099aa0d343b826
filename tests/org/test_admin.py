"""Roles, positions, users and clients: admin-only changes, audited, reflected in the next token."""

from sqlalchemy import text

from tests.org.conftest import auth, sign_in, unit_by_code
from tests.org.test_signin import claims_of, grants_of

ADMIN_WRITES = [
    ("post", "/api/org/roles", {"key": "x_role", "name": "X", "rights": []}),
    ("patch", "/api/org/roles/1", {"name": "X"}),
    ("delete", "/api/org/roles/1", None),
    ("post", "/api/org/users", {"username": "newbie", "display_name": "N", "password": "Passw0rd!x"}),
    ("patch", "/api/org/users/1", {"display_name": "N"}),
    ("get", "/api/org/clients", None),
    ("post", "/api/org/clients", {"client_id": "crm", "name": "CRM", "grants": []}),
    ("get", "/api/org/keys", None),
    ("post", "/api/org/keys/rotate", None),
    ("get", "/api/org/audit", None),
    ("get", "/api/org/audit/verify", None),
]


async def test_non_admins_get_403_on_every_admin_endpoint(org):
    for username in ("gm", "ops_director", "market_mgr", "analyst"):
        headers = await auth(org, username)
        for method, path, body in ADMIN_WRITES:
            kw = {"json": body} if body is not None else {}
            r = await org.request(method.upper(), path, headers=headers, **kw)
            assert r.status_code == 403, f"{username} {method} {path}: {r.status_code}"
            assert r.json()["type"].endswith("/forbidden")


async def test_role_change_shows_in_the_next_token_and_in_the_audit(org):
    admin = await auth(org, "admin")
    roles = (await org.get("/api/org/roles", headers=admin)).json()["items"]
    specialist = next(r for r in roles if r["key"] == "specialist")
    got = await org.get(f"/api/org/roles/{specialist['id']}", headers=admin)
    r = await org.patch(f"/api/org/roles/{specialist['id']}", headers={**admin, "If-Match": got.headers["etag"]},
                        json={"rights": specialist["rights"] + [{"right": "plan", "scope": "self"}]})
    assert r.status_code == 200
    team = await unit_by_code(org, admin, "MKT-RES")
    grants = grants_of((await sign_in(org, "analyst"))["access_token"])
    assert {"right": "plan", "unit_path": team["path"], "mode": "exact"}.items() <= next(
        g for g in grants if g["right"] == "plan").items()
    audit = (await org.get("/api/org/audit", headers=admin, params={"action": "role.updated"})).json()["items"]
    assert audit[-1]["subject_id"] == str(specialist["id"])
    assert {"right": "plan", "scope": "self"} in audit[-1]["after"]["rights"]
    assert {"right": "plan", "scope": "self"} not in audit[-1]["before"]["rights"]


async def test_role_rights_are_validated(org):
    admin = await auth(org, "admin")
    r = await org.post("/api/org/roles", headers=admin,
                       json={"key": "bad", "name": "坏", "rights": [{"right": "rule", "scope": "self"}]})
    assert r.status_code == 422 and r.json()["errors"][0]["field"].startswith("rights")


async def test_a_role_in_use_cannot_be_deleted_but_an_unused_one_can(org):
    admin = await auth(org, "admin")
    roles = {r["key"]: r for r in (await org.get("/api/org/roles", headers=admin)).json()["items"]}
    assert (await org.delete(f"/api/org/roles/{roles['supervisor']['id']}", headers=admin)).status_code == 409
    new = await org.post("/api/org/roles", headers=admin, json={
        "key": "auditor", "name": "审计员", "rights": [{"right": "view", "scope": "company"}]})
    assert new.status_code == 201
    assert (await org.delete(f"/api/org/roles/{new.json()['id']}", headers=admin)).status_code == 204


async def test_admin_creates_a_position_and_assigns_a_user_who_then_holds_its_rights(org):
    admin = await auth(org, "admin")
    roles = {r["key"]: r for r in (await org.get("/api/org/roles", headers=admin)).json()["items"]}
    dis = await unit_by_code(org, admin, "OPS-DIS")
    pos = await org.post("/api/org/positions", headers=admin, json={
        "unit_id": dis["id"], "role_id": roles["supervisor"]["id"], "title": "调度科主管",
        "responsibilities": ["负责燃气调度"], "requirements": {"education": "本科", "years_experience": 5,
                                                            "skills": ["调度"], "traits": ["沉着"]}})
    assert pos.status_code == 201 and pos.json()["requirements"]["years_experience"] == 5
    user = await org.post("/api/org/users", headers=admin, json={
        "username": "dispatcher", "display_name": "调度主管", "password": "Dispatch#2026"})
    assert user.status_code == 201
    a = await org.post("/api/org/assignments", headers=admin, json={
        "user_id": user.json()["id"], "position_id": pos.json()["id"], "start_date": "2026-01-01"})
    assert a.status_code == 201
    grants = grants_of((await sign_in(org, "dispatcher", "Dispatch#2026"))["access_token"])
    assert any(g["right"] == "dispatch" and g["unit_path"] == dis["path"] for g in grants)

    async def listed() -> dict:
        [u] = (await org.get("/api/org/users", headers=admin, params={"q": "dispatcher"})).json()["items"]
        return u
    assert ((await listed())["position_name"], (await listed())["unit_name"]) == ("调度科主管", dis["name"])
    # an ended assignment gives nothing, and the lists no longer show the post
    end = await org.patch(f"/api/org/assignments/{a.json()['id']}", headers=admin, json={"end_date": "2026-01-31"})
    assert end.status_code == 200
    assert grants_of((await sign_in(org, "dispatcher", "Dispatch#2026"))["access_token"]) == []
    assert ((await listed())["position_name"], (await listed())["unit_name"]) == (None, None)


async def test_weak_passwords_and_taken_usernames_are_refused(org):
    admin = await auth(org, "admin")
    weak = await org.post("/api/org/users", headers=admin,
                          json={"username": "weak", "display_name": "W", "password": "password"})
    assert weak.status_code == 422 and weak.json()["errors"][0]["field"] == "password"
    taken = await org.post("/api/org/users", headers=admin,
                           json={"username": "gm", "display_name": "W", "password": "Str0ng#Pass"})
    assert taken.status_code == 409


async def test_a_user_changes_their_own_password_with_the_current_one(org):
    me = (await sign_in(org, "analyst"))
    headers = {"Authorization": f"Bearer {me['access_token']}"}
    uid = claims_of(me["access_token"])["sub"]
    bad = await org.post(f"/api/org/users/{uid}/password", headers=headers,
                         json={"current_password": "wrong", "new_password": "N3w#Password"})
    assert bad.status_code == 422
    ok = await org.post(f"/api/org/users/{uid}/password", headers=headers,
                        json={"current_password": "Demo@2026", "new_password": "N3w#Password"})
    assert ok.status_code == 204
    assert (await sign_in(org, "analyst", "N3w#Password"))["access_token"]
    # the old refresh token died with the old password
    r = await org.post("/api/org/auth/token",
                       data={"grant_type": "refresh_token", "refresh_token": me["refresh_token"]})
    assert r.status_code == 400
    other = await org.post("/api/org/users/1/password", headers=headers, json={"new_password": "N3w#Password2"})
    assert other.status_code == 403


async def test_audit_chain_verifies_and_reports_an_edited_entry(org):
    admin = await auth(org, "admin")
    ok = (await org.get("/api/org/audit/verify", headers=admin)).json()
    assert ok["ok"] is True and ok["entries"] > 5
    async with org.app.state.db.writer() as s:
        await s.execute(text("UPDATE audit_entry SET actor_name = 'mallory' WHERE seq = 3"))
        await s.commit()
    broken = (await org.get("/api/org/audit/verify", headers=admin)).json()
    assert broken["ok"] is False and broken["broken_at"] == 3


async def test_sign_ins_are_audited(org):
    await sign_in(org, "gm")
    admin = await auth(org, "admin")
    items = (await org.get("/api/org/audit", headers=admin, params={"action": "auth.signed_in"})).json()["items"]
    assert len(items) >= 2


async def test_bootstrap_creates_the_company_and_an_admin_once(databases, monkeypatch):
    from services.org.app import create_app
    from services.org.bootstrap import bootstrap
    from tests.support import running, settings

    url = await databases.fresh("org")
    monkeypatch.setenv("YUNGUAN_ORG_DATABASE_URL", url)
    assert "Created" in await bootstrap(company="测试公司", code="TEST", username="root", password="Root#2026x")
    assert "not empty" in await bootstrap(company="X", code="X", username="x", password="Root#2026x")
    app = create_app(settings("org", url))
    async with running(app) as c:
        tok = await c.post("/api/org/auth/token", data={"grant_type": "password", "username": "root",
                                                        "password": "Root#2026x"})
        grants = grants_of(tok.json()["access_token"])
        assert {"right": "admin", "unit_path": "/1/", "mode": "subtree"}.items() <= grants[0].items()


async def test_people_of_a_unit_are_those_holding_positions_in_it_or_below(org):
    headers = await auth(org, "ops_director")
    mkt = (await unit_by_code(org, headers, "MKT"))["id"]
    r = await org.get("/api/org/users", params={"unit_id": mkt}, headers=headers)
    assert r.status_code == 200, r.text
    assert sorted(u["username"] for u in r.json()["items"]) == ["analyst", "market_mgr"]
    # each with the post they hold today, so a picker tells people apart by where they work
    assert {u["username"]: (u["position_name"], u["unit_name"]) for u in r.json()["items"]} == {
        "analyst": ("市场调研专员", "市场调研组"), "market_mgr": ("市场部经理", "市场部")}
    team = (await unit_by_code(org, headers, "MKT-RES"))["id"]
    only = await org.get("/api/org/users", params={"unit_id": team}, headers=headers)
    assert [u["username"] for u in only.json()["items"]] == ["analyst"]
    assert (await org.get("/api/org/users", params={"unit_id": 999}, headers=headers)).status_code == 404
