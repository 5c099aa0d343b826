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
import zipfile
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook, load_workbook

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


# --- reading uploaded workbooks --------------------------------------------------------------

MAX_UNCOMPRESSED = 50 * 1024 * 1024      # all parts of an upload, unpacked
MAX_SHARED_STRINGS = 16 * 1024 * 1024    # the shared-strings table, unpacked
MAX_PARTS = 500


class UploadRejected(Exception):
    """An uploaded file that is refused whole, with the reason in both languages."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.message, self.zh = message, zh


def check_xlsx_archive(content: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than the limits allow (a zip bomb: a few KB
    that expand to gigabytes of XML), before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UploadRejected("The file is not a readable .xlsx workbook.", "文件不是可读取的 .xlsx 工作簿。") from exc
    if len(infos) > MAX_PARTS:
        raise UploadRejected("The workbook has too many parts.", "工作簿的组成部分过多。")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise UploadRejected(f"The workbook unpacks to more than {MAX_UNCOMPRESSED // (1024 * 1024)} MB.",
                             f"工作簿解压后超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB。")
    for i in infos:
        if i.filename.lower().endswith("sharedstrings.xml") and i.file_size > MAX_SHARED_STRINGS:
            raise UploadRejected("The workbook's table of texts is too large.", "工作簿中的文本表过大。")


def read_xlsx(content: bytes, *, max_rows: int, sheet: str | None = None) -> list[tuple[Any, ...]]:
    """The rows (header first) of one sheet of an uploaded workbook, values only.

    Every row counts against ``max_rows``, empty ones too: a sheet that declares five million
    empty rows is refused after ``max_rows + 1`` of them, not walked to the end. The XML is read
    through defusedxml (openpyxl uses it when installed). Call it off the event loop.
    """
    check_xlsx_archive(content)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UploadRejected(f"The file is not a readable .xlsx workbook ({type(exc).__name__}).",
                             "文件不是可读取的 .xlsx 工作簿。") from exc
    too_many = UploadRejected(f"The sheet has more than {max_rows} rows (empty rows count too).",
                              f"工作表超过 {max_rows} 行（空行也计算在内）。")
    try:
        ws = wb[sheet] if sheet and sheet in wb.sheetnames else wb.worksheets[0]
        declared = ws.max_row if ws.max_row is not None else 0
        if declared > max_rows + 1:
            raise too_many
        rows: list[tuple[Any, ...]] = []
        for row in ws.iter_rows(values_only=True):
            rows.append(row)
            if len(rows) > max_rows + 1:  # + the header
                raise too_many
        return rows
    except UploadRejected:
        raise
    except Exception as exc:  # the sheet's XML is read lazily, while iterating
        raise UploadRejected(f"The file is not a readable .xlsx workbook ({type(exc).__name__}).",
                             "文件不是可读取的 .xlsx 工作簿。") from exc
    finally:
        wb.close()
