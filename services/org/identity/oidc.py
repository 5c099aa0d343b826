"""OpenID Connect, the protocol: discovery and keys (cached), the authorization URL with PKCE S256, the code
exchange and refreshes (authlib's httpx client), and ID-token and logout-token validation (python-jose,
RS256 only)."""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client
from jose import jwt
from jose.exceptions import JOSEError

from services.common.problems import Problem
from services.org.models import IdentityProvider

# Exactly the algorithms an ID token may be signed with: no "none", no HMAC with the public key as secret.
ID_TOKEN_ALGORITHMS = ["RS256"]
DISCOVERY_SECONDS = 3600
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
HTTP_TIMEOUT = 10.0


class SsoFailed(Problem):
    """A sign-in through a provider that did not work out (the browser lands at /login/sso?error=<zh>)."""

    def __init__(self, detail: str, *, zh: str, status: int = 400, **kw: Any):
        super().__init__(detail, zh=zh, status=status, slug="sso/failed", title="Single sign-on failed", **kw)


@dataclass
class _Cached:
    value: dict[str, Any]
    at: float


_discovery: dict[str, _Cached] = {}
_jwks: dict[str, _Cached] = {}


async def _get_json(url: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT) as client:
            r = await client.get(url)
        r.raise_for_status()
        body = r.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SsoFailed(f"The identity provider did not answer ({url}): {exc}", status=502,
                        zh="身份源暂时无法访问，请稍后再试。") from exc
    if not isinstance(body, dict):
        raise SsoFailed(f"The identity provider answered {url} with something other than a JSON object.",
                        status=502, zh="身份源的应答格式不正确。")
    return body


async def discovery(issuer: str) -> dict[str, Any]:
    """The provider's metadata from ``<issuer>/.well-known/openid-configuration`` (cached for an hour)."""
    issuer = issuer.rstrip("/")
    cached = _discovery.get(issuer)
    if cached is not None and time.monotonic() - cached.at < DISCOVERY_SECONDS:
        return cached.value
    meta = await _get_json(f"{issuer}/.well-known/openid-configuration")
    if meta.get("issuer", "").rstrip("/") != issuer:
        raise SsoFailed(f"The discovery document names the issuer {meta.get('issuer')!r}, not {issuer!r}.",
                        status=502, zh="身份源的发现文档与配置的签发者不一致。")
    _discovery[issuer] = _Cached(meta, time.monotonic())
    return meta


async def _keys(meta: dict[str, Any], kid: str | None) -> dict[str, Any]:
    """The JWK named ``kid`` (the JWKS is cached and fetched again when a kid is unknown: a key rotation)."""
    uri = meta["jwks_uri"]
    for attempt in (0, 1):
        cached = _jwks.get(uri)
        if cached is None or attempt == 1:
            cached = _Cached(await _get_json(uri), time.monotonic())
            _jwks[uri] = cached
        keys = [k for k in cached.value.get("keys", []) if k.get("kty") == "RSA" and k.get("use", "sig") == "sig"]
        match = [k for k in keys if kid is None or k.get("kid") == kid]
        if match:
            return match[0]
        if cached is not None and attempt == 0 and cached.at > time.monotonic() - 1:
            break  # just fetched: fetching again would tell nothing new
    raise SsoFailed(f"The token names a key ({kid}) the identity provider does not publish.",
                    zh="身份令牌的签名密钥不被身份源认可。")


def _auth_method(provider: IdentityProvider, meta: dict[str, Any]) -> str:
    wanted = (provider.config or {}).get("token_endpoint_auth_method")
    supported = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if wanted in ("client_secret_basic", "client_secret_post"):
        return str(wanted)
    return "client_secret_basic" if "client_secret_basic" in supported else "client_secret_post"


def _client(provider: IdentityProvider, meta: dict[str, Any], redirect_uri: str) -> AsyncOAuth2Client:
    scopes = provider.scopes or ["openid", "email", "profile"]
    if "openid" not in scopes:
        scopes = ["openid", *scopes]
    return AsyncOAuth2Client(client_id=provider.client_id, client_secret=provider.client_secret or None,
                             scope=" ".join(scopes), redirect_uri=redirect_uri, code_challenge_method="S256",
                             token_endpoint_auth_method=_auth_method(provider, meta), timeout=HTTP_TIMEOUT)


async def authorization_url(provider: IdentityProvider, *, redirect_uri: str, state: str, nonce: str,
                            code_verifier: str) -> str:
    """Where to send the browser: the provider's authorization endpoint with state, nonce and the PKCE
    S256 challenge derived from ``code_verifier`` (authlib computes it)."""
    meta = await discovery(provider.issuer)
    async with _client(provider, meta, redirect_uri) as client:
        url, _ = client.create_authorization_url(meta["authorization_endpoint"], state=state, nonce=nonce,
                                                 code_verifier=code_verifier)
    return str(url)


async def exchange_code(provider: IdentityProvider, *, redirect_uri: str, code: str,
                        code_verifier: str) -> dict[str, Any]:
    """The provider's token response for ``code`` (with the PKCE verifier)."""
    meta = await discovery(provider.issuer)
    try:
        async with _client(provider, meta, redirect_uri) as client:
            token = await client.fetch_token(meta["token_endpoint"], code=code, code_verifier=code_verifier,
                                             grant_type="authorization_code")
    except Exception as exc:  # authlib raises OAuthError, httpx its own: either way the exchange failed
        raise SsoFailed(f"The identity provider refused the authorization code: {exc}",
                        zh="身份源拒绝了此次登录（授权码无效或已过期），请重新登录。") from exc
    return dict(token)


async def refresh(provider: IdentityProvider, *, refresh_token: str) -> dict[str, Any] | None:
    """A refresh at the provider: its new tokens, or None when it refuses (the account was disabled there,
    or the session ended). Network trouble raises (503): that says nothing about the account."""
    meta = await discovery(provider.issuer)
    try:
        async with _client(provider, meta, "") as client:
            token = await client.refresh_token(meta["token_endpoint"], refresh_token=refresh_token)
    except httpx.HTTPError as exc:
        raise SsoFailed(f"The identity provider could not be reached to refresh the session: {exc}", status=503,
                        zh="身份源暂时无法访问，请稍后再试。") from exc
    except Exception:  # authlib's OAuthError: invalid_grant and friends
        return None
    return dict(token)


async def validate_id_token(provider: IdentityProvider, id_token: str, *, nonce: str | None,
                            access_token: str | None = None) -> dict[str, Any]:
    """The ID token's claims once its signature (RS256, the provider's JWKS), issuer, audience, expiry and
    nonce check out; 400 otherwise."""
    meta = await discovery(provider.issuer)
    return await _validate(meta, provider, id_token, nonce=nonce, access_token=access_token)


async def _validate(meta: dict[str, Any], provider: IdentityProvider, token: str, *, nonce: str | None,
                    access_token: str | None = None, logout: bool = False) -> dict[str, Any]:
    what, what_zh = ("logout token", "登出令牌") if logout else ("ID token", "身份令牌")
    try:
        header = jwt.get_unverified_header(token)
    except JOSEError as exc:
        raise SsoFailed(f"The {what} is not a JWT.", zh=f"{what_zh}格式不正确。") from exc
    if header.get("alg") not in ID_TOKEN_ALGORITHMS:
        raise SsoFailed(f"The {what} is signed with {header.get('alg')!r}; only RS256 is accepted.",
                        zh=f"{what_zh}的签名算法不被接受（只接受 RS256）。")
    key = await _keys(meta, header.get("kid"))
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=ID_TOKEN_ALGORITHMS, audience=provider.client_id, issuer=meta["issuer"],
            access_token=access_token,
            options={"require_iat": True, "require_exp": not logout, "verify_at_hash": access_token is not None,
                     "leeway": 30})
    except JOSEError as exc:
        raise SsoFailed(f"The {what} was refused: {exc}",
                        zh=f"{what_zh}无效（签名、签发者、受众或有效期不符）。") from exc
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != provider.client_id:
        raise SsoFailed(f"The {what} was issued to another party.", zh=f"{what_zh}不是签发给运管的。")
    if not isinstance(claims.get("sub"), str) and not logout:
        raise SsoFailed(f"The {what} names no subject.", zh=f"{what_zh}缺少用户标识。")
    if nonce is not None and not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SsoFailed("The ID token's nonce does not match this sign-in.",
                        zh="身份令牌与本次登录不匹配（nonce 不符）。")
    return claims


async def validate_logout_token(provider: IdentityProvider, token: str) -> dict[str, Any]:
    """A back-channel logout token's claims (OIDC Back-Channel Logout 1.0 §2.6): signature, iss, aud, iat,
    the back-channel event, a sid or a sub, and no nonce."""
    meta = await discovery(provider.issuer)
    claims = await _validate(meta, provider, token, nonce=None, logout=True)
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
        raise SsoFailed("The logout token carries no back-channel logout event.", zh="登出令牌缺少登出事件。")
    if "nonce" in claims:
        raise SsoFailed("A logout token must not carry a nonce.", zh="登出令牌不应包含 nonce。")
    if not claims.get("sid") and not claims.get("sub"):
        raise SsoFailed("The logout token names neither a session nor a subject.", zh="登出令牌未指明会话或用户。")
    return claims


async def end_session_url(provider: IdentityProvider, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """RP-initiated logout: the provider's end_session_endpoint with id_token_hint, or None without one."""
    meta = await discovery(provider.issuer)
    endpoint = meta.get("end_session_endpoint")
    if not endpoint:
        return None
    params = {"client_id": provider.client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    if id_token:
        params["id_token_hint"] = id_token
    return str(httpx.URL(endpoint, params=params))
