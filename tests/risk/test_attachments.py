"""Files attached to risks: served to whoever may see the risk, nobody else; disguised files refused."""

from tests.risk.conftest import ANALYST, MARKET_MGR, OPS_DIRECTOR, SUPPLY_HEAD, new_risk, risk  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\n%%EOF\n"
HTML = b"<html><script>alert(document.cookie)</script></html>"


async def test_a_risks_file_is_served_to_who_sees_the_risk_and_refused_to_others(risk, tmp_path):  # noqa: F811
    supply = await new_risk(risk)  # 供应科's risk, its head its owner
    base = f"/api/risk/records/risk/{supply['id']}/attachments"
    up = await risk.post(base, headers=SUPPLY_HEAD, files={"file": ("应急预案.pdf", PDF, "application/pdf")})
    assert up.status_code == 201, up.text
    assert (await risk.get(up.json()["url"], headers=OPS_DIRECTOR)).content == PDF
    # the marketing analyst sees nothing of 供应科's risks (refused as the risk's own page refuses him): not the
    # list, not the file, and he attaches nothing to it
    for refused in (await risk.get(base, headers=ANALYST), await risk.get(up.json()["url"], headers=ANALYST),
                    await risk.post(base, headers=ANALYST, files={"file": ("x.pdf", PDF, "application/pdf")})):
        assert refused.status_code == 403 and "应急预案" not in refused.text
    # a disguised page is refused whole
    disguised = await risk.post(base, headers=SUPPLY_HEAD, files={"file": ("预案.pdf", HTML, "application/pdf")})
    assert disguised.status_code == 422
    listed = await risk.get(base, headers=SUPPLY_HEAD)
    assert [a["name"] for a in listed.json()["items"]] == ["应急预案.pdf"]
    # a file of this risk is not another risk's
    market = await new_risk(risk, headers=MARKET_MGR, title="市场需求下滑", category="market", unit_id=7, owner_id=4)
    assert (await risk.get(f"/api/risk/records/risk/{market['id']}/attachments/{up.json()['id']}",
                           headers=OPS_DIRECTOR)).status_code == 404
