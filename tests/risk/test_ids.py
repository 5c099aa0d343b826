"""Ids are never handed out twice: the audit history and events of a deleted risk or KRI never attach to a new one."""

from tests.risk.conftest import OPS_DIRECTOR, U, audit_actions, new_risk
from tests.risk.test_warnings import satisfaction_kri


async def test_a_deleted_risk_or_kri_never_gives_its_id_to_a_new_one(risk):
    first = (await risk.get(f"/api/risk/risks/{(await new_risk(risk))['id']}", headers=OPS_DIRECTOR))
    gone = first.json()["id"]
    deleted = await risk.delete(f"/api/risk/risks/{gone}", headers=OPS_DIRECTOR | {"If-Match": first.headers["etag"]})
    assert deleted.status_code == 204, deleted.text
    assert (await new_risk(risk, title="设备B老化故障", category="equipment"))["id"] > gone
    _, kri = await satisfaction_kri(risk)
    url = f"/api/risk/kris/{kri['id']}"
    assert (await risk.delete(url, headers=OPS_DIRECTOR | {"If-Match": f'"kri-{kri["id"]}-v{kri["version"]}"'})
            ).status_code == 204
    again = await risk.post("/api/risk/kris", headers=OPS_DIRECTOR, json={
        "risk_id": kri["risk_id"], "indicator_code": "complaint_rate", "unit_id": U["OPS-CS"], "warning": 3,
        "critical": 5, "direction": "above"})
    assert again.status_code == 201 and again.json()["id"] > kri["id"]
    audit = [(e.action, e.subject_id) for e in await audit_actions(risk) if e.action.endswith(".deleted")]
    assert audit == [("risk.deleted", str(gone)), ("kri.deleted", str(kri["id"]))]
