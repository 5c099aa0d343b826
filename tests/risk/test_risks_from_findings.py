"""A finding of an inspection or audit that asks for it raises a risk for its unit, or re-assesses a risk of a
related unit; a request the register cannot honour is journalled and skipped, and the finding stands."""

import uuid
from datetime import UTC, datetime

from tests.risk.conftest import KPI_SERVICE, OPS_DIRECTOR, P, U, assess, audit_actions, new_risk, outbox


def finding(unit: str, risk: dict | None, finding_id: int = 11) -> dict:
    """A kpi.finding.raised envelope as docs/events.md defines it."""
    data = {"id": finding_id, "source": "inspection", "source_id": 3, "source_ref": "item-2", "unit_id": U[unit],
            "unit_path": P[unit], "title": "燃气报警器失灵", "description": "东区调压站 2 台报警器无响应",
            "severity": "critical", "status": "open", "action_id": 9, "risk": risk, "raised_by": "6",
            "raised_by_name": "赵供应科主管", "created_at": datetime.now(UTC).isoformat(), "closed_at": None,
            "version": 1}
    return {"id": str(uuid.uuid4()), "type": "kpi.finding.raised", "source": "kpi",
            "occurred_at": datetime.now(UTC).isoformat(), "subject": str(finding_id), "unit_path": P[unit],
            "data": data}


async def deliver(risk, event) -> None:
    r = await risk.post("/api/risk/events", json=event, headers=KPI_SERVICE)
    assert r.status_code == 200, r.text


async def test_a_finding_raises_an_assessed_risk_for_its_unit(risk):
    await deliver(risk, finding("OPS-SUP", {"category": "safety", "risk_id": None, "likelihood": 4, "impact": 5}))
    items = (await risk.get("/api/risk/risks", params={"unit_id": U["OPS-SUP"]}, headers=OPS_DIRECTOR)).json()["items"]
    raised = [r for r in items if r["title"] == "燃气报警器失灵"]
    assert len(raised) == 1 and raised[0]["category"] == "safety" and raised[0]["status"] == "assessed"
    assert "实地检查发现问题 #11" in raised[0]["description"]
    assessed = [e.data for e in await outbox(risk, "risk.assessed")]
    assert (assessed[-1]["likelihood"], assessed[-1]["impact"], assessed[-1]["kind"]) == (4, 5, "inherent")
    assert any(a.action == "risk.created" and a.actor == "kpi:finding:11" for a in await audit_actions(risk))


async def test_a_finding_re_assesses_a_risk_of_its_unit(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 2, 2)
    await deliver(risk, finding("OPS-SUP", {"category": None, "risk_id": r["id"], "likelihood": 4, "impact": 4}))
    after = (await risk.get(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR)).json()
    assert after["current"]["score"] == 16


async def test_a_request_for_an_unrelated_or_missing_risk_is_skipped_and_journalled(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 2, 2)
    await deliver(risk, finding("MKT", {"category": None, "risk_id": r["id"], "likelihood": 5, "impact": 5}, 12))
    await deliver(risk, finding("MKT", {"category": None, "risk_id": 9999, "likelihood": 5, "impact": 5}, 13))
    after = (await risk.get(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR)).json()
    assert after["current"]["score"] == 4
    skipped = [a for a in await audit_actions(risk) if a.action == "risk.finding_skipped"]
    assert [a.subject_id for a in skipped] == ["12", "13"]


async def test_a_finding_without_a_risk_request_changes_nothing(risk):
    before = len(await audit_actions(risk))
    await deliver(risk, finding("OPS-SUP", None))
    assert len(await audit_actions(risk)) == before
