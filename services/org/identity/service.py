"""Identity providers (admin), the company's require-SSO switch, and sign-in through an OpenID Connect
provider: start (state, nonce, PKCE kept here), callback (code exchange, ID-token validation, linking,
hand-off), the IdP check on every refresh of an SSO session, logout (RP-initiated and back-channel)."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import Page, paginate
from services.common.authz import Principal, is_admin
from services.common.db import utcnow
from services.common.problems import Conflict, Forbidden, Invalid, NotFound, Problem
from services.org.auth.signin import OAuthError, revoke_family, token_hash
from services.org.identity import oidc, vendor_signin
from services.org.identity.handoff import hand_off, landing, redeem, safe_redirect
from services.org.identity.linking import link_or_create
from services.org.identity.schemas import (
    FreeLoginRead,
    LogoutResponse,
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
    PublicProvider,
    RequireSsoRead,
    SignInOptions,
)
from services.org.journal import journal
from services.org.models import (
    CompanySetting,
    IdentityProvider,
    RefreshToken,
    SsoHandoff,
    SsoLogin,
    SsoSession,
    User,
)
from services.org.positions.grants import user_grants

LOGIN_SECONDS = 600
REQUIRE_SSO = "require_sso"


# --- providers (admin) -------------------------------------------------------------------------------------


def provider_read(p: IdentityProvider) -> ProviderRead:
    return ProviderRead(id=p.id, key=p.key, kind=p.kind, name=p.name, enabled=p.enabled, issuer=p.issuer,
                        client_id=p.client_id, has_secret=bool(p.client_secret), agent_id=p.agent_id,
                        scopes=list(p.scopes or []), link_claim=p.link_claim, jit=p.jit,
                        sync_enabled=p.sync_enabled, config=dict(p.config or {}), version=p.version)


def _audited(p: IdentityProvider) -> dict[str, Any]:
    # what the audit chain keeps: never the secret, only whether there is one
    return provider_read(p).model_dump(exclude={"version"})


def _check_oidc(kind: str, issuer: str) -> None:
    if kind == "oidc" and not issuer.startswith(("https://", "http://")):
        raise Invalid("An OpenID Connect provider needs its issuer URL (https://…).", field="issuer",
                      zh="OpenID Connect 身份源需要填写签发者地址（https://…）。")


async def list_providers(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[ProviderRead]:
    rows, nxt = await paginate(session, select(IdentityProvider), IdentityProvider.id, limit=limit, cursor=cursor)
    return Page[ProviderRead](items=[provider_read(p) for p in rows], next_cursor=nxt)


async def create_provider(session: AsyncSession, *, principal: Principal, body: ProviderCreate) -> ProviderRead:
    _check_oidc(body.kind, body.issuer)
    if (await session.execute(select(IdentityProvider.id).where(IdentityProvider.key == body.key))).first():
        raise Conflict(f"The provider key '{body.key}' is taken.", field="key", zh=f"身份源标识“{body.key}”已被占用。")
    provider = IdentityProvider(**body.model_dump())
    session.add(provider)
    await session.flush()
    await journal.audit(session, actor=principal, action="identity_provider.created",
                        subject_type="identity_provider", subject_id=provider.id, after=_audited(provider))
    return provider_read(provider)


async def update_provider(session: AsyncSession, *, principal: Principal, provider: IdentityProvider,
                          body: ProviderUpdate) -> ProviderRead:
    before = _audited(provider)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    for k, v in changes.items():
        setattr(provider, k, v)
    _check_oidc(provider.kind, provider.issuer)
    await session.flush()
    after = _audited(provider)
    await journal.audit(session, actor=principal, action="identity_provider.updated",
                        subject_type="identity_provider", subject_id=provider.id, before=before, after=after,
                        note="secret replaced" if "client_secret" in changes else "")
    return provider_read(provider)


async def delete_provider(session: AsyncSession, *, principal: Principal, provider: IdentityProvider) -> None:
    before = _audited(provider)
    await session.delete(provider)
    await journal.audit(session, actor=principal, action="identity_provider.deleted",
                        subject_type="identity_provider", subject_id=before["id"], before=before)


# --- the company's require-SSO switch -----------------------------------------------------------------------


async def require_sso(session: AsyncSession) -> bool:
    row = await session.get(CompanySetting, REQUIRE_SSO)
    return bool(row is not None and isinstance(row.value, dict) and row.value.get("enabled"))


async def set_require_sso(session: AsyncSession, *, principal: Principal, value: bool) -> RequireSsoRead:
    row = await session.get(CompanySetting, REQUIRE_SSO)
    before = await require_sso(session)
    if row is None:
        session.add(CompanySetting(key=REQUIRE_SSO, value={"enabled": value}))
    else:
        row.value = {"enabled": value}
    await session.flush()
    await journal.audit(session, actor=principal, action="company_setting.updated", subject_type="company_setting",
                        subject_id=REQUIRE_SSO, before={"require_sso": before}, after={"require_sso": value})
    return RequireSsoRead(require_sso=value)


async def sign_in_options(session: AsyncSession) -> SignInOptions:
    rows = (await session.execute(select(IdentityProvider).where(IdentityProvider.enabled.is_(True))
                                  .order_by(IdentityProvider.id))).scalars().all()
    return SignInOptions(providers=[PublicProvider(key=p.key, kind=p.kind, name=p.name) for p in rows],
                         require_sso=await require_sso(session))


async def check_password_allowed(session: AsyncSession, user: User) -> None:
    """403 when the company requires SSO and ``user`` is not a break-glass administrator. Break-glass is
    kept simple on purpose: whoever holds ``admin`` over the company (its root unit, subtree) may still use
    a password, so a broken provider never locks the company out."""
    if not await require_sso(session):
        return
    grants = await user_grants(session, user.id)
    if is_admin(Principal(sub=str(user.id), grants=tuple(grants))):
        return
    raise Forbidden("This company requires single sign-on; sign in through its identity provider.",
                    slug="auth/sso-required",
                    zh="本公司要求通过单点登录（企业身份源）登录，请使用登录页上的单点登录按钮。")


# --- sign-in through a provider: an OpenID Connect issuer, or DingTalk, WeCom, Feishu ---------------------------


async def _enabled_provider(session: AsyncSession, key: str) -> IdentityProvider:
    provider = (await session.execute(select(IdentityProvider).where(IdentityProvider.key == key))
                ).scalar_one_or_none()
    if provider is None or not provider.enabled:
        raise NotFound(f"There is no enabled sign-in provider '{key}'.",
                       zh=f"没有已启用的单点登录身份源“{key}”。")
    return provider


def callback_url(public_url: str, key: str) -> str:
    return f"{public_url.rstrip('/')}/api/org/auth/sso/{key}/callback"


async def start(session: AsyncSession, *, public_url: str, key: str, redirect: str | None, in_app: bool = False) -> str:
    """Where to send the browser to sign in at provider ``key``; the state (and for OIDC the nonce and PKCE
    verifier) stay here (single use, ten minutes). ``in_app``: a page opened inside WeCom."""
    target = safe_redirect(redirect)
    try:
        provider = await _enabled_provider(session, key)
        state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        if provider.kind == "oidc":
            url = await oidc.authorization_url(provider, redirect_uri=callback_url(public_url, key), state=state,
                                               nonce=nonce, code_verifier=verifier)
        else:  # DingTalk, WeCom, Feishu: their OAuth 2.0 web (QR code) pages, state only
            nonce = verifier = ""
            url = vendor_signin.authorize_url(provider, state, callback_url(public_url, key), in_app=in_app)
    except (NotFound, oidc.SsoFailed) as exc:
        # the browser came from the sign-in page: it goes back to the SPA with the reason, not to a JSON page
        return landing(public_url, error=exc.zh or exc.detail)
    now = utcnow()
    session.add(SsoLogin(state_hash=token_hash(state), provider_id=provider.id, nonce=nonce, code_verifier=verifier,
                         redirect=target, expires_at=now + timedelta(seconds=LOGIN_SECONDS)))
    # keep the table small: a day-old sign-in that never came back tells nothing
    await session.execute(delete(SsoLogin).where(SsoLogin.expires_at < now - timedelta(days=1)))
    await session.flush()
    return url


async def callback(session: AsyncSession, *, public_url: str, key: str, code: str | None, state: str | None,
                   http: httpx.AsyncClient, error: str | None = None, error_description: str | None = None) -> str:
    """The provider sent the browser back: the SPA's /login/sso with a one-time code, or with the reason
    (in Chinese) the sign-in was refused."""
    try:
        return await _callback(session, public_url=public_url, key=key, code=code, state=state, http=http,
                               error=error, error_description=error_description)
    except Problem as exc:
        await session.rollback()
        await journal.audit(session, actor=f"idp:{key}", action="auth.sso_refused", subject_type="identity_provider",
                            subject_id=key, note=exc.detail[:500])
        return landing(public_url, error=exc.zh or exc.detail)


async def _callback(session: AsyncSession, *, public_url: str, key: str, code: str | None, state: str | None,
                    http: httpx.AsyncClient, error: str | None, error_description: str | None) -> str:
    provider = await _enabled_provider(session, key)
    if not state:
        raise oidc.SsoFailed("The provider sent no state.", zh="登录请求缺少 state，请重新登录。")
    now = utcnow()
    # spend the state first and for good (committed even if what follows fails): it is single use
    spent = await session.execute(update(SsoLogin).where(
        SsoLogin.state_hash == token_hash(state), SsoLogin.provider_id == provider.id, SsoLogin.used_at.is_(None),
        SsoLogin.expires_at > now).values(used_at=now).returning(SsoLogin.id))
    login_id = spent.scalar_one_or_none()
    await session.commit()
    if login_id is None:
        raise oidc.SsoFailed("The sign-in state is unknown, expired or already used.",
                             zh="登录请求已失效或已被使用，请重新登录。")
    login = await session.get(SsoLogin, login_id)
    assert login is not None
    if error:
        raise oidc.SsoFailed(f"The provider refused the sign-in: {error} {error_description or ''}".strip(),
                             zh=f"身份源拒绝了登录（{error}）。")
    if not code:
        raise oidc.SsoFailed("The provider sent no authorization code.", zh="身份源未返回授权码，请重新登录。")
    if provider.kind != "oidc":
        # DingTalk, WeCom, Feishu: who the code stands for, from the vendor; their accounts leave with the
        # directory sync (deactivated here), not through a refresh at the vendor
        user = await vendor_signin.sign_in(session, provider=provider, code=code, http=http)
        return await hand_off(session, user=user, public_url=public_url, redirect=login.redirect, via=provider.key)
    redirect_uri = callback_url(public_url, key)
    token = await oidc.exchange_code(provider, redirect_uri=redirect_uri, code=code, code_verifier=login.code_verifier)
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise oidc.SsoFailed("The provider's token response has no ID token.", zh="身份源未返回身份令牌。")
    claims = await oidc.validate_id_token(provider, id_token, nonce=login.nonce,
                                          access_token=token.get("access_token"))
    user = await link_or_create(session, provider, subject=claims["sub"], claims=claims,
                                display_name=str(claims.get("name") or ""), email=str(claims.get("email") or ""),
                                username_hint=str(claims.get("preferred_username") or claims.get("email") or ""))
    sso = SsoSession(family_id=str(uuid.uuid4()), provider_id=provider.id, user_id=user.id, subject=claims["sub"],
                     sid=str(claims.get("sid") or ""), idp_refresh_token=str(token.get("refresh_token") or ""),
                     id_token=id_token)
    session.add(sso)
    return await hand_off(session, user=user, public_url=public_url, redirect=login.redirect, via=provider.key,
                          family_id=sso.family_id)


async def free_login(session: AsyncSession, *, public_url: str, key: str, code: str, redirect: str | None,
                     http: httpx.AsyncClient) -> FreeLoginRead:
    """免登: a page opened inside DingTalk, WeCom or Feishu got an in-app code from the vendor's JS API; the
    person behind it lands signed in (the SPA follows ``location``, which carries a one-time code)."""
    provider = await _enabled_provider(session, key)
    if provider.kind == "oidc":
        raise Invalid("In-app sign-in is for DingTalk, WeCom and Feishu providers.", field="key",
                      zh="应用内免登仅适用于钉钉、企业微信和飞书身份源。")
    user = await vendor_signin.sign_in(session, provider=provider, code=code, http=http, in_app=True)
    return FreeLoginRead(location=await hand_off(session, user=user, public_url=public_url,
                                                 redirect=safe_redirect(redirect), via=provider.key))


# --- what the token endpoint asks of identity --------------------------------------------------------------


async def redeem_sso_code(session: AsyncSession, code: str | None) -> tuple[User, SsoHandoff]:
    """The user behind a hand-off code (spent now); invalid_grant when unknown, spent or expired."""
    if not code:
        raise OAuthError("invalid_request", "Send the code.", zh="缺少单点登录凭据，请重新登录。")
    handoff = await redeem(session, code)
    user = await session.get(User, handoff.user_id) if handoff is not None else None
    if handoff is None or user is None or not user.active:
        raise OAuthError("invalid_grant", "The sign-in code is unknown, expired or already used; sign in again.",
                         zh="单点登录凭据无效、已过期或已被使用，请重新登录。")
    return user, handoff


async def check_idp_session(session: AsyncSession, refresh_token: str) -> None:
    """Before a Yunguan refresh of a session started at an OIDC provider: refresh at the provider first. When
    it refuses (the account was disabled or its session ended there), revoke the family: invalid_grant."""
    row = (await session.execute(select(RefreshToken.family_id).where(
        RefreshToken.token_hash == token_hash(refresh_token), RefreshToken.used_at.is_(None),
        RefreshToken.revoked_at.is_(None)))).first()
    if row is None:
        return  # unknown, spent or revoked: the usual refresh rules answer
    sso = await session.get(SsoSession, row.family_id)
    if sso is None or not sso.idp_refresh_token:
        return
    provider = await session.get(IdentityProvider, sso.provider_id)
    refreshed = await oidc.refresh(provider, refresh_token=sso.idp_refresh_token) if provider is not None else None
    if refreshed is None:
        await revoke_family(session, sso.family_id)
        sso.ended_at = utcnow()
        await journal.audit(session, actor=f"idp:{provider.key if provider else sso.provider_id}",
                            action="auth.sso_session_ended", subject_type="user", subject_id=sso.user_id,
                            note="the identity provider refused the refresh")
        await session.commit()
        raise OAuthError("invalid_grant", "Your identity provider ended this session; sign in again.",
                         zh="企业身份源已结束此会话（账号可能已被停用），请重新登录。")
    sso.idp_refresh_token = str(refreshed.get("refresh_token") or sso.idp_refresh_token)
    if isinstance(refreshed.get("id_token"), str):
        sso.id_token = refreshed["id_token"]


async def logout(session: AsyncSession, *, public_url: str, refresh_token: str,
                 post_logout_redirect_uri: str | None) -> LogoutResponse:
    """End the refresh family; for a session from an OIDC provider, also the URL that ends it there."""
    row = (await session.execute(select(RefreshToken).where(RefreshToken.token_hash == token_hash(refresh_token)))
           ).scalar_one_or_none()
    if row is None:
        return LogoutResponse()
    await revoke_family(session, row.family_id)
    await journal.audit(session, actor=str(row.user_id), action="auth.signed_out", subject_type="user",
                        subject_id=row.user_id)
    sso = await session.get(SsoSession, row.family_id)
    if sso is None:
        return LogoutResponse()
    sso.ended_at = utcnow()
    provider = await session.get(IdentityProvider, sso.provider_id)
    if provider is None:
        return LogoutResponse()
    back = f"{public_url.rstrip('/')}{safe_redirect(post_logout_redirect_uri or '/login')}"
    try:
        url = await oidc.end_session_url(provider, id_token=sso.id_token, post_logout_redirect_uri=back)
    except Problem:
        url = None  # signed out here either way; the provider's session then ends on its own terms
    return LogoutResponse(end_session_url=url)


async def backchannel_logout(session: AsyncSession, *, key: str, logout_token: str) -> int:
    """The provider says a session (sid) or everything of a subject (sub) ended: revoke those families."""
    provider = await _enabled_provider(session, key)
    claims = await oidc.validate_logout_token(provider, logout_token)
    query = select(SsoSession).where(SsoSession.provider_id == provider.id, SsoSession.ended_at.is_(None))
    if claims.get("sid"):
        query = query.where(SsoSession.sid == str(claims["sid"]))
    if claims.get("sub"):
        query = query.where(SsoSession.subject == str(claims["sub"]))
    ended = (await session.execute(query)).scalars().all()
    for sso in ended:
        await revoke_family(session, sso.family_id)
        sso.ended_at = utcnow()
        await journal.audit(session, actor=f"idp:{provider.key}", action="auth.sso_session_ended",
                            subject_type="user", subject_id=sso.user_id, note="back-channel logout")
    return len(ended)
