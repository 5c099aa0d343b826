"""Targets: from issued and revised plans without retyping, edited by plan holders, history kept."""

from tests.kpi.conftest import MKT, MKT_MANAGER, MKT_VIEWER, OPS_PLANNER, SERVICE, event
from tests.support import bearer, make_token


def plan(version: int, sales: float, kind: str = "issued", **extra) -> dict:
    data = {"plan_id": 12, "version": version, "unit_id": MKT, "unit_path": "/1/7/", "period": "2027",
            "kind": "annual", "title": "市场部2027年度运营计划",
            "targets": [{"indicator_code": "sales", "value": sales, "unit": "万元"},
                        {"indicator_code": "market_share", "value": 35.0, "unit": "%"},
                        {"indicator_code": "not_in_kpi", "value": 1.0}], **extra}
    return event(f"planning.plan.{kind}", data, subject="12")


async def targets(kpi, headers=MKT_VIEWER) -> dict[str, dict]:
    r = await kpi.get("/api/kpi/targets", params={"unit_id": MKT, "period": "2027"}, headers=headers)
    assert r.status_code == 200, r.text
    return {t["indicator_code"]: t for t in r.json()["items"]}


async def test_an_issued_annual_plan_becomes_targets_without_retyping(kpi):
    e = plan(1, 1200.0)
    r = await kpi.post("/api/kpi/events", json=e, headers=SERVICE)
    assert r.json() == {"status": "applied"}
    got = await targets(kpi)
    assert {c: (t["value"], t["source"], t["plan_id"], t["plan_version"]) for c, t in got.items()} == {
        "sales": (1200.0, "plan", 12, 1), "market_share": (35.0, "plan", 12, 1)}
    assert (await kpi.post("/api/kpi/events", json=e, headers=SERVICE)).json() == {"status": "duplicate"}
    assert len(await targets(kpi)) == 2
    audit = await kpi.get("/api/kpi/audit", params={"action": "target.from_plan"},
                          headers=bearer(make_token(("admin", "/1/", "subtree"))))
    assert [a["actor"] for a in audit.json()["items"]] == ["planning:planning.plan.issued"] * 2


async def test_a_revised_plan_updates_targets_and_keeps_history_and_stale_versions_change_nothing(kpi):
    await kpi.post("/api/kpi/events", json=plan(1, 1200.0), headers=SERVICE)
    await kpi.post("/api/kpi/events", json=plan(3, 1500.0, "revised"), headers=SERVICE)
    await kpi.post("/api/kpi/events", json=plan(2, 1300.0, "revised"), headers=SERVICE)  # arrives late
    sales = (await targets(kpi))["sales"]
    assert (sales["value"], sales["plan_version"]) == (1500.0, 3)
    history = await kpi.get(f"/api/kpi/targets/{sales['id']}/history", headers=MKT_VIEWER)
    assert [(h["value"], h["previous_value"], h["plan_version"]) for h in history.json()["items"]] == [
        (1200.0, None, 1), (1500.0, 1200.0, 3)]


async def test_only_internal_services_deliver_plan_events(kpi):
    erp = bearer(make_token(sub="client:erp", client_id="erp"))
    assert (await kpi.post("/api/kpi/events", json=plan(1, 1.0), headers=erp)).status_code == 403
    assert (await kpi.post("/api/kpi/events", json=plan(1, 1.0), headers=MKT_MANAGER)).status_code == 403
    assert await targets(kpi) == {}


async def test_plan_holders_edit_targets_with_if_match_and_others_cannot(kpi):
    await kpi.post("/api/kpi/events", json=plan(1, 1200.0), headers=SERVICE)
    sales = (await targets(kpi))["sales"]
    url = f"/api/kpi/targets/{sales['id']}"
    assert (await kpi.patch(url, json={"value": 1250}, headers=MKT_VIEWER)).status_code == 403
    assert (await kpi.patch(url, json={"value": 1250}, headers=OPS_PLANNER)).status_code == 403
    tag = (await kpi.get(url, headers=MKT_VIEWER)).headers["etag"]
    ok = await kpi.patch(url, json={"value": 1250, "note": "市场回暖"}, headers={**MKT_MANAGER, "If-Match": tag})
    assert ok.status_code == 200 and (ok.json()["value"], ok.json()["source"]) == (1250.0, "manual")
    stale = await kpi.patch(url, json={"value": 1300}, headers={**MKT_MANAGER, "If-Match": tag})
    assert stale.status_code == 412
    bad = await kpi.patch(url, json={"value": "lots"}, headers=MKT_MANAGER)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "value"
    audit = await kpi.get("/api/kpi/audit", params={"action": "target.updated"},
                          headers=bearer(make_token(("admin", "/1/", "subtree"))))
    assert [a["actor"] for a in audit.json()["items"]] == ["5"]


async def test_creating_targets_checks_rights_fields_and_duplicates(kpi):
    body = {"indicator_code": "sales", "unit_id": MKT, "period": "2027-Q1", "value": 300}
    assert (await kpi.post("/api/kpi/targets", json=body, headers=OPS_PLANNER)).status_code == 403
    assert (await kpi.post("/api/kpi/targets", json=body, headers=MKT_MANAGER)).status_code == 201
    assert (await kpi.post("/api/kpi/targets", json=body, headers=MKT_MANAGER)).status_code == 409
    for field, value in (("period", "2027-Q9"), ("indicator_code", "nosuch"), ("unit_id", 999)):
        r = await kpi.post("/api/kpi/targets", json={**body, field: value}, headers=MKT_MANAGER)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field, field
    listed = await kpi.get("/api/kpi/targets", headers=OPS_PLANNER)
    assert listed.json()["items"] == []  # OPS sees only its own subtree's targets


async def test_a_revised_plan_judges_levels_against_its_new_targets_once(kpi):
    from tests.kpi.conftest import ADMIN, batch, outbox, point

    await kpi.post("/api/kpi/events", json=plan(1, 1200.0), headers=SERVICE)
    # sales below 90 % of the target is a warning, for 市场部 itself
    await kpi.put("/api/kpi/thresholds", headers=ADMIN, json={
        "indicator_code": "sales", "unit_id": MKT, "mode": "relative", "warning": 0.9, "critical": 0.5})
    await batch(kpi, [point("sales", MKT, "2027", 1150.0)])
    assert await outbox(kpi) == []
    # the revision raises the target to 1400: 1150 is now below 1260
    assert (await kpi.post("/api/kpi/events", json=plan(2, 1400.0, "revised"), headers=SERVICE)).json() == \
        {"status": "applied"}
    [crossed] = [e.data for e in await outbox(kpi)]
    assert (crossed["unit_id"], crossed["level"], crossed["cause"]) == (MKT, "warning", "target_changed")
