"""The explainer: why can (or can't) this user do this here?"""

from tests.org.conftest import auth, unit_by_code
from tests.org.test_delegation import user_id


async def test_explain_names_the_position_role_and_scope(org):
    admin = await auth(org, "admin")
    mgr_id = await user_id(org, admin, "market_mgr")
    team = await unit_by_code(org, admin, "MKT-RES")
    r = await org.get("/api/org/authz/explain", headers=admin,
                      params={"user_id": mgr_id, "right": "plan", "unit_id": team["id"]})
    body = r.json()
    assert body["allowed"] is True
    g = body["grants"][0]
    assert (g["source"], g["role_key"], g["scope"], g["position_title"]) == \
        ("position", "department_manager", "subtree", "市场部经理")
    assert "市场部经理" in body["summary"]


async def test_explain_says_no_when_nothing_grants_it(org):
    admin = await auth(org, "admin")
    mgr_id = await user_id(org, admin, "market_mgr")
    sup = await unit_by_code(org, admin, "OPS-SUP")
    body = (await org.get("/api/org/authz/explain", headers=admin,
                          params={"user_id": mgr_id, "right": "plan", "unit_id": sup["id"]})).json()
    assert body["allowed"] is False and body["grants"] == []


async def test_people_may_ask_about_themselves_but_not_about_others(org):
    admin = await auth(org, "admin")
    mgr = await auth(org, "market_mgr")
    mgr_id, gm_id = await user_id(org, admin, "market_mgr"), await user_id(org, admin, "gm")
    company = await unit_by_code(org, admin, "HDGAS")
    own = await org.get("/api/org/authz/explain", headers=mgr,
                        params={"user_id": mgr_id, "right": "suggest", "unit_id": company["id"]})
    assert own.status_code == 200 and own.json()["allowed"] and own.json()["grants"][0]["scope"] == "superior"
    other = await org.get("/api/org/authz/explain", headers=mgr,
                          params={"user_id": gm_id, "right": "plan", "unit_id": company["id"]})
    assert other.status_code == 403
    bad = await org.get("/api/org/authz/explain", headers=mgr,
                        params={"user_id": mgr_id, "right": "rule", "unit_id": company["id"]})
    assert bad.status_code == 422


async def test_holders_lists_who_holds_a_right_where(org):
    admin = await auth(org, "admin")
    company = await unit_by_code(org, admin, "HDGAS")
    ops = await unit_by_code(org, admin, "OPS")
    everyone = (await org.get("/api/org/authz/holders", headers=admin,
                              params={"right": "plan", "unit_id": company["id"]})).json()
    assert {u["username"] for u in everyone} == {"gm", "ops_director"}
    in_ops = (await org.get("/api/org/authz/holders", headers=admin,
                            params={"right": "plan", "unit_id": company["id"], "held_in_unit_id": ops["id"]})).json()
    assert [u["username"] for u in in_ops] == ["ops_director"]
    assert (await org.get("/api/org/authz/holders", headers=await auth(org, "gm"),
                          params={"right": "plan", "unit_id": company["id"]})).status_code == 403
