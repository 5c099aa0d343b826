"""Key risk indicators and alerts: kpi.threshold.crossed and posted values raise alerts for the owner and
dispatchers."""

from tests.risk.conftest import (
    ADMIN,
    CS_CLERK,
    CS_DISPATCHER,
    KPI_SERVICE,
    MARKET_MGR,
    OPS_DIRECTOR,
    SUPPLY_HEAD,
    P,
    U,
    audit_actions,
    crossed,
    new_risk,
    outbox,
    person,
)

OWNER = person("3", "李运营总监", ("view", P["OPS"], "exact"))  # the risk's owner, without dispatch over 客户服务科


async def satisfaction_kri(risk, **over) -> tuple[dict, dict]:
    r = await new_risk(risk, title="客户满意度下滑", category="market", unit_id=U["OPS"], owner_id=3)
    body = {"risk_id": r["id"], "indicator_code": "customer_satisfaction", "unit_id": U["OPS-CS"], "unit": "%",
            "warning": 85, "critical": 80, "direction": "below"} | over
    k = await risk.post("/api/risk/kris", headers=OPS_DIRECTOR, json=body)
    assert k.status_code == 201, k.text
    return r, k.json()


async def deliver(risk, event) -> dict:
    r = await risk.post("/api/risk/events", json=event, headers=KPI_SERVICE)
    assert r.status_code == 200, r.text
    return r.json()


async def alerts(risk, headers, **params) -> list[dict]:
    r = await risk.get("/api/risk/alerts", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


async def test_a_kpi_crossing_raises_one_alert_for_the_owner_and_the_dispatcher(risk):
    r, kri = await satisfaction_kri(risk)
    event = crossed("customer_satisfaction", U["OPS-CS"], 80.5)
    assert await deliver(risk, event) == {"status": "applied"}
    owner_inbox = await alerts(risk, OWNER, mine="true")
    assert len(owner_inbox) == 1
    a = owner_inbox[0]
    assert (a["level"], a["value"], a["threshold"], a["status"], a["source"]) == ("warning", 80.5, 85.0, "open", "kpi")
    assert a["risk_id"] == r["id"] and a["kri_id"] == kri["id"] and a["unit_path"] == P["OPS-CS"]
    assert a["risk_title"] == "客户满意度下滑" and a["period"] == "2026-10"
    assert [x["id"] for x in await alerts(risk, CS_DISPATCHER, mine="true")] == [a["id"]]
    assert await alerts(risk, CS_CLERK, mine="true") == []  # sees it, is not alerted
    assert [x["id"] for x in await alerts(risk, CS_CLERK)] == [a["id"]]
    assert await alerts(risk, MARKET_MGR) == []
    assert await alerts(risk, SUPPLY_HEAD, mine="true") == []
    # the same delivery again, and the same measurement in a new event: still one alert
    assert await deliver(risk, event) == {"status": "duplicate"}
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 80.5))
    assert len(await alerts(risk, OPS_DIRECTOR)) == 1
    raised = await outbox(risk, "risk.alert.raised")
    assert len(raised) == 1 and raised[0].data["owner_id"] == 3 and raised[0].unit_path == P["OPS-CS"]
    kri_now = (await risk.get(f"/api/risk/kris/{kri['id']}", headers=OPS_DIRECTOR)).json()
    assert (kri_now["last_value"], kri_now["last_level"]) == (80.5, "warning")


async def test_acknowledge_then_resolve_with_a_note_and_a_new_crossing_reopens_it(risk):
    _, _kri = await satisfaction_kri(risk)
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 82.0))
    a = (await alerts(risk, OPS_DIRECTOR))[0]
    url = f"/api/risk/alerts/{a['id']}"
    assert (await risk.post(f"{url}/acknowledge", headers=CS_CLERK, json={})).status_code == 403
    ack = await risk.post(f"{url}/acknowledge", headers=CS_DISPATCHER, json={"note": "已安排回访"})
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged" and ack.json()["acknowledged_by"] == "20"
    assert (await risk.post(f"{url}/acknowledge", headers=CS_DISPATCHER, json={})).status_code == 409
    no_note = await risk.post(f"{url}/resolve", headers=OWNER, json={"note": ""})
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["field"] == "note"
    stale = await risk.post(f"{url}/resolve", headers=OWNER | {"If-Match": '"alert-1-v1"'}, json={"note": "x"})
    assert stale.status_code == 412
    done = await risk.post(f"{url}/resolve", headers=OWNER, json={"note": "投诉已闭环，满意度回升"})
    assert done.status_code == 200 and done.json()["resolve_note"] == "投诉已闭环，满意度回升"
    assert (await risk.post(f"{url}/resolve", headers=OWNER, json={"note": "again"})).status_code == 409
    assert await alerts(risk, OPS_DIRECTOR, status="open") == []
    # back to normal, then below the warning value again: the same alert re-opens
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 88.0, level="normal", previous="warning",
                                direction="better"))
    assert (await alerts(risk, OPS_DIRECTOR))[0]["status"] == "resolved"
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 83.0))
    items = await alerts(risk, OPS_DIRECTOR)
    assert len(items) == 1 and items[0]["status"] == "open" and items[0]["reopened_count"] == 1
    assert items[0]["resolve_note"] == "" and items[0]["value"] == 83.0
    types = [e.type for e in await outbox(risk, "risk.alert")]
    assert types == ["risk.alert.raised", "risk.alert.acknowledged", "risk.alert.resolved", "risk.alert.raised"]
    assert (await outbox(risk, "risk.alert.raised"))[-1].data["reopened"] is True
    actions = [e.action for e in await audit_actions(risk)]
    assert {"alert.raised", "alert.acknowledged", "alert.resolved", "alert.reopened"} <= set(actions)


async def test_a_kri_value_below_its_own_thresholds_raises_and_escalates(risk):
    _r, kri = await satisfaction_kri(risk)
    url = f"/api/risk/kris/{kri['id']}/values"
    normal = await risk.post(url, headers=CS_DISPATCHER, json={"value": 90})
    assert normal.status_code == 201 and normal.json()["level"] == "normal" and normal.json()["alert"] is None
    warn = (await risk.post(url, headers=CS_DISPATCHER, json={"value": 84, "period": "2026-11"})).json()
    assert warn["level"] == "warning" and warn["alert"]["threshold"] == 85 and warn["alert"]["source"] == "kri"
    same = (await risk.post(url, headers=CS_DISPATCHER, json={"value": 84, "period": "2026-11"})).json()
    assert same["alert"] is None
    crit = (await risk.post(url, headers=OPS_DIRECTOR, json={"value": 79, "period": "2026-11"})).json()
    assert crit["level"] == "critical" and crit["alert"]["id"] == warn["alert"]["id"]
    assert crit["alert"]["level"] == "critical" and crit["alert"]["threshold"] == 80
    assert len(await alerts(risk, OPS_DIRECTOR)) == 1
    assert (await outbox(risk, "risk.alert.raised"))[-1].data["escalated"] is True
    assert (await risk.post(url, headers=CS_CLERK, json={"value": 70})).status_code == 403
    assert (await risk.get(url, headers=CS_CLERK)).status_code == 403  # the risk sits in 运营管理部
    history = (await risk.get(url, headers=OPS_DIRECTOR)).json()["items"]
    assert [v["value"] for v in history] == [79, 84, 84, 90]


async def test_an_above_kri_alerts_when_the_value_rises(risk):
    r = await new_risk(risk)
    k = (await risk.post("/api/risk/kris", headers=SUPPLY_HEAD, json={
        "risk_id": r["id"], "indicator_code": "order_delay_days", "unit_id": U["OPS-SUP"], "unit": "天",
        "warning": 3, "critical": 5, "direction": "above"})).json()
    url = f"/api/risk/kris/{k['id']}/values"
    assert (await risk.post(url, headers=SUPPLY_HEAD, json={"value": 3})).json()["level"] == "normal"
    assert (await risk.post(url, headers=SUPPLY_HEAD, json={"value": 5})).json()["level"] == "critical"


async def test_kri_definitions_are_checked(risk):
    r = await new_risk(risk)
    base = {"risk_id": r["id"], "indicator_code": "customer_satisfaction", "unit_id": U["OPS-CS"], "warning": 85,
            "critical": 80, "direction": "below"}
    assert (await risk.post("/api/risk/kris", headers=MARKET_MGR, json=base)).status_code == 403
    upside = await risk.post("/api/risk/kris", headers=OPS_DIRECTOR, json=base | {"critical": 90})
    assert upside.status_code == 422 and "critical" in upside.json()["detail"]
    assert (await risk.post("/api/risk/kris", headers=OPS_DIRECTOR,
                            json=base | {"direction": "sideways"})).status_code == 422
    missing = await risk.post("/api/risk/kris", headers=OPS_DIRECTOR, json=base | {"risk_id": 999})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "risk_id"
    assert (await risk.post("/api/risk/kris", headers=OPS_DIRECTOR, json=base | {"unit_id": 999})).status_code == 404
    first = await risk.post("/api/risk/kris", headers=OPS_DIRECTOR, json=base)
    assert first.status_code == 201
    assert (await risk.post("/api/risk/kris", headers=OPS_DIRECTOR, json=base)).status_code == 409
    kid = first.json()["id"]
    bad = await risk.patch(f"/api/risk/kris/{kid}", headers=OPS_DIRECTOR, json={"direction": "above"})
    assert bad.status_code == 422
    ok = await risk.patch(f"/api/risk/kris/{kid}", headers=OPS_DIRECTOR | {"If-Match": first.headers["etag"]},
                          json={"warning": 88})
    assert ok.status_code == 200 and ok.json()["warning"] == 88
    listed = (await risk.get("/api/risk/kris", headers=SUPPLY_HEAD, params={"risk_id": r["id"]})).json()["items"]
    assert [x["id"] for x in listed] == [kid]
    assert (await risk.get("/api/risk/kris", headers=MARKET_MGR)).json()["items"] == []


async def test_events_not_following_the_contract_are_refused_and_only_services_deliver(risk):
    await satisfaction_kri(risk)
    event = crossed("customer_satisfaction", U["OPS-CS"], 80.0)
    del event["data"]["value"]
    bad = await risk.post("/api/risk/events", json=event, headers=KPI_SERVICE)
    assert bad.status_code == 422 and "value" in bad.json()["detail"]
    assert (await risk.post("/api/risk/events", json=crossed("customer_satisfaction", U["OPS-CS"], 80.0),
                            headers=ADMIN)).status_code == 403
    assert await alerts(risk, OPS_DIRECTOR) == []
    other = await risk.post("/api/risk/events", json=crossed("complaint_rate", U["OPS-CS"], 9.0), headers=KPI_SERVICE)
    assert other.json() == {"status": "applied"} and await alerts(risk, OPS_DIRECTOR) == []


async def test_alerts_filter_by_risk_unit_and_status_and_count_by_unit(risk):
    r, _ = await satisfaction_kri(risk)
    other = await new_risk(risk)
    k2 = (await risk.post("/api/risk/kris", headers=OPS_DIRECTOR, json={
        "risk_id": other["id"], "indicator_code": "order_delay_days", "unit_id": U["OPS-SUP"], "warning": 3,
        "critical": 5, "direction": "above"})).json()
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 79.0, level="critical", threshold=80))
    await risk.post(f"/api/risk/kris/{k2['id']}/values", headers=OPS_DIRECTOR, json={"value": 4})
    assert len(await alerts(risk, OPS_DIRECTOR)) == 2
    assert [a["risk_id"] for a in await alerts(risk, OPS_DIRECTOR, risk_id=r["id"])] == [r["id"]]
    assert [a["unit_id"] for a in await alerts(risk, OPS_DIRECTOR, unit_id=U["OPS-SUP"])] == [U["OPS-SUP"]]
    assert [a["level"] for a in await alerts(risk, OPS_DIRECTOR, level="critical")] == ["critical"]
    by_unit = (await risk.get("/api/risk/alerts/by-unit", headers=OPS_DIRECTOR, params={"unit_id": U["OPS"]})).json()
    assert [(u["unit_id"], u["open"], u["critical"], u["warning"]) for u in by_unit] == [
        (U["OPS-SUP"], 1, 0, 1), (U["OPS-CS"], 1, 1, 0)]
    assert [u["unit_id"] for u in (await risk.get("/api/risk/alerts/by-unit", headers=CS_DISPATCHER)).json()] == [
        U["OPS-CS"]]
    assert (await risk.get("/api/risk/alerts", headers=OPS_DIRECTOR, params={"status": "gone"})).status_code == 422
    alert_id = (await alerts(risk, OPS_DIRECTOR, unit_id=U["OPS-SUP"]))[0]["id"]
    assert (await risk.get(f"/api/risk/alerts/{alert_id}", headers=MARKET_MGR)).status_code == 403
    assert (await risk.get("/api/risk/alerts/9999", headers=OPS_DIRECTOR)).status_code == 404


async def test_open_alerts_follow_the_risk_to_its_new_owner(risk):
    r, _ = await satisfaction_kri(risk)
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 82.0))
    assert len(await alerts(risk, OWNER, mine="true")) == 1
    changed = await risk.patch(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR, json={"owner_id": 6})
    assert changed.status_code == 200
    assert await alerts(risk, OWNER, mine="true") == []
    new_owner = person("6", "赵供应科主管")
    assert len(await alerts(risk, new_owner, mine="true")) == 1
    ack = await risk.post(f"/api/risk/alerts/{(await alerts(risk, new_owner, mine='true'))[0]['id']}/acknowledge",
                          headers=new_owner, json={})
    assert ack.status_code == 200


async def test_the_audit_chain_holds_every_decision_and_verifies(risk):
    _, _kri = await satisfaction_kri(risk)
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 82.0))
    a = (await alerts(risk, OPS_DIRECTOR))[0]
    await risk.post(f"/api/risk/alerts/{a['id']}/resolve", headers=CS_DISPATCHER, json={"note": "已处理"})
    assert (await risk.get("/api/risk/audit/verify", headers=OPS_DIRECTOR)).status_code == 403
    v = await risk.get("/api/risk/audit/verify", headers=ADMIN)
    assert v.status_code == 200 and v.json()["ok"] is True and v.json()["entries"] >= 4
    resolved = (await risk.get("/api/risk/audit", headers=ADMIN, params={"action": "alert.resolved"})).json()["items"]
    assert [(e["actor"], e["note"]) for e in resolved] == [("20", "已处理")]


async def test_an_old_period_from_kpi_alerts_for_its_period_but_leaves_the_kris_current_level(risk):
    # Changed with issue 14: an old period's crossing was "history" and never alerted; each period is judged now.
    _, kri = await satisfaction_kri(risk)
    await risk.post(f"/api/risk/kris/{kri['id']}/values", headers=OPS_DIRECTOR, json={"value": 90})
    old = crossed("customer_satisfaction", U["OPS-CS"], 70.0, level="critical", threshold=None,
                  measured_at="2025-02-28T00:00:00+00:00")
    old["data"]["period"] = "2025-02"
    assert await deliver(risk, old) == {"status": "applied"}
    assert [(a["period"], a["level"], a["value"]) for a in await alerts(risk, OPS_DIRECTOR)] == [
        ("2025-02", "critical", 70.0)]
    now = (await risk.get(f"/api/risk/kris/{kri['id']}", headers=OPS_DIRECTOR)).json()
    assert (now["last_value"], now["last_level"]) == (90, "normal")
    history = (await risk.get(f"/api/risk/kris/{kri['id']}/values", headers=OPS_DIRECTOR)).json()["items"]
    assert [(v["value"], v["source"], v["period"]) for v in history] == [(70.0, "kpi", "2025-02"), (90.0, "kri", "")]
    # a kpi event without a threshold value (target-relative rules) is accepted; the KRI's own one is used
    await deliver(risk, crossed("customer_satisfaction", U["OPS-CS"], 84.0, threshold=None))
    assert [(a["period"], a["threshold"]) for a in await alerts(risk, OPS_DIRECTOR, level="warning")] == [
        ("2026-10", 85.0)]


async def test_a_late_period_raises_its_own_alert_and_a_later_period_is_current_whenever_measured(risk):
    # Changed with issue 14: a late September crossing after November's value was history and never alerted.
    _, kri = await satisfaction_kri(risk)
    url = f"/api/risk/kris/{kri['id']}/values"
    assert (await risk.post(url, headers=OPS_DIRECTOR, json={"value": 88, "period": "2026-11"})).status_code == 201
    late = crossed("customer_satisfaction", U["OPS-CS"], 75.0, level="critical", threshold=80)
    late["data"]["period"] = "2026-09"  # measured just now, but for September
    await deliver(risk, late)
    assert [(a["period"], a["level"]) for a in await alerts(risk, OPS_DIRECTOR)] == [("2026-09", "critical")]
    now = (await risk.get(f"/api/risk/kris/{kri['id']}", headers=OPS_DIRECTOR)).json()
    assert (now["last_value"], now["last_level"]) == (88, "normal")  # November is still where the KRI stands
    december = crossed("customer_satisfaction", U["OPS-CS"], 84.0, measured_at="2026-01-01T00:00:00+00:00")
    december["data"]["period"] = "2026-12"  # a later period is current whatever its measured_at
    await deliver(risk, december)
    assert [a["period"] for a in await alerts(risk, OPS_DIRECTOR)] == ["2026-09", "2026-12"]
    now = (await risk.get(f"/api/risk/kris/{kri['id']}", headers=OPS_DIRECTOR)).json()
    assert (now["last_value"], now["last_level"]) == (84, "warning")
    bad = await risk.post(url, headers=OPS_DIRECTOR, json={"value": 88, "period": "2026-13"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "period"


async def test_a_late_november_value_after_december_still_raises_novembers_alert(risk):
    _, kri = await satisfaction_kri(risk)
    url = f"/api/risk/kris/{kri['id']}/values"
    december = await risk.post(url, headers=CS_DISPATCHER, json={"value": 90, "period": "2026-12"})
    assert december.json()["alert"] is None
    november = (await risk.post(url, headers=CS_DISPATCHER, json={"value": 82, "period": "2026-11"})).json()
    assert november["level"] == "warning"
    assert (november["alert"]["period"], november["alert"]["status"], november["alert"]["value"]) == (
        "2026-11", "open", 82)
    owner_inbox = await alerts(risk, OWNER, mine="true")
    assert [(a["period"], a["level"]) for a in owner_inbox] == [("2026-11", "warning")]
    raised = await outbox(risk, "risk.alert.raised")
    assert [e.data["period"] for e in raised] == ["2026-11"]
    # the same November value again is no new crossing; a worse one escalates November's alert
    assert (await risk.post(url, headers=CS_DISPATCHER,
                            json={"value": 82, "period": "2026-11"})).json()["alert"] is None
    worse = (await risk.post(url, headers=CS_DISPATCHER, json={"value": 78, "period": "2026-11"})).json()
    assert worse["alert"]["id"] == november["alert"]["id"] and worse["alert"]["level"] == "critical"
    assert (await risk.get(f"/api/risk/kris/{kri['id']}", headers=OPS_DIRECTOR)).json()["last_value"] == 90


async def test_a_stray_future_point_neither_silences_a_warning_nor_takes_over_an_alert(risk):
    _, kri = await satisfaction_kri(risk)
    url = f"/api/risk/kris/{kri['id']}/values"
    november = (await risk.post(url, headers=CS_DISPATCHER, json={"value": 83, "period": "2026-11"})).json()["alert"]
    stray = await risk.post(url, headers=CS_DISPATCHER, json={"value": 95, "period": "2027-06"})
    assert stray.json()["level"] == "normal" and stray.json()["alert"] is None
    december = (await risk.post(url, headers=CS_DISPATCHER, json={"value": 79, "period": "2026-12"})).json()
    assert december["level"] == "critical" and december["alert"]["period"] == "2026-12"
    assert december["alert"]["id"] != november["id"]
    items = {a["period"]: a for a in await alerts(risk, OPS_DIRECTOR)}
    assert sorted(items) == ["2026-11", "2026-12"]
    assert (items["2026-11"]["status"], items["2026-11"]["level"], items["2026-11"]["value"]) == ("open", "warning", 83)


async def test_a_later_periods_return_to_normal_leaves_an_earlier_periods_alert_as_it_was(risk):
    _, _kri = await satisfaction_kri(risk)

    def month(value, period, level, previous, direction="worse"):
        e = crossed("customer_satisfaction", U["OPS-CS"], value, level=level, previous=previous, direction=direction)
        e["data"]["period"] = period
        return e

    await deliver(risk, month(82.0, "2026-11", "warning", "normal"))
    november = (await alerts(risk, OPS_DIRECTOR))[0]
    ack = await risk.post(f"/api/risk/alerts/{november['id']}/acknowledge", headers=CS_DISPATCHER,
                          json={"note": "已安排回访"})
    assert ack.status_code == 200
    await deliver(risk, month(83.0, "2026-12", "warning", "normal"))
    await deliver(risk, month(88.0, "2026-12", "normal", "warning", "better"))
    await deliver(risk, month(84.0, "2026-12", "warning", "normal"))
    items = {a["period"]: a for a in await alerts(risk, OPS_DIRECTOR)}
    assert sorted(items) == ["2026-11", "2026-12"]
    nov = items["2026-11"]
    assert (nov["status"], nov["value"], nov["acknowledge_note"], nov["reopened_count"]) == (
        "acknowledged", 82.0, "已安排回访", 0)
    assert (items["2026-12"]["status"], items["2026-12"]["value"]) == ("open", 84.0)
    # a late November crossing back to normal does not touch December's alert either
    await deliver(risk, month(90.0, "2026-11", "normal", "warning", "better"))
    assert (await risk.get(f"/api/risk/alerts/{items['2026-12']['id']}",
                           headers=OPS_DIRECTOR)).json()["status"] == "open"


async def test_a_value_without_a_period_counts_for_the_period_it_was_measured_in(risk):
    _, kri = await satisfaction_kri(risk)
    url = f"/api/risk/kris/{kri['id']}/values"
    october = (await risk.post(url, headers=CS_DISPATCHER, json={"value": 83, "period": "2026-10",
                                                                 "measured_at": "2026-10-10T08:00:00Z"})).json()
    back = await risk.post(url, headers=CS_DISPATCHER, json={"value": 79, "measured_at": "2026-10-20T08:00:00Z"})
    assert back.json()["alert"]["id"] == october["alert"]["id"]  # October's alert escalates, no new one
    assert back.json()["alert"]["level"] == "critical"
    history = (await risk.get(url, headers=OPS_DIRECTOR)).json()["items"]
    assert [(v["value"], v["period"]) for v in history] == [(79, "2026-10"), (83, "2026-10")]
    # within a period, a value measured before the period's newest one is history: no alert
    await risk.post(url, headers=CS_DISPATCHER, json={"value": 90, "period": "2026-09",
                                                      "measured_at": "2026-10-01T00:00:00Z"})
    early = await risk.post(url, headers=CS_DISPATCHER, json={"value": 70, "period": "2026-09",
                                                              "measured_at": "2026-09-15T00:00:00Z"})
    assert early.status_code == 201 and early.json()["alert"] is None
    assert [a["period"] for a in await alerts(risk, OPS_DIRECTOR)] == ["2026-10"]
