"""Ids are never handed out twice in kpi: a removed benchmark's id (and its audit history) never
goes to the next one."""

from tests.kpi.conftest import ADMIN


async def test_a_removed_benchmark_never_gives_its_id_to_a_new_one(kpi):
    body = {"indicator_code": "customer_satisfaction", "period": "2026", "value": 86.0, "source": "协会报告",
            "as_of": "2026-03-31"}
    first = (await kpi.post("/api/kpi/benchmarks", json=body, headers=ADMIN)).json()
    assert (await kpi.delete(f"/api/kpi/benchmarks/{first['id']}", headers=ADMIN)).status_code == 204
    second = await kpi.post("/api/kpi/benchmarks", json={**body, "value": 87.0}, headers=ADMIN)
    assert second.status_code == 201
    assert second.json()["id"] > first["id"]
