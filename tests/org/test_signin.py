"""Sign-in, tokens and the grants they carry."""

import asyncio
import base64
import json

from services.common.authz import Principal
from tests.org.conftest import DEMO_PASSWORD, auth, sign_in, unit_by_code
from tests.support import bearer


def claims_of(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def grants_of(token: str) -> list[dict]:
    """A token's grants as claim objects, whichever encoding org wrote (services.common.authz.grants_claims)."""
    return [g.to_claim() for g in Principal.from_claims(claims_of(token)).grants]


async def paths(org, headers) -> dict[str, str]:
    r = await org.get("/api/org/units", headers=headers, params={"limit": 500})
    return {u["code"]: u["path"] for u in r.json()["items"]}


async def test_every_demo_user_signs_in_with_grants_matching_the_documents(org):
    p = await paths(org, await auth(org, "admin"))
    expect = {
        # user: (right, unit code) pairs that must hold, and pairs that must not
        "gm": ([("plan", "HDGAS"), ("veto", "SZ-CS"), ("assess", "MKT-RES")], [("admin", "HDGAS")]),
        # heads of their units: their 'subordinates' are their own unit's members too (issue 14; they were not)
        "ops_director": ([("plan", "HDGAS"), ("veto", "MKT"), ("dispatch", "SZ"), ("suggest", "HDGAS"),
                          ("assess", "OPS-SUP"), ("guide", "OPS-CS"), ("assess", "OPS"), ("guide", "OPS")],
                         [("assess", "MKT"), ("guide", "FIN"), ("admin", "HDGAS")]),
        "market_mgr": ([("plan", "MKT"), ("plan", "MKT-RES"), ("suggest", "HDGAS"), ("assess", "MKT-PLN"),
                        ("assess", "MKT")],
                       [("plan", "OPS-SUP"), ("plan", "HDGAS"), ("assess", "OPS"), ("veto", "FIN")]),
        "branch_gm": ([("plan", "SZ"), ("dispatch", "SZ-SALES"), ("guide", "SZ-CS"), ("suggest", "HDGAS")],
                      [("plan", "HDGAS"), ("plan", "OPS")]),
        "supply_head": ([("plan", "OPS-SUP"), ("suggest", "OPS")], [("plan", "OPS"), ("plan", "OPS-DIS")]),
        "analyst": ([("view", "MKT-RES"), ("suggest", "MKT-RES"), ("suggest", "MKT")],
                    [("plan", "MKT-RES"), ("view", "MKT"), ("suggest", "HDGAS"), ("suggest", "OPS")]),
        "admin": ([("admin", "HDGAS"), ("admin", "SZ-CS")], [("plan", "HDGAS")]),
    }
    for username, (yes, no) in expect.items():
        tok = await sign_in(org, username)
        assert tok["token_type"] == "bearer" and tok["expires_in"] == 900 and tok["refresh_token"]
        principal = Principal.from_claims(claims_of(tok["access_token"]))
        for right, code in yes:
            assert principal.can(right, p[code]), f"{username} should hold {right} over {code}"
        for right, code in no:
            assert not principal.can(right, p[code]), f"{username} should not hold {right} over {code}"


async def test_operations_director_grant_is_held_in_operations_department(org):
    p = await paths(org, await auth(org, "admin"))
    ops = Principal.from_claims(claims_of((await sign_in(org, "ops_director"))["access_token"]))
    gm = Principal.from_claims(claims_of((await sign_in(org, "gm"))["access_token"]))
    assert ops.can("plan", p["HDGAS"], held_in=p["OPS"])
    assert gm.can("plan", p["HDGAS"]) and not gm.can("plan", p["HDGAS"], held_in=p["OPS"])


async def test_wrong_password_and_unknown_user_get_the_same_answer(org):
    wrong = await org.post("/api/org/auth/token", data={"grant_type": "password", "username": "gm", "password": "x"})
    unknown = await org.post("/api/org/auth/token",
                             data={"grant_type": "password", "username": "nobody", "password": "x"})
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.json()["error"] == "invalid_grant"


async def test_repeated_failures_lock_a_username_whether_or_not_it_exists(org):
    # the org fixture allows 3 failures per minute
    for username in ("gm", "ghost"):
        for _ in range(3):
            r = await org.post("/api/org/auth/token",
                               data={"grant_type": "password", "username": username, "password": "bad"})
            assert r.status_code == 400
        locked = await org.post("/api/org/auth/token",
                                data={"grant_type": "password", "username": username, "password": DEMO_PASSWORD})
        assert locked.status_code == 429
        assert 1 <= int(locked.headers["retry-after"]) <= 61
    # another username is unaffected
    assert (await sign_in(org, "analyst"))["access_token"]


async def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_family(org):
    first = await sign_in(org, "market_mgr")
    r = await org.post("/api/org/auth/token", data={"grant_type": "refresh_token",
                                                    "refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    # an attacker replays the first token: refused, and the whole family is revoked
    replay = await org.post("/api/org/auth/token", data={"grant_type": "refresh_token",
                                                         "refresh_token": first["refresh_token"]})
    assert replay.status_code == 400 and replay.json()["reuse_detected"] is True
    after = await org.post("/api/org/auth/token", data={"grant_type": "refresh_token",
                                                        "refresh_token": second["refresh_token"]})
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"


async def test_concurrent_refreshes_with_one_token_give_at_most_one_new_pair(org):
    tok = await sign_in(org, "gm")
    results = await asyncio.gather(*[
        org.post("/api/org/auth/token", data={"grant_type": "refresh_token", "refresh_token": tok["refresh_token"]})
        for _ in range(3)])
    assert sum(r.status_code == 200 for r in results) <= 1


async def test_revoke_ends_the_refresh_token_family(org):
    tok = await sign_in(org, "gm")
    r = await org.post("/api/org/auth/revoke", data={"token": tok["refresh_token"]})
    assert r.status_code == 200
    again = await org.post("/api/org/auth/token", data={"grant_type": "refresh_token",
                                                        "refresh_token": tok["refresh_token"]})
    assert again.status_code == 400
    # unknown tokens answer 200 too (RFC 7009), revealing nothing
    assert (await org.post("/api/org/auth/revoke", data={"token": "nonsense"})).status_code == 200


async def test_client_credentials_carry_only_the_grants_an_admin_gave(org):
    admin = await auth(org, "admin")
    fin = await unit_by_code(org, admin, "FIN")
    sup = await unit_by_code(org, admin, "OPS-SUP")
    r = await org.post("/api/org/clients", headers=admin, json={
        "client_id": "erp", "name": "ERP 系统", "grants": [{"right": "plan", "unit_id": fin["id"], "mode": "subtree"}]})
    assert r.status_code == 201
    secret = r.json()["client_secret"]
    tok = await org.post("/api/org/auth/token", data={"grant_type": "client_credentials", "client_id": "erp",
                                                      "client_secret": secret})
    assert tok.status_code == 200 and "refresh_token" not in tok.json()
    principal = Principal.from_claims(claims_of(tok.json()["access_token"]))
    assert principal.kind == "client" and principal.sub == "client:erp"
    assert principal.can("plan", fin["path"]) and not principal.can("plan", sup["path"])
    # HTTP Basic works too; a wrong secret does not
    basic = base64.b64encode(f"erp:{secret}".encode()).decode()
    assert (await org.post("/api/org/auth/token", data={"grant_type": "client_credentials"},
                           headers={"Authorization": f"Basic {basic}"})).status_code == 200
    bad = await org.post("/api/org/auth/token", data={"grant_type": "client_credentials", "client_id": "erp",
                                                      "client_secret": "wrong"})
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"
    # a disabled client is refused
    p = await org.patch(f"/api/org/clients/{r.json()['id']}", headers=admin, json={"active": False})
    assert p.status_code == 200 and p.json()["active"] is False, p.text
    off = await org.post("/api/org/auth/token", data={"grant_type": "client_credentials", "client_id": "erp",
                                                      "client_secret": secret})
    assert off.status_code == 401


async def test_unknown_grant_type_is_refused_with_a_problem(org):
    r = await org.post("/api/org/auth/token", data={"grant_type": "implicit"})
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    missing = await org.post("/api/org/auth/token", data={})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "grant_type"


async def test_key_rotation_keeps_earlier_tokens_valid_and_signs_new_ones_with_the_new_key(org):
    admin = await auth(org, "admin")
    old_kid = (await org.get("/api/org/.well-known/jwks.json")).json()["keys"][-1]["kid"]
    r = await org.post("/api/org/keys/rotate", headers=admin)
    assert r.status_code == 200 and r.json()["kid"] != old_kid
    kids = [k["kid"] for k in (await org.get("/api/org/.well-known/jwks.json")).json()["keys"]]
    assert old_kid in kids and r.json()["kid"] in kids
    assert (await org.get("/api/org/me", headers=admin)).status_code == 200  # signed with the old key
    new = (await sign_in(org, "gm"))["access_token"]
    header = json.loads(base64.urlsafe_b64decode(new.split(".")[0] + "=="))
    assert header["kid"] == r.json()["kid"] and header["alg"] == "RS256"
    assert (await org.get("/api/org/me", headers=bearer(new))).status_code == 200


async def test_me_lists_positions_and_grants(org):
    r = await org.get("/api/org/me", headers=await auth(org, "supply_head"))
    body = r.json()
    assert body["user"]["username"] == "supply_head"
    assert [p["unit_name"] for p in body["positions"]] == ["供应科"]
    assert {"plan", "suggest", "view"} <= {g["right"] for g in body["grants"]}


async def test_a_replica_picks_up_a_key_rotated_elsewhere(org):
    from services.org.auth.signing import KeyStore

    other = KeyStore()  # a second org replica on the same database
    async with org.app.state.db.writer() as s:
        await other.load(s)
    assert other.active.kid == org.app.state.keys.active.kid
    admin = await auth(org, "admin")
    new_kid = (await org.post("/api/org/keys/rotate", headers=admin)).json()["kid"]
    async with org.app.state.db.reader() as s:
        assert await other.reload(s) is True
        assert await other.reload(s) is False
    assert other.active.kid == new_kid and other.keyset.get(new_kid) is not None
