"""The gateway's own defences: security headers, a client address that X-Forwarded-For cannot
fake, tight sign-in limits, and metrics that are not public."""

from __future__ import annotations

import httpx

from gateway.ratelimit import ClientAddress

TOKEN_PATH = "/api/org/auth/token"


def signin_attempts(upstreams) -> int:
    org, _ = upstreams["org"]
    return sum(1 for r in org.requests if r["path"] == TOKEN_PATH)


async def test_every_answer_carries_security_headers(start_gateway, client, make_token, tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>运管</title>")
    gw = await start_gateway(spa_dir=tmp_path)
    spa = await client.get(f"{gw}/plans/1")
    assert spa.status_code == 200
    csp = spa.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert spa.headers["x-frame-options"] == "DENY"
    docs = await client.get(f"{gw}/api/docs")
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    for r in (await client.get(f"{gw}/api/planning/x", headers={"Authorization": f"Bearer {make_token()}"}),
              await client.get(f"{gw}/api/planning/x"),  # the gateway's own 401
              await client.get(f"{gw}/api/nothing-here"), spa, docs):
        assert r.headers["x-content-type-options"] == "nosniff", r.url
        assert r.headers["referrer-policy"] == "no-referrer", r.url
        assert len(r.headers.get_list("content-security-policy")) == 1, r.url
    api = await client.get(f"{gw}/api/planning/x", headers={"Authorization": f"Bearer {make_token()}"})
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


async def test_a_spoofed_x_forwarded_for_buys_no_fresh_bucket(start_gateway, client):
    gw = await start_gateway(rate_limit_rps=0.01, rate_limit_burst=2)
    statuses = [(await client.get(f"{gw}/api/org/x", headers={"X-Forwarded-For": f"198.51.100.{i}"})).status_code
                for i in range(4)]
    assert statuses[:2] == [401, 401] and statuses[2:] == [429, 429]


async def test_behind_a_configured_proxy_each_forwarded_client_has_its_own_bucket(start_gateway, client):
    gw = await start_gateway(rate_limit_rps=0.01, rate_limit_burst=1, trusted_proxies=["127.0.0.1"])
    first = await client.get(f"{gw}/api/org/x", headers={"X-Forwarded-For": "198.51.100.1"})
    other = await client.get(f"{gw}/api/org/x", headers={"X-Forwarded-For": "198.51.100.2"})
    again = await client.get(f"{gw}/api/org/x", headers={"X-Forwarded-For": "198.51.100.1"})
    # a client cannot hide behind a made-up hop in front of the real one: the proxy appended the real one
    hidden = await client.get(f"{gw}/api/org/x", headers={"X-Forwarded-For": "10.9.9.9, 198.51.100.1"})
    assert [first.status_code, other.status_code, again.status_code, hidden.status_code] == [401, 401, 429, 429]


def test_the_client_is_the_rightmost_address_not_written_by_a_trusted_proxy():
    addresses = ClientAddress(["10.0.0.0/8", "127.0.0.1"])
    assert addresses.of("127.0.0.1", b"203.0.113.9, 10.1.2.3") == "203.0.113.9"
    assert addresses.of("127.0.0.1", b"6.6.6.6, 203.0.113.9") == "203.0.113.9"
    assert addresses.of("198.51.100.7", b"203.0.113.9") == "198.51.100.7"  # not a proxy of ours
    assert addresses.of("127.0.0.1", b"not-an-address, 10.1.1.1") == "not-an-address"
    assert ClientAddress([]).of("127.0.0.1", b"203.0.113.9") == "127.0.0.1"


async def test_password_attempts_from_one_address_are_limited_before_org_hashes_them(start_gateway, upstreams):
    gw = await start_gateway(signin_rate_per_address=0.01, signin_burst_per_address=3)
    before = signin_attempts(upstreams)
    async with httpx.AsyncClient() as c:
        answers = [await c.post(f"{gw}{TOKEN_PATH}", data={"grant_type": "password", "username": f"u{i}",
                                                           "password": "wrong"}) for i in range(5)]
        assert [r.status_code for r in answers] == [400, 400, 400, 429, 429]
        assert int(answers[3].headers["retry-after"]) >= 1
        assert answers[3].headers["content-type"] == "application/problem+json"
        # refreshing a session costs org no password hash and is not held back
        refresh = await c.post(f"{gw}{TOKEN_PATH}", data={"grant_type": "refresh_token", "refresh_token": "r"})
        assert refresh.status_code == 200
    assert signin_attempts(upstreams) - before == 4


async def test_failed_passwords_for_one_username_are_limited_whatever_the_address(start_gateway, upstreams):
    gw = await start_gateway(signin_failure_burst=2, signin_failures_per_minute=0.1, trusted_proxies=["127.0.0.1"])
    async with httpx.AsyncClient() as c:
        async def attempt(user: str, password: str, address: str) -> int:
            return (await c.post(f"{gw}{TOKEN_PATH}", headers={"X-Forwarded-For": address},
                                 data={"grant_type": "password", "username": user, "password": password})).status_code

        assert await attempt("alice", "wrong", "198.51.100.1") == 400
        assert await attempt("Alice", "wrong", "198.51.100.2") == 400
        assert await attempt("alice", "wrong", "198.51.100.3") == 429
        assert await attempt("alice", "Right@2026", "198.51.100.4") == 429  # held until the bucket refills
        assert await attempt("bob", "Right@2026", "198.51.100.5") == 200
        assert await attempt("bob", "wrong", "198.51.100.6") == 400


async def test_an_oversized_sign_in_form_is_refused_without_reaching_org(start_gateway, upstreams):
    gw = await start_gateway()
    before = signin_attempts(upstreams)
    async with httpx.AsyncClient() as c:
        r = await c.post(f"{gw}{TOKEN_PATH}", content=b"grant_type=password&username=" + b"a" * 20_000,
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413
    assert signin_attempts(upstreams) == before


async def test_the_edge_refuses_a_revoked_subject_even_for_a_token_it_already_verified(signing_key, make_token):
    import pytest

    from gateway.auth import AuthRefused, EdgeAuth, TokenCache
    from services.common.revocation import Revocations
    from services.common.tokens import JwksCache, KeySet

    auth = EdgeAuth(JwksCache.static(KeySet.of(signing_key)), issuer="yunguan-org", audience="yunguan",
                    cache=TokenCache(), revocations=Revocations.static(["7"]))
    with pytest.raises(AuthRefused, match="deactivated"):
        await auth.subject(f"Bearer {make_token('7')}".encode())
    eight = f"Bearer {make_token('8')}".encode()
    assert await auth.subject(eight) == "8"
    auth.revocations = Revocations.static(["8"])  # the next refresh lists 8: its cached token goes too
    with pytest.raises(AuthRefused):
        await auth.subject(eight)
