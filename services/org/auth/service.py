"""Sign-in and tokens (OAuth 2.0 grants), revocations, signing keys and the caller's own profile."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.db import utcnow
from services.common.problems import NotFound
from services.common.settings import ServiceSettings
from services.org.auth import signin
from services.org.auth.schemas import KeyRead, MeRead, TokenResponse
from services.org.identity import service as identity
from services.org.identity.handoff import SSO_CODE_GRANT
from services.org.journal import journal
from services.org.models import ApiClient, AuditEntry, SigningKeyRecord, Unit, User
from services.org.positions.grants import held_positions, user_grants
from services.org.positions.schemas import GrantRead, HeldPositionRead
from services.org.runtime import OrgRuntime
from services.org.users.schemas import UserRead


async def issue_token(session: AsyncSession, rt: OrgRuntime, *, grant_type: str, username: str | None,
                      password: str | None, refresh_token: str | None, client_id: str | None,
                      client_secret: str | None, code: str | None = None) -> TokenResponse:
    """One of the grants: ``password``, ``refresh_token``, ``client_credentials`` (the client's id and
    secret from the form or from HTTP Basic, as the router found them) or ``urn:yunguan:sso-code`` (the
    one-time code of the SSO hand-off)."""
    settings = rt.settings
    key = rt.keys.active
    if grant_type == "password":
        if not username or password is None:
            raise signin.OAuthError("invalid_request", "Send both username and password.", zh="请填写用户名和密码。")
        # Look up and hash outside the write transaction: on SQLite it holds the database's one
        # write lock, and a slow hash under it would queue every other write (and sign-in) behind it.
        async with rt.db.reader() as lookup:
            await signin.check_lockout(lookup, settings, username)
            found = (await lookup.execute(select(User).where(User.username == username))).scalar_one_or_none()
        ok = await rt.passwords.verify_async(found.password_hash if found else None, password)
        user = await session.get(User, found.id) if ok and found else None
        if not ok or user is None or not user.active:
            await signin.record_failure(session, username)
            await session.commit()
            raise signin.OAuthError("invalid_grant", "The username or password is not correct.",
                                    zh="用户名或密码不正确。")
        # the company may require SSO: then only break-glass administrators use a password
        await identity.check_password_allowed(session, user)
        issued = await signin.issue_for_user(session, settings=settings, key=key, user=user)
        await journal.audit(session, actor=str(user.id), action="auth.signed_in", subject_type="user",
                            subject_id=user.id, note="password")
    elif grant_type == SSO_CODE_GRANT:
        # the SPA's half of the SSO hand-off: the one-time code from /login/sso?code=…
        user, handoff = await identity.redeem_sso_code(session, code)
        issued = await signin.issue_for_user(session, settings=settings, key=key, user=user,
                                             family_id=handoff.family_id)
        await journal.audit(session, actor=str(user.id), action="auth.signed_in", subject_type="user",
                            subject_id=user.id, note=f"sso:{handoff.via}" if handoff.via else "sso")
    elif grant_type == "refresh_token":
        if not refresh_token:
            raise signin.OAuthError("invalid_request", "Send the refresh_token.", zh="缺少刷新令牌，请重新登录。")
        # a session from an OIDC provider lives only as long as the provider keeps refreshing it
        await identity.check_idp_session(session, refresh_token)
        issued = await signin.rotate_refresh(session, settings=settings, key=key, refresh_token=refresh_token)
    elif grant_type == "client_credentials":
        if not client_id or not client_secret:
            raise signin.OAuthError("invalid_client", "Send client_id and client_secret (form or HTTP Basic).",
                                    status=401, zh="请提供客户端编号和客户端密钥。")
        issued, client = await signin.issue_for_client(session, settings=settings, key=key, client_id=client_id,
                                                       client_secret=client_secret)
        await journal.audit(session, actor=issued.subject, action="auth.client_signed_in", subject_type="api_client",
                            subject_id=client.id)
    else:
        raise signin.OAuthError("unsupported_grant_type",
                                "grant_type must be password, refresh_token, client_credentials or "
                                f"{SSO_CODE_GRANT}.",
                                zh="不支持此授权方式；应为 password、refresh_token、client_credentials 或 "
                                   f"{SSO_CODE_GRANT}。")
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in,
                         refresh_token=issued.refresh_token)


async def revoke(session: AsyncSession, *, token: str) -> None:
    # RFC 7009: the caller hears the same whether or not the token was known, so the endpoint reveals nothing.
    if await signin.revoke_token(session, token):
        await journal.audit(session, actor="anonymous", action="auth.revoked", subject_type="refresh_token",
                            subject_id="family")


async def revoked_subjects(session: AsyncSession, settings: ServiceSettings) -> list[dict[str, Any]]:
    """Whose tokens must stop working before they expire: deactivated users, and API clients that
    were switched off or deleted while their last tokens may still be unexpired."""
    out: list[dict[str, Any]] = []
    for uid, at in (await session.execute(select(User.id, User.updated_at).where(User.active.is_(False)))).all():
        out.append({"sub": str(uid), "since": at})
    for cid, at in (await session.execute(select(ApiClient.client_id, ApiClient.updated_at)
                                          .where(ApiClient.active.is_(False)))).all():
        out.append({"sub": f"client:{cid}", "since": at})
    # a deleted client's tokens live at most one access-token lifetime after it went
    since = utcnow() - timedelta(minutes=settings.access_token_minutes, seconds=60)
    deleted = (await session.execute(select(AuditEntry.before, AuditEntry.at).where(
        AuditEntry.action == "client.deleted", AuditEntry.at > since))).all()
    for before, at in deleted:
        if isinstance(before, dict) and before.get("client_id"):
            out.append({"sub": f"client:{before['client_id']}", "since": at})
    return out


async def revoked(session: AsyncSession, rt: OrgRuntime) -> dict[str, list[dict[str, Any]] | datetime]:
    return {"subjects": await revoked_subjects(session, rt.settings), "generated_at": utcnow()}


def jwks(rt: OrgRuntime) -> dict[str, Any]:
    return rt.keys.jwks()


async def list_keys(session: AsyncSession, rt: OrgRuntime) -> list[KeyRead]:
    rows = (await session.execute(select(SigningKeyRecord).order_by(SigningKeyRecord.created_at))).scalars().all()
    active = rt.keys.active.kid
    return [KeyRead(kid=r.kid, created_at=r.created_at, active=r.kid == active) for r in rows
            if r.retired_at is None]


async def rotate_keys(session: AsyncSession, rt: OrgRuntime, *, principal: Principal) -> KeyRead:
    key = await rt.keys.rotate(session, keep_previous_for=timedelta(minutes=rt.settings.access_token_minutes + 1))
    await journal.audit(session, actor=principal, action="keys.rotated", subject_type="signing_key",
                        subject_id=key.kid)
    # published now; it signs from rt.keys.activates_at(kid) (YUNGUAN_KEY_ACTIVATION_SECONDS later)
    return KeyRead(kid=key.kid, created_at=rt.keys.made[key.kid], active=rt.keys.active.kid == key.kid)


async def me(session: AsyncSession, *, principal: Principal) -> MeRead:
    if principal.user_id is None:
        raise NotFound("API clients have no user profile; their grants are in the token.",
                       zh="API 客户端没有用户资料；其授权在令牌中。")
    user = await session.get(User, principal.user_id)
    if user is None:
        raise NotFound("Your account no longer exists.", zh="您的账户已不存在。")
    held = await held_positions(session, user.id)
    units = {u.path: u for u in (await session.execute(
        select(Unit).where(Unit.path.in_([h.unit_path for h in held])))).scalars()} if held else {}
    return MeRead(
        user=UserRead.model_validate(user),
        positions=[HeldPositionRead(position_id=h.position_id, title=h.position_title, unit_id=units[h.unit_path].id,
                                    unit_name=units[h.unit_path].name, unit_path=h.unit_path, role_key=h.role_key,
                                    role_name=h.role_name) for h in held if h.unit_path in units],
        grants=[GrantRead(**g.to_claim()) for g in await user_grants(session, user.id)])
