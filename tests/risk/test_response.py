"""Response: strategies, contingency plans for severe risks, signed-off acceptance, tracked actions."""

from datetime import timedelta

from services.common import clock
from services.risk.app import sweep_once
from services.risk.models import Risk
from tests.risk.conftest import (
    CS_DISPATCHER,
    MARKET_MGR,
    OPS_DIRECTOR,
    OPS_VETO,
    SUPPLY_HEAD,
    assess,
    audit_actions,
    new_risk,
    person,
)

PLAN = {"trigger": "供应商A交货延迟超过3天", "owner_id": 6,
        "steps": ["启动供应商B备选采购", {"title": "调整调度计划", "due_in_days": 2, "owner_id": 3}],
        "fallback_resources": ["供应商B", "LNG储备"]}


async def test_a_critical_risk_cannot_enter_treating_without_a_contingency_plan(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 4, 5)
    url = f"/api/risk/risks/{r['id']}"
    refused = await risk.patch(url, headers=OPS_DIRECTOR, json={"status": "treating", "strategy": "reduce"})
    assert refused.status_code == 409 and refused.json()["field"] == "contingency_plan"
    got = (await risk.get(url, headers=OPS_DIRECTOR)).json()
    assert got["status"] == "assessed" and got["strategy"] is None  # nothing of the refused change stuck
    incomplete = await risk.patch(url, headers=OPS_DIRECTOR,
                                  json={"contingency_plan": {"trigger": "延迟", "steps": []}})
    assert incomplete.status_code == 422
    fields = {e["field"] for e in incomplete.json()["errors"]}
    assert {"contingency_plan.steps", "contingency_plan.owner_id"} <= fields
    ok = await risk.patch(url, headers=OPS_DIRECTOR,
                          json={"status": "treating", "strategy": "reduce", "contingency_plan": PLAN})
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["status"] == "treating" and body["contingency_plan"]["steps"][0] == {
        "title": "启动供应商B备选采购", "due_in_days": 1, "owner_id": None}
    dropped = await risk.patch(url, headers=OPS_DIRECTOR, json={"contingency_plan": None})
    assert dropped.status_code == 409


async def test_a_medium_risk_may_be_treated_without_a_plan(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 3, 3)
    ok = await risk.patch(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR,
                          json={"status": "treating", "strategy": "transfer", "strategy_note": "保险"})
    assert ok.status_code == 200 and ok.json()["strategy"] == "transfer"


async def test_accepting_a_high_risk_needs_a_sign_off_by_a_veto_or_plan_holder(risk):
    r = await new_risk(risk, owner_id=20)
    await assess(risk, r["id"], 4, 4)
    url = f"/api/risk/risks/{r['id']}"
    plain = await risk.patch(url, headers=OPS_DIRECTOR, json={"strategy": "accept"})
    assert plain.status_code == 409 and "acceptance" in plain.json()["detail"]
    expires = (clock.today() + timedelta(days=90)).isoformat()
    owner = person("20", "责任人", ("view", "/1/2/3/", "subtree"))
    assert (await risk.post(f"{url}/acceptance", headers=owner, json={"expires_on": expires})).status_code == 403
    assert (await risk.post(f"{url}/acceptance", headers=MARKET_MGR, json={"expires_on": expires})).status_code == 403
    past = await risk.post(f"{url}/acceptance", headers=OPS_VETO, json={"expires_on": "2020-01-01"})
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "expires_on"
    signed = await risk.post(f"{url}/acceptance", headers=OPS_VETO, json={"expires_on": expires, "note": "成本可控"})
    assert signed.status_code == 200, signed.text
    body = signed.json()
    assert body["strategy"] == "accept" and body["status"] == "monitoring"
    assert body["acceptance"]["signed_by"] == "22" and body["acceptance"]["expired"] is False
    assert body["acceptance"]["grant"]["right"] == "veto"
    entry = [e for e in await audit_actions(risk) if e.action == "risk.acceptance.signed"][-1]
    assert entry.grant["right"] == "veto" and entry.actor == "22" and entry.note == "成本可控"
    # a new strategy is a new decision: the sign-off does not carry over
    changed = await risk.patch(url, headers=OPS_DIRECTOR, json={"strategy": "reduce"})
    assert changed.status_code == 200 and changed.json()["acceptance"] is None
    assert (await risk.patch(url, headers=OPS_DIRECTOR, json={"strategy": "accept"})).status_code == 409


async def test_an_expired_acceptance_returns_the_risk_to_review(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 4, 4)
    url = f"/api/risk/risks/{r['id']}"
    tomorrow = clock.today() + timedelta(days=1)
    await risk.post(f"{url}/acceptance", headers=OPS_DIRECTOR, json={"expires_on": tomorrow.isoformat()})
    assert await sweep_once(risk.app.state.runtime) == []  # not yet
    async with risk.app.state.db.writer() as s:  # two days pass
        row = await s.get(Risk, r["id"])
        row.acceptance_expires_on = clock.today() - timedelta(days=1)
        await s.commit()
    assert await sweep_once(risk.app.state.runtime) == [r["id"]]
    assert await sweep_once(risk.app.state.runtime) == []
    got = (await risk.get(url, headers=OPS_DIRECTOR)).json()
    assert got["status"] == "assessed" and got["acceptance"]["expired"] is True
    assert got["next_review_date"] == clock.today().isoformat()
    due = (await risk.get("/api/risk/reviews/due", headers=OPS_DIRECTOR)).json()["items"]
    assert [(d["risk"]["id"], d["reason"]) for d in due] == [(r["id"], "acceptance_expired")]
    # going back to monitoring under the lapsed acceptance is refused until someone signs again
    again = await risk.patch(url, headers=OPS_DIRECTOR, json={"status": "monitoring"})
    assert again.status_code == 409 and again.json()["field"] == "strategy"
    entry = [e for e in await audit_actions(risk) if e.action == "risk.acceptance.expired"]
    assert len(entry) == 1 and entry[0].actor == "system"
    signed = await risk.post(f"{url}/acceptance", headers=OPS_DIRECTOR,
                             json={"expires_on": (clock.today() + timedelta(days=30)).isoformat()})
    assert signed.json()["status"] == "monitoring" and signed.json()["acceptance"]["expired"] is False


async def test_activating_the_contingency_plan_turns_its_steps_into_tracked_actions(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 4, 5)
    url = f"/api/risk/risks/{r['id']}"
    no_plan = await risk.post(f"{url}/contingency/activate", headers=OPS_DIRECTOR, json={})
    assert no_plan.status_code == 409
    await risk.patch(url, headers=OPS_DIRECTOR, json={"strategy": "reduce", "contingency_plan": PLAN})
    clerk = person("40", "供应科专员", ("view", "/1/2/3/", "subtree"))
    assert (await risk.post(f"{url}/contingency/activate", headers=clerk, json={})).status_code == 403
    assert (await risk.post(f"{url}/contingency/activate", headers=CS_DISPATCHER, json={})).status_code == 403
    act = await risk.post(f"{url}/contingency/activate", headers=SUPPLY_HEAD, json={"reason": "供应商A延迟5天"})
    assert act.status_code == 201, act.text
    actions = act.json()
    assert [(a["title"], a["owner_id"], a["source"], a["status"]) for a in actions] == [
        ("启动供应商B备选采购", 6, "contingency", "open"), ("调整调度计划", 3, "contingency", "open")]
    assert actions[1]["due"] == (clock.today() + timedelta(days=2)).isoformat()
    assert (await risk.get(url, headers=OPS_DIRECTOR)).json()["status"] == "treating"
    twice = await risk.post(f"{url}/contingency/activate", headers=SUPPLY_HEAD, json={})
    assert twice.status_code == 409
    entry = [e for e in await audit_actions(risk) if e.action == "risk.contingency.activated"][-1]
    assert entry.grant["right"] == "dispatch" and entry.note == "供应商A延迟5天" and len(entry.after["actions"]) == 2
    # the step's owner (user 3) completes it; someone else without rights may not
    done = await risk.patch(f"/api/risk/actions/{actions[1]['id']}", headers=OPS_DIRECTOR, json={"status": "done"})
    assert done.status_code == 200 and done.json()["completed_at"]
    assert (await risk.patch(f"/api/risk/actions/{actions[0]['id']}", headers=clerk,
                             json={"status": "done"})).status_code == 403


async def test_measures_are_tracked_actions_with_owner_due_and_status(risk):
    r = await new_risk(risk)
    url = f"/api/risk/risks/{r['id']}/actions"
    created = await risk.post(url, headers=OPS_DIRECTOR, json={"title": "与供应商B签订备用协议", "owner_id": 6,
                                                               "due": "2026-12-15"})
    assert created.status_code == 201 and created.json()["source"] == "measure"
    aid = created.json()["id"]
    assert (await risk.post(url, headers=MARKET_MGR, json={"title": "x"})).status_code == 403
    assert (await risk.post(url, headers=OPS_DIRECTOR, json={"title": ""})).status_code == 422
    started = await risk.patch(f"/api/risk/actions/{aid}", headers=SUPPLY_HEAD | {"If-Match": created.headers["etag"]},
                               json={"status": "in_progress"})
    assert started.status_code == 200
    stale = await risk.patch(f"/api/risk/actions/{aid}", headers=SUPPLY_HEAD | {"If-Match": created.headers["etag"]},
                             json={"status": "done"})
    assert stale.status_code == 412
    assert (await risk.patch(f"/api/risk/actions/{aid}", headers=SUPPLY_HEAD,
                             json={"status": "finished"})).status_code == 422
    listed = (await risk.get(url, headers=SUPPLY_HEAD, params={"status": "in_progress"})).json()["items"]
    assert [a["id"] for a in listed] == [aid]


async def test_an_accepted_risk_that_becomes_high_goes_back_to_review_until_signed_off(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 2, 3)
    url = f"/api/risk/risks/{r['id']}"
    ok = await risk.patch(url, headers=OPS_DIRECTOR, json={"strategy": "accept", "status": "monitoring"})
    assert ok.status_code == 200 and ok.json()["acceptance"] is None  # a medium risk needs no sign-off
    await assess(risk, r["id"], 4, 4)
    got = (await risk.get(url, headers=OPS_DIRECTOR)).json()
    assert got["status"] == "assessed" and got["level"] == "high"
    assert (await risk.patch(url, headers=OPS_DIRECTOR, json={"status": "monitoring"})).status_code == 409
    changed = await risk.patch(url, headers=OPS_DIRECTOR, json={"strategy": "transfer", "status": "monitoring"})
    assert changed.status_code == 200 and changed.json()["strategy"] == "transfer"
