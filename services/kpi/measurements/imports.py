"""CSV and Excel (.xlsx) measurement files: parse, check every cell, report row and column.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first data row is 2.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from typing import Any

from services.common.i18n import say
from services.common.periods import PeriodError, recordable
from services.common.sheets import UploadRejected, cell_value, csv_bytes, is_blank, read_xlsx, workbook_bytes
from services.kpi.measurements.ingest import MAX_BATCH, PointIn

COLUMNS = ["indicator_code", "unit_code", "unit_id", "period", "value", "source"]
REQUIRED = ["indicator_code", "period", "value"]
MAX_BYTES = 10 * 1024 * 1024


class FileRejected(Exception):
    def __init__(self, message: str, zh: str | None = None):
        super().__init__(message)
        self.message, self.zh = message, zh


def read_rows(content: bytes, filename: str, content_type: str | None) -> list[list[Any]]:
    """The file's rows as lists of cells (header first)."""
    if len(content) > MAX_BYTES:
        raise FileRejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    name = (filename or "").lower()
    is_xlsx = name.endswith(".xlsx") or (content_type or "").endswith("spreadsheetml.sheet") or content[:2] == b"PK"
    if is_xlsx:
        try:
            return [list(r) for r in read_xlsx(content, max_rows=MAX_BATCH)]
        except UploadRejected as exc:
            raise FileRejected(exc.message, zh=exc.zh) from exc
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")  # files saved by Excel on Chinese Windows
        except UnicodeDecodeError as exc:
            raise FileRejected("The file is neither UTF-8 nor GB18030 text, nor an .xlsx workbook.") from exc
    rows: list[list[Any]] = []
    for row in csv.reader(io.StringIO(text)):
        rows.append(row)
        if len(rows) > MAX_BATCH + 1:  # every line counts, empty ones too
            raise FileRejected(f"The file has more than {MAX_BATCH} rows (empty rows count too).",
                               zh=f"文件超过 {MAX_BATCH} 行（空行也计算在内）。")
    return rows


def parse_rows(rows: list[list[Any]], *, indicators: dict[str, Any], units_by_code: dict[str, Any],
               units_by_id: dict[int, Any], can_write: Callable[[str], bool],
               ) -> tuple[list[PointIn], list[dict[str, Any]], list[dict[str, Any]]]:
    """(points, errors, preview) — errors name row and column; no point is returned for a bad row."""
    errors: list[dict[str, Any]] = []
    if not rows:
        return [], [{"row": 1, "column": "", "message": "the file is empty"}], []
    header = [str(h).strip().lower() if h is not None else "" for h in rows[0]]
    col = {h: i for i, h in enumerate(header) if h}
    for req in REQUIRED:
        if req not in col:
            errors.append({"row": 1, "column": req, "message": f"the header has no '{req}' column"})
    if "unit_code" not in col and "unit_id" not in col:
        errors.append({"row": 1, "column": "unit_code", "message": "the header needs 'unit_code' or 'unit_id'"})
    if errors:
        return [], errors, []
    data = [(n, r) for n, r in enumerate(rows[1:], start=2) if not all(is_blank(c) for c in r)]
    if len(data) > MAX_BATCH:
        return [], [{"row": MAX_BATCH + 2, "column": "", "message": f"at most {MAX_BATCH} rows per file"}], []

    def cell(r: list[Any], name: str) -> Any:
        i = col.get(name)
        return r[i] if i is not None and i < len(r) else None

    points: list[PointIn] = []
    preview: list[dict[str, Any]] = []
    for n, r in data:
        row_errors = []
        code = cell(r, "indicator_code")
        code = "" if code is None else str(code).strip()
        ind = indicators.get(code)
        if not code:
            row_errors.append(("indicator_code", "empty"))
        elif ind is None:
            row_errors.append(("indicator_code", f"there is no indicator '{code}'"))
        elif ind.formula:
            row_errors.append(("indicator_code", f"'{code}' is computed from its formula; import its inputs"))
        unit, unit_col = None, "unit_code" if "unit_code" in col and not is_blank(cell(r, "unit_code")) else "unit_id"
        raw_unit = cell(r, unit_col)
        if is_blank(raw_unit):
            row_errors.append((unit_col, "empty"))
        elif unit_col == "unit_code":
            unit = units_by_code.get(str(raw_unit).strip())
            if unit is None:
                row_errors.append(("unit_code", f"there is no org unit with code '{str(raw_unit).strip()}'"))
        else:
            try:
                unit = units_by_id.get(int(float(str(raw_unit).strip())))
            except ValueError:
                unit = None
            if unit is None:
                row_errors.append(("unit_id", f"there is no org unit with id '{raw_unit}'"))
        if unit is not None and not can_write(unit.path):
            row_errors.append((unit_col, f"you need the 'plan' right over {unit.name} ({unit.path})"))
        raw_period = cell(r, "period")
        per = None
        if is_blank(raw_period):
            row_errors.append(("period", "empty"))
        else:
            text = raw_period.strftime("%Y-%m-%d") if hasattr(raw_period, "strftime") else str(raw_period).strip()
            if isinstance(raw_period, (int, float)) and not isinstance(raw_period, bool):
                text = str(int(raw_period))  # a year typed as a number
            try:
                per = recordable(text).text
            except PeriodError as exc:
                row_errors.append(("period", say(str(exc), exc.zh)))
        raw_value = cell(r, "value")
        value = None
        if is_blank(raw_value):
            row_errors.append(("value", "empty"))
        else:
            try:
                value = float(str(raw_value).strip().replace(",", ""))
                if not math.isfinite(value):
                    raise ValueError
            except ValueError:
                row_errors.append(("value", f"'{raw_value}' is not a number"))
        source = cell(r, "source")
        source = "import" if is_blank(source) else str(source).strip()[:60]
        if row_errors or unit is None or per is None or value is None:
            errors.extend({"row": n, "column": c, "message": m} for c, m in row_errors)
            continue
        points.append(PointIn(indicator_code=code, unit_id=unit.id, period=per, value=value, source=source))
        if len(preview) < 20:
            preview.append({"row": n, "indicator_code": code, "unit_id": unit.id, "unit_name": unit.name,
                            "period": per, "value": value, "source": source})
    return points, errors, preview


def template_rows() -> list[list[Any]]:
    return [["indicator_code", "unit_code", "period", "value", "source"],
            ["sales", "MKT-RES", "2026-10", 120.5, "erp"],
            ["customer_satisfaction", "OPS-CS", "2026-10", 88.2, "survey"]]


def template_csv() -> bytes:
    return csv_bytes(template_rows())


def template_xlsx(indicators: list[Any]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "measurements"
    for row in template_rows():
        ws.append(row)
    ref = wb.create_sheet("indicators")
    ref.append(["code", "name", "name_en", "unit", "aggregation", "derived"])
    for i in indicators:
        ref.append([cell_value(v) for v in (i.code, i.name, i.name_en, i.unit, i.aggregation,
                                            "yes" if i.formula else "")])
    return workbook_bytes(wb)
