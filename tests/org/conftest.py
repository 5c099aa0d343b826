import pytest

from services.org.app import create_app
from tests.support import bearer, running, settings

DEMO_PASSWORD = "Demo@2026"


async def seeded(url: str) -> None:
    """Template preparation: run org's start-up once in demo mode (roles, demo company, key)."""
    app = create_app(settings("org", url, demo=True))
    async with app.router.lifespan_context(app):
        pass


@pytest.fixture
async def org_url(databases):
    return await databases.fresh("org", seeded)


@pytest.fixture
async def org(org_url):
    """A running org service with the demo company, over ASGI."""
    app = create_app(settings("org", org_url, demo=True, login_max_failures=3, login_lockout_seconds=60))
    async with running(app, base_url="http://org") as client:
        yield client


async def sign_in(client, username: str, password: str = DEMO_PASSWORD) -> dict:
    r = await client.post("/api/org/auth/token", data={"grant_type": "password", "username": username,
                                                       "password": password})
    assert r.status_code == 200, r.text
    return r.json()


async def auth(client, username: str) -> dict[str, str]:
    return bearer((await sign_in(client, username))["access_token"])


async def unit_by_code(client, headers, code: str) -> dict:
    r = await client.get("/api/org/units", headers=headers, params={"limit": 500})
    return next(u for u in r.json()["items"] if u["code"] == code)
