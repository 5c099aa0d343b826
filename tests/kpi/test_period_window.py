"""Data is recorded for periods near today: 2451 is a typing error, refused with 422 wherever a
period is written (measurements one by one, in batches and imports, targets, benchmarks)."""


from services.common import clock
from tests.kpi.conftest import ADMIN, MKT, MKT_MANAGER, batch, evaluation, point
from tests.kpi.test_import import stored, upload

FAR = "2451"
THIS_YEAR = clock.today().year
WINDOW = f"years {THIS_YEAR - 10} to {THIS_YEAR + 2}"
WINDOW_ZH = f"（{THIS_YEAR - 10} 年至 {THIS_YEAR + 2} 年）"
ZH = {"accept-language": "zh-CN"}


async def test_a_batch_item_for_a_far_period_is_refused_naming_the_period_and_the_window(kpi):
    out = await batch(kpi, [point("sales", MKT, FAR, 100), point("sales", MKT, "2749-03", 5),
                            point("sales", MKT, f"{THIS_YEAR}-11", 100)])
    assert (out["created"], out["rejected"]) == (1, 2)
    [first, second, _] = out["results"]
    assert first["status"] == "rejected" and first["errors"] == [
        {"field": "period", "message": f"'{FAR}' is outside the periods that can be recorded: {WINDOW}."}]
    assert "2749-03" in second["errors"][0]["message"]
    zh = await kpi.post("/api/kpi/measurements/batch", json=[point("sales", MKT, FAR, 1)],
                        headers={**MKT_MANAGER, **ZH})
    assert zh.json()["results"][0]["errors"] == [{"field": "period",
                                                  "message": f"{FAR} 不在可录入的期间范围内{WINDOW_ZH}。"}]
    # nothing stored for 2451: its year is not among the periods the dashboard can be asked about
    assert (await kpi.get("/api/kpi/measurements", params={"period": FAR}, headers=MKT_MANAGER)).json()["items"] == []


async def test_an_import_row_for_a_far_period_rejects_the_file_naming_row_and_column(kpi):
    csv = f"indicator_code,unit_code,period,value,source\nsales,MKT,{THIS_YEAR}-01,100,erp\nsales,MKT,2749,5,erp\n"
    r = await kpi.post("/api/kpi/measurements/import", files=upload(csv), headers={**MKT_MANAGER, **ZH})
    assert r.status_code == 422
    assert [(e["row"], e["column"], e["message"]) for e in r.json()["errors"]] == [
        (3, "period", f"2749 不在可录入的期间范围内{WINDOW_ZH}。")]
    assert await stored(kpi) == 0


async def test_targets_and_benchmarks_for_far_periods_are_refused_with_422(kpi):
    target = await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                            json={"indicator_code": "sales", "unit_id": MKT, "period": FAR, "value": 2400})
    assert target.status_code == 422 and target.json()["errors"][0]["field"] == "period"
    assert WINDOW in target.json()["detail"]
    bench = await kpi.post("/api/kpi/benchmarks", headers={**ADMIN, **ZH}, json={
        "indicator_code": "cost_expense_ratio", "period": "1926", "value": 68.0, "source": "行业年报",
        "as_of": f"{THIS_YEAR}-01-31"})
    assert bench.status_code == 422
    assert bench.json()["detail"] == f"期间：1926 不在可录入的期间范围内{WINDOW_ZH}。"
    ok = await kpi.post("/api/kpi/targets", headers=MKT_MANAGER,
                        json={"indicator_code": "sales", "unit_id": MKT, "period": str(THIS_YEAR + 1), "value": 2400})
    assert ok.status_code == 201
    assert (await evaluation(kpi, MKT, str(THIS_YEAR + 1)))["sales"]["target"] == 2400
