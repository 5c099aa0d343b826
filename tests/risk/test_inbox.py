"""我的待办's risk part: the contingency steps and measures a person owns, until they are done."""

from tests.risk.conftest import ANALYST, MARKET_MGR, OPS_DIRECTOR, SUPPLY_HEAD, assess, new_risk, person
from tests.risk.test_response import PLAN


async def my_actions(risk, headers) -> list[dict]:
    r = await risk.get("/api/risk/inbox/actions", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


async def test_contingency_steps_and_measures_wait_on_their_owners_until_done(risk):
    r = await new_risk(risk)
    await assess(risk, r["id"], 4, 5)
    url = f"/api/risk/risks/{r['id']}"
    await risk.patch(url, headers=OPS_DIRECTOR, json={"strategy": "reduce", "contingency_plan": PLAN})
    steps = (await risk.post(f"{url}/contingency/activate", headers=SUPPLY_HEAD, json={"reason": "延迟5天"})).json()
    measure = await risk.post(f"{url}/actions", headers=OPS_DIRECTOR,
                              json={"title": "与供应商A签订延迟罚则", "owner_id": 6})
    assert measure.status_code == 201, measure.text

    # the supply head (user 6) owns step one and the measure; the operations director (user 3) step two
    supply = await my_actions(risk, SUPPLY_HEAD)
    assert [(a["title"], a["source"], a["risk_title"], a["unit_id"]) for a in supply] == [
        ("启动供应商B备选采购", "contingency", r["title"], r["unit_id"]),
        ("与供应商A签订延迟罚则", "measure", r["title"], r["unit_id"])]
    assert [a["title"] for a in await my_actions(risk, OPS_DIRECTOR)] == ["调整调度计划"]
    # holding rights over the unit is not owning: nobody else is waited on
    assert await my_actions(risk, MARKET_MGR) == [] and await my_actions(risk, ANALYST) == []

    done = await risk.patch(f"/api/risk/actions/{steps[0]['id']}", headers=SUPPLY_HEAD, json={"status": "done"})
    assert done.status_code == 200, done.text
    assert [a["title"] for a in await my_actions(risk, SUPPLY_HEAD)] == ["与供应商A签订延迟罚则"]


async def test_a_service_client_owns_no_actions(risk):
    client = person("client:svc-kpi", "kpi")
    assert await my_actions(risk, client) == []
