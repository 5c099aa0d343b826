"""Rollups: what they hold, what they leave to the points, and how they come back after being emptied."""

import pytest
from sqlalchemy import delete, select

from services.kpi.app import _ensure_rollups
from services.kpi.models import Rollup
from tests.kpi.conftest import ADMIN, MKT, MKT_PLN, MKT_RES, batch, evaluation, point


async def rollup_rows(kpi) -> set[tuple]:
    async with kpi.app.state.db.reader() as s:
        # (vmin / vmax of a summed indicator are not kept exact after a correction: nobody reads them)
        rows = await s.execute(select(Rollup.unit_id, Rollup.period, Rollup.indicator_id, Rollup.n, Rollup.total,
                                      Rollup.wsum, Rollup.wtotal, Rollup.last_period, Rollup.last_total))
        return {tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows}


async def test_a_rollup_never_copies_the_points_of_its_own_unit_and_period(kpi):
    await batch(kpi, [point("sales", MKT_RES, "2026-03-05", 10), point("sales", MKT_RES, "2026-03-05", 5, "pos")])
    keys = {(u, p) for u, p, *_ in await rollup_rows(kpi)}
    assert (MKT_RES, "2026-03-05") not in keys          # the two points themselves serve it
    assert {(MKT_RES, "2026-03"), (MKT, "2026-03-05"), (MKT, "2026-03"), (1, "2026")} <= keys
    assert (await evaluation(kpi, MKT_RES, "2026-03-05"))["sales"]["actual"] == pytest.approx(15.0)
    assert (await evaluation(kpi, MKT, "2026-03-05"))["sales"]["actual"] == pytest.approx(15.0)
    assert (await evaluation(kpi, MKT_RES, "2026-03"))["sales"]["actual"] == pytest.approx(15.0)


async def test_a_unit_s_own_points_add_to_what_its_subtree_and_finer_periods_hold(kpi):
    # 市场部 reports a monthly figure of its own; its teams report days of the same month
    await batch(kpi, [point("sales", MKT, "2026-03", 100), point("sales", MKT_RES, "2026-03-05", 10),
                      point("sales", MKT_PLN, "2026-03", 7), point("market_share", MKT, "2026-03", 30),
                      point("market_share", MKT_RES, "2026-03-05", 10)])
    month = await evaluation(kpi, MKT, "2026-03")
    assert month["sales"]["actual"] == pytest.approx(117.0)
    assert month["market_share"]["actual"] == pytest.approx(20.0)       # an average over every point below
    assert (await evaluation(kpi, MKT, "2026-Q1"))["sales"]["actual"] == pytest.approx(117.0)
    # a correction of the department's own figure moves the month, the quarter and the company
    await batch(kpi, [point("sales", MKT, "2026-03", 90)])
    assert (await evaluation(kpi, MKT, "2026-03"))["sales"]["actual"] == pytest.approx(107.0)
    assert (await evaluation(kpi, 1, "2026", headers=ADMIN))["sales"]["actual"] == pytest.approx(107.0)


async def test_a_last_value_indicator_takes_the_latest_period_whether_own_or_below(kpi):
    body = {"code": "headcount", "name": "人数", "name_en": "Headcount", "category": "internal", "unit": "人",
            "direction": "higher_better", "aggregation": "last"}
    assert (await kpi.post("/api/kpi/indicators", json=body, headers=ADMIN)).status_code == 201
    await batch(kpi, [point("headcount", MKT, "2026-01", 50), point("headcount", MKT, "2026-02", 52),
                      point("headcount", MKT_RES, "2026-02", 8), point("headcount", MKT_PLN, "2026-01", 9)])
    # the quarter's last month is February: 52 at the department and 8 in 市场研究组
    assert (await evaluation(kpi, MKT, "2026-Q1"))["headcount"]["actual"] == pytest.approx(60.0)
    assert (await evaluation(kpi, MKT, "2026-02"))["headcount"]["actual"] == pytest.approx(60.0)
    assert (await evaluation(kpi, MKT, "2026-01"))["headcount"]["actual"] == pytest.approx(59.0)


async def test_a_batch_mixing_stored_and_new_points_stores_each_once(kpi):
    await batch(kpi, [point("sales", MKT_RES, "2026-01", 1), point("sales", MKT_RES, "2026-02", 2)])
    r = await batch(kpi, [point("sales", MKT_RES, "2026-03", 3), point("sales", MKT_RES, "2026-02", 2),
                          point("sales", MKT_RES, "2026-01", 4)])
    assert [x["status"] for x in r["results"]] == ["created", "unchanged", "updated"]
    assert (await evaluation(kpi, MKT, "2026-Q1"))["sales"]["actual"] == pytest.approx(9.0)


async def test_emptied_rollups_are_rebuilt_from_the_points_when_the_service_starts(kpi):
    await batch(kpi, [point("sales", MKT, "2026-03", 100), point("sales", MKT_RES, "2026-03-05", 10),
                      point("sales", MKT_PLN, "2026-W10", 7), point("order_delay_days", MKT_RES, "2026-02", 3),
                      point("order_delay_days", MKT_PLN, "2026-02-11", 9, "pos")])
    await batch(kpi, [point("sales", MKT_RES, "2026-03-05", 4)])
    written_at_ingest = await rollup_rows(kpi)
    async with kpi.app.state.db.writer() as s:   # what the migration to the current rule does
        await s.execute(delete(Rollup))
        await s.commit()
    await _ensure_rollups(kpi.app.state.runtime)
    assert await rollup_rows(kpi) == written_at_ingest
    quarter = await evaluation(kpi, MKT, "2026-Q1")
    assert quarter["sales"]["actual"] == pytest.approx(111.0) and quarter["order_delay_days"]["actual"] == 9
    await _ensure_rollups(kpi.app.state.runtime)               # rollups present: nothing is rebuilt
    assert await rollup_rows(kpi) == written_at_ingest


async def test_the_service_starts_on_an_empty_database_without_building_anything(kpi):
    await _ensure_rollups(kpi.app.state.runtime)
    assert await rollup_rows(kpi) == set()
