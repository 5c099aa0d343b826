"""Moving a unit in org changes the unit paths in planning, kpi and risk within seconds (real HTTP)."""

import asyncio
import contextlib
import time

from services.kpi.app import create_app as kpi_app
from services.org.app import create_app as org_app
from services.planning.app import create_app as planning_app
from services.risk.app import create_app as risk_app
from tests.org.conftest import seeded
from tests.support import bearer, free_port, serve, settings

import httpx


async def test_unit_moves_reach_every_service_read_model_within_five_seconds(databases):
    ports = {s: free_port() for s in ("org", "planning", "kpi", "risk")}
    urls = {f"{s}_url": f"http://127.0.0.1:{p}" for s, p in ports.items()}
    common = {**urls, "relay_enabled": True, "relay_interval": 0.1,
              "jwks_url": f"{urls['org_url']}/api/org/.well-known/jwks.json"}
    apps = {"org": org_app(settings("org", await databases.fresh("org", seeded), demo=True, **common))}
    for name, factory in (("planning", planning_app), ("kpi", kpi_app), ("risk", risk_app)):
        apps[name] = factory(settings(name, await databases.fresh(name), **common))
    async with contextlib.AsyncExitStack() as stack, httpx.AsyncClient(timeout=10) as http:
        # Consumers first, as a deployment would bring them up; org's relay then finds them listening.
        for name in ("planning", "kpi", "risk", "org"):
            await stack.enter_async_context(serve(apps[name], port=ports[name]))
        org = urls["org_url"]
        admin = bearer((await sign_in_http(http, org, "admin"))["access_token"])
        units = {u["code"]: u for u in (await http.get(f"{org}/api/org/units", headers=admin)).json()["items"]}

        async def read_models(code):
            out = {}
            for name in ("planning", "kpi", "risk"):
                r = await http.get(f"{urls[name + '_url']}/api/{name}/org-units", headers=admin)
                out[name] = {u["code"]: u["path"] for u in r.json()["items"]} if r.status_code == 200 else {}
            return {name: m.get(code) for name, m in out.items()}

        # start-up resync (or the creation events) brought the demo tree everywhere
        await wait_for(lambda: read_models("MKT-RES"), {s: units["MKT-RES"]["path"] for s in ("planning", "kpi", "risk")})
        moved = await http.post(f"{org}/api/org/units/{units['MKT']['id']}/move", headers=admin,
                                json={"parent_id": units["SZ"]["id"]})
        assert moved.status_code == 200
        new_team_path = f"{moved.json()['path']}{units['MKT-RES']['id']}/"
        started = time.monotonic()
        await wait_for(lambda: read_models("MKT-RES"), {s: new_team_path for s in ("planning", "kpi", "risk")})
        assert time.monotonic() - started < 5


async def sign_in_http(http, org, username):
    r = await http.post(f"{org}/api/org/auth/token", data={"grant_type": "password", "username": username,
                                                           "password": "Demo@2026"})
    return r.json()


async def wait_for(probe, expected, timeout=8.0):
    deadline = time.monotonic() + timeout
    while True:
        got = await probe()
        if got == expected:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {expected}, still {got}")
        await asyncio.sleep(0.1)
