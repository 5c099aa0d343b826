"""Training into KPIs over real HTTP between real servers: a unit's training plan approved under guide, a session
and its attendance sheet, and the unit's training completion rate in kpi (source org) without anyone typing it."""

import asyncio
import time

import httpx

from tests.support import DEMO_IDS


async def eventually(probe, *, timeout=20.0):  # noqa: ASYNC109 - a deadline over many probes
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        assert time.monotonic() < deadline, "kpi never received the training completion rate"
        await asyncio.sleep(0.2)


async def test_a_training_plan_s_attendance_becomes_the_unit_s_training_completion_in_kpi(services):
    base = services
    async with httpx.AsyncClient(timeout=10) as http:
        async def sign_in(user):
            r = await http.post(f"{base['org']}/api/org/auth/token",
                                data={"grant_type": "password", "username": user, "password": "Demo@2026"})
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        head, director = await sign_in("supply_head"), await sign_in("ops_director")
        users = (await http.get(f"{base['org']}/api/org/users", headers=director, params={"limit": 500})).json()
        ids = {u["username"]: u["id"] for u in users["items"]}
        org = f"{base['org']}/api/org/training"
        plan = (await http.post(f"{org}/plans", headers=head, json={
            "unit_id": DEMO_IDS["OPS-SUP"], "year": 2026, "title": "供应科2026年度培训计划",
            "courses": [{"title": "燃气供应安全规程", "kind": "quarterly", "required": True,
                         "audience_user_ids": [ids["supply_head"], ids["analyst"], ids["market_mgr"]]}]})).json()
        assert (await http.post(f"{org}/plans/{plan['id']}/submit", headers=head)).status_code == 200
        decided = await http.post(f"{org}/plans/{plan['id']}/decision", headers=director,
                                  json={"decision": "approve", "reason": "同意"})
        assert decided.json()["status"] == "approved", decided.text
        held = (await http.post(f"{org}/plans/{plan['id']}/sessions", headers=head, json={
            "course_id": plan["courses"][0]["id"], "held_on": "2026-10-16", "location": "调度中心"})).json()
        sheet = await http.put(f"{org}/sessions/{held['id']}/attendance", headers=head, json={"attendance": [
            {"user_id": ids["supply_head"], "attended": True, "result": "pass"},
            {"user_id": ids["analyst"], "attended": True, "result": "fail", "score": 50},
            {"user_id": ids["market_mgr"], "attended": False}]})
        assert sheet.status_code == 200, sheet.text

        async def measured():
            r = await http.get(f"{base['kpi']}/api/kpi/measurements", headers=director,
                               params={"unit_id": DEMO_IDS["OPS-SUP"], "period": "2026-10"})
            points = [p for p in r.json().get("items", []) if p["indicator_code"] == "training_completion"
                      and p["source"] == "org"] if r.status_code == 200 else []
            return points

        points = await eventually(measured)
        # one of the three people required passed it: 33.33 %
        assert [round(p["value"], 2) for p in points] == [33.33]
