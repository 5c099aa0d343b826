"""Token verification in the kernel: RS256 only, claims checked, JWKS refreshed on unknown kid."""

import asyncio

import pytest

from services.common.tokens import JwksCache, KeySet, SigningKey, TokenError, verify
from tests.attacks import claims, forged_tokens

KEY = SigningKey.generate("k1")


def test_a_valid_token_verifies_and_returns_its_claims():
    token = KEY.sign(claims(sub="42"))
    assert verify(token, KeySet.of(KEY), issuer="yunguan-org", audience="yunguan")["sub"] == "42"


# A token of another type is well signed: services refuse it by its typ (tests/flows/test_token_attacks.py).
FORGED = {k: v for k, v in forged_tokens(KEY, KEY.sign(claims(grants=[]))).items() if k != "refresh-typed"}


@pytest.mark.parametrize("name", list(FORGED))
def test_forged_or_broken_tokens_are_refused(name):
    token = FORGED[name]
    with pytest.raises(TokenError):
        verify(token, KeySet.of(KEY), issuer="yunguan-org", audience="yunguan")


def test_jwks_round_trip_keeps_only_rs256_signing_keys():
    doc = {"keys": [KEY.public_jwk(), {**KEY.public_jwk(), "kid": "enc", "use": "enc"},
                    {**KEY.public_jwk(), "kid": "hs", "alg": "HS256"}, {"kty": "oct", "kid": "x", "k": "c2VjcmV0"}]}
    assert KeySet.from_jwks(doc).kids() == ["k1"]


async def test_unknown_kid_triggers_one_refresh_then_verifies():
    calls = []
    new_key = SigningKey.generate("k2")

    async def fetch():
        calls.append(1)
        return {"keys": [KEY.public_jwk()] + ([new_key.public_jwk()] if len(calls) > 1 else [])}

    cache = JwksCache(fetch, ttl=300, min_refresh=0)
    await cache.refresh()
    assert (await cache.verify(KEY.sign(claims()), issuer="yunguan-org", audience="yunguan"))["sub"] == "1"
    assert len(calls) == 1
    assert (await cache.verify(new_key.sign(claims()), issuer="yunguan-org", audience="yunguan"))["sub"] == "1"
    assert len(calls) == 2


async def test_forged_kids_cannot_flood_the_jwks_endpoint():
    calls = []

    async def fetch():
        calls.append(1)
        return {"keys": [KEY.public_jwk()]}

    cache = JwksCache(fetch, ttl=300, min_refresh=60)
    await cache.refresh()
    for i in range(20):
        with pytest.raises(TokenError):
            await cache.verify(SigningKey.generate(f"rogue{i}").sign(claims()), issuer="yunguan-org",
                               audience="yunguan")
    assert len(calls) == 1


async def test_keys_stay_usable_while_the_jwks_endpoint_is_down():
    state = {"up": True}

    async def fetch():
        if not state["up"]:
            raise OSError("connection refused")
        return {"keys": [KEY.public_jwk()]}

    cache = JwksCache(fetch, ttl=0, min_refresh=0)
    await cache.refresh()
    state["up"] = False
    assert (await cache.verify(KEY.sign(claims()), issuer="yunguan-org", audience="yunguan"))["sub"] == "1"


async def test_a_verified_token_is_remembered_only_until_it_expires():
    import time as _time

    cache = JwksCache.static(KeySet.of(KEY))
    soon = KEY.sign(claims(exp=int(_time.time()) + 2))
    assert (await cache.verify(soon, issuer="yunguan-org", audience="yunguan"))["sub"] == "1"
    assert len(cache._verified) == 1
    cache._keys = KeySet()  # from now on only memory could accept the token
    assert (await cache.verify(soon, issuer="yunguan-org", audience="yunguan"))["sub"] == "1"
    with pytest.raises(TokenError):  # another audience is checked afresh, never served from memory
        await cache.verify(soon, issuer="yunguan-org", audience="other")
    await asyncio.sleep(2.1)
    with pytest.raises(TokenError):  # expired: memory no longer answers
        await cache.verify(soon, issuer="yunguan-org", audience="yunguan")


async def test_without_any_keys_a_failing_jwks_endpoint_is_not_asked_on_every_request():
    calls = []

    async def fetch():
        calls.append(1)
        raise OSError("org is down")

    cache = JwksCache(fetch, ttl=300, min_refresh=0)
    for _ in range(10):
        with pytest.raises(TokenError):
            await cache.verify(KEY.sign(claims()), issuer="yunguan-org", audience="yunguan")
    assert len(calls) == 1


def respell(token: str, segment: int, spelling) -> str:
    parts = token.split(".")
    parts[segment] = spelling(parts[segment])
    return ".".join(parts)


def other_last_char(seg: str) -> str:
    """The same bytes spelt with different unused trailing bits (a lenient decoder accepts both)."""
    import base64
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    raw = base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))
    for c in alphabet:
        candidate = seg[:-1] + c
        if candidate != seg and base64.urlsafe_b64decode(candidate + "=" * (-len(candidate) % 4)) == raw:
            return candidate
    raise AssertionError("no other spelling")


@pytest.mark.parametrize("segment", [0, 1, 2])
@pytest.mark.parametrize("spelling", [lambda s: s + "=", lambda s: s + "==", lambda s: s + "\n",
                                      lambda s: s.replace("-", "+").replace("_", "/"), other_last_char],
                         ids=["padded", "over-padded", "newline", "plain-base64", "stray-bits"])
def test_only_the_canonical_spelling_of_a_signed_token_verifies(segment, spelling):
    token = KEY.sign(claims(sub="42"))
    assert verify(token, KeySet.of(KEY), issuer="yunguan-org", audience="yunguan")["sub"] == "42"
    respelt = respell(token, segment, spelling)
    if respelt == token:
        pytest.skip("this spelling changes nothing in this segment")
    with pytest.raises(TokenError, match="malformed"):
        verify(respelt, KeySet.of(KEY), issuer="yunguan-org", audience="yunguan")
