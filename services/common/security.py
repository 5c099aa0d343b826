"""Bearer tokens turned into a :class:`Principal`: the FastAPI dependency, and the one check behind it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import State

from services.common.authz import Principal
from services.common.problems import Unauthorized
from services.common.tokens import JwksCache, TokenError


def bearer_token(authorization: str) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; Unauthorized when there is none."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <access token>'.", zh="请先登录。")
    return token.strip()


async def verified_claims(state: State, authorization: str) -> dict[str, Any]:
    """The claims of the access token in an ``Authorization`` header, verified (RS256, org's keys, issuer,
    audience, expiry; an access token, its subject not revoked) with the parts on a service's ``state``;
    Unauthorized saying why not. Every caller check in the kernel goes through here."""
    token = bearer_token(authorization)
    settings = state.settings
    jwks: JwksCache = state.jwks
    try:
        claims = await jwks.verify(token, issuer=settings.token_issuer, audience=settings.token_audience)
    except TokenError as exc:
        raise Unauthorized(f"The access token was refused: {exc}.", zh="登录已失效，请重新登录。") from exc
    if claims.get("typ", "access") != "access":
        raise Unauthorized("The access token was refused: this is not an access token.",
                           zh="访问令牌被拒绝：这不是访问令牌。")
    revocations = getattr(state, "revocations", None)
    if revocations is not None and revocations.revoked(str(claims.get("sub"))):
        raise Unauthorized("The access token was refused: its user was deactivated or its client revoked.",
                           zh="访问令牌被拒绝：该用户已停用或该客户端已被吊销。")
    return claims


async def get_principal(request: Request) -> Principal:
    """Verify the request's bearer token and return its principal."""
    claims = await verified_claims(request.app.state, request.headers.get("authorization", ""))
    principal = Principal.from_claims(claims)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
