"""Evaluations are cached per data generation: every change to an input moves it, rights are checked on hits."""

import pytest

from services.common import generation
from services.kpi.models import DataGeneration
from tests.kpi.conftest import (
    ADMIN,
    MKT,
    MKT_MANAGER,
    MKT_RES,
    NOBODY,
    OPS_PLANNER,
    ORG_SERVICE,
    batch,
    event,
    point,
)

PARAMS = {"unit_id": MKT, "period": "2026-01"}


async def current(kpi) -> int:
    async with kpi.app.state.db.reader() as s:
        return await generation.current(s, DataGeneration.__table__)


async def sales_actual(kpi, headers=MKT_MANAGER):
    r = await kpi.get("/api/kpi/evaluations", params=PARAMS, headers=headers)
    assert r.status_code == 200, r.text
    return next(x for x in r.json()["items"] if x["indicator_code"] == "sales")


async def test_a_repeated_evaluation_is_served_with_an_etag_and_answers_304_to_it(kpi):
    await batch(kpi, [point("sales", MKT_RES, "2026-01", 100)])
    first = await kpi.get("/api/kpi/evaluations", params=PARAMS, headers=MKT_MANAGER)
    again = await kpi.get("/api/kpi/evaluations", params=PARAMS, headers=MKT_MANAGER)
    assert first.json() == again.json() and first.headers["etag"] == again.headers["etag"]
    unchanged = await kpi.get("/api/kpi/evaluations", params=PARAMS,
                              headers={**MKT_MANAGER, "If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304
    await batch(kpi, [point("sales", MKT_RES, "2026-01", 120)])
    changed = await kpi.get("/api/kpi/evaluations", params=PARAMS,
                            headers={**MKT_MANAGER, "If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]


async def test_a_cached_evaluation_still_needs_view_over_the_unit(kpi):
    await sales_actual(kpi)  # cached now
    assert (await kpi.get("/api/kpi/evaluations", params=PARAMS, headers=OPS_PLANNER)).status_code == 403
    assert (await kpi.get("/api/kpi/evaluations", params=PARAMS, headers=NOBODY)).status_code == 403


async def test_every_change_to_an_evaluation_input_moves_the_generation_and_the_answer(kpi):
    async def moves(step) -> None:
        before = await current(kpi)
        await step()
        assert await current(kpi) > before, step.__name__

    async def measurement():
        await batch(kpi, [point("sales", MKT_RES, "2026-01", 100)])

    async def target():
        r = await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                           json={"indicator_code": "sales", "unit_id": MKT, "period": "2026-01", "value": 200})
        assert r.status_code == 201, r.text

    async def threshold():
        r = await kpi.put("/api/kpi/thresholds", headers=ADMIN, json={
            "indicator_code": "sales", "unit_id": MKT, "mode": "relative", "warning": 0.9, "critical": 0.6})
        assert r.status_code == 200, r.text

    async def benchmark():
        r = await kpi.post("/api/kpi/benchmarks", headers=ADMIN, json={
            "indicator_code": "sales", "period": "2026-01", "value": 150, "source": "行业协会", "as_of": "2026-02-01"})
        assert r.status_code == 201, r.text

    async def indicator():
        url = "/api/kpi/indicators/sales"
        tag = (await kpi.get(url, headers=ADMIN)).headers["etag"]
        r = await kpi.patch(url, json={"name": "销售收入"}, headers={**ADMIN, "If-Match": tag})
        assert r.status_code == 200, r.text

    async def org_unit():
        renamed = event("org.unit.updated", {"id": MKT, "parent_id": 1, "name": "市场营销部", "code": "MKT",
                                             "kind": "department", "path": "/1/7/", "version": 5}, subject=str(MKT))
        assert (await kpi.post("/api/kpi/events", json=renamed, headers=ORG_SERVICE)).status_code == 200

    await sales_actual(kpi)
    for step in (measurement, target, threshold, benchmark, indicator, org_unit):
        await moves(step)
    sales = await sales_actual(kpi)
    assert (sales["name"], sales["actual"], sales["target"], sales["status"]) == ("销售收入", 100.0, 200.0, "red")
    assert sales["benchmark"]["value"] == 150.0


async def test_reads_and_refused_writes_leave_the_generation_alone(kpi):
    before = await current(kpi)
    await sales_actual(kpi)
    r = await kpi.post("/api/kpi/targets", headers=OPS_PLANNER,
                       json={"indicator_code": "sales", "unit_id": MKT, "period": "2026-01", "value": 200})
    assert r.status_code == 403
    assert await current(kpi) == before
    assert (await sales_actual(kpi))["actual"] is None


@pytest.mark.parametrize("path", ["/api/kpi/evaluations"])
async def test_unknown_units_are_not_cached_as_answers(kpi, path):
    assert (await kpi.get(path, params={"unit_id": 999, "period": "2026-01"}, headers=ADMIN)).status_code == 404
    assert (await kpi.get(path, params={"unit_id": 999, "period": "2026-01"}, headers=ADMIN)).status_code == 404


async def test_a_trend_series_is_cached_the_same_way_and_follows_new_points(kpi):
    params = {"indicator_code": "sales", "unit_id": MKT, "from": "2026-01", "to": "2026-03"}
    await batch(kpi, [point("sales", MKT_RES, "2026-01", 100)])
    first = await kpi.get("/api/kpi/series", params=params, headers=MKT_MANAGER)
    assert first.status_code == 200 and first.headers["etag"]
    same = await kpi.get("/api/kpi/series", params=params,
                         headers={**MKT_MANAGER, "If-None-Match": first.headers["etag"]})
    assert same.status_code == 304
    assert (await kpi.get("/api/kpi/series", params=params, headers=OPS_PLANNER)).status_code == 403
    await batch(kpi, [point("sales", MKT_RES, "2026-02", 50)])
    after = await kpi.get("/api/kpi/series", params=params,
                          headers={**MKT_MANAGER, "If-None-Match": first.headers["etag"]})
    assert after.status_code == 200
    assert [i["actual"] for i in after.json()["items"]] == [100.0, 50.0, None]
