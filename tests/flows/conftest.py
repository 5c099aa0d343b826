"""The four services as real uvicorn servers on free ports, talking over real HTTP."""

import contextlib

import httpx
import pytest

from gateway.app import create_app as gateway_app
from gateway.settings import GatewaySettings
from services.kpi.app import create_app as kpi_app
from services.org.app import create_app as org_app
from services.planning.app import create_app as planning_app
from services.risk.app import create_app as risk_app
from tests.org.conftest import seeded
from tests.support import free_port, serve, settings
from tests.support.receivers import MailServer, RobotReceiver


@pytest.fixture
async def mail():
    """A real SMTP server (STARTTLS, a throw-away CA) collecting what it is sent."""
    async with MailServer() as server:
        yield server


@pytest.fixture
async def robots():
    """A receiver for DingTalk, WeCom and Feishu group robots that checks their signatures."""
    async with RobotReceiver() as receiver:
        yield receiver


@pytest.fixture
async def services(databases):
    """Base URLs of org (demo company), planning, kpi and risk, with their relays running."""
    ports = {s: free_port() for s in ("org", "planning", "kpi", "risk")}
    urls = {f"{s}_url": f"http://127.0.0.1:{p}" for s, p in ports.items()}
    common = {**urls, "relay_enabled": True, "relay_interval": 0.1, "revocation_refresh_seconds": 0.2,
              "jwks_url": f"{urls['org_url']}/api/org/.well-known/jwks.json"}
    apps = {"org": org_app(settings("org", await databases.fresh("org", seeded), demo=True, **common))}
    for name, factory in (("planning", planning_app), ("kpi", kpi_app), ("risk", risk_app)):
        apps[name] = factory(settings(name, await databases.fresh(name), **common))
    async with contextlib.AsyncExitStack() as stack:
        # Consumers first, as a deployment would bring them up; org's relay then finds them listening.
        for name in ("planning", "kpi", "risk", "org"):
            await stack.enter_async_context(serve(apps[name], port=ports[name]))
        yield {s: urls[f"{s}_url"] for s in ports}


@pytest.fixture
async def product(databases, mail):
    """The four services (org sending e-mail to the test's SMTP server, robots allowed on loopback) and the
    gateway, as real servers on free ports."""
    ports = {s: free_port() for s in ("org", "planning", "kpi", "risk")}
    urls = {f"{s}_url": f"http://127.0.0.1:{p}" for s, p in ports.items()}
    common = {**urls, "relay_enabled": True, "relay_interval": 0.1,
              "jwks_url": f"{urls['org_url']}/api/org/.well-known/jwks.json"}
    apps = {"org": org_app(settings("org", await databases.fresh("org", seeded), demo=True, **common,
                                    **mail.settings(), webhook_allow_private_targets=True))}
    for name, factory in (("planning", planning_app), ("kpi", kpi_app), ("risk", risk_app)):
        apps[name] = factory(settings(name, await databases.fresh(name), **common))
    gateway = gateway_app(GatewaySettings(**urls, log_level="WARNING", rate_limit_rps=1000.0, rate_limit_burst=1000))
    async with contextlib.AsyncExitStack() as stack:
        for name in ("planning", "kpi", "risk", "org"):
            await stack.enter_async_context(serve(apps[name], port=ports[name]))
        gw = await stack.enter_async_context(serve(gateway))
        http = await stack.enter_async_context(httpx.AsyncClient(base_url=gw, timeout=10))
        http.apps = apps
        yield http


async def sign_in(http, user: str) -> dict[str, str]:
    r = await http.post("/api/org/auth/token", data={"grant_type": "password", "username": user,
                                                      "password": "Demo@2026"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "zh-CN"}


async def notifications(http, who: dict[str, str]) -> list[dict]:
    r = await http.get("/api/org/me/notifications", headers=who)
    assert r.status_code == 200, r.text
    return r.json()["items"]


@contextlib.asynccontextmanager
async def gateway_client(services):
    """The real gateway in front of the flow's services (limits out of the way), and an HTTP client of it."""
    gateway = gateway_app(GatewaySettings(**{f"{s}_url": url for s, url in services.items()},
                                          log_level="WARNING", rate_limit_rps=1000.0, rate_limit_burst=1000))
    async with serve(gateway) as gw, httpx.AsyncClient(base_url=gw, timeout=10) as http:
        yield http


async def until_units_synced(http, headers: dict[str, str], *, units: int = 13) -> None:
    """Wait until planning, kpi and risk each hold the demo company's units in their read-models."""
    from tests.flows.test_chains import eventually

    async def synced():
        for s in ("planning", "kpi", "risk"):
            r = await http.get(f"/api/{s}/org-units", headers=headers)
            if r.status_code != 200 or len(r.json()["items"]) < units:
                return False
        return True

    await eventually(synced)
