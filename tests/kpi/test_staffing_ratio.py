"""备员率 from org: ``org.staffing.measured`` becomes the spare_staff_ratio KPI through the normal ingest (source
"org"), so thresholds and crossings follow as for any measurement; no one types it."""

from __future__ import annotations

from sqlalchemy import delete

from services.kpi.models import Indicator
from tests.kpi.conftest import MKT, MKT_VIEWER, OPS, OPS_PLANNER, ORG_SERVICE, SERVICE, evaluation, event, outbox


def measured(unit_id: int, period: str, ratio: float | None, planned: float | None = 18.0, actual: int = 19) -> dict:
    return event("org.staffing.measured", {
        "unit_id": unit_id, "unit_path": f"/1/{unit_id}/", "unit_name": "市场部", "period": period,
        "planned": planned, "actual": actual, "vacancies": 1, "spare_ratio": ratio, "target_ratio": 10.0},
        subject=f"{unit_id}:{period}")


async def test_org_s_measured_spare_staff_ratio_arrives_as_a_kpi_with_its_warning(kpi):
    r = await kpi.post("/api/kpi/events", json=measured(MKT, "2026-12", 5.6), headers=ORG_SERVICE)
    assert r.json() == {"status": "applied"}
    listed = await kpi.get("/api/kpi/measurements", params={"unit_id": MKT, "period": "2026-12"}, headers=MKT_VIEWER)
    assert [(m["indicator_code"], m["value"], m["source"]) for m in listed.json()["items"]] == [
        ("spare_staff_ratio", 5.6, "org")]
    assert (await evaluation(kpi, MKT, "2026-12", headers=MKT_VIEWER))["spare_staff_ratio"]["actual"] == 5.6
    crossed = [e.data for e in await outbox(kpi) if e.data["indicator_code"] == "spare_staff_ratio"]
    assert [(c["level"], c["threshold"]) for c in crossed] == [("warning", 10.0)]
    # the next measurement of the month replaces it (one point per unit, month and source)
    await kpi.post("/api/kpi/events", json=measured(MKT, "2026-12", 11.1, actual=20), headers=ORG_SERVICE)
    listed = await kpi.get("/api/kpi/measurements", params={"unit_id": MKT, "period": "2026-12"}, headers=MKT_VIEWER)
    assert [m["value"] for m in listed.json()["items"]] == [11.1]


async def test_a_unit_without_planned_headcount_gets_no_ratio(kpi):
    await kpi.post("/api/kpi/events", json=measured(OPS, "2026-12", None, planned=None), headers=ORG_SERVICE)
    listed = await kpi.get("/api/kpi/measurements", params={"unit_id": OPS, "period": "2026-12"},
                           headers=OPS_PLANNER)
    assert listed.status_code == 200 and listed.json()["items"] == []


async def test_a_library_seeded_before_the_indicator_existed_gets_it_on_first_use(kpi):
    async with kpi.app.state.db.writer() as s:
        await s.execute(delete(Indicator).where(Indicator.code == "spare_staff_ratio"))
        await s.commit()
    await kpi.post("/api/kpi/events", json=measured(MKT, "2026-11", 12.0), headers=ORG_SERVICE)
    indicators = await kpi.get("/api/kpi/indicators", params={"limit": 200}, headers=MKT_VIEWER)
    ratio = next(i for i in indicators.json()["items"] if i["code"] == "spare_staff_ratio")
    assert (ratio["name"], ratio["unit"], ratio["warning"]) == ("备员率", "%", 10.0)


async def test_only_org_may_send_staffing_measurements(kpi):
    r = await kpi.post("/api/kpi/events", json=measured(MKT, "2026-12", 5.6), headers=SERVICE)
    assert r.status_code in (401, 403)


async def test_a_measurement_for_a_unit_kpi_does_not_know_yet_is_refused_for_redelivery(kpi):
    e = measured(999, "2026-12", 5.6)
    r = await kpi.post("/api/kpi/events", json=e, headers=ORG_SERVICE)
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    # not recorded as processed (no "duplicate"): the same event delivered again is judged again
    assert (await kpi.post("/api/kpi/events", json=e, headers=ORG_SERVICE)).status_code == 503
