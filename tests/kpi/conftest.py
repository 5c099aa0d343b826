import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.kpi.app import create_app
from services.kpi.models import OutboxEvent
from tests.support import DEMO_PATHS, bearer, load_demo_units, make_token, running, settings, use_test_keys

MKT, MKT_RES, MKT_PLN, OPS, OPS_CS = 7, 8, 9, 2, 6

ADMIN = bearer(make_token(("admin", "/1/", "subtree"), ("view", "/1/", "subtree"), ("plan", "/1/", "subtree"),
                          ("assess", "/1/", "subtree"), sub="1", name="admin"))
# 市场部经理: plan, assess and view over the marketing department's subtree
MKT_MANAGER = bearer(make_token(("plan", DEMO_PATHS["MKT"], "subtree"), ("view", DEMO_PATHS["MKT"], "subtree"),
                                ("assess", DEMO_PATHS["MKT"], "subtree"), sub="5", name="market_mgr"))
MKT_VIEWER = bearer(make_token(("view", DEMO_PATHS["MKT"], "subtree"), sub="6", name="analyst"))
OPS_PLANNER = bearer(make_token(("plan", DEMO_PATHS["OPS"], "subtree"), ("view", DEMO_PATHS["OPS"], "subtree"),
                                sub="7", name="ops"))
NOBODY = bearer(make_token(sub="8", name="nobody"))
SERVICE = bearer(make_token(sub="client:svc-planning", client_id="svc-planning", name="planning"))
ORG_SERVICE = bearer(make_token(sub="client:svc-org", client_id="svc-org", name="org"))


@pytest.fixture
async def kpi(databases, tmp_path):
    # uploaded evidence files go to the test's own directory
    app = create_app(settings("kpi", await databases.fresh("kpi"), data_dir=tmp_path))
    use_test_keys(app)
    async with running(app) as client:
        await load_demo_units(app)
        yield client


def event(type_: str, data: dict, subject: str = "1", event_id: str | None = None) -> dict:
    return {"id": event_id or str(uuid.uuid4()), "type": type_, "source": type_.split(".")[0],
            "occurred_at": datetime.now(UTC).isoformat(), "subject": subject,
            "unit_path": data.get("unit_path"), "data": data}


def point(code: str, unit_id: int, period: str, value: float, source: str = "erp") -> dict:
    return {"indicator_code": code, "unit_id": unit_id, "period": period, "value": value, "source": source}


async def batch(client, points: list[dict], headers=MKT_MANAGER) -> dict:
    r = await client.post("/api/kpi/measurements/batch", json=points, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def outbox(client, type_: str = "kpi.threshold.crossed") -> list:
    async with client.app.state.db.reader() as s:
        return list((await s.execute(select(OutboxEvent).where(OutboxEvent.type == type_)
                                     .order_by(OutboxEvent.seq))).scalars())


async def evaluation(client, unit_id: int, period: str, headers=MKT_MANAGER) -> dict[str, dict]:
    r = await client.get("/api/kpi/evaluations", params={"unit_id": unit_id, "period": period}, headers=headers)
    assert r.status_code == 200, r.text
    return {row["indicator_code"]: row for row in r.json()["items"]}
