"""Forged tokens get 401 from org and from every service directly (the gateway has its own test)."""

import httpx

from services.common.tokens import JwksCache
from services.kpi.app import create_app as kpi_app
from services.org.app import create_app as org_app
from services.planning.app import create_app as planning_app
from services.risk.app import create_app as risk_app
from tests.attacks import forged_tokens
from tests.org.conftest import seeded, sign_in
from tests.support import bearer, running, settings


async def test_every_service_refuses_forged_tokens_and_accepts_a_real_one(databases):
    org = org_app(settings("org", await databases.fresh("org", seeded), demo=True))
    async with running(org, base_url="http://org") as org_client:
        real = (await sign_in(org_client, "admin"))["access_token"]
        forged = forged_tokens(org.state.keys.active, real)
        # The other services fetch org's JWKS over HTTP (here: HTTP over the ASGI transport).
        async def fetch():
            return (await org_client.get("/api/org/.well-known/jwks.json")).json()

        targets = [(org_client, "/api/org/audit")]
        for name, factory in (("planning", planning_app), ("kpi", kpi_app), ("risk", risk_app)):
            app = factory(settings(name, await databases.fresh(name)))
            app.state.jwks = JwksCache(fetch, ttl=300, min_refresh=0)
            targets.append((app, f"/api/{name}/audit"))
        for target, path in targets:
            if isinstance(target, httpx.AsyncClient):
                await _check(target, path, real, forged)
            else:
                async with running(target) as client:
                    await _check(client, path, real, forged)


async def _check(client, path, real, forged):
    ok = await client.get(path, headers=bearer(real))
    assert ok.status_code == 200, (path, ok.text)
    for name, token in forged.items():
        r = await client.get(path, headers=bearer(token))
        assert r.status_code == 401, f"{path} accepted a token with {name}: {r.status_code}"
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert (await client.get(path)).status_code == 401
    assert (await client.get(path, headers={"Authorization": "Basic eDp5"})).status_code == 401
