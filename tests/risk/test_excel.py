"""Excel: the register goes out as a sheet and comes back in; a bad sheet is refused whole, with its errors."""

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from services.risk.exchange.sheet import COLUMNS
from services.risk.models import Risk
from tests.risk.conftest import MARKET_MGR, OPS_DIRECTOR, SUPPLY_HEAD, U, assess, new_risk

HEADERS = [h for _, h in COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet(*rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "风险登记表"
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def upload(risk, content: bytes, headers=OPS_DIRECTOR):
    return await risk.post("/api/risk/risks/import", headers=headers, files={"file": ("register.xlsx", content, XLSX)})


async def count(risk) -> int:
    async with risk.app.state.db.reader() as s:
        return (await s.execute(select(func.count()).select_from(Risk))).scalar_one()


async def test_export_gives_the_register_layout_and_reimporting_it_changes_nothing(risk):
    a = await new_risk(risk, title="供应商A交货延迟", next_review_date="2026-12-31")
    await assess(risk, a["id"], 4, 5)
    await new_risk(risk, title="市场竞争", category="market", unit_id=U["MKT"], owner_id=4)
    r = await risk.get("/api/risk/risks/export", headers=OPS_DIRECTOR)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS and len(rows) == 3
    first = dict(zip(HEADERS, rows[1], strict=False))
    assert (first["风险编号"], first["风险名称"], first["风险类别"], first["责任单位编码"]) == (
        a["id"], "供应商A交货延迟", "供应链", "OPS-SUP")
    assert (first["可能性"], first["影响程度"], first["风险值"], first["风险等级"]) == (4, 5, 20, "极高")
    mine = load_workbook(io.BytesIO((await risk.get("/api/risk/risks/export", headers=MARKET_MGR)).content)).active
    assert [row[1] for row in mine.iter_rows(min_row=2, values_only=True)] == ["市场竞争"]
    back = await upload(risk, r.content)
    assert back.status_code == 200, back.text
    assert back.json()["created"] == 0 and back.json()["updated"] == 2
    assert await count(risk) == 2
    history = (await risk.get(f"/api/risk/risks/{a['id']}/assessments", headers=OPS_DIRECTOR)).json()["items"]
    assert len(history) == 1  # same L and I: no new assessment


async def test_import_registers_new_risks_and_assesses_them(risk):
    content = sheet({"风险名称": "设备B老化", "风险类别": "设备", "责任单位编码": "OPS-DIS", "责任人ID": 3,
                     "可能性": 3, "影响程度": 4, "应对策略": "降低", "下次评审日期": "2026-12-01"},
                    {"风险名称": "燃气泄漏", "风险类别": "safety", "责任单位编码": "OPS-SAF"})
    r = await upload(risk, content)
    assert r.status_code == 200, r.text
    assert r.json()["created"] == 2
    got = (await risk.get(f"/api/risk/risks/{r.json()['risk_ids'][0]}", headers=OPS_DIRECTOR)).json()
    assert (got["category"], got["level"], got["strategy"], got["owner_id"]) == ("equipment", "high", "reduce", 3)
    assert got["status"] == "assessed" and got["next_review_date"] == "2026-12-01"


async def test_a_sheet_with_errors_is_refused_whole_with_row_and_column(risk):
    content = sheet({"风险名称": "好的一行", "风险类别": "市场", "责任单位编码": "MKT"},
                    {"风险名称": "", "风险类别": "天气", "责任单位编码": "NOPE"},
                    {"风险名称": "评分错误", "风险类别": "政策", "责任单位编码": "HDGAS", "可能性": 7,
                     "影响程度": None},
                    {"风险名称": "高风险接受", "风险类别": "政策", "责任单位编码": "HDGAS", "可能性": 4, "影响程度": 4,
                     "应对策略": "接受"},
                    {"风险编号": 999, "风险名称": "不存在", "风险类别": "政策", "责任单位编码": "HDGAS"})
    r = await upload(risk, content)
    assert r.status_code == 422
    errors = {(e["row"], e["column"]) for e in r.json()["errors"]}
    assert errors == {(3, "风险名称"), (3, "风险类别"), (3, "责任单位编码"), (4, "可能性"), (4, "影响程度"),
                      (5, "应对策略"), (6, "风险编号")}
    assert "nothing was imported" in r.json()["detail"]
    assert await count(risk) == 0


async def test_rows_for_units_outside_your_plan_scope_refuse_the_file(risk):
    content = sheet({"风险名称": "供应", "风险类别": "供应链", "责任单位编码": "OPS-SUP"},
                    {"风险名称": "市场", "风险类别": "市场", "责任单位编码": "MKT"})
    r = await upload(risk, content, headers=SUPPLY_HEAD)
    assert r.status_code == 403 and [(e["row"], e["field"]) for e in r.json()["errors"]] == [(3, "unit_code")]
    assert await count(risk) == 0


async def test_files_that_are_not_a_register_are_refused(risk):
    r = await upload(risk, b"not a workbook")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
    no_header = await upload(risk, sheet({"x": 1}, headers=["名称", "x"]))
    assert no_header.status_code == 422 and "风险名称" in no_header.json()["detail"]
    empty = await upload(risk, sheet())
    assert empty.status_code == 422
    missing = await risk.post("/api/risk/risks/import", headers=OPS_DIRECTOR)
    assert missing.status_code == 422


async def test_reimporting_with_new_scores_reassesses_and_moves_the_risk(risk):
    a = await new_risk(risk, title="供应中断")
    await assess(risk, a["id"], 4, 4)  # high
    content = sheet({"风险编号": a["id"], "风险名称": "供应中断（更新）", "风险类别": "供应链", "责任单位编码": "OPS",
                     "可能性": 2, "影响程度": 2, "应对策略": "接受"})
    r = await upload(risk, content)
    assert r.status_code == 200, r.text
    got = (await risk.get(f"/api/risk/risks/{a['id']}", headers=OPS_DIRECTOR)).json()
    assert (got["title"], got["unit_id"], got["level"], got["strategy"]) == (
        "供应中断（更新）", U["OPS"], "low", "accept")
    assert len((await risk.get(f"/api/risk/risks/{a['id']}/assessments", headers=OPS_DIRECTOR)).json()["items"]) == 2
