"""Whatever a client sends to the batch endpoint gets a clear answer, never a 500, and a refused batch stores
nothing."""

import json

import pytest
from sqlalchemy import func, select

from services.kpi.models import DataGeneration, Measurement, Rollup
from tests.kpi.conftest import MKT, MKT_MANAGER, MKT_RES, point

GOOD = point("sales", MKT_RES, "2026-01", 1.0)

WHOLE_BATCH_REFUSED = [
    b"", b"null", b"{}", b'{"indicator_code": "sales"}', b"[1, 2]", b'["x"]', b"[[]]", b"[",
    b'[{"indicator_code": "sales", "unit_id": 8, "period": "2026-01"}]',                      # no value
    b'[{"indicator_code": "", "unit_id": 8, "period": "2026-01", "value": 1}]',                # empty code
    b'[{"indicator_code": "sales", "unit_id": 9223372036854775808, "period": "2026-01", "value": 1}]',
    b'[{"indicator_code": "sales", "unit_id": 8, "period": "2026-01", "value": 1, "source": null}]',
    b'[{"indicator_code": "sales", "unit_id": 8, "period": "2026-01", "value": 1, "measured_at": "soon"}]',
    b'[{"indicator_code": "sales", "unit_id": 8, "period": "' + b"9" * 11 + b'", "value": 1}]',
    json.dumps([GOOD, {"indicator_code": {"x": 1}, "unit_id": 8, "period": "2026-01", "value": 1}]).encode(),
]

ITEMS_REFUSED_ONE_BY_ONE = [
    {**GOOD, "indicator_code": "sales'; DROP TABLE kpi_measurement; --"},
    {**GOOD, "indicator_code": "销售额"},
    {**GOOD, "unit_id": -9223372036854775808},
    {**GOOD, "unit_id": 0},
    {**GOOD, "period": "2026-W60"},
    {**GOOD, "period": "' OR 1=1"},
    {**GOOD, "weight": 0},
    {**GOOD, "weight": -1.5},
]


async def counts(kpi) -> tuple[int, int, int]:
    async with kpi.app.state.db.reader() as s:
        return ((await s.execute(select(func.count()).select_from(Measurement))).scalar_one(),
                (await s.execute(select(func.count()).select_from(Rollup))).scalar_one(),
                (await s.execute(select(DataGeneration.value))).scalar_one())


@pytest.mark.parametrize("body", WHOLE_BATCH_REFUSED)
async def test_a_malformed_batch_is_refused_whole_with_a_problem_and_changes_nothing(kpi, body):
    before = await counts(kpi)
    r = await kpi.post("/api/kpi/measurements/batch", content=body,
                       headers={**MKT_MANAGER, "Content-Type": "application/json"})
    assert r.status_code == 422, (body, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/problem+json") and r.json()["detail"]
    assert await counts(kpi) == before


async def test_odd_items_are_refused_one_by_one_naming_a_field(kpi):
    r = await kpi.post("/api/kpi/measurements/batch", json=[GOOD, *ITEMS_REFUSED_ONE_BY_ONE], headers=MKT_MANAGER)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert results[0] == {"index": 0, "status": "created"}
    for item in results[1:]:
        assert item["status"] == "rejected" and item["errors"][0]["field"] in {"indicator_code", "unit_id", "period",
                                                                                "weight"}, item
    assert (await counts(kpi))[0] == 1


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"1e999"])
async def test_numbers_that_are_not_finite_are_refused(kpi, number):
    body = b'[{"indicator_code": "sales", "unit_id": 8, "period": "2026-01", "value": ' + number + b'}]'
    r = await kpi.post("/api/kpi/measurements/batch", content=body,
                       headers={**MKT_MANAGER, "Content-Type": "application/json"})
    assert r.status_code in (200, 422), r.text
    if r.status_code == 200:
        assert r.json()["results"][0]["errors"][0]["field"] == "value"
    assert (await counts(kpi))[0] == 0


@pytest.mark.parametrize("params", [
    {"unit_id": MKT, "period": "2026-13"}, {"unit_id": "seven", "period": "2026"}, {"unit_id": MKT},
    {"unit_id": MKT, "period": "2026", "indicator_code": "nosuch"}, {"unit_id": 10**30, "period": "2026"},
])
async def test_odd_evaluation_queries_get_a_problem(kpi, params):
    r = await kpi.get("/api/kpi/evaluations", params=params, headers=MKT_MANAGER)
    assert 400 <= r.status_code < 500 and r.json()["detail"], (params, r.status_code, r.text[:200])
