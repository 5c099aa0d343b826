"""The SSO hand-off every provider kind ends with: a linked user becomes a one-time code in the SPA's URL
(``/login/sso?code=…``), which the SPA exchanges at ``POST /auth/token`` (grant
``urn:yunguan:sso-code``) for the usual tokens — tokens never travel in a URL."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import utcnow
from services.common.problems import Invalid
from services.org.auth.signin import token_hash
from services.org.models import SsoHandoff, User

SSO_CODE_GRANT = "urn:yunguan:sso-code"
HANDOFF_SECONDS = 60
SPA_LANDING = "/login/sso"


def safe_redirect(target: str | None) -> str:
    """A same-site path to land on after sign-in; absolute URLs (and ``//host``) are refused: an open
    redirect would hand a phishing site a Yunguan sign-in."""
    target = (target or "/").strip() or "/"
    if (not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 32 for c in target) or len(target) > 500):
        raise Invalid("redirect must be a path on this site (such as /inbox), not an absolute URL.",
                      field="redirect", zh="登录后跳转的地址只能是本站路径（如 /inbox），不能是外部网址。")
    return target


def landing(public_url: str, **params: str) -> str:
    """The SPA's /login/sso with ``params`` (a code, or an error in Chinese)."""
    return f"{public_url.rstrip('/')}{SPA_LANDING}?{urlencode(params)}"


async def hand_off(session: AsyncSession, *, user: User, public_url: str, redirect: str = "/", via: str = "",
                   family_id: str | None = None) -> str:
    """The URL to send the browser to once a provider's account is linked to ``user``: the SPA's
    /login/sso with a one-time code (one use, 60 s). ``family_id`` names the refresh family the exchange
    starts, when the caller already bound an IdP session to it."""
    code = secrets.token_urlsafe(32)
    # keep the table small: a code a day past its minute tells nothing
    await session.execute(delete(SsoHandoff).where(SsoHandoff.expires_at < utcnow() - timedelta(days=1)))
    session.add(SsoHandoff(code_hash=token_hash(code), user_id=user.id, family_id=family_id or str(uuid.uuid4()),
                           redirect=safe_redirect(redirect), via=via,
                           expires_at=utcnow() + timedelta(seconds=HANDOFF_SECONDS)))
    await session.flush()
    return landing(public_url, code=code, redirect=safe_redirect(redirect))


async def redeem(session: AsyncSession, code: str) -> SsoHandoff | None:
    """The hand-off behind ``code``, spent now; None when unknown, spent or expired."""
    now = utcnow()
    spent = await session.execute(update(SsoHandoff).where(
        SsoHandoff.code_hash == token_hash(code), SsoHandoff.used_at.is_(None), SsoHandoff.expires_at > now)
        .values(used_at=now).returning(SsoHandoff.id))
    row_id = spent.scalar_one_or_none()
    return await session.get(SsoHandoff, row_id) if row_id is not None else None
