"""The edge check: which requests the gateway refuses before any service sees them."""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest

from gateway.auth import TokenCache
from services.common.tokens import JwksCache, KeySet, SigningKey


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _problem(r, status: int = 401) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["type"].startswith("https://yunguan.dev/problems/")
    assert body["title"] and body["detail"]
    return body


def _refused_tokens(make_token, signing_key):
    now = int(time.time())
    other_key = SigningKey.generate(kid=signing_key.kid)  # same kid, different key: forged
    header = _b64({"alg": "none", "typ": "JWT", "kid": signing_key.kid})
    claims = _b64({"sub": "1", "iss": "yunguan-org", "aud": "yunguan", "exp": now + 600})
    return {
        "garbage": "not-a-token",
        "three-garbage-segments": "abc.def.ghi",
        "expired": make_token(exp=now - 3600, iat=now - 4000),
        "wrong-audience": make_token(aud="someone-else"),
        "wrong-issuer": make_token(iss="evil-org"),
        "alg-none": f"{header}.{claims}.",
        "forged-signature": make_token(key=other_key),
        "unknown-key": make_token(key=SigningKey.generate()),
        "refresh-token": make_token(typ="refresh"),
        "no-subject": make_token(sub=None),
    }


@pytest.mark.parametrize("case", ["garbage", "three-garbage-segments", "expired", "wrong-audience",
                                  "wrong-issuer", "alg-none", "forged-signature", "unknown-key",
                                  "refresh-token", "no-subject"])
async def test_untrustworthy_token_is_refused_at_the_edge(case, start_gateway, client, make_token,
                                                          signing_key, upstreams):
    gw = await start_gateway()
    token = _refused_tokens(make_token, signing_key)[case]
    marker = f"/api/planning/refused-{uuid.uuid4().hex}"
    r = await client.get(f"{gw}{marker}", headers={"Authorization": f"Bearer {token}"})
    body = _problem(r)
    assert body["type"].endswith("/unauthorized")
    assert body["detail"].startswith("The access token was refused")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.headers["x-request-id"]
    echo, _ = upstreams["planning"]
    assert all(req["path"] != marker for req in echo.requests)  # never reached the service


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic dXNlcjpwdw==", "Token abc"])
async def test_missing_bearer_token_is_refused_with_401(header, start_gateway, client):
    gw = await start_gateway()
    headers = {} if header is None else {"Authorization": header}
    body = _problem(await client.get(f"{gw}/api/kpi/indicators", headers=headers))
    assert body["detail"].startswith("Sign in first")
    assert body["instance"] == "/api/kpi/indicators"


async def test_valid_token_passes_and_reaches_the_service(start_gateway, client, make_token):
    gw = await start_gateway()
    r = await client.get(f"{gw}/api/org/units", headers={"Authorization": f"bearer {make_token('42')}"})
    assert r.status_code == 200
    assert r.json()["path"] == "/api/org/units"


@pytest.mark.parametrize("method,path", [
    ("POST", "/api/org/auth/token"), ("POST", "/api/org/auth/revoke"),
    ("GET", "/api/org/.well-known/jwks.json"), ("GET", "/api/planning/openapi.json"),
    ("GET", "/api/kpi/docs"), ("GET", "/api/org/healthz"),
    ("GET", "/healthz"), ("GET", "/api/openapi.json"), ("GET", "/api/docs"),
    ("GET", "/"), ("GET", "/plans/42"),
    # SCIM 2.0: org checks its own SCIM tokens on the whole tree
    ("GET", "/api/org/scim/v2/Users"), ("PATCH", "/api/org/scim/v2/Users/7"),
    ("POST", "/api/org/scim/v2/Users/.search"),
    ("GET", "/api/org/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"),
    ("GET", "/api/org/auth/sso/corp-idp/start"),
])
async def test_public_paths_need_no_token(method, path, start_gateway, client):
    gw = await start_gateway()
    r = await client.request(method, f"{gw}{path}")
    assert r.status_code == 200, (path, r.status_code, r.text[:200])


async def test_protected_path_below_a_public_one_still_needs_a_token(start_gateway, client):
    gw = await start_gateway()
    for path in ("/api/org/auth/token/extra", "/api/org/auth/tokens", "/api/planning/openapi.json/../audit",
                 "/api/org/auth/token%2F..%2F..%2Fusers", "/api/org/scim/v2", "/api/org/scim/v2x/Users",
                 "/api/org/scim/v2/../users", "/api/org/auth/sso/a/b/start"):
        assert (await client.get(f"{gw}{path}")).status_code == 401, path


async def test_keys_are_fetched_from_the_jwks_url(start_gateway, client, make_token, signing_key, upstreams):
    org, org_url = upstreams["org"]
    org.jwks = {"keys": [signing_key.public_jwk()]}
    gw = await start_gateway(jwks=None, jwks_url=f"{org_url}/api/org/.well-known/jwks.json")
    ok = await client.get(f"{gw}/api/planning/x", headers={"Authorization": f"Bearer {make_token()}"})
    assert ok.status_code == 200
    stranger = make_token(key=SigningKey.generate())
    _problem(await client.get(f"{gw}/api/planning/x", headers={"Authorization": f"Bearer {stranger}"}))


async def test_unreachable_signing_keys_answer_503_not_401(start_gateway, client, make_token, refused_port):
    gw = await start_gateway(jwks=None, jwks_url=f"http://127.0.0.1:{refused_port}/jwks.json")
    body = _problem(await client.get(f"{gw}/api/planning/x", headers={"Authorization": f"Bearer {make_token()}"}),
                    503)
    assert body["type"].endswith("/auth-unavailable")


class CountingJwks(JwksCache):
    def __init__(self, keys: KeySet):
        static = JwksCache.static(keys)
        super().__init__(static._fetch, ttl=float("inf"), min_refresh=float("inf"))
        self._keys, self._fetched_at = static._keys, static._fetched_at
        self.calls = 0

    async def verify(self, token, **kw):
        self.calls += 1
        return await super().verify(token, **kw)


async def test_a_verified_token_is_not_verified_again_on_the_next_request(start_gateway, client, make_token,
                                                                        signing_key):
    jwks = CountingJwks(KeySet.of(signing_key))
    gw = await start_gateway(jwks=jwks)
    token = make_token("7")
    for _ in range(5):
        r = await client.get(f"{gw}/api/kpi/x", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200
    assert jwks.calls == 1
    await client.get(f"{gw}/api/kpi/x", headers={"Authorization": f"Bearer {make_token('8')}"})
    assert jwks.calls == 2


def test_token_cache_never_answers_at_or_after_exp():
    now = [1000.0]
    cache = TokenCache(size=10, clock=lambda: now[0])
    cache.put(b"t", "alice", exp=1010.0)
    assert cache.get(b"t") == "alice"
    now[0] = 1009.9
    assert cache.get(b"t") == "alice"
    now[0] = 1010.0
    assert cache.get(b"t") is None
    assert len(cache) == 0
    cache.put(b"old", "bob", exp=999.0)  # already expired: never stored
    assert cache.get(b"old") is None


def test_token_cache_is_bounded_and_evicts_the_least_recently_used():
    cache = TokenCache(size=3, clock=lambda: 0.0)
    for t in (b"a", b"b", b"c"):
        cache.put(t, t.decode(), exp=100.0)
    assert cache.get(b"a") == "a"  # a is now the most recently used
    cache.put(b"d", "d", exp=100.0)
    assert len(cache) == 3
    assert cache.get(b"b") is None
    assert [cache.get(t) for t in (b"a", b"c", b"d")] == ["a", "c", "d"]


async def test_every_shared_forged_token_is_refused_even_after_the_real_one_was_cached(
        start_gateway, client, signing_key, upstreams):
    from tests.attacks import claims, forged_tokens

    gw = await start_gateway()
    real = signing_key.sign(claims(grants=[]))  # so "tampered grants" really differs from it
    # The real token is verified once and cached; a tampered copy must not ride on that.
    assert (await client.get(f"{gw}/api/planning/x", headers={"Authorization": f"Bearer {real}"})).status_code == 200
    echo, _ = upstreams["planning"]
    for name, token in forged_tokens(signing_key, real).items():
        marker = f"/api/planning/forged-{uuid.uuid4().hex}"
        r = await client.get(f"{gw}{marker}", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, (name, r.status_code, r.text)
        assert all(req["path"] != marker for req in echo.requests), name
