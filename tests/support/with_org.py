"""One service of the demo company beside a real org (over in-process HTTP): sign-in as the demo people, org's
keys, and the service asking org with its own service token (e.g. who may see a unit's records)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from services.common.service_auth import ServiceTokens
from services.common.settings import DEMO_SERVICE_SECRET
from services.common.tokens import JwksCache
from services.org.app import create_app as org_app
from tests.org.conftest import seeded
from tests.support import bearer, load_demo_units, running, settings


class BesideOrg:
    """The service's client (``svc``), org's (``org``), and the demo people's headers (zh-CN)."""

    def __init__(self, org: httpx.AsyncClient, svc: httpx.AsyncClient) -> None:
        self.org, self.svc = org, svc
        self._tokens: dict[str, str] = {}

    async def as_(self, username: str) -> dict[str, str]:
        if username not in self._tokens:
            r = await self.org.post("/api/org/auth/token", data={"grant_type": "password", "username": username,
                                                                 "password": "Demo@2026"})
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return {**bearer(self._tokens[username]), "Accept-Language": "zh-CN"}

    async def user_id(self, username: str) -> int:
        return int((await self.org.get("/api/org/me", headers=await self.as_(username))).json()["user"]["id"])


@contextlib.asynccontextmanager
async def beside_org(databases, service: str, factory: Callable[..., Any], **kw: Any) -> AsyncIterator[BesideOrg]:
    org = org_app(settings("org", await databases.fresh("org", seeded), demo=True))
    app = factory(settings(service, await databases.fresh(service), org_url="http://org", **kw))
    async with contextlib.AsyncExitStack() as stack:
        org_client = await stack.enter_async_context(running(org, base_url="http://org"))

        async def jwks():
            return (await org_client.get("/api/org/.well-known/jwks.json")).json()

        app.state.jwks = JwksCache(jwks, ttl=300, min_refresh=0)
        client = await stack.enter_async_context(running(app, base_url=f"http://{service}"))
        app.state.http = await stack.enter_async_context(
            httpx.AsyncClient(mounts={"http://org": httpx.ASGITransport(app=org)}))
        app.state.service_tokens = ServiceTokens(service=service, service_secret=DEMO_SERVICE_SECRET,
                                                 token_url="http://org/api/org/auth/token", client=org_client)
        await load_demo_units(app)
        yield BesideOrg(org_client, client)
