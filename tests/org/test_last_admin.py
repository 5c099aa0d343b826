"""The company never loses its last administrator: role edits, position changes, ended assignments and
deactivations that would leave it without one are refused (409, saying why in the caller's language)."""

from datetime import date

from services.org.models import Assignment, Position
from tests.org.conftest import auth, sign_in, unit_by_code
from tests.org.test_signin import grants_of
from tests.support import bearer

ZH = {"Accept-Language": "zh-CN"}


async def admin_setup(org):
    admin = await auth(org, "admin")
    roles = {r["key"]: r for r in (await org.get("/api/org/roles", headers=admin)).json()["items"]}
    users = {u["username"]: u for u in (await org.get("/api/org/users", headers=admin)).json()["items"]}
    me = users["admin"]
    assignment = (await org.get("/api/org/assignments", headers=admin, params={"user_id": me["id"]})).json()["items"][0]
    return admin, roles, me, assignment


def refused(r, lang="en") -> None:
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["reason"] == "last_administrator"
    if lang == "zh":
        assert "华东燃气有限公司没有管理员" in body["detail"] and "管理权" in body["detail"]
    else:
        assert "华东燃气有限公司 without an administrator" in body["detail"]


async def etag_of(org, headers, url) -> dict:
    return headers | {"If-Match": (await org.get(url, headers=headers)).headers["etag"]}


async def test_the_last_administrators_role_keeps_admin_and_nothing_changes(org):
    admin, roles, _, _ = await admin_setup(org)
    url = f"/api/org/roles/{roles['system_admin']['id']}"
    r = await org.patch(url, headers=await etag_of(org, admin, url),
                        json={"rights": [{"right": "view", "scope": "company"}]})
    refused(r)
    r = await org.patch(url, headers=await etag_of(org, admin | ZH, url),
                        json={"rights": [{"right": "admin", "scope": "self"}]})
    refused(r, "zh")  # admin over one unit only is no administrator of the company
    assert {"right": "admin", "scope": "company"} in (await org.get(url, headers=admin)).json()["rights"]
    assert any(g["right"] == "admin" for g in grants_of((await sign_in(org, "admin"))["access_token"]))
    # a harmless edit of the same role still goes through
    ok = await org.patch(url, headers=await etag_of(org, admin, url), json={"name": "系统管理员（IT）"})
    assert ok.status_code == 200


async def test_the_last_administrators_position_assignment_and_account_cannot_take_it_away(org):
    admin, roles, me, assignment = await admin_setup(org)
    pos_url = f"/api/org/positions/{assignment['position_id']}"
    refused(await org.patch(pos_url, headers=await etag_of(org, admin, pos_url),
                            json={"role_id": roles["specialist"]["id"]}))
    a_url = f"/api/org/assignments/{assignment['id']}"
    a_etag = {"If-Match": f'"assignment-{assignment["id"]}-v{assignment["version"]}"'}
    # ending it, even today (it would still hold today, and nobody tomorrow), or removing it
    refused(await org.patch(a_url, headers=admin | a_etag, json={"end_date": "2026-12-31"}))
    refused(await org.delete(a_url, headers=admin | a_etag))
    u_url = f"/api/org/users/{me['id']}"
    refused(await org.patch(u_url, headers=await etag_of(org, admin | ZH, u_url), json={"active": False}), "zh")
    assert (await org.get(u_url, headers=admin)).json()["active"] is True
    assert (await org.get(pos_url, headers=admin)).json()["role_id"] == roles["system_admin"]["id"]
    assert (await sign_in(org, "admin"))["access_token"]


async def test_with_a_second_administrator_the_first_may_step_down(org):
    admin, roles, me, _assignment = await admin_setup(org)
    company = await unit_by_code(org, admin, "HDGAS")
    pos = (await org.post("/api/org/positions", headers=admin, json={
        "unit_id": company["id"], "role_id": roles["system_admin"]["id"], "title": "副系统管理员"})).json()
    second = (await org.post("/api/org/users", headers=admin, json={
        "username": "admin2", "display_name": "第二管理员", "password": "Admin2#2026"})).json()
    # an assignment that ends does not make a lasting administrator
    ending = await org.post("/api/org/assignments", headers=admin, json={
        "user_id": second["id"], "position_id": pos["id"], "start_date": "2026-01-01", "end_date": "2027-01-31"})
    assert ending.status_code == 201
    u_url = f"/api/org/users/{me['id']}"
    refused(await org.patch(u_url, headers=await etag_of(org, admin, u_url), json={"active": False}))
    a_url = f"/api/org/assignments/{ending.json()['id']}"
    reopened = await org.patch(a_url, headers=admin | {"If-Match": ending.headers["etag"]}, json={"end_date": None})
    assert reopened.status_code == 200
    stepped_down = await org.patch(u_url, headers=await etag_of(org, admin, u_url), json={"active": False})
    assert stepped_down.status_code == 200 and stepped_down.json()["active"] is False
    # and now the second one is the last
    admin2 = bearer((await sign_in(org, "admin2", "Admin2#2026"))["access_token"])
    s_url = f"/api/org/users/{second['id']}"
    refused(await org.patch(s_url, headers=await etag_of(org, admin2, s_url), json={"active": False}))


async def test_moving_the_department_of_the_companys_only_lasting_administrator_to_another_company_is_refused(org):
    admin, roles, me, assignment = await admin_setup(org)
    hq = await unit_by_code(org, admin, "HDGAS")
    other = (await org.post("/api/org/units", headers=admin, json={
        "parent_id": None, "name": "华南燃气有限公司", "code": "HNGAS", "kind": "company"})).json()
    it = (await org.post("/api/org/units", headers=admin, json={
        "parent_id": hq["id"], "name": "信息部", "code": "IT", "kind": "department"})).json()

    it_admin = (await org.post("/api/org/users", headers=admin, json={
        "username": "it_admin", "display_name": "信息部管理员", "password": "ItAdmin#2026"})).json()
    pos = (await org.post("/api/org/positions", headers=admin, json={
        "unit_id": it["id"], "role_id": roles["system_admin"]["id"], "title": "信息系统管理员"})).json()
    assert (await org.post("/api/org/assignments", headers=admin, json={  # admin of 华东燃气 from inside 信息部
        "user_id": it_admin["id"], "position_id": pos["id"], "start_date": "2026-01-01"})).status_code == 201
    # nobody administers a new company yet: its first administrator's post is put in place directly
    async with org.app.state.db.writer() as s:
        pos = Position(unit_id=other["id"], role_id=roles["system_admin"]["id"], title="华南系统管理员")
        s.add(pos)
        await s.flush()
        s.add(Assignment(user_id=me["id"], position_id=pos.id, start_date=date(2026, 1, 1)))
        await s.commit()
    # the first administrator leaves 华东燃气 at the end of the year: 信息部's is its lasting one
    a_url = f"/api/org/assignments/{assignment['id']}"
    if_match = f'"assignment-{assignment["id"]}-v{assignment["version"]}"'
    ends = await org.patch(a_url, headers=admin | {"If-Match": if_match}, json={"end_date": "2026-12-31"})
    assert ends.status_code == 200, ends.text
    admin = await auth(org, "admin")  # a token with the new grants over 华南燃气
    move = await org.post(f"/api/org/units/{it['id']}/move",
                          headers=await etag_of(org, admin, f"/api/org/units/{it['id']}"),
                          json={"parent_id": other["id"]})
    refused(move)
    assert (await org.get(f"/api/org/units/{it['id']}", headers=admin)).json()["parent_id"] == hq["id"]
