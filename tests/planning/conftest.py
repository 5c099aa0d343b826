"""Planning tests run against a real org (demo company) for sign-in, keys and right holders."""

import contextlib

import httpx
import pytest

from services.common.service_auth import ServiceTokens
from services.common.settings import DEMO_SERVICE_SECRET
from services.common.tokens import JwksCache
from services.org.app import create_app as org_app
from services.planning.app import create_app as planning_app
from services.risk.app import create_app as risk_app
from tests.org.conftest import seeded
from tests.support import DEMO_IDS, bearer, load_demo_units, running, settings


class Company:
    """The org and planning services of the demo company, talking to each other over HTTP (ASGI)."""

    def __init__(self, org, planning, risk):
        self.org, self.planning, self.risk = org, planning, risk
        self._tokens: dict[str, str] = {}

    async def as_(self, username: str) -> dict[str, str]:
        if username not in self._tokens:
            r = await self.org.post("/api/org/auth/token", data={"grant_type": "password", "username": username,
                                                                 "password": "Demo@2026"})
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return bearer(self._tokens[username])

    async def user_id(self, username: str) -> int:
        r = await self.org.get("/api/org/me", headers=await self.as_(username))
        return r.json()["user"]["id"]

    async def create(self, username: str, **body) -> dict:
        r = await self.planning.post("/api/planning/plans", json=body, headers=await self.as_(username))
        assert r.status_code == 201, r.text
        return r.json()

    async def act(self, username: str, plan: dict | int, action: str, comment: str = "", **extra):
        pid = plan if isinstance(plan, int) else plan["id"]
        return await self.planning.post(f"/api/planning/plans/{pid}/{action}", json={"comment": comment, **extra},
                                        headers=await self.as_(username))

    async def get(self, username: str, plan: dict | int):
        pid = plan if isinstance(plan, int) else plan["id"]
        return await self.planning.get(f"/api/planning/plans/{pid}", headers=await self.as_(username))


    async def risk_for(self, username: str, unit: str = "MKT", title: str = "市场需求下滑") -> int:
        """A risk registered in the risk service's register by ``username``; its id."""
        r = await self.risk.post("/api/risk/risks", headers=await self.as_(username),
                                 json={"title": title, "category": "market", "unit_id": DEMO_IDS[unit]})
        assert r.status_code == 201, r.text
        return r.json()["id"]


@pytest.fixture
async def company(databases, tmp_path, request):
    # uploaded files go to the test's own directory; a test passes planning settings of its own with
    # @pytest.mark.parametrize("company", [{...}], indirect=True), or a function of the request making them
    # from other fixtures
    own = getattr(request, "param", {})
    overrides = {"data_dir": tmp_path, **(own(request) if callable(own) else own)}
    org = org_app(settings("org", await databases.fresh("org", seeded), demo=True))
    planning = planning_app(settings("planning", await databases.fresh("planning"), org_url="http://org",
                                     risk_url="http://risk", **overrides))
    risk = risk_app(settings("risk", await databases.fresh("risk"), org_url="http://org"))
    async with contextlib.AsyncExitStack() as stack:
        org_client = await stack.enter_async_context(running(org, base_url="http://org"))

        async def jwks():
            return (await org_client.get("/api/org/.well-known/jwks.json")).json()

        planning.state.jwks = risk.state.jwks = JwksCache(jwks, ttl=300, min_refresh=0)
        client = await stack.enter_async_context(running(planning, base_url="http://planning"))
        risk_client = await stack.enter_async_context(running(risk, base_url="http://risk"))
        # Planning reaches org (right holders, the directory) and risk (the register) over in-process HTTP.
        http = await stack.enter_async_context(httpx.AsyncClient(mounts={
            "http://org": httpx.ASGITransport(app=org), "http://risk": httpx.ASGITransport(app=risk)}))
        planning.state.http = http
        planning.state.service_tokens = ServiceTokens(service="planning", service_secret=DEMO_SERVICE_SECRET,
                                                      token_url="http://org/api/org/auth/token", client=org_client)
        await load_demo_units(planning)
        await load_demo_units(risk)
        yield Company(org_client, client, risk_client)


def annual(unit: str, title: str, targets=(("sales", 1200.0),), **kw) -> dict:
    return {"unit_id": DEMO_IDS[unit], "period": kw.pop("period", "2027"), "title": title,
            "targets": [{"indicator_code": c, "value": v} for c, v in targets], **kw}
