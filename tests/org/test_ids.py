"""Ids are never handed out twice: what the audit says about a deleted object never attaches to a new one."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

from services.common.migrate import upgrade
from tests.org.conftest import auth, unit_by_code


async def test_a_deleted_role_position_unit_or_client_never_gives_its_id_to_a_new_one(org):
    admin = await auth(org, "admin")
    mkt = await unit_by_code(org, admin, "MKT")
    specialist = next(r for r in (await org.get("/api/org/roles", headers=admin)).json()["items"]
                      if r["key"] == "specialist")
    kinds = {
        "roles": lambda n: {"key": f"temp_{n}", "name": f"临时角色{n}", "rights": []},
        "units": lambda n: {"parent_id": mkt["id"], "name": f"临时组{n}", "code": f"TMP-{n}", "kind": "team"},
        "positions": lambda n: {"unit_id": mkt["id"], "role_id": specialist["id"], "title": f"临时岗位{n}"},
        "clients": lambda n: {"client_id": f"crm{n}", "name": f"CRM {n}", "grants": []},
    }
    for kind, body in kinds.items():
        first = await org.post(f"/api/org/{kind}", headers=admin, json=body(1))
        assert first.status_code == 201, (kind, first.text)
        gone = first.json()["id"]
        etag = {"If-Match": first.headers["etag"]} if "etag" in first.headers else {}
        assert (await org.delete(f"/api/org/{kind}/{gone}", headers=admin | etag)).status_code == 204, kind
        second = await org.post(f"/api/org/{kind}", headers=admin, json=body(2))
        assert second.status_code == 201 and second.json()["id"] > gone, (kind, gone, second.json()["id"])
        deleted = (await org.get("/api/org/audit", headers=admin, params={"action": f"{kind[:-1]}.deleted"})).json()
        assert [e["subject_id"] for e in deleted["items"]] == [str(gone)], kind


async def test_the_migration_keeps_every_row_and_id_and_starts_new_ids_after_the_highest(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'org.db'}"
    await upgrade("org", url, "f4fe5d39df79")  # before ids were kept from reuse
    engine = create_async_engine(url)
    insert = text("INSERT INTO role (id, key, name, name_en, description, rights, created_at, updated_at, version) "
                  "VALUES (:id, :key, :key, '', '', '[]', '2026-01-01', '2026-01-01', 1)")
    try:
        async with engine.begin() as c:
            for rid, key in ((4, "a"), (9, "b")):
                await c.execute(insert, {"id": rid, "key": key})
        await upgrade("org", url)
        async with engine.begin() as c:
            assert (await c.execute(text("SELECT id, key FROM role ORDER BY id"))).all() == [(4, "a"), (9, "b")]
            await c.execute(text("DELETE FROM role WHERE id = 9"))
            await c.execute(insert, {"id": None, "key": "c"})
            assert (await c.execute(text("SELECT id FROM role WHERE key = 'c'"))).scalar_one() == 10
        with pytest.raises(IntegrityError):  # the table's constraints came through the copy
            async with engine.begin() as c:
                await c.execute(insert, {"id": None, "key": "a"})
    finally:
        await engine.dispose()
