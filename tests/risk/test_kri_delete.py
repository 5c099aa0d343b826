"""Removing a KRI: only one set up by mistake (no values, no alerts), by plan over the risk's unit, If-Match checked."""

from tests.risk.conftest import CS_DISPATCHER, OPS_DIRECTOR, audit_actions
from tests.risk.test_warnings import satisfaction_kri


async def test_a_kri_without_history_can_be_removed_by_a_planner(risk):
    r, kri = await satisfaction_kri(risk)
    url = f"/api/risk/kris/{kri['id']}"
    assert (await risk.delete(url, headers=CS_DISPATCHER)).status_code == 403
    stale = await risk.delete(url, headers=OPS_DIRECTOR | {"If-Match": f'"kri-{kri["id"]}-v99"'})
    assert stale.status_code == 412
    gone = await risk.delete(url, headers=OPS_DIRECTOR | {"If-Match": f'"kri-{kri["id"]}-v{kri["version"]}"'})
    assert gone.status_code == 204, gone.text
    assert (await risk.get(url, headers=OPS_DIRECTOR)).status_code == 404
    left = (await risk.get("/api/risk/kris", headers=OPS_DIRECTOR, params={"risk_id": r["id"]})).json()["items"]
    assert left == []
    assert "kri.deleted" in [e.action for e in await audit_actions(risk)]


async def test_a_kri_with_values_is_paused_not_removed(risk):
    _, kri = await satisfaction_kri(risk)
    v = await risk.post(f"/api/risk/kris/{kri['id']}/values", headers=OPS_DIRECTOR, json={"value": 90})
    assert v.status_code == 201, v.text
    r = await risk.delete(f"/api/risk/kris/{kri['id']}", headers=OPS_DIRECTOR)
    assert r.status_code == 409 and "pause" in r.json()["detail"]
    assert (await risk.get(f"/api/risk/kris/{kri['id']}", headers=OPS_DIRECTOR)).status_code == 200
