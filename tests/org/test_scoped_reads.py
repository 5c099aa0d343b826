"""Reading users and positions follows one visibility: who cannot see someone in the list gets 404 for them."""

from tests.org.conftest import auth


async def test_a_user_or_position_outside_what_you_may_view_is_not_found_as_in_the_lists(org):
    admin = await auth(org, "admin")
    users = {u["username"]: u for u in (await org.get("/api/org/users", headers=admin)).json()["items"]}
    positions = {p["title"]: p for p in (await org.get("/api/org/positions", headers=admin,
                                                        params={"limit": 500})).json()["items"]}
    assert {"总经理", "市场部经理", "市场调研专员", "供应科主管"} <= set(positions)
    for username, sees_users, sees_positions in (
            ("analyst", {"analyst"}, {"市场调研专员"}),
            ("market_mgr", {"market_mgr", "analyst"}, {"市场部经理", "市场调研专员"}),
            ("supply_head", {"supply_head"}, {"供应科主管"})):
        headers = await auth(org, username)
        listed = {u["username"] for u in (await org.get("/api/org/users", headers=headers)).json()["items"]}
        assert listed == sees_users, username
        listed_pos = {p["title"] for p in (await org.get("/api/org/positions", headers=headers)).json()["items"]}
        assert listed_pos == sees_positions, username
        for name, u in users.items():
            r = await org.get(f"/api/org/users/{u['id']}", headers=headers)
            assert r.status_code == (200 if name in sees_users else 404), (username, name)
        for title, p in positions.items():
            r = await org.get(f"/api/org/positions/{p['id']}", headers=headers)
            assert r.status_code == (200 if title in sees_positions else 404), (username, title)
    hidden = await org.get(f"/api/org/users/{users['gm']['id']}", headers=await auth(org, "analyst"))
    missing = await org.get("/api/org/users/9999", headers=await auth(org, "analyst"))
    assert hidden.json()["detail"] == f"There is no user with id {users['gm']['id']}."
    assert missing.status_code == 404
    # the general manager views the whole company
    gm = await auth(org, "gm")
    visible = (await org.get("/api/org/positions", headers=gm, params={"limit": 500})).json()["items"]
    assert len(visible) == len(positions)
    assert (await org.get(f"/api/org/users/{users['analyst']['id']}", headers=gm)).status_code == 200
