"""A KRI value is for a period near today: a value for 2749 is a typing error, refused with 422."""

from tests.risk.conftest import OPS_DIRECTOR
from tests.risk.test_warnings import satisfaction_kri


async def test_a_kri_value_for_a_far_period_is_refused_and_raises_nothing(risk):
    _, kri = await satisfaction_kri(risk)
    url = f"/api/risk/kris/{kri['id']}/values"
    r = await risk.post(url, headers=OPS_DIRECTOR, json={"value": 70, "period": "2749-03"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "period"
    assert "'2749-03' is outside the periods that can be recorded" in r.json()["detail"]
    assert (await risk.get(url, headers=OPS_DIRECTOR)).json()["items"] == []
    assert (await risk.get("/api/risk/alerts", headers=OPS_DIRECTOR)).json()["items"] == []
