"""Moving a unit in org changes the unit paths in planning, kpi and risk within seconds (real HTTP)."""

import asyncio
import time

import httpx

from tests.support import bearer


async def test_unit_moves_reach_every_service_read_model_within_five_seconds(services):
    urls = {f"{s}_url": u for s, u in services.items()}
    async with httpx.AsyncClient(timeout=10) as http:
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
        await wait_for(lambda: read_models("MKT-RES"),
                       dict.fromkeys(("planning", "kpi", "risk"), units["MKT-RES"]["path"]))
        moved = await http.post(f"{org}/api/org/units/{units['MKT']['id']}/move", headers=admin,
                                json={"parent_id": units["SZ"]["id"]})
        assert moved.status_code == 200
        new_team_path = f"{moved.json()['path']}{units['MKT-RES']['id']}/"
        started = time.monotonic()
        await wait_for(lambda: read_models("MKT-RES"), dict.fromkeys(("planning", "kpi", "risk"), new_team_path))
        assert time.monotonic() - started < 5


async def sign_in_http(http, org, username):
    r = await http.post(f"{org}/api/org/auth/token", data={"grant_type": "password", "username": username,
                                                           "password": "Demo@2026"})
    return r.json()


async def wait_for(probe, expected, timeout=8.0):  # noqa: ASYNC109 - a deadline over many probes
    deadline = time.monotonic() + timeout
    while True:
        got = await probe()
        if got == expected:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {expected}, still {got}")
        await asyncio.sleep(0.1)
