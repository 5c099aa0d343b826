"""The register as an Excel sheet (风险登记表): writing it, and reading it back cell by cell.

Reading never touches the database: it turns a workbook into row dicts and a list of
errors naming the row and column, so the caller can refuse the whole file before writing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from services.common.sheets import UploadRejected, cell_value, read_xlsx, workbook_bytes
from services.risk.register.schemas import CATEGORY_LABELS, STRATEGY_LABELS

SHEET = "风险登记表"
# (key, header); keys are accepted as headers too.
COLUMNS: list[tuple[str, str]] = [
    ("id", "风险编号"), ("title", "风险名称"), ("description", "风险描述"), ("category", "风险类别"),
    ("unit_code", "责任单位编码"), ("unit_name", "责任单位"), ("owner_id", "责任人ID"), ("plan_id", "关联计划ID"),
    ("likelihood", "可能性"), ("impact", "影响程度"), ("score", "风险值"), ("level", "风险等级"),
    ("residual_likelihood", "剩余可能性"), ("residual_impact", "剩余影响程度"), ("residual_level", "剩余风险等级"),
    ("strategy", "应对策略"), ("strategy_note", "应对措施"), ("status", "状态"), ("next_review_date", "下次评审日期"),
]
HEADER_OF = dict(COLUMNS)
REQUIRED = ("title", "category", "unit_code")
# Computed or lifecycle columns: exported for reading, ignored on import.
READ_ONLY = {"unit_name", "score", "level", "residual_level", "status", "residual_likelihood", "residual_impact"}
LEVEL_LABELS = {"low": "低", "medium": "中", "high": "高", "critical": "极高"}
STATUS_LABELS = {"identified": "已识别", "assessed": "已评估", "treating": "应对中", "monitoring": "监控中",
                 "closed": "已关闭"}
MAX_ROWS = 5000

_CATEGORY_IN = {**{k: k for k in CATEGORY_LABELS}, **{v: k for k, v in CATEGORY_LABELS.items()}}
_STRATEGY_IN = {**{k: k for k in STRATEGY_LABELS}, **{v: k for k, v in STRATEGY_LABELS.items()}}


def write_register(rows: list[dict[str, Any]]) -> bytes:
    """A workbook with one header row and one row per risk (keys as in COLUMNS)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([h for _, h in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in rows:
        out = []
        for key, _ in COLUMNS:
            v = row.get(key)
            if key == "category" and v:
                v = CATEGORY_LABELS.get(v, v)
            elif key == "strategy" and v:
                v = STRATEGY_LABELS.get(v, v)
            elif key in ("level", "residual_level") and v:
                v = LEVEL_LABELS.get(v, v)
            elif key == "status" and v:
                v = STATUS_LABELS.get(v, v)
            out.append(cell_value(v))
        ws.append(out)
    ws.freeze_panes = "A2"
    widths = (10, 28, 40, 10, 14, 16, 10, 12, 8, 8, 8, 10, 10, 12, 12, 10, 30, 10, 14)
    for col, width in zip("ABCDEFGHIJKLMNOPQRS", widths, strict=True):
        ws.column_dimensions[col].width = width
    return workbook_bytes(wb)


class SheetError(Exception):
    """The file is not a register sheet at all (not xlsx, no header…)."""

    def __init__(self, message: str, zh: str | None = None):
        super().__init__(message)
        self.zh = zh


def _int(v: Any, lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(v, bool):
        raise ValueError("is not a whole number")
    if isinstance(v, float):
        if not v.is_integer():
            raise ValueError("is not a whole number")
        v = int(v)
    if isinstance(v, str):
        v = int(v.strip())
    if not isinstance(v, int):
        raise ValueError("is not a whole number")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise ValueError(f"must be between {lo} and {hi}")
    return v


def _date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v).strip())


def read_register(content: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows (with their sheet row number under ``_row``) and errors ``{row, column, field, message}``."""
    try:
        it = iter(read_xlsx(content, max_rows=MAX_ROWS, sheet=SHEET))
    except UploadRejected as exc:
        raise SheetError(exc.message, zh=exc.zh) from exc
    header = next(it, None)
    if not header:
        raise SheetError("The sheet is empty; the first row must hold the column headers.",
                         zh="表格是空的；第一行须为列标题。")
    by_header = {h: k for k, h in COLUMNS} | {k: k for k, _ in COLUMNS}
    columns: dict[int, str] = {}
    for idx, h in enumerate(header):
        if h is None:
            continue
        key = by_header.get(str(h).strip()) or by_header.get(str(h).strip().lower())
        if key:
            columns[idx] = key
    missing = [HEADER_OF[k] for k in REQUIRED if k not in columns.values()]
    if missing:
        raise SheetError(f"The header row lacks the column(s) {', '.join(missing)}.",
                         zh=f"标题行缺少以下列：{'、'.join(missing)}。")

    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for n, values in enumerate(it, start=2):
        raw = {key: values[idx] if idx < len(values) else None for idx, key in columns.items()}
        raw = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
        if all(v in (None, "") for v in raw.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise SheetError(f"A sheet may hold at most {MAX_ROWS} risks.", zh=f"一张表最多 {MAX_ROWS} 项风险。")
        row: dict[str, Any] = {"_row": n}

        def err(key: str, message: str, n: int = n) -> None:
            errors.append({"row": n, "column": HEADER_OF[key], "field": key, "message": message})

        for key in REQUIRED:
            if raw.get(key) in (None, ""):
                err(key, "is required")
        if raw.get("title"):
            if len(str(raw["title"])) > 200:
                err("title", "is longer than 200 characters")
            row["title"] = str(raw["title"])
        row["description"] = str(raw.get("description") or "")
        if raw.get("category"):
            cat = _CATEGORY_IN.get(str(raw["category"]))
            if cat is None:
                err("category",
                    f"'{raw['category']}' is not a category; use one of {', '.join(CATEGORY_LABELS.values())}")
            row["category"] = cat
        if raw.get("unit_code"):
            row["unit_code"] = str(raw["unit_code"])
        for key in ("id", "owner_id", "plan_id"):
            if raw.get(key) not in (None, ""):
                try:
                    row[key] = _int(raw[key], 1, None)
                except ValueError as exc:
                    err(key, f"'{raw[key]}' {exc}")
        li = {k: raw.get(k) for k in ("likelihood", "impact")}
        if any(v not in (None, "") for v in li.values()):
            for key, v in li.items():
                if v in (None, ""):
                    err(key, "is required when the other of likelihood and impact is given")
                    continue
                try:
                    row[key] = _int(v, 1, 5)
                except ValueError as exc:
                    err(key, f"'{v}' {exc}")
        if raw.get("strategy"):
            s = _STRATEGY_IN.get(str(raw["strategy"]))
            if s is None:
                err("strategy", f"'{raw['strategy']}' is not a strategy; use 规避, 降低, 转移 or 接受")
            row["strategy"] = s
        if raw.get("strategy_note"):
            row["strategy_note"] = str(raw["strategy_note"])
        if raw.get("next_review_date") not in (None, ""):
            try:
                row["next_review_date"] = _date(raw["next_review_date"])
            except ValueError:
                err("next_review_date", f"'{raw['next_review_date']}' is not a date (YYYY-MM-DD)")
        rows.append(row)
    return rows, errors
