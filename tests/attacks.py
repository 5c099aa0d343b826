"""Forged and broken tokens every service must refuse (used by the org, service and gateway tests)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from services.common.tokens import SigningKey


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _seg(obj: dict) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode())


def claims(**over) -> dict:
    now = int(time.time())
    body = {"iss": "yunguan-org", "aud": "yunguan", "sub": "1", "name": "x", "typ": "access", "iat": now,
            "nbf": now, "exp": now + 600,
            "grants": [{"right": "admin", "unit_path": "/1/", "mode": "subtree", "held_at": "/1/", "via": "x"},
                       {"right": "view", "unit_path": "/1/", "mode": "subtree", "held_at": "/1/", "via": "x"}]}
    body.update(over)
    return body


def forged_tokens(real_key: SigningKey, valid_token: str) -> dict[str, str]:
    """name → token; each must be refused with 401."""
    kid = real_key.kid
    out = {}
    out["alg none"] = f"{_seg({'alg': 'none', 'kid': kid, 'typ': 'JWT'})}.{_seg(claims())}."
    out["alg None (case)"] = f"{_seg({'alg': 'None', 'kid': kid})}.{_seg(claims())}."
    signing_input = f"{_seg({'alg': 'HS256', 'kid': kid, 'typ': 'JWT'})}.{_seg(claims())}"
    mac = hmac.new(real_key.public_pem().encode(), signing_input.encode(), hashlib.sha256).digest()
    out["HS256 keyed with the public key"] = f"{signing_input}.{_b64(mac)}"
    h, p, s = valid_token.split(".")
    body = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    body["grants"] = claims()["grants"]
    out["tampered grants"] = f"{h}.{_seg(body)}.{s}"
    out["expired"] = real_key.sign(claims(iat=int(time.time()) - 4000, nbf=int(time.time()) - 4000,
                                          exp=int(time.time()) - 3000))
    out["other audience"] = real_key.sign(claims(aud="someone-else"))
    out["other issuer"] = real_key.sign(claims(iss="evil"))
    out["not yet valid"] = real_key.sign(claims(nbf=int(time.time()) + 3600))
    out["unknown kid"] = SigningKey.generate("rogue-key").sign(claims())
    out["known kid, other key"] = SigningKey.generate(kid).sign(claims())
    out["JWE"] = ".".join([_seg({"alg": "RSA-OAEP", "enc": "A256GCM"}), "a", "b", "c", "d"])
    out["garbage"] = "not-a-token"
    out["refresh-typed"] = real_key.sign(claims(typ="refresh"))
    return out
