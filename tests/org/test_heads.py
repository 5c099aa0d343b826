"""Posts that head their unit (负责人): their subordinates (下属) are the unit's own members and the units below."""

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from services.common.authz import Principal
from services.common.migrate import upgrade
from tests.org.conftest import auth, sign_in, unit_by_code
from tests.org.test_signin import claims_of


async def test_a_deputy_not_heading_the_department_assesses_below_it_until_made_its_head(org):
    admin = await auth(org, "admin")
    roles = {r["key"]: r for r in (await org.get("/api/org/roles", headers=admin)).json()["items"]}
    ops, sup = await unit_by_code(org, admin, "OPS"), await unit_by_code(org, admin, "OPS-SUP")
    pos = await org.post("/api/org/positions", headers=admin, json={
        "unit_id": ops["id"], "role_id": roles["department_manager"]["id"], "title": "运营管理部副部长"})
    assert pos.status_code == 201 and pos.json()["heads_unit"] is False
    user = (await org.post("/api/org/users", headers=admin, json={
        "username": "deputy", "display_name": "运营副部长", "password": "Deputy#2026"})).json()
    assert (await org.post("/api/org/assignments", headers=admin, json={
        "user_id": user["id"], "position_id": pos.json()["id"], "start_date": "2026-01-01"})).status_code == 201

    async def deputy() -> Principal:
        return Principal.from_claims(claims_of((await sign_in(org, "deputy", "Deputy#2026"))["access_token"]))

    async def why() -> dict:
        return (await org.get("/api/org/authz/explain", headers=admin, params={
            "user_id": user["id"], "right": "assess", "unit_id": ops["id"]})).json()

    d = await deputy()
    assert d.can("assess", sup["path"]) and not d.can("assess", ops["path"])
    assert (await why())["allowed"] is False
    below = (await org.get("/api/org/authz/explain", headers=admin, params={
        "user_id": user["id"], "right": "assess", "unit_id": sup["id"]})).json()
    assert ([(g["scope"], g["heads_unit"], g["mode"]) for g in below["grants"]]
            == [("subordinates", False, "descendants")])
    assert "the units below the position's unit" in below["summary"]

    made_head = await org.patch(f"/api/org/positions/{pos.json()['id']}", json={"heads_unit": True},
                                headers=admin | {"If-Match": pos.headers["etag"]})
    assert made_head.status_code == 200 and made_head.json()["heads_unit"] is True
    d = await deputy()
    assert d.can("assess", ops["path"]) and d.can("guide", ops["path"]) and not d.can("assess", "/1/")
    explained = await why()
    assert explained["allowed"] is True
    assert ([(g["scope"], g["heads_unit"], g["mode"]) for g in explained["grants"]]
            == [("subordinates", True, "subtree")])
    assert "own unit, which it heads" in explained["summary"]
    audit = (await org.get("/api/org/audit", headers=admin, params={"action": "position.updated"})).json()["items"]
    assert audit[0]["before"]["heads_unit"] is False and audit[0]["after"]["heads_unit"] is True


async def test_the_migration_makes_the_posts_holding_rights_over_their_subordinates_heads_of_their_units(tmp_path):
    url = f"sqlite+aiosqlite:///{Path(tmp_path) / 'org.db'}"
    await upgrade("org", url, "be4b5c3aeee1")  # before positions could head their units
    engine = create_async_engine(url)
    try:
        async with engine.begin() as c:
            await c.execute(text("INSERT INTO unit (id, parent_id, name, code, kind, path, created_at, updated_at, "
                                 "version) VALUES (1, NULL, '公司', 'C', 'company', '/1/', '2026-01-01', "
                                 "'2026-01-01', 1)"))
            for rid, key, rights in ((1, "manager", '[{"right": "assess", "scope": "subordinates"}]'),
                                     (2, "specialist", '[{"right": "view", "scope": "self"}]')):
                await c.execute(text("INSERT INTO role (id, key, name, name_en, description, rights, created_at, "
                                     "updated_at, version) VALUES (:id, :key, :key, '', '', :rights, '2026-01-01', "
                                     "'2026-01-01', 1)"), {"id": rid, "key": key, "rights": rights})
                await c.execute(text("INSERT INTO position (id, unit_id, role_id, title, responsibilities, "
                                     "requirements, created_at, updated_at, version) VALUES (:id, 1, :id, :key, "
                                     "'[]', '{}', '2026-01-01', '2026-01-01', 1)"), {"id": rid, "key": key})
        await upgrade("org", url)
        async with engine.connect() as c:
            heads = dict((await c.execute(text("SELECT title, heads_unit FROM position"))).all())
        assert heads == {"manager": 1, "specialist": 0}
    finally:
        await engine.dispose()
