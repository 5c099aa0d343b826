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
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

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


@dataclass(frozen=True)
class Column:
    """A column of a sheet an exporter writes: its header, its width, and (optionally) the values a
    cell may take, offered as a drop-down list (an inline list, or a range such as ``'选项'!$A$1:$A$9``)."""

    header: str
    width: float = 14
    choices: Sequence[str] | str | None = None


def add_table(wb: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
              first: bool = False) -> Worksheet:
    """A sheet with a bold, shaded, frozen header row, the columns' widths and drop-down lists, and
    ``rows`` written through :func:`cell_value` (``first``: use the workbook's initial sheet)."""
    ws = wb.active if first and wb.active is not None else wb.create_sheet()
    assert isinstance(ws, Worksheet)
    ws.title = title
    ws.append([c.header for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    n = 1
    for row in rows:
        ws.append([cell_value(v) for v in row])
        n += 1
        for cell in ws[n]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text a person typed, never a formula the workbook would run
    ws.freeze_panes = "A2"
    last = max(n, 1000)  # room to add rows below the exported ones, with the same lists
    for i, c in enumerate(columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = c.width
        if c.choices:
            source = c.choices if isinstance(c.choices, str) else '"' + ",".join(c.choices) + '"'
            dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
    return ws


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


def is_blank(value: Any) -> bool:
    """An empty cell: nothing, or only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as trimmed text ('' for an empty one; 12.0 typed as a number is '12')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    return str(value).strip()


def cell_date(value: Any) -> date:
    """A cell as a date: a date cell, or text such as 2026-03-15 (ValueError otherwise)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value).replace("/", "-").replace(".", "-")
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    raise ValueError(text)


@dataclass(frozen=True)
class FormulaCell:
    """A cell holding a formula (an import of plain values refuses it: its value is not what it shows)."""

    sheet: str
    row: int
    column: int


@dataclass
class SheetRows:
    """The rows of one sheet of an upload (header first), and the cells that hold formulas."""

    title: str
    rows: list[tuple[Any, ...]]
    formulas: list[FormulaCell]


def refuse_macros(content: bytes, filename: str = "") -> None:
    """Refuse a macro-enabled workbook (.xlsm, or any workbook carrying a VBA project)."""
    if filename.lower().endswith((".xlsm", ".xltm", ".xlam")):
        raise UploadRejected("Macro-enabled workbooks are not accepted; save it as .xlsx.",
                             "不接受含宏的工作簿；请另存为 .xlsx 后再上传。")
    check_xlsx_archive(content)
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        names = [i.filename.lower() for i in z.infolist()]
        types = z.read("[Content_Types].xml") if "[content_types].xml" in names else b""
    if any(n.endswith("vbaproject.bin") for n in names) or b"macroEnabled" in types:
        raise UploadRejected("Macro-enabled workbooks are not accepted; save it as .xlsx.",
                             "不接受含宏的工作簿；请另存为 .xlsx 后再上传。")


def _unreadable(exc: Exception) -> UploadRejected:
    return UploadRejected(f"The file is not a readable .xlsx workbook ({type(exc).__name__}).",
                          "文件不是可读取的 .xlsx 工作簿。")


@contextmanager
def _workbook(content: bytes, *, data_only: bool) -> Iterator[Workbook]:
    """An uploaded workbook opened read-only (its archive checked first, the XML read through defusedxml),
    closed afterwards; anything openpyxl raises while opening or reading it (lazily) is a 422 upload."""
    check_xlsx_archive(content)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _unreadable(exc) from exc
    try:
        yield wb
    except UploadRejected:
        raise
    except Exception as exc:  # the sheet's XML is read lazily, while iterating
        raise _unreadable(exc) from exc
    finally:
        wb.close()


def read_xlsx_sheets(content: bytes, *, max_rows: int, sheets: Sequence[Sequence[str]],
                     ) -> list[SheetRows | None]:
    """The rows of several sheets of an uploaded workbook, each found by any of its names (None when
    the workbook has none of them), with the cells holding formulas (as formulas, not their cached
    values). The same limits and defences as :func:`read_xlsx`; call it off the event loop."""
    out: list[SheetRows | None] = []
    with _workbook(content, data_only=False) as wb:
        for names in sheets:
            title = next((n for n in names if n in wb.sheetnames), None)
            if title is None:
                out.append(None)
                continue
            ws = wb[title]
            too_many = UploadRejected(f"The sheet {title} has more than {max_rows} rows (empty rows count too).",
                                      f"工作表“{title}”超过 {max_rows} 行（空行也计算在内）。")
            if (ws.max_row or 0) > max_rows + 1:
                raise too_many
            rows: list[tuple[Any, ...]] = []
            formulas: list[FormulaCell] = []
            for n, row in enumerate(ws.iter_rows(), start=1):
                values: list[Any] = []
                for i, cell in enumerate(row, start=1):
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append(FormulaCell(title, n, i))
                        values.append(None)
                    else:
                        values.append(getattr(cell, "value", None))
                rows.append(tuple(values))
                if len(rows) > max_rows + 1:  # + the header
                    raise too_many
            out.append(SheetRows(title, rows, formulas))
        return out


def read_xlsx(content: bytes, *, max_rows: int, sheet: str | None = None) -> list[tuple[Any, ...]]:
    """The rows (header first) of one sheet of an uploaded workbook, values only.

    Every row counts against ``max_rows``, empty ones too: a sheet that declares five million
    empty rows is refused after ``max_rows + 1`` of them, not walked to the end. The XML is read
    through defusedxml (openpyxl uses it when installed). Call it off the event loop.
    """
    too_many = UploadRejected(f"The sheet has more than {max_rows} rows (empty rows count too).",
                              f"工作表超过 {max_rows} 行（空行也计算在内）。")
    with _workbook(content, data_only=True) as wb:
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
