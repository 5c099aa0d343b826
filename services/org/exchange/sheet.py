"""The org workbook's layout (three sheets: 组织单元, 岗位, 人员), writing it, and reading it back cell by cell.

Reading never touches the database: it turns a workbook into rows (by column key, with their sheet row
number) and errors naming sheet, row and column, in both languages. Row numbers are the ones a
spreadsheet shows: the header is row 1, the first data row is 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook

from services.common.i18n import EN, ZH
from services.common.sheets import (
    Column,
    SheetRows,
    UploadRejected,
    add_table,
    is_blank,
    read_xlsx_sheets,
    refuse_macros,
    workbook_bytes,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000  # per sheet: a company of a few thousand people, several posts each


@dataclass(frozen=True)
class SheetSpec:
    key: str
    zh: str
    en: str
    # (key, zh header, en header, width)
    columns: tuple[tuple[str, str, str, float], ...]
    required: tuple[str, ...]

    def title(self, language: str) -> str:
        return self.zh if language == ZH else self.en

    def header(self, column: str, language: str) -> str:
        for key, zh, en, _ in self.columns:
            if key == column:
                return zh if language == ZH else en
        return column


UNITS = SheetSpec("units", "组织单元", "Units", (
    ("code", "编码", "Code", 16), ("name", "名称", "Name", 28), ("kind", "类型", "Type", 12),
    ("parent_code", "上级编码", "Parent code", 16)), required=("code", "name", "kind", "parent_code"))
POSITIONS = SheetSpec("positions", "岗位", "Positions", (
    ("unit_code", "单位编码", "Unit code", 16), ("title", "岗位名称", "Position title", 24),
    ("role", "角色", "Role", 18), ("heads_unit", "是否负责人", "Heads the unit", 12),
    ("responsibilities", "职责", "Responsibilities", 60)), required=("unit_code", "title", "role"))
PEOPLE = SheetSpec("people", "人员", "People", (
    ("username", "用户名", "Username", 18), ("display_name", "姓名", "Name", 16), ("email", "邮箱", "E-mail", 28),
    ("status", "状态", "Status", 10), ("unit_code", "单位编码", "Unit code", 16),
    ("title", "岗位名称", "Position title", 24), ("start_date", "任职开始", "Start date", 14),
    ("end_date", "任职结束", "End date", 14)), required=("username", "display_name"))
SHEETS = (UNITS, POSITIONS, PEOPLE)
SHEET_BY_KEY = {s.key: s for s in SHEETS}
LISTS = {ZH: "选项", EN: "Lists"}  # the hidden sheet holding the longer drop-down lists

KIND_LABELS = {ZH: {"company": "公司", "branch": "分公司", "department": "部门", "section": "科", "team": "组"},
               EN: {"company": "company", "branch": "branch", "department": "department", "section": "section",
                    "team": "team"}}
YES_NO = {ZH: ("是", "否"), EN: ("yes", "no")}
STATUS_LABELS = {ZH: ("在职", "停用"), EN: ("active", "inactive")}
_YES = {"是", "yes", "y", "true", "1", "√", "✓"}
_NO = {"否", "no", "n", "false", "0", ""}
_ACTIVE = {"在职", "active", "启用", "正常"}
_INACTIVE = {"停用", "inactive", "离职", "disabled"}
KIND_IN = {v.lower(): k for labels in KIND_LABELS.values() for k, v in labels.items()}


def parse_kind(text: str) -> str | None:
    return KIND_IN.get(text.strip().lower())


def parse_yes_no(text: str) -> bool | None:
    t = text.strip().lower()
    return True if t in _YES else False if t in _NO else None


def parse_status(text: str) -> bool | None:
    t = text.strip().lower()
    return True if t in _ACTIVE else False if t in _INACTIVE else None


# --- writing ---------------------------------------------------------------------------------


def write_workbook(*, language: str, units: list[list[Any]], positions: list[list[Any]], people: list[list[Any]],
                   role_names: list[str]) -> bytes:
    """The three sheets (rows in the sheets' column order), headers in ``language``, frozen, with widths and
    drop-down lists for 类型, 角色, 是否负责人 and 状态."""
    wb = Workbook()
    lists = LISTS[language]
    choices: dict[str, Any] = {
        "kind": list(KIND_LABELS[language].values()),
        "role": f"'{lists}'!$A$1:$A${max(len(role_names), 1)}",
        "heads_unit": list(YES_NO[language]),
        "status": list(STATUS_LABELS[language]),
    }
    for n, (spec, rows) in enumerate(((UNITS, units), (POSITIONS, positions), (PEOPLE, people))):
        columns = [Column(spec.header(key, language), width, choices.get(key)) for key, _, _, width in spec.columns]
        add_table(wb, spec.title(language), columns, rows, first=n == 0)
    hidden = wb.create_sheet(lists)
    for name in role_names:
        hidden.append([name])
    hidden.sheet_state = "hidden"
    return workbook_bytes(wb)


# --- reading ---------------------------------------------------------------------------------


@dataclass
class RowError:
    """What is wrong with one cell (or a row, or a whole sheet), in both languages."""

    sheet: str     # units | positions | people | file
    row: int
    column: str    # a column key, or "" for the whole row
    en: str
    zh: str

    def as_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "en": self.en, "zh": self.zh}


@dataclass
class Parsed:
    """The file's rows by sheet (each a dict of column key → cell, with ``_row``), and what was wrong."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    present: dict[str, set[str]] = field(default_factory=dict)  # the columns each sheet has
    errors: list[RowError] = field(default_factory=list)


class FileRefused(Exception):
    """The upload is refused whole (not an .xlsx, macros, too large, none of the sheets)."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.message, self.zh = message, zh


def read_workbook(content: bytes, filename: str) -> Parsed:
    """The org workbook's rows; a file that is not one is refused whole (FileRefused)."""
    if len(content) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.",
                          f"文件超过 {MAX_BYTES // (1024 * 1024)} MB。")
    try:
        refuse_macros(content, filename)
        found = read_xlsx_sheets(content, max_rows=MAX_ROWS, sheets=[(s.zh, s.en, s.key) for s in SHEETS])
    except UploadRejected as exc:
        raise FileRefused(exc.message, exc.zh) from exc
    if all(f is None for f in found):
        raise FileRefused("The workbook has none of the sheets 组织单元 (Units), 岗位 (Positions), 人员 (People).",
                          "工作簿中没有“组织单元”“岗位”“人员”中的任何一张工作表。")
    out = Parsed()
    for spec, sheet in zip(SHEETS, found, strict=True):
        if sheet is not None:
            _read_sheet(spec, sheet, out)
    return out


def _read_sheet(spec: SheetSpec, sheet: SheetRows, out: Parsed) -> None:
    by_header = {}
    for key, zh, en, _ in spec.columns:
        for name in (key, zh, en):
            by_header[name.strip().lower()] = key
    if spec is POSITIONS:
        by_header["角色（名称）"] = by_header["角色(名称)"] = "role"
    header = sheet.rows[0] if sheet.rows else ()
    columns: dict[int, str] = {}
    for idx, h in enumerate(header):
        key = by_header.get(str(h).strip().lower(), "") if h is not None else ""
        if key:
            columns[idx] = key
    present = set(columns.values())
    out.present[spec.key] = present
    for key in spec.required:
        if key not in present:
            out.errors.append(RowError(spec.key, 1, key, f"the header has no '{spec.header(key, EN)}' column",
                                       f"标题行缺少“{spec.header(key, ZH)}”列"))
    for f in sheet.formulas:
        key = columns.get(f.column - 1, "")
        out.errors.append(RowError(spec.key, f.row, key, "the cell holds a formula; paste its value instead",
                                   "单元格含有公式；请改为粘贴数值"))
    if any(e.sheet == spec.key and e.row == 1 for e in out.errors):
        out.rows[spec.key] = []
        return
    rows: list[dict[str, Any]] = []
    for n, values in enumerate(sheet.rows[1:], start=2):
        raw = {key: values[idx] if idx < len(values) else None for idx, key in columns.items()}
        if all(is_blank(v) for v in raw.values()):
            continue
        raw["_row"] = n
        rows.append(raw)
    out.rows[spec.key] = rows
