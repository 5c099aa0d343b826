"""Ids are never handed out twice: what the audit says about a deleted object never attaches to a new one."""

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
