"""Signing in through DingTalk, WeCom or Feishu: the vendor's authorization page (web, QR code), the code it
sends back — or the in-app code of 免登 (free login inside the vendor's app) — exchanged for who the person is,
and that person linked to their Yunguan user by :func:`services.org.identity.linking.link_or_create`
(subject: the vendor's user id, the one directory sync links by).

The OIDC flow's ``/auth/sso/{key}/start`` and ``/callback`` routes (and the one-time code handed to the SPA)
call these for a vendor kind:

- start: ``authorize_url(provider, state, redirect_uri)`` is where to redirect the browser;
- callback and free login: ``await sign_in(session, provider=provider, code=code, http=runtime.http,
  in_app=...)`` is the linked :class:`User` (403 in the caller's language when there is none and the
  provider does not create users just in time, or the user is disabled; 502 when the vendor refuses).
"""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.identity.linking import link_or_create
from services.org.identity.vendors import VendorIdentity, client_for
from services.org.models import IdentityProvider, User

__all__ = ["VendorIdentity", "authorize_url", "identify", "sign_in"]


def authorize_url(provider: IdentityProvider, state: str, redirect_uri: str, *, in_app: bool = False) -> str:
    """The vendor's web (QR code) authorization page for ``provider``, coming back to ``redirect_uri``
    (``in_app``: WeCom's in-app OAuth page, for a page opened inside WeCom)."""
    return client_for(provider).authorize_url(state, redirect_uri, in_app=in_app)


async def identify(provider: IdentityProvider, code: str, http: httpx.AsyncClient, *,
                   in_app: bool = False) -> VendorIdentity:
    """Who the vendor says the person behind ``code`` is (a web code, or an in-app one when ``in_app``)."""
    return await client_for(provider, http).identify(code, in_app=in_app)


async def sign_in(session: AsyncSession, *, provider: IdentityProvider, code: str, http: httpx.AsyncClient,
                  in_app: bool = False) -> User:
    """The Yunguan user the vendor's ``code`` stands for, linked (or created just in time) once."""
    who = await identify(provider, code, http, in_app=in_app)
    claims = {**who.claims, "userid": who.subject, "sub": who.subject, "email": who.email, "mobile": who.mobile}
    return await link_or_create(session, provider, subject=who.subject, claims=claims, display_name=who.display_name,
                                email=who.email, username_hint=who.subject)
