"""Signing in through a real OpenID Connect provider (panva/oidc-provider, OpenID-certified, run by node
from tests/oidc on loopback): authorization code + PKCE, the SPA hand-off, linking, just-in-time users,
an account disabled at the provider losing its Yunguan session at the next refresh, refused tokens and
states, require-SSO, logout, and the providers' admin API."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import json
import re
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from jose import jwk, jwt
from sqlalchemy import select, update

from services.org.app import create_app
from services.org.identity import oidc
from services.org.models import AuditEntry, IdentityProvider, RefreshToken, SsoLogin, SsoSession
from tests.org.conftest import DEMO_PASSWORD, seeded
from tests.support import bearer, free_port, serve, settings

OIDC_DIR = Path(__file__).resolve().parents[1] / "oidc"
CLIENT_ID = "yunguan-web"
CLIENT_SECRET = "idp-client-secret-0123456789-abcdefghijklmnop"
KEY = "corp"
SSO_GRANT = "urn:yunguan:sso-code"


class Idp:
    """The running provider: its issuer, and its accounts (a JSON file it reads on every lookup)."""

    def __init__(self, issuer: str, accounts_file: Path) -> None:
        self.issuer = issuer
        self.accounts_file = accounts_file

    def set_accounts(self, accounts: list[dict[str, Any]]) -> None:
        self.accounts_file.write_text(json.dumps(accounts))

    def disable(self, sub: str) -> None:
        accounts = json.loads(self.accounts_file.read_text())
        for a in accounts:
            if a["sub"] == sub:
                a["enabled"] = False
        self.set_accounts(accounts)


@contextlib.asynccontextmanager
async def running_idp(tmp_path: Path, *, org_url: str, accounts: list[dict[str, Any]]):
    node = shutil.which("node")
    if node is None or not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the test OIDC provider needs node and `npm ci --prefix tests/oidc` (make test does both)")
    port = free_port()
    accounts_file = tmp_path / "idp-accounts.json"
    accounts_file.write_text(json.dumps(accounts))
    config = tmp_path / "idp-config.json"
    config.write_text(json.dumps({
        "port": port, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{org_url}/api/org/auth/sso/{KEY}/callback"],
        "post_logout_redirect_uris": [f"{org_url}/login"],
        "backchannel_logout_uri": f"{org_url}/api/org/auth/sso/{KEY}/backchannel-logout",
        "accounts_file": str(accounts_file)}))
    log = (tmp_path / "idp.log").open("w")  # the provider's warnings and errors, for a failing test's reader
    proc = await asyncio.create_subprocess_exec(node, str(OIDC_DIR / "provider.mjs"), str(config),
                                                stdout=asyncio.subprocess.PIPE, stderr=log)
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), timeout=20)).decode()
        assert line.startswith("ready "), f"the provider did not start: {line!r}"
        yield Idp(line.split()[1], accounts_file)
    finally:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout=10)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        log.close()


PEOPLE = [
    {"sub": "idp-zhang", "email": "market_mgr@hdgas.example", "name": "张市场部经理", "enabled": True},
    {"sub": "idp-newcomer", "email": "newcomer@hdgas.example", "name": "新同事", "enabled": True},
    {"sub": "idp-li", "email": "li@hdgas.example", "name": "李新人", "enabled": True},
]


@pytest.fixture
async def sso(databases, tmp_path):
    """org (demo company) served on a real port, the provider beside it, and the provider registered."""
    port = free_port()
    org_url = f"http://127.0.0.1:{port}"
    app = create_app(settings("org", await databases.fresh("org", seeded), demo=True, public_url=org_url,
                              org_url=org_url))
    async with serve(app, port=port), running_idp(tmp_path, org_url=org_url, accounts=PEOPLE) as idp, \
            httpx.AsyncClient(base_url=org_url, timeout=30) as client:
        admin = await password_token(client, "admin")
        r = await client.post("/api/org/identity-providers", headers=bearer(admin["access_token"]), json={
            "key": KEY, "kind": "oidc", "name": "集团统一身份认证", "issuer": idp.issuer, "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET, "scopes": ["openid", "email", "profile"], "link_claim": "email",
            "jit": True})
        assert r.status_code == 201, r.text
        yield Sso(client, idp, app, org_url, admin_headers=bearer(admin["access_token"]), provider=r.json())


class Sso:
    def __init__(self, org: httpx.AsyncClient, idp: Idp, app, org_url: str, *, admin_headers: dict[str, str],
                 provider: dict[str, Any]) -> None:
        self.org, self.idp, self.app, self.org_url = org, idp, app, org_url
        self.admin_headers, self.provider = admin_headers, provider

    def db(self):
        return self.app.state.runtime.db.writer()

    async def browse(self, browser: httpx.AsyncClient, url: str, *, login: str,
                     stop_at_callback: bool = False) -> str:
        """Follow redirects as a browser would, filling in the provider's login and consent forms; the URL
        the browser lands on at the SPA (/login/sso?…), or the callback URL when asked to stop there."""
        for _ in range(30):
            target = httpx.URL(url)
            if target.path == "/login/sso":
                return url
            if stop_at_callback and target.path.endswith("/callback"):
                return url
            r = await browser.get(url)
            if r.status_code in (302, 303):
                url = str(target.join(r.headers["location"]))
                continue
            assert r.status_code == 200, f"{url}: {r.status_code} {r.text[:300]}"
            action = re.search(r'<form[^>]*action="([^"]+)"', r.text)
            prompt = re.search(r'name="prompt" value="(\w+)"', r.text)
            assert action and prompt, r.text[:500]
            form = {"prompt": prompt.group(1)}
            if prompt.group(1) == "login":
                form.update(login=login, password="any")
            r = await browser.post(str(target.join(action.group(1))), data=form)
            assert r.status_code in (302, 303), r.text[:300]
            url = str(target.join(r.headers["location"]))
        raise AssertionError("too many redirects")

    async def sign_in(self, login: str, *, redirect: str = "/inbox") -> str:
        """The SPA's landing URL after signing in at the provider as ``login`` (a fresh browser)."""
        async with httpx.AsyncClient(timeout=30) as browser:
            return await self.browse(browser, f"{self.org_url}/api/org/auth/sso/{KEY}/start?redirect={redirect}",
                                     login=login)

    async def exchange(self, landing: str) -> httpx.Response:
        code = httpx.URL(landing).params["code"]
        return await self.org.post("/api/org/auth/token", data={"grant_type": SSO_GRANT, "code": code})


async def password_token(client: httpx.AsyncClient, username: str) -> dict:
    r = await client.post("/api/org/auth/token", data={"grant_type": "password", "username": username,
                                                       "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()


def params(url: str) -> dict[str, str]:
    return dict(httpx.URL(url).params)


# --- (a) linking by e-mail, with the grants of the positions ------------------------------------------------


async def test_person_matching_market_mgr_by_email_lands_as_market_mgr_with_plan_over_the_market_department(sso):
    landing = await sso.sign_in("idp-zhang", redirect="/inbox")
    assert httpx.URL(landing).path == "/login/sso" and params(landing)["redirect"] == "/inbox"
    assert "access_token" not in landing and "refresh_token" not in landing  # never tokens in a URL
    r = await sso.exchange(landing)
    assert r.status_code == 200, r.text
    tokens = r.json()
    me = (await sso.org.get("/api/org/me", headers=bearer(tokens["access_token"]))).json()
    assert me["user"]["username"] == "market_mgr"
    units = {u["code"]: u["path"] for u in (await sso.org.get(
        "/api/org/units", headers=sso.admin_headers, params={"limit": 500})).json()["items"]}
    assert any(g["right"] == "plan" and g["unit_path"] == units["MKT"] for g in me["grants"])
    # the code is single use
    again = await sso.exchange(landing)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    # a refresh while the account is enabled at the provider works (the provider refreshes too)
    r = await sso.org.post("/api/org/auth/token", data={"grant_type": "refresh_token",
                                                        "refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200, r.text


# --- (b) just in time, or refused ------------------------------------------------------------------------------


async def test_unknown_person_is_created_just_in_time_without_any_grant(sso):
    r = await sso.exchange(await sso.sign_in("idp-newcomer"))
    assert r.status_code == 200, r.text
    me = (await sso.org.get("/api/org/me", headers=bearer(r.json()["access_token"]))).json()
    assert me["user"]["email"] == "newcomer@hdgas.example" and me["user"]["display_name"] == "新同事"
    assert me["grants"] == [] and me["positions"] == []


async def test_unknown_person_is_refused_in_chinese_when_just_in_time_creation_is_off(sso):
    etag = f'"identity_provider-{sso.provider["id"]}-v{sso.provider["version"]}"'
    r = await sso.org.patch(f"/api/org/identity-providers/{sso.provider['id']}", json={"jit": False},
                            headers={**sso.admin_headers, "If-Match": etag})
    assert r.status_code == 200, r.text
    landing = await sso.sign_in("idp-li")
    assert "code" not in params(landing)
    assert "没有与该集团统一身份认证账号对应的运管账号" in params(landing)["error"]


# --- (c) disabled at the provider: out at the next refresh ------------------------------------------------------


async def test_account_disabled_at_the_provider_is_refused_at_the_next_refresh_and_its_family_revoked(sso):
    tokens = (await sso.exchange(await sso.sign_in("idp-zhang"))).json()
    sso.idp.disable("idp-zhang")
    r = await sso.org.post("/api/org/auth/token", data={"grant_type": "refresh_token",
                                                        "refresh_token": tokens["refresh_token"]})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant", r.text
    async with sso.db() as session:
        family = (await session.execute(select(SsoSession))).scalars().one().family_id
        rows = (await session.execute(select(RefreshToken).where(RefreshToken.family_id == family))).scalars().all()
        assert rows and all(t.revoked_at is not None for t in rows)
    # and signing in again at the provider is no longer possible either
    async with httpx.AsyncClient(timeout=30) as browser:
        with pytest.raises(AssertionError):
            await sso.browse(browser, f"{sso.org_url}/api/org/auth/sso/{KEY}/start", login="idp-zhang")


# --- (d) what is refused: a reused state, a wrong nonce, another audience, HS256 --------------------------------


async def test_a_state_is_used_once(sso):
    async with httpx.AsyncClient(timeout=30) as browser:
        callback = await sso.browse(browser, f"{sso.org_url}/api/org/auth/sso/{KEY}/start", login="idp-zhang",
                                    stop_at_callback=True)
        first = await browser.get(callback)
        assert "code" in params(first.headers["location"])
        replay = await browser.get(callback)
        assert replay.status_code == 302
        assert "登录请求已失效或已被使用" in params(replay.headers["location"])["error"]


async def test_an_id_token_with_another_nonce_is_refused(sso):
    async with httpx.AsyncClient(timeout=30) as browser:
        callback = await sso.browse(browser, f"{sso.org_url}/api/org/auth/sso/{KEY}/start", login="idp-zhang",
                                    stop_at_callback=True)
        async with sso.db() as session:
            await session.execute(update(SsoLogin).values(nonce="not-the-nonce-sent"))
            await session.commit()
        r = await browser.get(callback)
        assert "nonce 不符" in params(r.headers["location"])["error"]


async def test_an_absolute_redirect_is_refused_at_the_start(sso):
    for bad in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        r = await sso.org.get(f"/api/org/auth/sso/{KEY}/start", params={"redirect": bad})
        assert r.status_code == 422, (bad, r.text)


async def test_an_unknown_or_unreachable_provider_sends_the_browser_back_with_the_reason(sso):
    r = await sso.org.get("/api/org/auth/sso/nobody/start")
    assert r.status_code == 302 and "没有已启用的单点登录身份源" in params(r.headers["location"])["error"]


class LocalKeys:
    """An RSA key published as a JWKS (seeded in the validator's cache) to sign test tokens with."""

    def __init__(self, issuer: str) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()).decode()
        self.public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        public = jwk.construct(self.public_pem, "RS256").to_dict()
        self.meta = {"issuer": issuer, "jwks_uri": f"{issuer}/local-test-jwks"}
        oidc._jwks[self.meta["jwks_uri"]] = oidc._Cached({"keys": [{**public, "kid": "k1", "use": "sig"}]},
                                                         time.monotonic())

    def sign(self, claims: dict[str, Any], *, alg: str = "RS256") -> str:
        key = self.private_pem if alg == "RS256" else self.public_pem
        return jwt.encode(claims, key, algorithm=alg, headers={"kid": "k1"})


def hs256_by_hand(claims: dict[str, Any], secret: bytes) -> str:
    # python-jose refuses to HMAC with a PEM key (good), so an attacker's token is built by hand
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'kid': 'k1'}).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


async def test_id_tokens_for_another_audience_or_signed_with_hs256_are_refused(sso):
    provider = IdentityProvider(key=KEY, kind="oidc", name="x", issuer="https://idp.test", client_id=CLIENT_ID)
    keys = LocalKeys("https://idp.test")
    now = int(time.time())
    good = {"iss": "https://idp.test", "aud": CLIENT_ID, "sub": "s1", "iat": now, "exp": now + 300, "nonce": "n1"}
    claims = await oidc._validate(keys.meta, provider, keys.sign(good), nonce="n1")
    assert claims["sub"] == "s1"  # the same checks accept a proper token
    refused = {
        "another audience": keys.sign({**good, "aud": "some-other-app"}),
        "another issuer": keys.sign({**good, "iss": "https://evil.test"}),
        "expired": keys.sign({**good, "iat": now - 7200, "exp": now - 3600}),
        # the classic confusion: HMAC keyed with the provider's public key
        "HS256": hs256_by_hand(good, keys.public_pem.encode()),
    }
    for what, token in refused.items():
        with pytest.raises(oidc.SsoFailed):
            await oidc._validate(keys.meta, provider, token, nonce="n1")
            pytest.fail(f"accepted: {what}")
    with pytest.raises(oidc.SsoFailed):
        await oidc._validate(keys.meta, provider, keys.sign(good), nonce="another")


# --- (e) require-SSO ----------------------------------------------------------------------------------------------


async def test_require_sso_refuses_password_sign_in_for_market_mgr_but_not_for_the_administrator(sso):
    r = await sso.org.put("/api/org/company-settings/require-sso", json={"require_sso": True},
                          headers=sso.admin_headers)
    assert r.status_code == 200 and r.json() == {"require_sso": True}
    r = await sso.org.post("/api/org/auth/token", headers={"Accept-Language": "zh-CN"},
                           data={"grant_type": "password", "username": "market_mgr", "password": DEMO_PASSWORD})
    assert r.status_code == 403 and "本公司要求通过单点登录" in r.json()["detail"]
    await password_token(sso.org, "admin")  # break-glass: admin over the company
    options = (await sso.org.get("/api/org/auth/providers")).json()
    assert options == {"providers": [{"key": KEY, "kind": "oidc", "name": "集团统一身份认证"}], "require_sso": True}
    # SSO itself still works for market_mgr
    assert (await sso.exchange(await sso.sign_in("idp-zhang"))).status_code == 200
    r = await sso.org.put("/api/org/company-settings/require-sso", json={"require_sso": True},
                          headers=bearer((await password_token(sso.org, "admin"))["access_token"]))
    assert r.status_code == 200


# --- logout -----------------------------------------------------------------------------------------------------


async def test_logout_revokes_the_family_and_points_at_the_providers_end_session(sso):
    tokens = (await sso.exchange(await sso.sign_in("idp-zhang"))).json()
    r = await sso.org.post("/api/org/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200, r.text
    end = httpx.URL(r.json()["end_session_url"])
    assert str(end).startswith(f"{sso.idp.issuer}/session/end")
    assert end.params["id_token_hint"] and end.params["post_logout_redirect_uri"] == f"{sso.org_url}/login"
    r = await sso.org.post("/api/org/auth/token", data={"grant_type": "refresh_token",
                                                        "refresh_token": tokens["refresh_token"]})
    assert r.status_code == 400


async def test_back_channel_logout_from_the_provider_ends_the_yunguan_session(sso):
    async with httpx.AsyncClient(timeout=30) as browser:
        landing = await sso.browse(browser, f"{sso.org_url}/api/org/auth/sso/{KEY}/start", login="idp-zhang")
        tokens = (await sso.exchange(landing)).json()
        end = (await sso.org.post("/api/org/auth/logout", json={"refresh_token": "unknown"})).json()
        assert end == {"end_session_url": None}
        # sign out at the provider (its logout page asks to confirm); it then calls our back-channel endpoint
        async with sso.db() as session:
            id_token = (await session.execute(select(SsoSession.id_token))).scalar_one()
        r = await browser.get(f"{sso.idp.issuer}/session/end", params={"id_token_hint": id_token,
                                                                       "client_id": CLIENT_ID})
        assert r.status_code == 200, r.text[:300]
        action = re.search(r'<form[^>]*action="([^"]+)"', r.text)
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', r.text)
        assert action and xsrf, r.text[:500]
        r = await browser.post(str(httpx.URL(sso.idp.issuer).join(action.group(1))),
                               data={"xsrf": xsrf.group(1), "logout": "yes"})
        assert r.status_code in (200, 302, 303), r.text[:300]
    # the provider's back-channel call (not a refresh) ends the session: wait for it, then refresh
    deadline = time.monotonic() + 10
    while True:
        async with sso.db() as session:
            ended = (await session.execute(select(SsoSession.ended_at))).scalar_one()
        if ended is not None:
            break
        assert time.monotonic() < deadline, "the provider's back-channel logout never arrived"
        await asyncio.sleep(0.05)
    async with sso.db() as session:
        notes = (await session.execute(select(AuditEntry.note).where(
            AuditEntry.action == "auth.sso_session_ended"))).scalars().all()
    assert notes == ["back-channel logout"]
    r = await sso.org.post("/api/org/auth/token", data={"grant_type": "refresh_token",
                                                        "refresh_token": tokens["refresh_token"]})
    assert r.status_code == 400


# --- (f) the providers' admin API ---------------------------------------------------------------------------------


async def test_only_administrators_manage_providers_and_secrets_never_come_back(sso):
    mgr = bearer((await password_token(sso.org, "market_mgr"))["access_token"])
    pid = sso.provider["id"]
    assert (await sso.org.get("/api/org/identity-providers", headers=mgr)).status_code == 403
    assert (await sso.org.post("/api/org/identity-providers", headers=mgr, json={
        "key": "x", "name": "x", "issuer": "https://x.example", "client_id": "x"})).status_code == 403
    assert (await sso.org.put("/api/org/company-settings/require-sso", headers=mgr,
                              json={"require_sso": True})).status_code == 403
    assert (await sso.org.delete(f"/api/org/identity-providers/{pid}", headers=mgr)).status_code == 403
    assert sso.provider["has_secret"] is True and "client_secret" not in sso.provider
    listed = (await sso.org.get("/api/org/identity-providers", headers=sso.admin_headers)).json()["items"]
    assert CLIENT_SECRET not in json.dumps(listed) and listed[0]["has_secret"] is True
    # If-Match like every versioned resource; unknown fields refused
    r = await sso.org.patch(f"/api/org/identity-providers/{pid}", json={"client_secret": "new-secret-value"},
                            headers={**sso.admin_headers, "If-Match": f'"identity_provider-{pid}-v99"'})
    assert r.status_code == 412
    r = await sso.org.patch(f"/api/org/identity-providers/{pid}", json={"secret": "x"}, headers=sso.admin_headers)
    assert r.status_code == 422
    r = await sso.org.patch(f"/api/org/identity-providers/{pid}", json={"client_secret": "new-secret-value"},
                            headers=sso.admin_headers)
    assert r.status_code == 200 and "new-secret-value" not in r.text and r.json()["has_secret"] is True
    async with sso.db() as session:
        audit = json.dumps([[a.before, a.after, a.note] for a in (await session.execute(select(AuditEntry).where(
            AuditEntry.subject_type == "identity_provider"))).scalars()], ensure_ascii=False, default=str)
    assert CLIENT_SECRET not in audit and "new-secret-value" not in audit and '"has_secret": true' in audit
    r = await sso.org.delete(f"/api/org/identity-providers/{pid}", headers=sso.admin_headers)
    assert r.status_code == 204
    assert (await sso.org.get("/api/org/auth/providers")).json() == {"providers": [], "require_sso": False}
