"""Measurement batches: upsert on (indicator, unit, period, source), per-item results, rights, 10,000 points."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.kpi.models import Measurement
from tests.kpi.conftest import MKT, MKT_MANAGER, MKT_PLN, MKT_RES, MKT_VIEWER, OPS_CS, batch, evaluation, point
from tests.support import bearer, make_token

ERP = bearer(make_token(("plan", "/1/7/", "subtree"), sub="client:erp", client_id="erp", name="ERP"))


async def stored(kpi) -> int:
    async with kpi.app.state.db.reader() as s:
        return (await s.execute(select(func.count()).select_from(Measurement))).scalar_one()


async def test_points_are_upserted_per_indicator_unit_period_and_source(kpi):
    first = await batch(kpi, [point("sales", MKT_RES, "2026-01", 100), point("sales", MKT_RES, "2026-01", 5, "pos")])
    assert (first["created"], first["updated"]) == (2, 0)
    again = await batch(kpi, [point("sales", MKT_RES, "2026-01", 100), point("sales", MKT_RES, "2026-01", 7, "pos")])
    assert [r["status"] for r in again["results"]] == ["unchanged", "updated"]
    assert await stored(kpi) == 2
    assert (await evaluation(kpi, MKT, "2026-01"))["sales"]["actual"] == pytest.approx(107.0)
    listed = await kpi.get("/api/kpi/measurements", params={"unit_id": MKT_RES, "source": "pos"}, headers=MKT_VIEWER)
    assert [(m["indicator_code"], m["value"]) for m in listed.json()["items"]] == [("sales", 7.0)]
    measured_at = datetime.fromisoformat(listed.json()["items"][0]["measured_at"])
    assert abs((measured_at - datetime.now(UTC)).total_seconds()) < 120
    given = await batch(kpi, [{**point("sales", MKT_RES, "2026-02", 1), "measured_at": "2026-03-01T08:00:00+08:00"}])
    assert given["created"] == 1
    listed = await kpi.get("/api/kpi/measurements", params={"period": "2026-02"}, headers=MKT_VIEWER)
    assert datetime.fromisoformat(listed.json()["items"][0]["measured_at"]) == datetime(2026, 3, 1, 0, 0,
                                                                                        tzinfo=UTC)


async def test_a_later_copy_of_the_same_point_in_one_batch_wins(kpi):
    r = await batch(kpi, [point("sales", MKT_RES, "2026-01", 1), point("sales", MKT_RES, "2026-01", 2)])
    assert [x["status"] for x in r["results"]] == ["superseded", "created"]
    assert (await evaluation(kpi, MKT_RES, "2026-01"))["sales"]["actual"] == 2


async def test_bad_items_are_refused_one_by_one_and_the_rest_is_stored(kpi):
    r = await batch(kpi, [
        point("sales", MKT_RES, "2026-01", 10),
        point("nosuch", MKT_RES, "2026-01", 10),
        point("sales", 999, "2026-01", 10),
        point("sales", OPS_CS, "2026-01", 10),          # no plan right over 客户服务科
        point("sales", MKT_RES, "2026-13", 10),
        point("cost_expense_ratio", MKT_RES, "2026-01", 10),  # derived: measure its inputs
    ])
    assert (r["received"], r["created"], r["rejected"]) == (6, 1, 5)
    fields = [[e["field"] for e in x.get("errors", [])] for x in r["results"]]
    assert fields == [[], ["indicator_code"], ["unit_id"], ["unit_id"], ["period"], ["indicator_code"]]
    assert "plan" in r["results"][3]["errors"][0]["message"]
    assert await stored(kpi) == 1


async def test_writing_needs_plan_rights_and_api_clients_use_their_grants(kpi):
    r = await kpi.post("/api/kpi/measurements/batch", json=[point("sales", MKT_RES, "2026-01", 1)], headers=MKT_VIEWER)
    assert r.status_code == 403
    ok = await kpi.post("/api/kpi/measurements/batch", json=[point("sales", MKT_RES, "2026-01", 1),
                                                            point("sales", OPS_CS, "2026-01", 1)], headers=ERP)
    assert ok.status_code == 200 and [x["status"] for x in ok.json()["results"]] == ["created", "rejected"]


async def test_malformed_batches_are_refused_whole_with_field_errors(kpi):
    r = await kpi.post("/api/kpi/measurements/batch", headers=MKT_MANAGER,
                       json=[point("sales", MKT_RES, "2026-01", 1), {"indicator_code": "sales", "unit_id": "x",
                                                                      "period": "2026-01", "value": "abc"}])
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"1.unit_id", "1.value"}
    too_many = [point("sales", MKT_RES, "2026-01", 1)] * 10_001
    assert (await kpi.post("/api/kpi/measurements/batch", json=too_many, headers=MKT_MANAGER)).status_code == 422
    assert await stored(kpi) == 0


async def test_ten_thousand_points_in_one_batch_are_stored_and_evaluated(kpi):
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(250)]
    points, expected = [], {"sales": 0.0, "cost": 0.0}
    for code, base in (("sales", 10.0), ("cost", 4.0)):
        for unit in (MKT_RES, MKT_PLN):
            for n, d in enumerate(days):
                for s in range(10):
                    value = base + (n + s + unit) % 7
                    points.append(point(code, unit, d.isoformat(), value, f"src{s}"))
                    if d < date(2026, 4, 1):
                        expected[code] += value
    assert len(points) == 10_000
    r = await batch(kpi, points)
    assert (r["created"], r["rejected"]) == (10_000, 0)
    assert await stored(kpi) == 10_000
    rows = await evaluation(kpi, MKT, "2026-Q1")
    assert rows["sales"]["actual"] == pytest.approx(expected["sales"])
    assert rows["cost_expense_ratio"]["actual"] == pytest.approx(expected["cost"] / expected["sales"] * 100)
    # the same batch again changes nothing
    again = await batch(kpi, points)
    assert again["unchanged"] == 10_000
    assert (await evaluation(kpi, MKT, "2026-Q1"))["sales"]["actual"] == pytest.approx(expected["sales"])


async def test_concurrent_identical_batches_never_count_a_point_twice(kpi):
    import asyncio

    points = [point("sales", unit, f"2026-{m:02d}", 10.0 * m, "erp")
              for unit in (MKT_RES, MKT_PLN) for m in range(1, 13)]
    responses = await asyncio.gather(*[kpi.post("/api/kpi/measurements/batch", json=points, headers=MKT_MANAGER)
                                       for _ in range(4)])
    assert all(r.status_code in (200, 409) for r in responses), [r.text for r in responses]
    assert sum(r.json()["created"] for r in responses if r.status_code == 200) == len(points)
    assert await stored(kpi) == len(points)
    # Σ over months 1..12 of 10·m, for both teams
    assert (await evaluation(kpi, MKT, "2026"))["sales"]["actual"] == pytest.approx(2 * 10 * 78)


async def test_a_measured_at_without_a_zone_is_utc_and_mixes_with_zoned_ones_in_one_batch(kpi):
    r = await batch(kpi, [{**point("sales", MKT_RES, "2026-04", 1), "measured_at": "2026-04-30T08:00:00"},
                          {**point("sales", MKT_RES, "2026-04", 2, "pos"), "measured_at": "2026-04-30T09:00:00+08:00"},
                          point("sales", MKT_PLN, "2026-04", 3)])
    assert r["created"] == 3
    listed = await kpi.get("/api/kpi/measurements", params={"period": "2026-04", "unit_id": MKT_RES},
                           headers=MKT_VIEWER)
    times = {m["source"]: datetime.fromisoformat(m["measured_at"]) for m in listed.json()["items"]}
    assert times == {"erp": datetime(2026, 4, 30, 8, tzinfo=UTC),
                     "pos": datetime(2026, 4, 30, 1, tzinfo=UTC)}
