"""The register: registering, reading, changing and listing risks under the authority model."""

from tests.risk.conftest import (
    ANALYST,
    CS_CLERK,
    MARKET_MGR,
    OPS_DIRECTOR,
    SUPPLY_HEAD,
    P,
    U,
    assess,
    audit_actions,
    new_risk,
    person,
)


async def test_a_planner_registers_a_risk_in_their_unit_and_it_starts_identified(risk):
    r = await risk.post("/api/risk/risks", headers=SUPPLY_HEAD, json={
        "title": "供应商A交货延迟", "category": "supply_chain", "unit_id": U["OPS-SUP"], "owner_id": 6, "plan_id": 12,
        "description": "主要供应商交货不稳定", "next_review_date": "2026-12-31"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "identified" and body["level"] is None and body["category_label"] == "供应链"
    assert body["unit_path"] == P["OPS-SUP"] and body["plan_id"] == 12 and body["owner_id"] == 6
    assert r.headers["etag"] == f'"risk-{body["id"]}-v1"'
    got = await risk.get(f"/api/risk/risks/{body['id']}", headers=SUPPLY_HEAD)
    assert got.status_code == 200 and got.json()["next_review_date"] == "2026-12-31"
    assert [e.action for e in await audit_actions(risk)][-1] == "risk.created"


async def test_registering_needs_plan_over_the_unit(risk):
    body = {"title": "市场竞争加剧", "category": "market", "unit_id": U["MKT"]}
    refused = await risk.post("/api/risk/risks", headers=SUPPLY_HEAD, json=body)
    assert refused.status_code == 403 and refused.json()["right"] == "plan"
    assert (await risk.post("/api/risk/risks", headers=ANALYST,
                            json=body | {"unit_id": U["MKT-RES"]})).status_code == 403
    assert (await risk.post("/api/risk/risks", json=body)).status_code == 401
    assert (await risk.post("/api/risk/risks", headers=MARKET_MGR, json=body)).status_code == 201


async def test_bad_input_is_refused_with_field_errors(risk):
    r = await risk.post("/api/risk/risks", headers=OPS_DIRECTOR,
                        json={"title": "", "category": "weather", "unit_id": U["OPS"]})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"title", "category"} <= fields
    unknown = await risk.post("/api/risk/risks", headers=OPS_DIRECTOR,
                              json={"title": "X", "category": "other", "unit_id": 999})
    assert unknown.status_code == 404 and unknown.json()["field"] == "unit_id"


async def test_everyone_in_the_unit_and_above_sees_its_risks_and_no_one_else(risk):
    sup = await new_risk(risk)
    res = await new_risk(risk, title="调研数据失真", category="market", unit_id=U["MKT-RES"], owner_id=None)
    ids = lambda r: {x["id"] for x in r.json()["items"]}  # noqa: E731
    assert ids(await risk.get("/api/risk/risks", headers=OPS_DIRECTOR)) == {sup["id"], res["id"]}
    assert ids(await risk.get("/api/risk/risks", headers=SUPPLY_HEAD)) == {sup["id"]}
    assert ids(await risk.get("/api/risk/risks", headers=MARKET_MGR)) == {res["id"]}
    assert ids(await risk.get("/api/risk/risks", headers=ANALYST)) == {res["id"]}
    assert ids(await risk.get("/api/risk/risks", headers=CS_CLERK)) == set()
    denied = await risk.get(f"/api/risk/risks/{sup['id']}", headers=MARKET_MGR)
    assert denied.status_code == 403 and denied.json()["right"] == "view"
    # the owner sees their own risk even without view over its unit
    owner = person("30", "外部责任人")
    mine = await new_risk(risk, title="人员流失", category="personnel", unit_id=U["SZ"], owner_id=30)
    assert ids(await risk.get("/api/risk/risks", headers=owner)) == {mine["id"]}


async def test_filters_and_pagination_walk_the_register(risk):
    for n in range(5):
        await new_risk(risk, title=f"设备故障{n}", category="equipment", unit_id=U["OPS-DIS"])
    await new_risk(risk, title="燃气泄漏", category="safety", unit_id=U["OPS-SAF"])
    m = await new_risk(risk, title="竞争", category="market", unit_id=U["MKT"], next_review_date="2026-01-01")
    await assess(risk, m["id"], 4, 5)
    seen, cursor = [], None
    while True:
        params = {"limit": 2, "category": "equipment"} | ({"cursor": cursor} if cursor else {})
        page = (await risk.get("/api/risk/risks", headers=OPS_DIRECTOR, params=params)).json()
        seen += [x["title"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"设备故障{n}" for n in range(5)]
    get = lambda **p: risk.get("/api/risk/risks", headers=OPS_DIRECTOR, params=p)  # noqa: E731
    assert [x["title"] for x in (await get(unit_id=U["OPS"], category="safety")).json()["items"]] == ["燃气泄漏"]
    assert [x["id"] for x in (await get(level="critical")).json()["items"]] == [m["id"]]
    assert [x["id"] for x in (await get(status="assessed")).json()["items"]] == [m["id"]]
    assert [x["id"] for x in (await get(review_before="2026-06-30")).json()["items"]] == [m["id"]]
    assert len((await get(q="设备")).json()["items"]) == 5
    assert (await get(level="extreme")).status_code == 422
    assert (await get(cursor="not-a-cursor")).status_code == 422


async def test_a_stale_if_match_gets_412_and_changes_nothing(risk):
    r = await new_risk(risk)
    etag = f'"risk-{r["id"]}-v1"'
    ok = await risk.patch(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR | {"If-Match": etag},
                          json={"description": "更新"})
    assert ok.status_code == 200 and ok.headers["etag"] == f'"risk-{r["id"]}-v2"'
    stale = await risk.patch(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR | {"If-Match": etag},
                             json={"description": "覆盖"})
    assert stale.status_code == 412
    assert (await risk.get(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR)).json()["description"] == "更新"


async def test_the_owner_may_update_the_response_but_not_move_or_retitle_the_risk(risk):
    r = await new_risk(risk, unit_id=U["OPS-SAF"], owner_id=6)  # supply_head owns it, plans only in 供应科
    ok = await risk.patch(f"/api/risk/risks/{r['id']}", headers=SUPPLY_HEAD, json={"strategy_note": "双供应商"})
    assert ok.status_code == 200
    refused = await risk.patch(f"/api/risk/risks/{r['id']}", headers=SUPPLY_HEAD, json={"title": "改名"})
    assert refused.status_code == 403 and "title" in refused.json()["detail"]
    move = await risk.patch(f"/api/risk/risks/{r['id']}", headers=MARKET_MGR, json={"unit_id": U["MKT"]})
    assert move.status_code == 403


async def test_moving_a_risk_needs_plan_over_the_new_unit_too(risk):
    r = await new_risk(risk, headers=SUPPLY_HEAD, owner_id=None)
    refused = await risk.patch(f"/api/risk/risks/{r['id']}", headers=SUPPLY_HEAD, json={"unit_id": U["MKT"]})
    assert refused.status_code == 403
    moved = await risk.patch(f"/api/risk/risks/{r['id']}", headers=OPS_DIRECTOR, json={"unit_id": U["MKT"]})
    assert moved.status_code == 200 and moved.json()["unit_path"] == P["MKT"]
    assert (await risk.get(f"/api/risk/risks/{r['id']}", headers=SUPPLY_HEAD)).status_code == 403


async def test_status_follows_the_lifecycle(risk):
    r = await new_risk(risk)
    url = f"/api/risk/risks/{r['id']}"
    skip = await risk.patch(url, headers=OPS_DIRECTOR, json={"status": "treating", "strategy": "reduce"})
    assert skip.status_code == 409 and "Assess" in skip.json()["detail"]
    assert (await risk.patch(url, headers=OPS_DIRECTOR, json={"status": "assessed"})).status_code == 409
    await assess(risk, r["id"], 2, 2)
    no_strategy = await risk.patch(url, headers=OPS_DIRECTOR, json={"status": "treating"})
    assert no_strategy.status_code == 409 and no_strategy.json()["field"] == "strategy"
    for status in ("monitoring", "closed"):
        assert (await risk.patch(url, headers=OPS_DIRECTOR, json={"status": status})).json()["status"] == status
    assert (await risk.patch(url, headers=OPS_DIRECTOR, json={"status": "treating"})).status_code == 409
    assert (await risk.post(f"{url}/assessments", headers=OPS_DIRECTOR,
                            json={"likelihood": 1, "impact": 1})).status_code == 409
    assert (await risk.patch(url, headers=OPS_DIRECTOR, json={"status": "assessed"})).json()["status"] == "assessed"
    bad = await risk.patch(url, headers=OPS_DIRECTOR, json={"status": "archived"})
    assert bad.status_code == 422


async def test_only_a_risk_registered_by_mistake_can_be_deleted(risk):
    r = await new_risk(risk)
    url = f"/api/risk/risks/{r['id']}"
    assert (await risk.delete(url, headers=MARKET_MGR)).status_code == 403
    assert (await risk.delete(url, headers=OPS_DIRECTOR | {"If-Match": '"risk-0-v9"'})).status_code == 412
    assert (await risk.delete(url, headers=OPS_DIRECTOR)).status_code == 204
    assert (await risk.get(url, headers=OPS_DIRECTOR)).status_code == 404
    kept = await new_risk(risk)
    await assess(risk, kept["id"], 2, 2)
    refused = await risk.delete(f"/api/risk/risks/{kept['id']}", headers=OPS_DIRECTOR)
    assert refused.status_code == 409 and "close" in refused.json()["detail"]
    assert "risk.deleted" in [e.action for e in await audit_actions(risk)]
