"""One way a provider's account becomes a Yunguan user: the link it already has, else the user the
provider's configured claim names, else (when the provider allows it) a new user created just in time —
with no position, so with no right until an administrator assigns one."""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import utcnow
from services.common.problems import Forbidden
from services.org.journal import journal
from services.org.models import ExternalIdentity, IdentityProvider, User

# A password hash no password matches: a user made by a provider signs in through it.
NO_PASSWORD = "!sso"


async def _by_claim(session: AsyncSession, provider: IdentityProvider, claims: dict[str, Any]) -> User | None:
    value = claims.get(provider.link_claim)
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if provider.link_claim == "email":
        return (await session.execute(select(User).where(func.lower(User.email) == value.lower()))).scalar_one_or_none()
    return (await session.execute(select(User).where(User.username == value))).scalar_one_or_none()


async def _free_username(session: AsyncSession, wanted: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_.@-]", "", wanted)[:50] or "user"
    name = base
    while (await session.execute(select(User.id).where(User.username == name))).first() is not None:
        name = f"{base[:44]}-{secrets.token_hex(2)}"
    return name


async def link_or_create(session: AsyncSession, provider: IdentityProvider, *, subject: str, claims: dict[str, Any],
                         display_name: str, email: str = "", username_hint: str = "") -> User:
    """The Yunguan user behind ``subject`` at ``provider`` (linking or creating it); 403 in the caller's
    language when the account is disabled here or cannot be linked."""
    link = (await session.execute(select(ExternalIdentity).where(
        ExternalIdentity.provider_id == provider.id, ExternalIdentity.subject == subject))).scalar_one_or_none()
    user = await session.get(User, link.user_id) if link is not None else await _by_claim(session, provider, claims)
    if user is None:
        if not provider.jit:
            raise Forbidden(f"No Yunguan account matches this {provider.name} account; ask an administrator.",
                            zh=f"没有与该{provider.name}账号对应的运管账号，请联系管理员。")
        user = User(username=await _free_username(session, username_hint or email or subject),
                    display_name=(display_name or username_hint or subject)[:100], email=email[:200],
                    password_hash=NO_PASSWORD)
        session.add(user)
        await session.flush()
        await journal.audit(session, actor=f"idp:{provider.key}", action="user.created", subject_type="user",
                            subject_id=user.id, after={"username": user.username, "display_name": user.display_name,
                                                       "email": user.email, "via": provider.key},
                            note="just-in-time, no position")
    if not user.active:
        raise Forbidden("This account is disabled in Yunguan.", zh="该账号已在运管中停用。")
    if link is None:
        link = ExternalIdentity(provider_id=provider.id, subject=subject, user_id=user.id)
        session.add(link)
        await journal.audit(session, actor=f"idp:{provider.key}", action="identity.linked", subject_type="user",
                            subject_id=user.id, after={"provider": provider.key, "subject": subject,
                                                       "by": provider.link_claim})
    link.claims = {k: v for k, v in claims.items() if k not in ("access_token", "refresh_token", "id_token")}
    link.last_login_at = utcnow()
    await session.flush()
    return user
