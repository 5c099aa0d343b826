"""Signing in through DingTalk, WeCom and Feishu (a local server answering their documented calls): the web
code and the in-app free-login code are exchanged for the person the vendor names, who is the user directory
sync made; someone the directory sync has not brought in is refused when the provider creates no one just in
time; the authorization pages are the vendors' own with the app's id, the callback and the state."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from services.common.problems import Forbidden
from services.org.identity.vendor_signin import authorize_url, sign_in
from services.org.identity.vendors import VendorError
from services.org.models import ExternalIdentity, IdentityProvider
from tests.org.conftest import auth
from tests.org.test_directory_sync import add_provider, small_directory, sync
from tests.support.vendors import VendorServer

SUBJECT = {"dingtalk": "m4", "wecom": "m4", "feishu": "ou_m4"}


async def provider(org, pid: int) -> IdentityProvider:
    async with org.app.state.db.reader() as s:
        p = await s.get(IdentityProvider, pid)
        assert p is not None
        return p


@pytest.mark.parametrize("kind", ["dingtalk", "wecom", "feishu"])
async def test_web_and_in_app_codes_sign_in_as_the_synced_user_and_strangers_are_refused(org, kind):
    admin = await auth(org, "admin")
    people = small_directory()
    async with VendorServer(people) as vendors, httpx.AsyncClient() as http:
        pid = await add_provider(org, vendors, kind)  # jit off
        await sync(org, admin, pid, dry_run=False)
        idp = await provider(org, pid)
        async with org.app.state.db.reader() as s:
            synced = (await s.execute(select(ExternalIdentity.user_id).where(
                ExternalIdentity.provider_id == pid, ExternalIdentity.subject == SUBJECT[kind]))).scalar_one()

        for in_app in (False, True):
            code = vendors.code_for(kind, "m4")
            async with org.app.state.db.writer() as s:
                user = await sign_in(s, provider=idp, code=code, http=http, in_app=in_app)
                assert user.id == synced and user.display_name == "调研员"
                await s.commit()

        async with org.app.state.db.writer() as s:  # a code is good once
            with pytest.raises(VendorError) as used:
                await sign_in(s, provider=idp, code=code, http=http, in_app=True)
            assert used.value.status == 502

        people.user("newcomer", "新来的", departments=["2"], email="newcomer@corp.example")  # not synced yet
        async with org.app.state.db.writer() as s:
            with pytest.raises(Forbidden) as refused:
                await sign_in(s, provider=idp, code=vendors.code_for(kind, "newcomer"), http=http, in_app=True)
            assert "请联系管理员" in (refused.value.zh or "")


async def test_a_provider_that_creates_users_just_in_time_links_a_newcomer_once(org):
    async with VendorServer(small_directory()) as vendors, httpx.AsyncClient() as http:
        vendors.directory.user("newcomer", "新来的", departments=["2"], email="newcomer@corp.example")
        pid = await add_provider(org, vendors, "wecom", jit=True)
        idp = await provider(org, pid)
        async with org.app.state.db.writer() as s:
            first = await sign_in(s, provider=idp, code=vendors.code_for("wecom", "newcomer"), http=http)
            await s.commit()
        async with org.app.state.db.writer() as s:
            again = await sign_in(s, provider=idp, code=vendors.code_for("wecom", "newcomer"), http=http, in_app=True)
        assert first.id == again.id and first.email == "newcomer@corp.example"


@pytest.mark.parametrize(("kind", "page", "expected"), [
    ("dingtalk", "https://login.dingtalk.com/oauth2/auth",
     {"client_id": "ding-app-key", "response_type": "code", "scope": "openid", "prompt": "consent"}),
    ("wecom", "https://open.work.weixin.qq.com/wwopen/sso/qrConnect", {"appid": "ww-corp-id", "agentid": "1000002"}),
    ("feishu", "https://open.feishu.cn/open-apis/authen/v1/authorize", {"app_id": "cli_test_app"}),
])
async def test_the_authorization_page_is_the_vendors_with_the_app_callback_and_state(kind, page, expected):
    fields = {"dingtalk": ("ding-app-key", ""), "wecom": ("ww-corp-id", "1000002"), "feishu": ("cli_test_app", "")}
    client_id, agent_id = fields[kind]
    idp = IdentityProvider(key=kind, kind=kind, name=kind, issuer="", client_id=client_id, client_secret="s",
                           agent_id=agent_id, config={})
    url = httpx.URL(authorize_url(idp, "st-123", "https://yunguan.example/api/org/auth/sso/x/callback"))
    assert str(url.copy_with(query=None)) == page
    query = dict(url.params)
    assert query["state"] == "st-123"
    assert query["redirect_uri"] == "https://yunguan.example/api/org/auth/sso/x/callback"
    assert expected.items() <= query.items()


@pytest.mark.parametrize("kind", ["dingtalk", "wecom", "feishu"])
async def test_the_browser_round_trip_and_in_app_free_login_land_signed_in_as_the_synced_user(org, kind):
    """Through org's own routes, as a browser and a page inside the vendor's app would go: /start sends the
    browser to the vendor with a state, /callback takes the vendor's code back to the SPA's /login/sso with a
    one-time code, and that code buys the synced user's tokens; free login does the same from an in-app code."""
    from urllib.parse import parse_qs, urlsplit

    admin = await auth(org, "admin")
    async with VendorServer(small_directory()) as vendors:
        pid = await add_provider(org, vendors, kind)
        await sync(org, admin, pid, dry_run=False)
        key = f"{kind}-corp"
        r = await org.get(f"/api/org/auth/sso/{key}/start", params={"redirect": "/plans"})
        assert r.status_code == 302, r.text
        state = parse_qs(urlsplit(r.headers["location"]).query)["state"][0]
        r = await org.get(f"/api/org/auth/sso/{key}/callback",
                          params={"code": vendors.code_for(kind, "m4"), "state": state})
        assert r.status_code == 302
        landing = parse_qs(urlsplit(r.headers["location"]).query)
        assert "error" not in landing, landing
        token = await org.post("/api/org/auth/token", data={"grant_type": "urn:yunguan:sso-code",
                                                            "code": landing["code"][0]})
        assert token.status_code == 200, token.text
        me = (await org.get("/api/org/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})).json()
        assert me["user"]["display_name"] == "调研员"
        # the same state again: refused, back to the SPA with the reason
        again = await org.get(f"/api/org/auth/sso/{key}/callback",
                              params={"code": vendors.code_for(kind, "m4"), "state": state})
        assert "error" in parse_qs(urlsplit(again.headers["location"]).query)

        r = await org.post(f"/api/org/auth/sso/{key}/free-login", json={"code": vendors.code_for(kind, "m4")})
        assert r.status_code == 200, r.text
        code = parse_qs(urlsplit(r.json()["location"]).query)["code"][0]
        token = await org.post("/api/org/auth/token", data={"grant_type": "urn:yunguan:sso-code", "code": code})
        assert token.status_code == 200
        r = await org.post(f"/api/org/auth/sso/{key}/free-login", json={"code": "x", "extra": 1})
        assert r.status_code == 422
