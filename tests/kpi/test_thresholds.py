"""Threshold crossings: kpi.threshold.crossed exactly once per crossing, both ways, in the contract's shape."""

from datetime import datetime

import httpx
import pytest

from tests.kpi.conftest import (
    ADMIN,
    MKT,
    MKT_MANAGER,
    MKT_PLN,
    MKT_RES,
    MKT_VIEWER,
    NOBODY,
    OPS,
    OPS_CS,
    OPS_PLANNER,
    batch,
    outbox,
    point,
)


async def test_crossing_a_warning_value_emits_one_event_and_repeating_it_emits_none(kpi):
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-09", 88.0, "survey")], OPS_PLANNER)
    assert await outbox(kpi) == []
    r = await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-10", 82.5, "survey")], OPS_PLANNER)
    assert r["crossings"] == 1
    events = await outbox(kpi)
    assert len(events) == 1
    e = events[0]
    assert e.subject == "customer_satisfaction:6" and e.unit_path == "/1/2/6/" and e.source == "kpi"
    data = dict(e.data)
    measured_at = datetime.fromisoformat(data.pop("measured_at"))
    assert measured_at.tzinfo is not None
    assert data == {"indicator_code": "customer_satisfaction", "unit_id": 6, "unit_path": "/1/2/6/",
                    "period": "2026-10", "value": 82.5, "level": "warning", "previous_level": "normal",
                    "threshold": 85.0, "direction": "worse", "cause": "measurement"}
    same = await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-10", 82.5, "survey")], OPS_PLANNER)
    assert same["unchanged"] == 1 and same["crossings"] == 0
    # another source in the same period, still in warning: no new crossing
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-10", 83.0, "hotline")], OPS_PLANNER)
    assert len(await outbox(kpi)) == 1


async def test_recovering_and_worsening_further_are_crossings_too(kpi):
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-10", 82.0, "survey")], OPS_PLANNER)
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-10", 90.0, "survey")], OPS_PLANNER)
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-11", 75.0, "survey")], OPS_PLANNER)
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-12", 83.0, "survey")], OPS_PLANNER)
    got = [(e.data["previous_level"], e.data["level"], e.data["direction"], e.data["threshold"], e.data["period"])
           for e in await outbox(kpi)]
    # each period is judged on its own: December starts from normal, whatever November's level
    assert got == [("normal", "warning", "worse", 85.0, "2026-10"),
                   ("warning", "normal", "better", 85.0, "2026-10"),
                   ("normal", "critical", "worse", 80.0, "2026-11"),
                   ("normal", "warning", "worse", 85.0, "2026-12")]
    # a late value for an older period raises that period's level
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-09", 50.0, "survey")], OPS_PLANNER)
    assert [(e.data["level"], e.data["period"]) for e in await outbox(kpi)][4:] == [("critical", "2026-09")]
    states = await kpi.get("/api/kpi/threshold-states", params={"unit_id": OPS_CS}, headers=OPS_PLANNER)
    assert [(s["indicator_code"], s["level"], s["period"]) for s in states.json()["items"]] == [
        ("customer_satisfaction", "warning", "2026-12"), ("customer_satisfaction", "critical", "2026-11"),
        ("customer_satisfaction", "critical", "2026-09")]  # October recovered: normal, not listed


async def test_a_late_value_raises_its_own_period_s_crossing_once(kpi):
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-12", 90.0, "survey")], OPS_PLANNER)
    # November's survey arrives after December's: November was below its warning value
    late = await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-11", 82.0, "survey")], OPS_PLANNER)
    assert late["crossings"] == 1
    [e] = await outbox(kpi)
    assert (e.data["period"], e.data["level"], e.data["previous_level"], e.data["value"]) == \
        ("2026-11", "warning", "normal", 82.0)
    # sent again, or another source for November still in warning: no second crossing
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-11", 82.0, "survey")], OPS_PLANNER)
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-11", 83.0, "hotline")], OPS_PLANNER)
    assert len(await outbox(kpi)) == 1
    november = await kpi.get("/api/kpi/threshold-states", params={"unit_id": OPS_CS, "period": "2026-11"},
                             headers=OPS_PLANNER)
    assert [(s["period"], s["level"]) for s in november.json()["items"]] == [("2026-11", "warning")]


async def test_a_point_for_a_later_period_does_not_clear_the_current_period_s_warning(kpi):
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-12", 82.0, "survey")], OPS_PLANNER)
    # a stray point for next June (a typing slip) at a normal value
    stray = await batch(kpi, [point("customer_satisfaction", OPS_CS, "2027-06", 95.0, "survey")], OPS_PLANNER)
    assert stray["crossings"] == 0
    assert [(e.data["period"], e.data["level"]) for e in await outbox(kpi)] == [("2026-12", "warning")]
    states = await kpi.get("/api/kpi/threshold-states", params={"unit_id": OPS_CS, "period": "2026-12"},
                           headers=OPS_PLANNER)
    assert [s["level"] for s in states.json()["items"]] == ["warning"]
    # tightening the thresholds still judges December (raised) again, and the latest period too
    r = await kpi.put("/api/kpi/thresholds", headers=ADMIN, json={
        "indicator_code": "customer_satisfaction", "unit_id": OPS_CS, "mode": "absolute", "warning": 96,
        "critical": 83})
    assert r.status_code == 200, r.text
    got = sorted((e.data["period"], e.data["previous_level"], e.data["level"]) for e in await outbox(kpi))
    assert got == [("2026-12", "normal", "warning"), ("2026-12", "warning", "critical"),
                   ("2027-06", "normal", "warning")]


async def test_lower_is_better_indicators_warn_above_their_values(kpi):
    await batch(kpi, [point("inventory_error_rate", OPS_CS, "2026-10", 2.5)], OPS_PLANNER)
    [e] = await outbox(kpi)
    assert (e.data["level"], e.data["threshold"], e.data["direction"]) == ("warning", 2.0, "worse")


async def test_a_unit_threshold_relative_to_target_overrides_the_indicators(kpi):
    body = {"indicator_code": "sales", "unit_id": MKT_RES, "mode": "relative", "warning": 0.9, "critical": 0.7}
    assert (await kpi.put("/api/kpi/thresholds", json=body, headers=MKT_MANAGER)).status_code == 403
    r = await kpi.put("/api/kpi/thresholds", json=body, headers=ADMIN)
    assert r.status_code == 200, r.text
    await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                   json={"indicator_code": "sales", "unit_id": MKT_RES, "period": "2026-10", "value": 100})
    await batch(kpi, [point("sales", MKT_RES, "2026-10", 85)])
    [e] = await outbox(kpi)
    assert (e.data["level"], e.data["threshold"], e.data["value"]) == ("warning", pytest.approx(90.0), 85.0)
    evaluation = await kpi.get("/api/kpi/evaluations", params={"unit_id": MKT_RES, "period": "2026-10"},
                               headers=MKT_MANAGER)
    sales = next(x for x in evaluation.json()["items"] if x["indicator_code"] == "sales")
    assert (sales["status"], sales["level"], sales["warning"]) == ("amber", "warning", pytest.approx(90.0))
    stale = await kpi.put("/api/kpi/thresholds", json=body, headers={**ADMIN, "If-Match": '"threshold-1-v0"'})
    assert stale.status_code == 412


async def test_derived_indicators_cross_thresholds_when_their_inputs_change(kpi):
    # 投诉率 = complaints / orders × 100, warning above 1 %
    await batch(kpi, [point("orders", OPS_CS, "2026-10", 1000), point("complaints", OPS_CS, "2026-10", 5)], OPS_PLANNER)
    assert await outbox(kpi) == []
    await batch(kpi, [point("complaints", OPS_CS, "2026-10", 15)], OPS_PLANNER)
    [e] = await outbox(kpi)
    assert (e.data["indicator_code"], e.data["value"], e.data["level"]) == (
        "complaint_rate", pytest.approx(1.5), "warning")


async def test_an_anomaly_rule_opens_one_follow_up_per_unit_and_period(kpi):
    rule = {"indicator_code": "order_delay_days", "operator": "gt", "value": 5, "follow_up": "meeting",
            "title": "订单延期超过5天 {period}"}
    assert (await kpi.post("/api/kpi/anomaly-rules", json=rule, headers=OPS_PLANNER)).status_code == 403
    assert (await kpi.post("/api/kpi/anomaly-rules", json=rule, headers=ADMIN)).status_code == 201
    await batch(kpi, [point("order_delay_days", OPS_CS, "2026-10", 4)], OPS_PLANNER)
    assert await outbox(kpi, "kpi.action.created") == []
    await batch(kpi, [point("order_delay_days", OPS_CS, "2026-10", 7)], OPS_PLANNER)
    await batch(kpi, [point("order_delay_days", OPS_CS, "2026-10", 8)], OPS_PLANNER)
    [created] = await outbox(kpi, "kpi.action.created")
    assert created.data["title"] == "订单延期超过5天 2026-10" and created.data["origin"] == "rule"
    [meeting] = await outbox(kpi, "kpi.followup.requested")
    assert meeting.data["kind"] == "meeting" and meeting.data["unit_id"] == OPS_CS
    assert meeting.data["indicator_name"] == "订单延期天数"  # the meeting reads the name, not order_delay_days


class _OrgHolders:
    """org's /authz/holders as kpi asks it: the operations director holds dispatch over 客户服务科 in a
    position of 运营管理部 (the section has no head of its own); kpi's own service token."""

    def __init__(self, kpi):
        self.asked = []

        def answer(request: httpx.Request) -> httpx.Response:
            q = dict(request.url.params)
            self.asked.append((q["right"], int(q["unit_id"]), int(q["held_in_unit_id"]),
                               request.headers["authorization"]))
            return httpx.Response(200, json=[{"id": 3, "username": "ops_director", "display_name": "李运营总监"}]
                                  if q["held_in_unit_id"] == str(OPS) else [])

        kpi.app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(answer))

        class Tokens:
            async def token(self):
                return "kpi-service-token"

        kpi.app.state.service_tokens = Tokens()


async def test_an_order_delay_opens_one_follow_up_owned_by_the_unit_s_head_for_the_measured_period(kpi):
    org = _OrgHolders(kpi)
    rule = {"indicator_code": "order_delay_days", "operator": "gt", "value": 5, "follow_up": "meeting",
            "title": "订单延期超过5天 {period}", "due_days": 3}
    assert (await kpi.post("/api/kpi/anomaly-rules", json=rule, headers=ADMIN)).status_code == 201
    await batch(kpi, [point("order_delay_days", OPS_CS, "2026-10", 7)], OPS_PLANNER)
    # the head by position: none in 客户服务科 itself, so the one in 运营管理部 above it
    assert org.asked == [("dispatch", OPS_CS, OPS_CS, "Bearer kpi-service-token"),
                         ("dispatch", OPS_CS, OPS, "Bearer kpi-service-token")]
    [action] = (await kpi.get("/api/kpi/actions", headers=ADMIN)).json()["items"]
    assert (action["owner_id"], action["owner_name"], action["period"], action["origin"]) == \
        (3, "李运营总监", "2026-10", "rule")
    [meeting] = await outbox(kpi, "kpi.followup.requested")
    assert (meeting.data["action_id"], meeting.data["owner_id"], meeting.data["owner_name"], meeting.data["period"]) \
        == (action["id"], 3, "李运营总监", "2026-10")
    assert meeting.data["due"] == action["due"]
    # the owner sees it among their actions
    assert [a["id"] for a in (await kpi.get("/api/kpi/actions", params={"owner_id": 3},
                                            headers=ADMIN)).json()["items"]] == [action["id"]]


async def test_a_follow_up_still_opens_when_org_cannot_name_the_head(kpi):
    await kpi.post("/api/kpi/anomaly-rules", headers=ADMIN, json={
        "indicator_code": "order_delay_days", "operator": "gt", "value": 5, "title": "订单延期 {period}"})
    # the test settings point org at a port nothing listens on
    r = await kpi.post("/api/kpi/measurements/batch", headers=OPS_PLANNER,
                       json=[point("order_delay_days", OPS_CS, "2026-10", 9)])
    assert r.status_code == 200 and r.json()["created"] == 1
    [action] = (await kpi.get("/api/kpi/actions", headers=ADMIN)).json()["items"]
    assert (action["owner_id"], action["title"]) == (None, "订单延期 2026-10")


async def test_changing_thresholds_or_targets_judges_held_levels_again(kpi):
    # 82.5 is a warning under the indicator's 85 / 80
    await batch(kpi, [point("customer_satisfaction", OPS_CS, "2026-10", 82.5, "survey")], OPS_PLANNER)
    # the unit's own, stricter values make it critical at once, without a new measurement
    body = {"indicator_code": "customer_satisfaction", "unit_id": OPS_CS, "mode": "absolute", "warning": 90,
            "critical": 85}
    r = await kpi.put("/api/kpi/thresholds", json=body, headers=ADMIN)
    assert r.status_code == 200, r.text
    # removing them falls back to the indicator's values: a warning again
    assert (await kpi.delete(f"/api/kpi/thresholds/{r.json()['id']}", headers=ADMIN)).status_code == 204
    got = [(e.data["previous_level"], e.data["level"], e.data["cause"]) for e in await outbox(kpi)]
    assert got == [("normal", "warning", "measurement"), ("warning", "critical", "thresholds_changed"),
                   ("critical", "warning", "thresholds_changed")]
    # relative to target: raising the target below which the value now falls is a crossing too
    await kpi.put("/api/kpi/thresholds", headers=ADMIN, json={
        "indicator_code": "sales", "unit_id": MKT_RES, "mode": "relative", "warning": 0.9, "critical": 0.7})
    await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                   json={"indicator_code": "sales", "unit_id": MKT_RES, "period": "2026-10", "value": 100})
    await batch(kpi, [point("sales", MKT_RES, "2026-10", 95)])
    assert [e.data["level"] for e in await outbox(kpi) if e.data["indicator_code"] == "sales"] == []
    target = (await kpi.get("/api/kpi/targets", params={"unit_id": MKT_RES, "period": "2026-10"},
                            headers=MKT_MANAGER)).json()["items"][0]
    url = f"/api/kpi/targets/{target['id']}"
    tag = (await kpi.get(url, headers=MKT_MANAGER)).headers["etag"]
    assert (await kpi.patch(url, json={"value": 120}, headers={**MKT_MANAGER, "If-Match": tag})).status_code == 200
    [sales] = [e.data for e in await outbox(kpi) if e.data["indicator_code"] == "sales"]
    assert (sales["level"], sales["cause"], sales["threshold"]) == ("warning", "target_changed", pytest.approx(108.0))


async def test_a_department_with_thresholds_of_its_own_is_judged_on_its_aggregate(kpi):
    # 市场部 watches its summed sales: below 150 in a month is a warning
    r = await kpi.put("/api/kpi/thresholds", headers=ADMIN, json={
        "indicator_code": "sales", "unit_id": MKT, "mode": "absolute", "warning": 150, "critical": 50})
    assert r.status_code == 200, r.text
    await batch(kpi, [point("sales", MKT_RES, "2026-10", 100)])
    got = [(e.data["unit_id"], e.data["level"]) for e in await outbox(kpi)]
    # the team inherits the department's values (100 < 150) and the department's own total is 100
    assert sorted(got) == [(MKT, "warning"), (MKT_RES, "warning")]
    # the second team lifts the department over 150; each team alone stays below
    await batch(kpi, [point("sales", MKT_PLN, "2026-10", 60)])
    got = [(e.data["unit_id"], e.data["level"], e.data["value"]) for e in await outbox(kpi)][2:]
    assert sorted(got) == [(MKT, "normal", 160.0), (MKT_PLN, "warning", 60.0)]


async def test_warning_and_critical_values_in_the_wrong_order_are_refused_and_change_nothing(kpi):
    # higher is better: critical above warning would skip the warning level altogether
    bad = {"indicator_code": "customer_satisfaction", "unit_id": OPS_CS, "warning": 85, "critical": 90}
    r = await kpi.put("/api/kpi/thresholds", json=bad, headers=ADMIN)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "critical"
    assert "at or below its warning value (85)" in r.json()["detail"]
    assert (await kpi.get("/api/kpi/thresholds", headers=ADMIN)).json()["items"] == []
    before = (await kpi.get("/api/kpi/indicators/customer_satisfaction", headers=ADMIN)).json()
    r = await kpi.patch("/api/kpi/indicators/customer_satisfaction", json={"critical": 90}, headers=ADMIN)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "critical"
    # turning the direction round makes the stored pair (85 / 80) wrong too
    r = await kpi.patch("/api/kpi/indicators/customer_satisfaction", json={"direction": "lower_better"}, headers=ADMIN)
    assert r.status_code == 422 and "at or above its warning value (85)" in r.json()["detail"]
    assert (await kpi.get("/api/kpi/indicators/customer_satisfaction", headers=ADMIN)).json() == before
    new = {"code": "scrap_rate", "name": "废品率", "category": "efficiency", "direction": "lower_better"}
    assert (await kpi.post("/api/kpi/indicators", json={**new, "warning": 3, "critical": 2},
                           headers=ADMIN)).status_code == 422
    band = {**new, "code": "pressure", "direction": "band", "warning": -1}
    assert (await kpi.post("/api/kpi/indicators", json=band, headers=ADMIN)).status_code == 422
    assert (await kpi.get("/api/kpi/indicators/scrap_rate", headers=ADMIN)).status_code == 404
    # the right order, and equal values, are accepted
    assert (await kpi.post("/api/kpi/indicators", json={**new, "warning": 2, "critical": 3},
                           headers=ADMIN)).status_code == 201
    ok = {**bad, "warning": 85, "critical": 85}
    assert (await kpi.put("/api/kpi/thresholds", json=ok, headers=ADMIN)).status_code == 200


async def test_a_rule_turned_off_opens_no_follow_up_and_only_its_admins_may_turn_it(kpi):
    company = (await kpi.post("/api/kpi/anomaly-rules", headers=ADMIN, json={
        "indicator_code": "order_delay_days", "operator": "gt", "value": 5, "title": "订单延期 {period}"})).json()
    unit_rule = (await kpi.post("/api/kpi/anomaly-rules", headers=ADMIN, json={
        "indicator_code": "complaints", "unit_id": OPS_CS, "operator": "gt", "value": 20,
        "title": "投诉激增 {period}"})).json()
    # a company-wide rule is everyone's to read; a unit's own rule follows view over the unit
    assert {r["id"] for r in (await kpi.get("/api/kpi/anomaly-rules", headers=OPS_PLANNER)).json()["items"]} == \
        {company["id"], unit_rule["id"]}
    assert [r["id"] for r in (await kpi.get("/api/kpi/anomaly-rules", headers=MKT_VIEWER)).json()["items"]] == [
        company["id"]]
    assert (await kpi.get("/api/kpi/anomaly-rules", headers=NOBODY)).json()["items"] == []
    # turning off: admins of the rule's scope only, at the version read
    off = {"active": False}
    path = f"/api/kpi/anomaly-rules/{company['id']}"
    assert (await kpi.patch(path, json=off, headers=OPS_PLANNER)).status_code == 403
    stale = await kpi.patch(path, json=off, headers={**ADMIN, "If-Match": f'"anomaly_rule-{company["id"]}-v0"'})
    assert stale.status_code == 412
    r = await kpi.patch(path, json=off,
                        headers={**ADMIN, "If-Match": f'"anomaly_rule-{company["id"]}-v{company["version"]}"'})
    assert r.status_code == 200 and r.json()["active"] is False \
        and r.headers["etag"] == f'"anomaly_rule-{company["id"]}-v2"'
    assert (await kpi.patch(f"/api/kpi/anomaly-rules/{unit_rule['id']}", json=off,
                            headers=MKT_MANAGER)).status_code == 403
    assert (await kpi.patch("/api/kpi/anomaly-rules/999", json=off, headers=ADMIN)).status_code == 404
    await batch(kpi, [point("order_delay_days", OPS_CS, "2026-10", 9)], OPS_PLANNER)
    assert await outbox(kpi, "kpi.action.created") == []  # off: the delay opens nothing
    assert (await kpi.patch(path, json={"active": True}, headers=ADMIN)).json()["active"] is True
    await batch(kpi, [point("order_delay_days", OPS_CS, "2026-11", 9)], OPS_PLANNER)
    [created] = await outbox(kpi, "kpi.action.created")
    assert created.data["title"] == "订单延期 2026-11"


async def test_a_direction_change_that_would_invert_a_units_own_thresholds_is_refused(kpi):
    own = {"indicator_code": "order_cycle_days", "unit_id": OPS_CS, "warning": 4, "critical": 6}  # lower is better
    assert (await kpi.put("/api/kpi/thresholds", json=own, headers=ADMIN)).status_code == 200
    r = await kpi.patch("/api/kpi/indicators/order_cycle_days", json={"direction": "higher_better"}, headers=ADMIN)
    assert r.status_code == 409 and r.json()["unit_id"] == OPS_CS and "4 / 6" in r.json()["detail"]
    assert (await kpi.get("/api/kpi/indicators/order_cycle_days", headers=ADMIN)).json()["direction"] == "lower_better"
    # a band reads the same pair as deviations (critical wider): allowed
    assert (await kpi.patch("/api/kpi/indicators/order_cycle_days", json={"direction": "band"},
                            headers=ADMIN)).status_code == 200
    # a negative value cannot be a band's deviation, even with the other value unset
    neg = {"indicator_code": "production_efficiency", "unit_id": OPS_CS, "warning": -5}
    assert (await kpi.put("/api/kpi/thresholds", json=neg, headers=ADMIN)).status_code == 200
    r = await kpi.patch("/api/kpi/indicators/production_efficiency", json={"direction": "band"}, headers=ADMIN)
    assert r.status_code == 409 and "(-5 / none)" in r.json()["detail"]
