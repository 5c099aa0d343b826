"""The edge check: refuse a missing or untrustworthy bearer token before proxying.

The services verify every token again (and decide what it allows); the gateway only
keeps anonymous and forged traffic away from them and learns the subject for rate
limiting. Verification is the kernel's (``JwksCache``: RS256 only, pre-built keys,
refresh on unknown ``kid``). A verified token is remembered until its ``exp`` so the
same token seen again costs a dict lookup instead of an RSA verification.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from services.common.revocation import Revocations
from services.common.tokens import JwksCache, TokenError


class AuthRefused(Exception):
    """The request may not pass; ``status`` is 401, or 503 when keys are unavailable."""

    def __init__(self, detail: str, status: int = 401, *, zh: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.zh = zh
        self.status = status


class TokenCache:
    """Bounded LRU of token -> (subject, exp); an entry is never used at or after ``exp``."""

    def __init__(self, size: int = 4096, *, clock: Callable[[], float] = time.time):
        self.size = max(0, size)
        self.clock = clock
        self._entries: OrderedDict[bytes, tuple[str, float]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, token: bytes) -> str | None:
        entry = self._entries.get(token)
        if entry is None:
            self.misses += 1
            return None
        if entry[1] <= self.clock():
            del self._entries[token]
            self.misses += 1
            return None
        self._entries.move_to_end(token)
        self.hits += 1
        return entry[0]

    def put(self, token: bytes, subject: str, exp: float) -> None:
        if self.size == 0 or exp <= self.clock():
            return
        self._entries[token] = (subject, exp)
        self._entries.move_to_end(token)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


class EdgeAuth:
    """Turns an ``Authorization`` header value into the token's subject, or refuses."""

    def __init__(self, jwks: JwksCache, *, issuer: str, audience: str, cache: TokenCache,
                 revocations: Revocations | None = None):
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience
        self.cache = cache
        self.revocations = revocations or Revocations.static()

    def _not_revoked(self, subject: str) -> str:
        if self.revocations.revoked(subject):
            raise AuthRefused("The access token was refused: its user was deactivated or its client revoked.",
                              zh="访问令牌被拒绝：该用户已停用或该客户端已被吊销。")
        return subject

    async def subject(self, authorization: bytes | None) -> str:
        if not authorization:
            raise AuthRefused("Sign in first: send 'Authorization: Bearer <access token>'.", zh="请先登录。")
        scheme, _, token = authorization.partition(b" ")
        token = token.strip()
        if scheme.lower() != b"bearer" or not token:
            raise AuthRefused("Sign in first: send 'Authorization: Bearer <access token>'.", zh="请先登录。")
        subject = self.cache.get(token)
        if subject is not None:
            return self._not_revoked(subject)
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            raise AuthRefused("The access token was refused: the token is malformed.",
                              zh="登录凭据格式不正确，请重新登录。") from None
        try:
            claims = await self.jwks.verify(text, issuer=self.issuer, audience=self.audience)
        except TokenError as exc:
            if not self.jwks.keys.kids():
                # Nothing to verify with (org unreachable since start-up): not the client's fault.
                raise AuthRefused("Sign-in cannot be checked right now: the signing keys are "
                                  "not available; try again shortly.", status=503,
                                  zh="暂时无法核验登录（签名密钥不可用），请稍后重试。") from exc
            raise AuthRefused(f"The access token was refused: {exc}.", zh="登录已失效，请重新登录。") from exc
        # Same rule as the services: only access tokens open the API (not refresh tokens).
        if claims.get("typ", "access") != "access":
            raise AuthRefused("The access token was refused: this is not an access token.",
                              zh="登录凭据无效：这不是访问令牌，请重新登录。")
        subject = str(claims["sub"])
        exp = claims.get("exp")
        if isinstance(exp, (int, float)):
            self.cache.put(token, subject, float(exp))
        return self._not_revoked(subject)
