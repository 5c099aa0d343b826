"""The SSO hand-off every provider kind ends with (services.org.identity.handoff): a linked user becomes a
one-time code in the SPA's /login/sso URL, exchanged once, within 60 s, for the usual tokens."""

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from services.common.db import utcnow
from services.common.problems import Invalid
from services.org.identity.handoff import hand_off, safe_redirect
from services.org.models import SsoHandoff, User
from tests.support import bearer

GRANT = "urn:yunguan:sso-code"


async def handed_off(org, username: str, redirect: str = "/plans") -> str:
    async with org.app.state.runtime.db.writer() as session:
        user = (await session.execute(select(User).where(User.username == username))).scalar_one()
        url = await hand_off(session, user=user, public_url="http://yunguan.example", redirect=redirect, via="test")
        await session.commit()
    return url


async def test_a_hand_off_code_signs_the_user_in_once(org):
    url = await handed_off(org, "analyst")
    landing = httpx.URL(url)
    assert str(landing).startswith("http://yunguan.example/login/sso?")
    assert landing.params["redirect"] == "/plans"
    r = await org.post("/api/org/auth/token", data={"grant_type": GRANT, "code": landing.params["code"]})
    assert r.status_code == 200, r.text
    me = (await org.get("/api/org/me", headers=bearer(r.json()["access_token"]))).json()
    assert me["user"]["username"] == "analyst"
    again = await org.post("/api/org/auth/token", data={"grant_type": GRANT, "code": landing.params["code"]})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


async def test_a_hand_off_code_older_than_sixty_seconds_is_refused(org):
    code = httpx.URL(await handed_off(org, "analyst")).params["code"]
    async with org.app.state.runtime.db.writer() as session:
        await session.execute(update(SsoHandoff).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()
    r = await org.post("/api/org/auth/token", headers={"Accept-Language": "zh-CN"},
                       data={"grant_type": GRANT, "code": code})
    assert r.status_code == 400 and "单点登录凭据无效、已过期或已被使用" in r.json()["detail"]


@pytest.mark.parametrize("bad", ["https://evil.example/", "//evil.example", "/\\evil.example", "inbox", "/a\nb"])
def test_the_landing_redirect_is_a_same_site_path(bad):
    with pytest.raises(Invalid):
        safe_redirect(bad)
    assert safe_redirect("/plans/3?tab=tasks") == "/plans/3?tab=tasks"
