"""The org tree: materialised paths, moves, cycles, deletes, events."""

from sqlalchemy import select

from services.common.db import Database
from services.org.models import OutboxEvent
from tests.org.conftest import auth, unit_by_code


async def outbox_types(org) -> list[str]:
    db: Database = org.app.state.db
    async with db.reader() as s:
        return [e.type for e in (await s.execute(select(OutboxEvent).order_by(OutboxEvent.seq))).scalars()]


async def test_created_unit_gets_a_path_under_its_parent_and_an_event(org):
    admin = await auth(org, "admin")
    mkt = await unit_by_code(org, admin, "MKT")
    r = await org.post("/api/org/units", headers=admin,
                       json={"parent_id": mkt["id"], "name": "品牌推广组", "code": "MKT-PR", "kind": "team"})
    assert r.status_code == 201
    unit = r.json()
    assert unit["path"] == f"{mkt['path']}{unit['id']}/" and unit["parent_id"] == mkt["id"]
    assert r.headers["etag"]
    assert (await outbox_types(org))[-1] == "org.unit.created"


async def test_moving_a_unit_moves_its_whole_subtree(org):
    admin = await auth(org, "admin")
    mkt, sz = await unit_by_code(org, admin, "MKT"), await unit_by_code(org, admin, "SZ")
    r = await org.post(f"/api/org/units/{mkt['id']}/move", headers=admin, json={"parent_id": sz["id"]})
    assert r.status_code == 200
    assert r.json()["path"] == f"{sz['path']}{mkt['id']}/" and r.json()["parent_id"] == sz["id"]
    team = await unit_by_code(org, admin, "MKT-RES")
    assert team["path"] == f"{sz['path']}{mkt['id']}/{team['id']}/"
    # the branch general manager now plans for the moved department
    from services.common.authz import Principal
    from tests.org.conftest import sign_in
    from tests.org.test_signin import claims_of
    branch_gm = Principal.from_claims(claims_of((await sign_in(org, "branch_gm"))["access_token"]))
    assert branch_gm.can("plan", team["path"])
    assert (await outbox_types(org))[-1] == "org.unit.moved"


async def test_moving_a_unit_under_its_own_descendant_is_refused(org):
    admin = await auth(org, "admin")
    ops, sup = await unit_by_code(org, admin, "OPS"), await unit_by_code(org, admin, "OPS-SUP")
    r = await org.post(f"/api/org/units/{ops['id']}/move", headers=admin, json={"parent_id": sup["id"]})
    assert r.status_code == 409 and "cycle" in r.json()["detail"]
    self_move = await org.post(f"/api/org/units/{ops['id']}/move", headers=admin, json={"parent_id": ops["id"]})
    assert self_move.status_code == 409
    assert (await unit_by_code(org, admin, "OPS"))["path"] == ops["path"]


async def test_a_unit_is_deleted_only_when_empty(org):
    admin = await auth(org, "admin")
    ops = await unit_by_code(org, admin, "OPS")
    assert (await org.delete(f"/api/org/units/{ops['id']}", headers=admin)).status_code == 409
    sup = await unit_by_code(org, admin, "OPS-SUP")  # holds supply_head's position
    r = await org.delete(f"/api/org/units/{sup['id']}", headers=admin)
    assert r.status_code == 409 and "position" in r.json()["detail"]
    dis = await unit_by_code(org, admin, "OPS-DIS")
    assert (await org.delete(f"/api/org/units/{dis['id']}", headers=admin)).status_code == 204
    assert (await org.get(f"/api/org/units/{dis['id']}", headers=admin)).status_code == 404
    assert (await outbox_types(org))[-1] == "org.unit.deleted"


async def test_unit_kinds_must_fit_their_parent(org):
    admin = await auth(org, "admin")
    team = await unit_by_code(org, admin, "MKT-RES")
    r = await org.post("/api/org/units", headers=admin,
                       json={"parent_id": team["id"], "name": "X", "code": "X1", "kind": "department"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "kind"


async def test_duplicate_codes_are_refused(org):
    admin = await auth(org, "admin")
    mkt = await unit_by_code(org, admin, "MKT")
    r = await org.post("/api/org/units", headers=admin,
                       json={"parent_id": mkt["id"], "name": "重复", "code": "FIN", "kind": "team"})
    assert r.status_code == 409


async def test_a_stale_if_match_gets_412_and_changes_nothing(org):
    admin = await auth(org, "admin")
    fin = await unit_by_code(org, admin, "FIN")
    got = await org.get(f"/api/org/units/{fin['id']}", headers=admin)
    etag = got.headers["etag"]
    first = await org.patch(f"/api/org/units/{fin['id']}", headers={**admin, "If-Match": etag},
                            json={"name": "财务中心"})
    assert first.status_code == 200 and first.headers["etag"] != etag
    second = await org.patch(f"/api/org/units/{fin['id']}", headers={**admin, "If-Match": etag},
                             json={"name": "财务处"})
    assert second.status_code == 412
    assert (await unit_by_code(org, admin, "FIN"))["name"] == "财务中心"


async def test_tree_form_nests_children(org):
    admin = await auth(org, "analyst")
    tree = (await org.get("/api/org/units/tree", headers=admin)).json()
    assert len(tree) == 1 and tree[0]["name"] == "华东燃气有限公司"
    names = {c["name"]: c for c in tree[0]["children"]}
    assert set(names) == {"运营管理部", "市场部", "财务部", "苏州分公司"}
    assert {c["name"] for c in names["运营管理部"]["children"]} == {"供应科", "调度科", "安全科", "客户服务科"}


async def test_only_admins_over_the_unit_change_the_tree(org):
    mgr = await auth(org, "market_mgr")
    admin = await auth(org, "admin")
    mkt = await unit_by_code(org, admin, "MKT")
    r = await org.post("/api/org/units", headers=mgr,
                       json={"parent_id": mkt["id"], "name": "X", "code": "X2", "kind": "team"})
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    assert (await org.patch(f"/api/org/units/{mkt['id']}", headers=mgr, json={"name": "Y"})).status_code == 403
    assert (await org.delete(f"/api/org/units/{mkt['id']}", headers=mgr)).status_code == 403
    assert (await org.get("/api/org/units")).status_code == 401


async def test_the_demo_tree_matches_what_other_services_tests_assume(org):
    from tests.support import demo_unit_rows

    admin = await auth(org, "admin")
    units = (await org.get("/api/org/units", headers=admin, params={"limit": 500})).json()["items"]
    assert [{k: u[k] for k in ("id", "parent_id", "code", "name", "kind", "path")} for u in units] == \
        [{k: r[k] for k in ("id", "parent_id", "code", "name", "kind", "path")} for r in demo_unit_rows()]
