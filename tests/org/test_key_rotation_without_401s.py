"""Key rotation without 401s: a rotated key is published in JWKS at once but signs only after
YUNGUAN_KEY_ACTIVATION_SECONDS, so verifiers hold it before any token needs it; tokens of the old key keep
verifying until they expire. Time for the activation is an injected clock."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

from services.common.db import utcnow
from services.common.tokens import JwksCache
from services.org.app import create_app
from tests.org.conftest import sign_in
from tests.support import AUDIENCE, ISSUER, bearer, running, settings

ACTIVATION = 600.0
JWKS = "http://org/api/org/.well-known/jwks.json"


def kid_of(token: str) -> str:
    return json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]


async def test_a_rotated_key_is_published_before_it_signs_and_old_tokens_outlive_the_switch(org_url):
    app = create_app(settings("org", org_url, demo=True, key_activation_seconds=ACTIVATION))
    async with running(app, base_url="http://org") as org:
        now = [utcnow()]
        app.state.keys.clock = lambda: now[0]
        verifier = JwksCache.from_url(JWKS, org, ttl=300, min_refresh=0)  # another service's verifier
        old_token = (await sign_in(org, "gm"))["access_token"]
        old_kid = kid_of(old_token)
        await verifier.verify(old_token, issuer=ISSUER, audience=AUDIENCE)

        admin = bearer((await sign_in(org, "admin"))["access_token"])
        rotated = await org.post("/api/org/keys/rotate", headers=admin)
        assert rotated.status_code == 200, rotated.text
        new_kid = rotated.json()["kid"]
        assert new_kid != old_kid and rotated.json()["active"] is False
        # the window: JWKS already lists both, tokens are still signed with the old key
        kids = [k["kid"] for k in (await org.get("/api/org/.well-known/jwks.json")).json()["keys"]]
        assert old_kid in kids and new_kid in kids
        during = (await sign_in(org, "gm"))["access_token"]
        assert kid_of(during) == old_kid
        await verifier.verify(during, issuer=ISSUER, audience=AUDIENCE)
        listed = {k["kid"]: k["active"] for k in (await org.get("/api/org/keys", headers=admin)).json()}
        assert listed == {old_kid: True, new_kid: False}
        # a verifier whose cache ran out within the window (its TTL is shorter) now holds the new key too
        await verifier.refresh(force=True)
        assert new_kid in verifier.keys.kids()

        now[0] += timedelta(seconds=ACTIVATION + 1)  # the activation time has come
        after = (await sign_in(org, "gm"))["access_token"]
        assert kid_of(after) == new_kid
        assert (await verifier.verify(after, issuer=ISSUER, audience=AUDIENCE))["sub"]
        # tokens signed before the switch still verify until they expire, at org and elsewhere
        assert (await verifier.verify(old_token, issuer=ISSUER, audience=AUDIENCE))["sub"]
        assert (await org.get("/api/org/me", headers=bearer(old_token))).status_code == 200
        assert (await org.get("/api/org/me", headers=bearer(after))).status_code == 200


async def test_the_first_key_signs_at_once_whatever_the_activation_time(databases):
    url = await databases.fresh("org")
    app = create_app(settings("org", url, key_activation_seconds=ACTIVATION))
    async with running(app, base_url="http://org") as org:
        keys = (await org.get("/api/org/.well-known/jwks.json")).json()["keys"]
        assert [k["kid"] for k in keys] == [app.state.keys.active.kid]
