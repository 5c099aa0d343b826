"""Idempotency-Key: an integrator's retried POST returns the first answer and creates nothing new;
the same key with another request is refused; keys belong to their caller."""

import asyncio

from sqlalchemy import func, select

from services.kpi.models import Measurement
from services.risk.models import Risk
from tests.kpi.conftest import MKT_MANAGER, MKT_RES, kpi, point  # noqa: F401 (fixture)
from tests.risk.conftest import ANALYST, MARKET_MGR, OPS_DIRECTOR, U, risk  # noqa: F401 (fixture)

RISK = {"title": "供应商A交货延迟", "category": "supply_chain", "unit_id": U["OPS-SUP"], "description": "延迟"}


async def count(client, model) -> int:
    async with client.app.state.db.reader() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


async def test_a_retried_creation_returns_the_first_answer_and_creates_nothing_new(risk):  # noqa: F811
    before = await count(risk, Risk)
    key = {"Idempotency-Key": '"a1b2c3d4-retry"'}
    first = await risk.post("/api/risk/risks", json=RISK, headers={**OPS_DIRECTOR, **key})
    assert first.status_code == 201, first.text
    again = await risk.post("/api/risk/risks", json=RISK, headers={**OPS_DIRECTOR, **key})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers.get("etag") == first.headers.get("etag")
    assert await count(risk, Risk) == before + 1
    # without a key, a second POST is a second risk, as before
    assert (await risk.post("/api/risk/risks", json=RISK, headers=OPS_DIRECTOR)).status_code == 201
    assert await count(risk, Risk) == before + 2


async def test_the_same_key_with_another_request_is_refused_and_changes_nothing(risk):  # noqa: F811
    key = {"Idempotency-Key": "k-42"}
    assert (await risk.post("/api/risk/risks", json=RISK, headers={**OPS_DIRECTOR, **key})).status_code == 201
    before = await count(risk, Risk)
    other = await risk.post("/api/risk/risks", json={**RISK, "title": "另一项风险"}, headers={**OPS_DIRECTOR, **key})
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
    zh = await risk.post("/api/risk/risks", json={**RISK, "title": "另一项风险"},
                         headers={**OPS_DIRECTOR, **key, "Accept-Language": "zh-CN"})
    assert "已用于另一个不同的请求" in zh.json()["detail"]
    assert await count(risk, Risk) == before


async def test_keys_belong_to_their_caller(risk):  # noqa: F811
    key = {"Idempotency-Key": "shared-key"}
    mine = await risk.post("/api/risk/risks", json={**RISK, "unit_id": U["MKT"]}, headers={**MARKET_MGR, **key})
    theirs = await risk.post("/api/risk/risks", json=RISK, headers={**OPS_DIRECTOR, **key})
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    # a forged or missing token never reaches anyone's stored answer
    anonymous = await risk.post("/api/risk/risks", json=RISK, headers=key)
    assert anonymous.status_code == 401 and "idempotent-replayed" not in anonymous.headers


async def test_a_refused_request_is_answered_the_same_on_retry(risk):  # noqa: F811
    key = {"Idempotency-Key": "refused-once"}
    first = await risk.post("/api/risk/risks", json=RISK, headers={**ANALYST, **key})
    assert first.status_code == 403
    again = await risk.post("/api/risk/risks", json=RISK, headers={**ANALYST, **key})
    assert (again.status_code, again.json()) == (403, first.json())
    assert again.headers["idempotent-replayed"] == "true"


async def test_two_copies_sent_at_once_create_one_risk(risk):  # noqa: F811
    before = await count(risk, Risk)
    key = {"Idempotency-Key": "twins"}
    answers = await asyncio.gather(*[risk.post("/api/risk/risks", json=RISK, headers={**OPS_DIRECTOR, **key})
                                     for _ in range(4)])
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409} and 201 in statuses, statuses
    assert await count(risk, Risk) == before + 1


async def test_a_malformed_key_is_refused(risk):  # noqa: F811
    for bad in ('"', "two words", "x" * 256, ""):
        r = await risk.post("/api/risk/risks", json=RISK, headers={**OPS_DIRECTOR, "Idempotency-Key": bad})
        assert r.status_code == 400, bad


async def test_a_retried_measurement_batch_stores_its_points_once(kpi):  # noqa: F811
    points = [point("sales", MKT_RES, "2026-03", 100.0), point("cost", MKT_RES, "2026-03", 40.0)]
    key = {"Idempotency-Key": "erp-batch-2026-03-0001"}
    first = await kpi.post("/api/kpi/measurements/batch", json=points, headers={**MKT_MANAGER, **key})
    again = await kpi.post("/api/kpi/measurements/batch", json=points, headers={**MKT_MANAGER, **key})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and first.json()["created"] == 2
    assert await count(kpi, Measurement) == 2
