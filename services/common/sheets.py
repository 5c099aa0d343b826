"""Spreadsheet exports that no stored text can break or turn into a live formula.

Every exporter (XLSX and CSV) writes values through :func:`cell_value` and saves workbooks with
:func:`workbook_bytes`:
- characters a workbook cannot hold (C0 controls other than tab, line feed and carriage return)
  are replaced with U+FFFD, so one bad title can no longer make an export fail for everyone;
- text starting with ``= + - @`` or a tab or carriage return is written as text, never as a
  formula (OWASP, CSV injection): in XLSX as a string cell with Excel's own quote-prefix mark (it
  reads the same and stays text when edited); in CSV with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable

from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_value(value: Any) -> Any:
    """A value safe to put in a workbook cell (text cleaned of characters it cannot hold)."""
    if isinstance(value, str):
        return _ILLEGAL.sub("\ufffd", value)
    return value


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def workbook_bytes(wb: Workbook) -> bytes:
    """Save ``wb``, with every cell whose text could be read as a formula kept as text."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if looks_like_formula(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_field(value: Any) -> Any:
    value = cell_value(value)
    return "'" + value if looks_like_formula(value) else value


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 CSV with a BOM (Excel opens Chinese correctly), formula-looking text neutralised."""
    buf = io.StringIO()
    csv.writer(buf).writerows([csv_field(v) for v in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
