"""Delegation windows: rights lent for a time, marked as delegated, audited."""

from datetime import UTC, datetime, timedelta

from tests.org.conftest import auth, sign_in, unit_by_code
from tests.org.test_signin import grants_of


def iso(dt: datetime) -> str:
    return dt.isoformat()


async def user_id(org, headers, username) -> int:
    users = (await org.get("/api/org/users", headers=headers, params={"q": username})).json()["items"]
    return next(u["id"] for u in users if u["username"] == username)


async def delegated(org, username) -> list[dict]:
    grants = grants_of((await sign_in(org, username))["access_token"])
    return [g for g in grants if g["via"].startswith("delegation:")]


async def test_delegated_rights_hold_only_inside_the_window_and_say_so(org):
    mgr = await auth(org, "market_mgr")
    admin = await auth(org, "admin")
    analyst_id = await user_id(org, admin, "analyst")
    mgr_id = await user_id(org, admin, "market_mgr")
    mkt = await unit_by_code(org, admin, "MKT")
    now = datetime.now(UTC)

    future = await org.post("/api/org/delegations", headers=mgr, json={
        "to_user_id": analyst_id, "starts_at": iso(now + timedelta(days=1)), "ends_at": iso(now + timedelta(days=3)),
        "rights": ["plan"], "reason": "出差"})
    assert future.status_code == 201 and future.json()["active"] is False
    assert await delegated(org, "analyst") == []

    current = await org.post("/api/org/delegations", headers=mgr, json={
        "to_user_id": analyst_id, "starts_at": iso(now - timedelta(minutes=1)),
        "ends_at": iso(now + timedelta(hours=2)), "rights": ["plan"], "reason": "休假"})
    assert current.status_code == 201 and current.json()["active"] is True
    lent = await delegated(org, "analyst")
    assert lent and all(g["right"] == "plan" for g in lent)
    assert lent[0]["unit_path"] == mkt["path"] and lent[0]["delegated_by"] == str(mgr_id)
    assert lent[0]["via"] == f"delegation:{current.json()['id']}"

    # revoked: gone from the next token, and both actions are in the audit
    assert (await org.delete(f"/api/org/delegations/{current.json()['id']}", headers=mgr)).status_code == 204
    assert await delegated(org, "analyst") == []
    actions = [e["action"] for e in (await org.get("/api/org/audit", headers=admin,
                                                   params={"subject_type": "delegation"})).json()["items"]]
    assert actions.count("delegation.created") == 2 and "delegation.revoked" in actions


async def test_an_expired_delegation_gives_nothing(org):
    admin = await auth(org, "admin")
    analyst_id = await user_id(org, admin, "analyst")
    mgr_id = await user_id(org, admin, "market_mgr")
    now = datetime.now(UTC)
    # admins may record a delegation on someone's behalf; this one ends in the past
    r = await org.post("/api/org/delegations", headers=admin, json={
        "from_user_id": mgr_id, "to_user_id": analyst_id, "starts_at": iso(now - timedelta(days=3)),
        "ends_at": iso(now - timedelta(days=1))})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "ends_at"


async def test_delegations_never_chain(org):
    admin = await auth(org, "admin")
    mgr = await auth(org, "market_mgr")
    analyst_id = await user_id(org, admin, "analyst")
    supply_id = await user_id(org, admin, "supply_head")
    now = datetime.now(UTC)
    window = {"starts_at": iso(now - timedelta(minutes=1)), "ends_at": iso(now + timedelta(hours=1))}
    assert (await org.post("/api/org/delegations", headers=mgr,
                           json={"to_user_id": analyst_id, **window})).status_code == 201
    # the analyst may not pass the manager's plan right on: they hold no plan right of their own
    analyst = await auth(org, "analyst")
    r = await org.post("/api/org/delegations", headers=analyst,
                       json={"to_user_id": supply_id, "rights": ["plan"], **window})
    assert r.status_code == 422


async def test_nobody_delegates_someone_elses_rights(org):
    admin = await auth(org, "admin")
    analyst = await auth(org, "analyst")
    gm_id, analyst_id = await user_id(org, admin, "gm"), await user_id(org, admin, "analyst")
    now = datetime.now(UTC)
    r = await org.post("/api/org/delegations", headers=analyst, json={
        "from_user_id": gm_id, "to_user_id": analyst_id, "starts_at": iso(now),
        "ends_at": iso(now + timedelta(days=1))})
    assert r.status_code == 403


async def test_a_window_must_end_after_it_starts(org):
    mgr = await auth(org, "market_mgr")
    now = datetime.now(UTC)
    r = await org.post("/api/org/delegations", headers=mgr, json={
        "to_user_id": 1, "starts_at": iso(now + timedelta(days=2)), "ends_at": iso(now + timedelta(days=1))})
    assert r.status_code == 422
