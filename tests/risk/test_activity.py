"""A risk's activity stream (动态): its registration and assessments (with the status an assessment moves it
to), by name, in the caller's language; refused to those its page refuses."""

from tests.risk.conftest import ANALYST, BRANCH_GM, OPS_DIRECTOR, SUPPLY_HEAD, assess, new_risk


async def activity(risk, risk_id: int, headers, lang: str = "zh-CN"):
    return await risk.get(f"/api/risk/records/risk/{risk_id}/activity", headers={**headers, "Accept-Language": lang})


async def test_a_risks_activity_tells_its_registration_and_assessment(risk):
    r = await new_risk(risk)
    await new_risk(risk, title="另一项风险")
    await assess(risk, r["id"], 4, 5)
    got = await activity(risk, r["id"], SUPPLY_HEAD)  # its owner, in the unit
    assert got.status_code == 200, got.text
    items = got.json()["items"]
    assert [(e["kind"], e["sentence"], e["status_from"], e["status_to"]) for e in items] == [
        ("decision", "李运营总监 评估了固有风险：重大（可能性 4 × 影响 5）", "已识别", "已评估"),
        ("edit", "李运营总监 登记了风险", None, "已识别"),
    ]
    assert "另一项风险" not in got.text and "供应商A多次延迟交货" not in got.text  # the description stays on its page
    en = (await activity(risk, r["id"], SUPPLY_HEAD, "en")).json()["items"]
    assert en[1]["sentence"] == "李运营总监 registered the risk" and en[1]["status_to"] == "Identified"
    assert (en[0]["status_from"], en[0]["status_to"]) == ("Identified", "Assessed")
    await assess(risk, r["id"], 2, 2)  # assessed again: no change of status to tell
    again = (await activity(risk, r["id"], SUPPLY_HEAD)).json()["items"][0]
    assert again["sentence"].startswith("李运营总监 评估了固有风险") and again["status_to"] is None


async def test_someone_who_cannot_see_the_risk_is_refused_its_activity_as_its_page_refuses_them(risk):
    r = await new_risk(risk)
    for headers in (BRANCH_GM, ANALYST):
        page = await risk.get(f"/api/risk/risks/{r['id']}", headers=headers)
        refused = await activity(risk, r["id"], headers)
        assert page.status_code in (403, 404) and refused.status_code == page.status_code
    assert (await activity(risk, r["id"] + 1000, OPS_DIRECTOR)).status_code == 404
    assert (await risk.get(f"/api/risk/records/plan/{r['id']}/activity", headers=OPS_DIRECTOR)).status_code == 404
