"""A deactivated user's and a deleted client's tokens stop working everywhere within a bounded
time (the revocation refresh), not at their exp; the tokens of everyone else keep working."""

import time

import httpx

from tests.flows.test_org_read_model import sign_in_http
from tests.support import bearer

BOUND = 30.0  # seconds; the services refresh the list every 0.2 s here (15 s by default)


async def refused_everywhere(http, base, headers) -> dict[str, int]:
    paths = {"org": "/api/org/me", "planning": "/api/planning/plans", "kpi": "/api/kpi/indicators",
             "risk": "/api/risk/risks"}
    return {s: (await http.get(base[s] + p, headers=headers)).status_code for s, p in paths.items()}


async def wait_until_all(http, base, headers, status: int) -> dict[str, int]:
    deadline = time.monotonic() + BOUND
    while True:
        got = await refused_everywhere(http, base, headers)
        if set(got.values()) == {status} or time.monotonic() > deadline:
            return got
        await _pause()


async def _pause():
    import asyncio
    await asyncio.sleep(0.1)


async def test_a_deactivated_users_token_stops_working_in_every_service(services):
    base = services
    async with httpx.AsyncClient(timeout=10) as http:
        admin = bearer((await sign_in_http(http, base["org"], "admin"))["access_token"])
        analyst = bearer((await sign_in_http(http, base["org"], "analyst"))["access_token"])
        gm = bearer((await sign_in_http(http, base["org"], "gm"))["access_token"])
        assert set((await refused_everywhere(http, base, analyst)).values()) == {200}
        me = (await http.get(f"{base['org']}/api/org/me", headers=analyst)).json()
        uid = me["user"]["id"]
        user = await http.get(f"{base['org']}/api/org/users/{uid}", headers=admin)
        r = await http.patch(f"{base['org']}/api/org/users/{uid}", json={"active": False},
                             headers={**admin, "If-Match": user.headers["etag"]})
        assert r.status_code == 200, r.text
        assert await wait_until_all(http, base, analyst, 401) == dict.fromkeys(base, 401)
        detail = (await http.get(f"{base['kpi']}/api/kpi/indicators", headers=analyst)).json()["detail"]
        assert "deactivated" in detail
        assert set((await refused_everywhere(http, base, gm)).values()) == {200}
        listed = (await http.get(f"{base['org']}/api/org/auth/revoked")).json()["subjects"]
        assert str(uid) in {e["sub"] for e in listed}


async def test_a_deleted_clients_token_stops_working(services):
    base = services
    async with httpx.AsyncClient(timeout=10) as http:
        admin = bearer((await sign_in_http(http, base["org"], "admin"))["access_token"])
        units = (await http.get(f"{base['org']}/api/org/units", headers=admin)).json()["items"]
        company = next(u for u in units if u["parent_id"] is None)
        created = await http.post(f"{base['org']}/api/org/clients", headers=admin, json={
            "client_id": "erp", "name": "ERP",
            "grants": [{"right": "view", "unit_id": company["id"], "mode": "subtree"}]})
        assert created.status_code == 201, created.text
        token = await http.post(f"{base['org']}/api/org/auth/token", data={
            "grant_type": "client_credentials", "client_id": "erp", "client_secret": created.json()["client_secret"]})
        erp = bearer(token.json()["access_token"])
        assert (await http.get(f"{base['kpi']}/api/kpi/indicators", headers=erp)).status_code == 200
        deleted = await http.delete(f"{base['org']}/api/org/clients/{created.json()['id']}", headers=admin)
        assert deleted.status_code == 204
        deadline = time.monotonic() + BOUND
        while (status := (await http.get(f"{base['kpi']}/api/kpi/indicators", headers=erp)).status_code) != 401:
            assert time.monotonic() < deadline, status
            await _pause()
