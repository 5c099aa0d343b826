"""Sign-in: passwords with lockout, rotating refresh tokens, client credentials, access tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Grant, grants_claims
from services.common.db import utcnow
from services.common.problems import Problem, TooManyRequests
from services.common.service_auth import INTERNAL_SERVICES, client_id_for, secret_for
from services.common.settings import ServiceSettings
from services.common.tokens import SigningKey
from services.org.models import ApiClient, LoginFailure, RefreshToken, User
from services.org.positions.grants import client_grants, user_grants


class OAuthError(Problem):
    """An OAuth 2.0 token error, as Problem Details that also carry ``error`` (RFC 6749 §5.2)."""

    def __init__(self, error: str, detail: str, status: int = 400, **kw: Any):
        headers = {"WWW-Authenticate": 'Basic realm="yunguan"'} if error == "invalid_client" else None
        super().__init__(detail, status=status, slug=f"oauth/{error.replace('_', '-')}", title="Sign-in refused",
                         headers=headers, error=error, error_description=detail, **kw)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Issued:
    access_token: str
    expires_in: int
    refresh_token: str | None
    subject: str


def access_claims(*, settings: ServiceSettings, sub: str, name: str, grants: list[Grant],
                  extra: dict[str, Any] | None = None) -> tuple[dict[str, Any], int]:
    now = int(utcnow().timestamp())
    lifetime = settings.access_token_minutes * 60
    claims = {"iss": settings.token_issuer, "aud": settings.token_audience, "sub": sub, "name": name,
              "typ": "access", "iat": now, "nbf": now, "exp": now + lifetime, "jti": uuid.uuid4().hex,
              **grants_claims(grants, settings.token_grants_version)}
    claims.update(extra or {})
    return claims, lifetime


async def check_lockout(session: AsyncSession, settings: ServiceSettings, username: str) -> None:
    """429 while a username has too many recent failures (whether or not the user exists)."""
    since = utcnow() - timedelta(seconds=settings.login_lockout_seconds)
    count, oldest = (await session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.username == username.lower(),
                                                             LoginFailure.at > since))).one()
    if count >= settings.login_max_failures:
        if oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        wait = int((oldest + timedelta(seconds=settings.login_lockout_seconds) - utcnow()).total_seconds()) + 1
        raise TooManyRequests("Too many failed sign-ins for this username; wait and try again.", retry_after=wait,
                              zh="该用户名登录失败次数过多，请稍后再试。")


async def record_failure(session: AsyncSession, username: str) -> None:
    session.add(LoginFailure(username=username.lower()))
    # Keep the table small: failures older than a day tell us nothing.
    await session.execute(delete(LoginFailure).where(LoginFailure.at < utcnow() - timedelta(days=1)))


async def issue_for_user(session: AsyncSession, *, settings: ServiceSettings, key: SigningKey, user: User,
                         family_id: str | None = None) -> Issued:
    grants = await user_grants(session, user.id)
    claims, lifetime = access_claims(settings=settings, sub=str(user.id), name=user.display_name, grants=grants,
                                     extra={"username": user.username})
    refresh = secrets.token_urlsafe(32)
    session.add(RefreshToken(token_hash=token_hash(refresh), family_id=family_id or str(uuid.uuid4()),
                             user_id=user.id, expires_at=utcnow() + timedelta(days=settings.refresh_token_days)))
    await session.flush()
    return Issued(key.sign(claims), lifetime, refresh, str(user.id))


async def rotate_refresh(session: AsyncSession, *, settings: ServiceSettings, key: SigningKey,
                         refresh_token: str) -> Issued:
    """Exchange a refresh token for a new pair; reusing a spent one revokes its whole family."""
    row = (await session.execute(select(RefreshToken).where(RefreshToken.token_hash == token_hash(refresh_token))
                                 .with_for_update())).scalar_one_or_none()
    if row is None:
        raise OAuthError("invalid_grant", "The refresh token is not valid; sign in again.",
                         zh="登录已失效，请重新登录。")
    now = utcnow()
    if row.used_at is not None:
        # A spent token coming back means it was copied: end every session of its family.
        await revoke_family(session, row.family_id)
        await session.commit()
        raise OAuthError("invalid_grant", "This refresh token was already used, so every session it started "
                                          "has been signed out for safety; sign in again.", reuse_detected=True,
                                          zh="此登录凭据已被使用过，为安全起见，由它开始的所有会话均已退出；请重新登录。")
    if row.revoked_at is not None:
        raise OAuthError("invalid_grant", "The refresh token was revoked; sign in again.",
                         zh="登录已被撤销，请重新登录。")
    if row.expires_at <= now:
        raise OAuthError("invalid_grant", "The refresh token has expired; sign in again.",
                         zh="登录已过期，请重新登录。")
    user = await session.get(User, row.user_id)
    if user is None or not user.active:
        raise OAuthError("invalid_grant", "The account is no longer active.", zh="该账户已停用。")
    # Spend the token; a concurrent refresh with the same token loses this race and counts as reuse.
    spent = cast(CursorResult[Any], await session.execute(
        update(RefreshToken).where(RefreshToken.id == row.id, RefreshToken.used_at.is_(None)).values(used_at=now)))
    if spent.rowcount != 1:
        await revoke_family(session, row.family_id)
        await session.commit()
        raise OAuthError("invalid_grant", "This refresh token was already used; sign in again.", reuse_detected=True,
                         zh="此登录凭据已被使用过，请重新登录。")
    return await issue_for_user(session, settings=settings, key=key, user=user, family_id=row.family_id)


async def revoke_family(session: AsyncSession, family_id: str) -> None:
    await session.execute(update(RefreshToken).where(RefreshToken.family_id == family_id,
                                                     RefreshToken.revoked_at.is_(None)).values(revoked_at=utcnow()))


async def revoke_token(session: AsyncSession, token: str) -> bool:
    row = (await session.execute(select(RefreshToken).where(RefreshToken.token_hash == token_hash(token)))
           ).scalar_one_or_none()
    if row is None:
        return False
    await revoke_family(session, row.family_id)
    return True


def hash_client_secret(secret: str) -> str:
    # Client secrets are 256 random bits, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(secret.encode()).hexdigest()


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


async def issue_for_client(session: AsyncSession, *, settings: ServiceSettings, key: SigningKey,
                           client_id: str, client_secret: str) -> tuple[Issued, ApiClient]:
    client = (await session.execute(select(ApiClient).where(ApiClient.client_id == client_id))).scalar_one_or_none()
    ok = client is not None and hmac.compare_digest(client.secret_hash, hash_client_secret(client_secret))
    if client is None or not ok or not client.active:
        raise OAuthError("invalid_client", "The client id or secret is not correct, or the client is disabled.",
                         status=401, zh="客户端编号或密钥不正确，或该客户端已停用。")
    grants = await client_grants(session, client)
    claims, lifetime = access_claims(settings=settings, sub=f"client:{client.client_id}", name=client.name,
                                     grants=grants, extra={"client_id": client.client_id})
    return Issued(key.sign(claims), lifetime, None, claims["sub"]), client


async def provision_service_clients(session: AsyncSession, service_secret: str) -> None:
    """Make sure every internal service can sign in with its derived secret (identity only, no grants)."""
    for service in INTERNAL_SERVICES:
        cid = client_id_for(service)
        secret_hash = hash_client_secret(secret_for(service_secret, service))
        client = (await session.execute(select(ApiClient).where(ApiClient.client_id == cid))).scalar_one_or_none()
        if client is None:
            session.add(ApiClient(client_id=cid, name=f"Yunguan {service} service", secret_hash=secret_hash, grants=[]))
        elif client.secret_hash != secret_hash:
            client.secret_hash = secret_hash
    await session.flush()


class LocalServiceTokens:
    """Org's own service token, signed in memory (org delivers its events with it)."""

    def __init__(self, settings: ServiceSettings, keys) -> None:
        self._settings = settings
        self._keys = keys
        self._token: str | None = None
        self._renew_at = 0.0

    async def token(self) -> str:
        now = time.monotonic()
        if self._token is None or now >= self._renew_at:
            cid = client_id_for("org")
            claims, lifetime = access_claims(settings=self._settings, sub=f"client:{cid}", name="Yunguan org service",
                                             grants=[], extra={"client_id": cid})
            self._token = self._keys.active.sign(claims)
            self._renew_at = now + lifetime * 0.8
        return self._token

    def invalidate(self) -> None:
        self._token = None
