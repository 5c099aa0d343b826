"""FastAPI dependencies that turn a bearer token into a :class:`Principal`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.common.authz import Principal
from services.common.problems import Unauthorized
from services.common.tokens import TokenError


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <access token>'.", zh="请先登录。")
    return token.strip()


async def get_principal(request: Request) -> Principal:
    """Verify the request's bearer token (RS256, org's keys) and return its principal."""
    token = bearer_token(request)
    settings = request.app.state.settings
    try:
        claims = await request.app.state.jwks.verify(
            token, issuer=settings.token_issuer, audience=settings.token_audience)
    except TokenError as exc:
        raise Unauthorized(f"The access token was refused: {exc}.", zh="登录已失效，请重新登录。") from exc
    if claims.get("typ", "access") != "access":
        raise Unauthorized("The access token was refused: this is not an access token.",
                           zh="访问令牌被拒绝：这不是访问令牌。")
    revocations = getattr(request.app.state, "revocations", None)
    if revocations is not None and revocations.revoked(str(claims.get("sub"))):
        raise Unauthorized("The access token was refused: its user was deactivated or its client revoked.",
                           zh="访问令牌被拒绝：该用户已停用或该客户端已被吊销。")
    principal = Principal.from_claims(claims)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
