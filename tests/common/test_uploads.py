"""Uploads cannot freeze a service: a small workbook that declares millions of rows, a zip bomb or
an XML entity bomb is refused quickly and whole, and who may not import is refused before the file
is read at all."""

import io
import re
import zipfile

import openpyxl
import openpyxl.xml
import pytest

from services.common.sheets import MAX_UNCOMPRESSED, UploadRejected, read_xlsx
from tests.kpi.conftest import MKT_MANAGER, MKT_VIEWER, kpi  # noqa: F401 (fixture)
from tests.risk.conftest import ANALYST, OPS_DIRECTOR, risk  # noqa: F401 (fixture)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: list[list] | None = None, *, far_row: int | None = None) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows or [["indicator_code", "unit_code", "period", "value"]]:
        wb.active.append(row)
    if far_row:
        wb.active.cell(row=far_row, column=1, value="x")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rewrite(content: bytes, name: str, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            z.writestr(info.filename, change(data) if info.filename == name else data)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
# openpyxl writes at most Excel's 1,048,576 rows; an attacker's XML says what it likes
FIVE_MILLION = rewrite(workbook(far_row=1_000_000), SHEET, lambda d: d.replace(b"1000000", b"5000000"))
# the same, without the dimension that declares it: the rows are only found by walking them
UNDECLARED = rewrite(FIVE_MILLION, SHEET, lambda d: re.sub(rb"<dimension[^>]*/>", b"", d))
ZIP_BOMB = rewrite(workbook(), SHEET,
                   lambda d: d.replace(b"<sheetData>", b"<sheetData>" + b" " * (MAX_UNCOMPRESSED + 1)))
ENTITY_BOMB = rewrite(workbook(), SHEET, lambda d: d.replace(
    b"<worksheet", b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                   b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><worksheet', 1))


def test_the_workbook_xml_is_read_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("content", [FIVE_MILLION, UNDECLARED, ZIP_BOMB, ENTITY_BOMB],
                         ids=["five-million-rows", "undeclared-rows", "zip-bomb", "entity-bomb"])
def test_hostile_workbooks_are_refused(content):
    assert len(content) < 200_000
    with pytest.raises(UploadRejected):
        read_xlsx(content, max_rows=10_000)


def test_empty_rows_count_against_the_limit():
    content = workbook([["a"]] + [[None]] * 30 + [["b"]])
    assert len(read_xlsx(content, max_rows=40)) == 32
    with pytest.raises(UploadRejected, match="empty rows count too"):
        read_xlsx(content, max_rows=20)


HOSTILE = [(FIVE_MILLION, "rows (empty rows count too)"), (UNDECLARED, "rows (empty rows count too)"),
           (ZIP_BOMB, "unpacks to more than"), (ENTITY_BOMB, "not a readable .xlsx workbook")]
HOSTILE_IDS = ["five-million-rows", "undeclared-rows", "zip-bomb", "entity-bomb"]


@pytest.mark.parametrize("content,reason", HOSTILE, ids=HOSTILE_IDS)
async def test_kpi_refuses_a_hostile_import_whole_saying_why(kpi, content, reason):  # noqa: F811
    r = await kpi.post("/api/kpi/measurements/import", headers=MKT_MANAGER,
                       files={"file": ("m.xlsx", content, XLSX)})
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "file"
    assert reason in r.json()["detail"]


async def test_kpi_refuses_a_csv_of_empty_lines(kpi):  # noqa: F811
    r = await kpi.post("/api/kpi/measurements/import", headers=MKT_MANAGER,
                       files={"file": ("m.csv", b"indicator_code,unit_code,period,value\n" + b"\n" * 2_000_000,
                                       "text/csv")})
    assert r.status_code == 422 and "empty rows count too" in r.json()["detail"]


@pytest.mark.parametrize("content,reason", HOSTILE, ids=HOSTILE_IDS)
async def test_risk_refuses_a_hostile_import_whole_saying_why(risk, content, reason):  # noqa: F811
    r = await risk.post("/api/risk/risks/import", headers=OPS_DIRECTOR, files={"file": ("r.xlsx", content, XLSX)})
    assert r.status_code == 422, r.text
    assert reason in r.json()["detail"]


async def test_who_may_not_import_is_refused_before_the_file_is_read(kpi, risk):  # noqa: F811
    assert (await kpi.post("/api/kpi/measurements/import", headers=MKT_VIEWER,
                           files={"file": ("m.xlsx", ZIP_BOMB, XLSX)})).status_code == 403
    assert (await risk.post("/api/risk/risks/import", headers=ANALYST,
                            files={"file": ("r.xlsx", ZIP_BOMB, XLSX)})).status_code == 403
