"""The one place that touches the JOSE library (python-jose, cryptography backend).

Signing, verification and JWKS handling live here so the library could be
swapped without touching a service. Only compact JWS with RS256 is accepted:
``alg: none``, HMAC (including HS256 keyed with our public key), other RSA
variants and JWE (five segments) are all refused before any key is used.
Key objects are built once (from PEM or JWK) and reused, because parsing an
RSA key costs milliseconds per call.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jws, jwt
from jose.exceptions import ExpiredSignatureError, JOSEError, JWTClaimsError

ALGORITHM = "RS256"
ALGORITHMS = [ALGORITHM]  # the exact list, passed on every decode


class TokenError(Exception):
    """The token cannot be trusted; the message says why (safe to show)."""


class UnknownKey(TokenError):
    """The token names a key id we do not (yet) know."""


@dataclass
class SigningKey:
    """An RSA private key with its id, loaded once and kept in memory."""

    kid: str
    private_key: rsa.RSAPrivateKey

    def __post_init__(self) -> None:
        self._jose_key = jwk.construct(self.private_key, ALGORITHM)
        self._public_jose_key = jwk.construct(self.private_key.public_key(), ALGORITHM)

    @classmethod
    def generate(cls, kid: str | None = None, bits: int = 2048) -> SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        return cls(kid or uuid.uuid4().hex[:16], key)

    @classmethod
    def from_pem(cls, kid: str, pem: str | bytes) -> SigningKey:
        data = pem.encode() if isinstance(pem, str) else pem
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("signing keys must be RSA")
        return cls(kid, key)

    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()

    def public_pem(self) -> str:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def public_jwk(self) -> dict[str, Any]:
        data = self._public_jose_key.to_dict()
        data.update({"kid": self.kid, "use": "sig", "alg": ALGORITHM})
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in data.items()}

    def sign(self, claims: dict[str, Any]) -> str:
        """Sign ``claims`` as a compact JWS (RS256, with this key's ``kid``)."""
        token: str = jwt.encode(claims, self._jose_key, algorithm=ALGORITHM, headers={"kid": self.kid, "typ": "JWT"})
        return token


class KeySet:
    """Verification keys by ``kid``, each built once."""

    def __init__(self, keys: dict[str, Any] | None = None):
        self._keys: dict[str, Any] = dict(keys or {})

    @classmethod
    def from_jwks(cls, document: dict[str, Any]) -> KeySet:
        keys = {}
        for entry in document.get("keys", []):
            if entry.get("kty") != "RSA" or entry.get("alg", ALGORITHM) != ALGORITHM or "kid" not in entry:
                continue
            if entry.get("use", "sig") != "sig":
                continue
            keys[entry["kid"]] = jwk.construct(entry, ALGORITHM)
        return cls(keys)

    @classmethod
    def of(cls, *signing_keys: SigningKey) -> KeySet:
        return cls({k.kid: k._public_jose_key for k in signing_keys})

    def get(self, kid: str) -> Any:
        """The key (python-jose's, untyped) with this id, else None."""
        return self._keys.get(kid)

    def kids(self) -> list[str]:
        return list(self._keys)


_B64URL = re.compile(r"[A-Za-z0-9_-]+")


def _b64url_strict(segment: str) -> bytes:
    """Decode one segment of a compact JWS, accepting only its one canonical spelling: base64url
    without padding, no other characters, no stray bits. The library decodes leniently (padding,
    trailing bits), which would let many spellings of one signature verify."""
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise TokenError("the token is malformed")
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != segment:
        raise TokenError("the token is malformed")
    return raw


def _b64json(segment: str) -> dict[str, Any]:
    raw = _b64url_strict(segment)
    try:
        value = json.loads(raw)
    except Exception as exc:  # malformed JSON
        raise TokenError("the token is malformed") from exc
    if not isinstance(value, dict):
        raise TokenError("the token is malformed")
    return value


def read_header(token: str) -> dict[str, Any]:
    """The protected header, after checking the token is a compact RS256 JWS."""
    parts = token.split(".")
    if len(parts) == 5:
        raise TokenError("encrypted tokens (JWE) are not accepted")
    if len(parts) != 3 or not all(parts):
        raise TokenError("the token is malformed")
    header = _b64json(parts[0])
    _b64url_strict(parts[1])
    _b64url_strict(parts[2])
    if header.get("alg") != ALGORITHM:
        raise TokenError(f"tokens must be signed with {ALGORITHM}")
    if "crit" in header or "jku" in header or "x5u" in header or "jwk" in header:
        raise TokenError("the token header carries parameters that are not accepted")
    if not isinstance(header.get("kid"), str):
        raise TokenError("the token has no key id")
    return header


def verify(token: str, keys: KeySet, *, issuer: str, audience: str, leeway: int = 30) -> dict[str, Any]:
    """Verify signature and ``iss``/``aud``/``exp``/``nbf``; return the claims."""
    header = read_header(token)
    key = keys.get(header["kid"])
    if key is None:
        raise UnknownKey("the token was signed with an unknown key")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=ALGORITHMS, audience=audience, issuer=issuer,
            options={"require_exp": True, "require_sub": True, "require_aud": True,
                     "require_iss": True, "leeway": leeway},
        )
    except ExpiredSignatureError as exc:
        raise TokenError("the token has expired") from exc
    except JWTClaimsError as exc:
        raise TokenError(f"the token's claims are not accepted: {exc}") from exc
    except JOSEError as exc:
        raise TokenError("the token's signature is not valid") from exc
    return claims


def verify_signed(token: str, keys: KeySet) -> dict[str, Any]:
    """A signed document that is not an access token (an audit anchor, say): RS256 with a known
    key, canonical spelling; its claims are returned unchecked for the caller to judge."""
    header = read_header(token)
    key = keys.get(header["kid"])
    if key is None:
        raise UnknownKey("the document was signed with an unknown key")
    try:
        payload = jws.verify(token, key, algorithms=ALGORITHMS)
    except JOSEError as exc:
        raise TokenError("the document's signature is not valid") from exc
    try:
        claims = json.loads(payload)
    except ValueError as exc:
        raise TokenError("the document is malformed") from exc
    if not isinstance(claims, dict):
        raise TokenError("the document is malformed")
    return claims


def verify_jws_signature_only(token: str, key: SigningKey) -> bytes:
    """Raw JWS check without claims (used by tests of the attack cases)."""
    payload: bytes = jws.verify(token, key._public_jose_key, algorithms=ALGORITHMS)
    return payload


class JwksCache:
    """Keys fetched from a JWKS URL, cached, refreshed when an unknown ``kid`` shows up.

    Refreshes triggered by unknown kids are spaced at least ``min_refresh`` seconds
    apart, so a flood of forged kids cannot turn into a flood of JWKS requests.
    """

    def __init__(self, fetch: Callable[[], Awaitable[dict[str, Any]]], *, ttl: float = 300, min_refresh: float = 5,
                 cache_size: int = 4096):
        self._fetch = fetch
        self._ttl = ttl
        self._min_refresh = min_refresh
        self._keys = KeySet()
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        # With no keys at all, failed fetches back off (so a hanging org is not asked per request).
        self._retry_at = 0.0
        self._retry_delay = 1.0
        # Verified tokens → claims, never used at or after their exp: repeats skip the RSA check.
        self._verified: OrderedDict[tuple[str, str, str], tuple[dict[str, Any], float]] = OrderedDict()
        self._cache_size = cache_size

    @classmethod
    def from_url(cls, url: str, client: httpx.AsyncClient, **kw: Any) -> JwksCache:
        async def fetch() -> dict[str, Any]:
            resp = await client.get(url, timeout=5.0)
            resp.raise_for_status()
            document: dict[str, Any] = resp.json()
            return document

        return cls(fetch, **kw)

    @classmethod
    def static(cls, keys: KeySet) -> JwksCache:
        async def fetch() -> dict[str, Any]:
            return {"keys": []}

        cache = cls(fetch, ttl=float("inf"), min_refresh=float("inf"))
        cache._keys = keys
        cache._fetched_at = time.monotonic()
        return cache

    @property
    def keys(self) -> KeySet:
        return self._keys

    async def refresh(self, *, force: bool = False) -> KeySet:
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            if force and age < self._min_refresh:
                return self._keys
            if not force and age < self._ttl:
                return self._keys
            if not self._keys.kids() and time.monotonic() < self._retry_at:
                raise TokenError("the signing keys are not available right now")
            try:
                self._keys = KeySet.from_jwks(await self._fetch())
                self._fetched_at = time.monotonic()
                self._retry_delay = 1.0
            except Exception as exc:
                # Keep serving the keys we have; an outage of org must not lock everyone out.
                if not self._keys.kids():
                    self._retry_at = time.monotonic() + self._retry_delay
                    self._retry_delay = min(30.0, self._retry_delay * 2)
                    raise TokenError("the signing keys are not available right now") from exc
            return self._keys

    async def verify(self, token: str, *, issuer: str, audience: str) -> dict[str, Any]:
        key = (token, issuer, audience)
        hit = self._verified.get(key)
        if hit is not None:
            claims, exp = hit
            if time.time() < exp:
                return claims
            del self._verified[key]
        if time.monotonic() - self._fetched_at >= self._ttl:
            await self.refresh()
        try:
            claims = verify(token, self._keys, issuer=issuer, audience=audience)
        except UnknownKey:
            await self.refresh(force=True)
            claims = verify(token, self._keys, issuer=issuer, audience=audience)
        expires = claims.get("exp")
        if isinstance(expires, (int, float)):
            self._verified[key] = (claims, float(expires))
            if len(self._verified) > self._cache_size:
                self._verified.popitem(last=False)
        return claims
