"""CSV and Excel import: preview, row-and-column errors, all or nothing, the template."""

import io

import openpyxl
import pytest
from sqlalchemy import func, select

from services.kpi.models import Measurement
from tests.kpi.conftest import MKT, MKT_MANAGER, MKT_VIEWER, evaluation

GOOD = ("indicator_code,unit_code,period,value,source\n"
        "sales,MKT-RES,2026-01,100,erp\n"
        "sales,MKT-PLN,2026-01,50.5,erp\n"
        "cost,MKT-RES,2026-01,40,erp\n")


def upload(text_or_bytes, name="m.csv", ctype="text/csv"):
    data = text_or_bytes.encode("utf-8") if isinstance(text_or_bytes, str) else text_or_bytes
    return {"file": (name, data, ctype)}


async def stored(kpi) -> int:
    async with kpi.app.state.db.reader() as s:
        return (await s.execute(select(func.count()).select_from(Measurement))).scalar_one()


async def test_a_good_csv_imports(kpi):
    r = await kpi.post("/api/kpi/measurements/import", files=upload(GOOD), headers=MKT_MANAGER)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["created"]) == ("imported", 3)
    assert (await evaluation(kpi, MKT, "2026-01"))["sales"]["actual"] == pytest.approx(150.5)


async def test_a_csv_with_one_bad_row_is_rejected_naming_row_and_column_and_nothing_is_stored(kpi):
    bad = GOOD + "sales,MKT-RES,2026-02,lots,erp\n" + "sales,MKT-RES,2026-03,7,erp\n"
    r = await kpi.post("/api/kpi/measurements/import", files=upload(bad), headers=MKT_MANAGER)
    assert r.status_code == 422
    body = r.json()
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(5, "value")]
    assert "row 5" in body["detail"] and "'value'" in body["detail"]
    assert await stored(kpi) == 0


async def test_the_preview_checks_everything_and_writes_nothing(kpi):
    bad = GOOD + "nosuch,MKT-RES,2026-02,1,erp\n" + "sales,OPS-CS,2026-02,1,erp\n" + "sales,NOPE,2026-W60,1,\n"
    r = await kpi.post("/api/kpi/measurements/import", params={"preview": "true"}, files=upload(bad),
                       headers=MKT_MANAGER)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "preview"
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (5, "indicator_code"), (6, "unit_code"), (7, "unit_code"), (7, "period")]
    assert [p["row"] for p in body["preview"]] == [2, 3, 4]
    assert body["preview"][1] == {"row": 3, "indicator_code": "sales", "unit_id": 9, "unit_name": "市场策划组",
                                  "period": "2026-01", "value": 50.5, "source": "erp"}
    assert await stored(kpi) == 0


async def test_a_file_without_the_needed_columns_is_rejected_at_row_1(kpi):
    r = await kpi.post("/api/kpi/measurements/import", files=upload("code,period\nsales,2026\n"), headers=MKT_MANAGER)
    assert r.status_code == 422
    assert {(e["row"], e["column"]) for e in r.json()["errors"]} == {(1, "indicator_code"), (1, "value"),
                                                                     (1, "unit_code")}
    garbage = await kpi.post("/api/kpi/measurements/import", files=upload(b"PK\x03\x04garbage", "x.xlsx"),
                             headers=MKT_MANAGER)
    assert garbage.status_code == 422 and garbage.json()["errors"][0]["field"] == "file"


async def test_an_xlsx_workbook_imports(kpi):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator_code", "unit_code", "period", "value", "source"])
    ws.append(["sales", "MKT-RES", "2026-01", 80, "excel"])
    ws.append(["sales", "MKT-PLN", "2026-01", 20.25, None])
    buf = io.BytesIO()
    wb.save(buf)
    r = await kpi.post("/api/kpi/measurements/import", files=upload(buf.getvalue(), "m.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), headers=MKT_MANAGER)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    assert (await evaluation(kpi, MKT, "2026-01"))["sales"]["actual"] == pytest.approx(100.25)


async def test_importing_needs_plan_rights(kpi):
    r = await kpi.post("/api/kpi/measurements/import", files=upload(GOOD), headers=MKT_VIEWER)
    assert r.status_code == 403


async def test_the_template_downloads_as_csv_and_xlsx_and_imports_as_is(kpi):
    csv_ = await kpi.get("/api/kpi/measurements/template", params={"format": "csv"}, headers=MKT_VIEWER)
    assert csv_.status_code == 200 and csv_.headers["content-type"].startswith("text/csv")
    assert csv_.content.decode("utf-8-sig").splitlines()[0] == "indicator_code,unit_code,period,value,source"
    xlsx = await kpi.get("/api/kpi/measurements/template", params={"format": "xlsx"}, headers=MKT_VIEWER)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert [c.value for c in wb["measurements"][1]] == ["indicator_code", "unit_code", "period", "value", "source"]
    assert "sales" in [r[0].value for r in wb["indicators"].iter_rows(min_row=2)]
    assert (await kpi.get("/api/kpi/measurements/template", params={"format": "pdf"},
                          headers=MKT_VIEWER)).status_code == 422
