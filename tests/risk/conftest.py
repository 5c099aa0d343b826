"""The risk service over ASGI with the demo company in its org read-model, and tokens for its people."""

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from services.risk.app import create_app
from services.risk.models import AuditEntry, OutboxEvent
from tests.support import DEMO_IDS, DEMO_PATHS, bearer, load_demo_units, make_token, running, settings, use_test_keys

P = DEMO_PATHS
U = DEMO_IDS


def person(sub: str, name: str, *grants) -> dict[str, str]:
    return bearer(make_token(*grants, sub=sub, name=name))


# Rights as org resolves them for the demo positions (subtree scopes over the position's unit).
LEAD = ("plan", "suggest", "veto", "dispatch", "view")
ADMIN = person("1", "系统管理员", ("admin", P["HDGAS"], "subtree"), ("view", P["HDGAS"], "subtree"))
OPS_DIRECTOR = person("3", "李运营总监", *[(r, P["HDGAS"], "subtree", P["OPS"]) for r in LEAD])
MARKET_MGR = person("4", "张市场部经理", *[(r, P["MKT"], "subtree", P["MKT"]) for r in LEAD])
BRANCH_GM = person("5", "陈分公司总经理", *[(r, P["SZ"], "subtree", P["SZ"]) for r in LEAD])
SUPPLY_HEAD = person("6", "赵供应科主管", *[(r, P["OPS-SUP"], "subtree", P["OPS-SUP"]) for r in LEAD])
ANALYST = person("7", "刘市场调研专员", ("view", P["MKT-RES"], "exact"), ("suggest", P["MKT-RES"], "exact"))
# A dispatcher of 客户服务科 (dispatch and view there, no plan) and one of its clerks (view only).
CS_DISPATCHER = person("20", "客服调度员", ("dispatch", P["OPS-CS"], "subtree"), ("view", P["OPS-CS"], "subtree"))
CS_CLERK = person("21", "客服专员", ("view", P["OPS-CS"], "exact"))
# Someone holding only veto over 运营管理部 (signs off, does not plan).
OPS_VETO = person("22", "否决权人", ("veto", P["OPS"], "subtree"), ("view", P["OPS"], "subtree"))
KPI_SERVICE = bearer(make_token(sub="client:svc-kpi", client_id="svc-kpi", name="kpi"))


@pytest.fixture
async def risk(databases, tmp_path):
    # uploaded files go to the test's own directory
    app = create_app(settings("risk", await databases.fresh("risk"), data_dir=tmp_path))
    use_test_keys(app)
    async with running(app, base_url="http://risk") as client:
        await load_demo_units(app)
        yield client


async def new_risk(client, headers=OPS_DIRECTOR, **body) -> dict:
    payload = {"title": "供应商A交货延迟", "category": "supply_chain", "unit_id": U["OPS-SUP"],
               "description": "供应商A多次延迟交货", "owner_id": 6} | body
    r = await client.post("/api/risk/risks", json=payload, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def assess(client, risk_id: int, likelihood: int, impact: int, kind: str = "inherent",
                 headers=OPS_DIRECTOR) -> dict:
    r = await client.post(f"/api/risk/risks/{risk_id}/assessments", headers=headers,
                          json={"likelihood": likelihood, "impact": impact, "kind": kind})
    assert r.status_code == 201, r.text
    return r.json()


def crossed(indicator_code: str, unit_id: int, value: float, level: str = "warning", previous: str = "normal",
            threshold: float | None = 85.0, direction: str = "worse", event_id: str | None = None,
            measured_at: str | None = None) -> dict:
    """A kpi.threshold.crossed envelope exactly as docs/events.md defines it."""
    return {"id": event_id or str(uuid.uuid4()), "type": "kpi.threshold.crossed", "source": "kpi",
            "occurred_at": datetime.now(UTC).isoformat(), "subject": f"{indicator_code}:{unit_id}",
            "unit_path": next(p for c, p in P.items() if U[c] == unit_id),
            "data": {"indicator_code": indicator_code, "unit_id": unit_id,
                     "unit_path": next(p for c, p in P.items() if U[c] == unit_id), "period": "2026-10",
                     "value": value, "level": level, "previous_level": previous, "threshold": threshold,
                     "direction": direction,
                     "measured_at": measured_at or datetime.now(UTC).isoformat()}}


async def outbox(client, type_prefix: str = "") -> list:
    async with client.app.state.db.reader() as s:
        rows = (await s.execute(select(OutboxEvent).order_by(OutboxEvent.seq))).scalars().all()
    return [e for e in rows if e.type.startswith(type_prefix)]


async def audit_actions(client) -> list:
    async with client.app.state.db.reader() as s:
        return list((await s.execute(select(AuditEntry).order_by(AuditEntry.seq))).scalars())
