"""org's training completion rate (org.training.measured) becomes kpi's training_completion, source org: nobody
types it, and it is judged against the indicator's thresholds like any measurement."""

import pytest

from tests.kpi.conftest import ADMIN, MKT_MANAGER, OPS, ORG_SERVICE, SERVICE, evaluation, event, outbox


def measured(unit_id: int, period: str, required: int, completed: int) -> dict:
    return {"unit_id": unit_id, "unit_path": f"/1/{unit_id}/", "period": period, "required": required,
            "completed": completed, "rate": round(completed * 100 / required, 2)}


async def test_org_s_training_completion_rate_is_ingested_as_training_completion_from_org(kpi):
    e = event("org.training.measured", measured(OPS, "2026-11", 4, 3), subject=f"{OPS}:2026-11")
    assert (await kpi.post("/api/kpi/events", json=e, headers=ORG_SERVICE)).json() == {"status": "applied"}
    listed = await kpi.get("/api/kpi/measurements", params={"unit_id": OPS, "period": "2026-11"}, headers=ADMIN)
    points = [p for p in listed.json()["items"] if p["indicator_code"] == "training_completion"]
    assert [(p["value"], p["source"]) for p in points] == [(75.0, "org")]
    row = (await evaluation(kpi, OPS, "2026-11", headers=ADMIN))["training_completion"]
    assert row["actual"] == pytest.approx(75.0)
    # 75 % is below the critical 80 %: the crossing is raised as for any typed measurement
    crossed = [c.data for c in await outbox(kpi)]
    assert any(c["indicator_code"] == "training_completion" and c["level"] == "critical" for c in crossed)
    # a redelivery changes nothing; a later computation for the month replaces the value (one point per source)
    assert (await kpi.post("/api/kpi/events", json=e, headers=ORG_SERVICE)).json() == {"status": "duplicate"}
    again = event("org.training.measured", measured(OPS, "2026-11", 4, 4), subject=f"{OPS}:2026-11")
    await kpi.post("/api/kpi/events", json=again, headers=ORG_SERVICE)
    assert (await evaluation(kpi, OPS, "2026-11", headers=ADMIN))["training_completion"]["actual"] == \
        pytest.approx(100.0)


async def test_only_org_delivers_training_completion(kpi):
    e = event("org.training.measured", measured(OPS, "2026-11", 4, 3))
    assert (await kpi.post("/api/kpi/events", json=e, headers=SERVICE)).status_code == 403
    assert (await kpi.post("/api/kpi/events", json=e, headers=MKT_MANAGER)).status_code == 403


async def test_a_rate_for_a_unit_kpi_does_not_know_yet_is_refused_for_redelivery_not_lost(kpi):
    e = event("org.training.measured", measured(999, "2026-11", 4, 3))
    assert (await kpi.post("/api/kpi/events", json=e, headers=ORG_SERVICE)).status_code == 503
    # not recorded as processed: once the unit is known, the same event applies
    assert (await kpi.post("/api/kpi/events", json=e, headers=ORG_SERVICE)).status_code == 503
