"""Spreadsheets of budgets: the actual-spend import (parse every cell, name row and column), its template, and
the 预算执行表 export. Row numbers are the ones a spreadsheet shows: the header is row 1."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook

from services.common.i18n import say
from services.common.sheets import Column, UploadRejected, add_table, cell_text, is_blank, read_xlsx, workbook_bytes
from services.kpi.budgets.schemas import ActualIn, ExecutionRead
from services.kpi.measurements import imports as measurement_files
from services.kpi.models import BudgetItem

MAX_ROWS = 10_000
SHEET = "实际支出"
# what a header cell may say → the column it is
HEADERS = {"unit_code": "unit_code", "单位编码": "unit_code", "unit_id": "unit_id", "单位编号": "unit_id",
           "period": "period", "期间": "period", "月份": "period", "item_code": "item_code", "预算科目": "item_code",
           "科目": "item_code", "amount": "amount", "金额（元）": "amount", "金额(元)": "amount", "金额": "amount",
           "source": "source", "来源": "source", "ref": "ref", "凭证号": "ref", "单据号": "ref"}


class FileRejected(Exception):
    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.message, self.zh = message, zh


def read_rows(content: bytes, filename: str) -> list[list[Any]]:
    """The file's rows as lists of cells (header first): an .xlsx workbook, or CSV text."""
    if content[:2] == b"PK" or filename.lower().endswith(".xlsx"):
        try:
            return [list(r) for r in read_xlsx(content, max_rows=MAX_ROWS, sheet=SHEET)]
        except UploadRejected as exc:
            raise FileRejected(exc.message, exc.zh) from exc
    try:
        return measurement_files.read_rows(content, filename, "text/csv")
    except measurement_files.FileRejected as exc:
        raise FileRejected(exc.message, exc.zh or "无法读取此文件；请上传 Excel（xlsx）或 CSV 文件。") from exc


def _err(row: int, column: str, en: str, zh: str) -> dict[str, Any]:
    return {"row": row, "column": column, "message": say(en, zh)}


def _period_text(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m")  # a month typed as a date
    return cell_text(value)


def parse_rows(rows: list[list[Any]], *, units_by_code: dict[str, Any], units_by_id: dict[int, Any],
               item_by_name: dict[str, str]) -> tuple[list[tuple[int, ActualIn]], list[dict[str, Any]]]:
    """(row number, item) of the rows whose cells read, and the errors of the cells that do not."""
    if not rows:
        return [], [_err(1, "", "the file is empty", "文件为空")]
    col: dict[str, int] = {}
    for i, h in enumerate(rows[0]):
        name = HEADERS.get(cell_text(h).lower()) or HEADERS.get(cell_text(h))
        if name and name not in col:
            col[name] = i
    errors = [_err(1, c, f"the header has no '{c}' column", f"表头缺少“{c}”列")
              for c in ("period", "item_code", "amount") if c not in col]
    if "unit_code" not in col and "unit_id" not in col:
        errors.append(_err(1, "unit_code", "the header needs 'unit_code' or 'unit_id'",
                           "表头需要“单位编码”或“单位编号”列"))
    if errors:
        return [], errors
    data = [(n, r) for n, r in enumerate(rows[1:], start=2) if not all(is_blank(c) for c in r)]
    if len(data) > MAX_ROWS:
        return [], [_err(MAX_ROWS + 2, "", f"at most {MAX_ROWS} rows per file", f"每个文件最多 {MAX_ROWS} 行")]

    def cell(r: list[Any], name: str) -> Any:
        i = col.get(name)
        return r[i] if i is not None and i < len(r) else None

    out: list[tuple[int, ActualIn]] = []
    for n, r in data:
        row_errors = []
        unit = None
        unit_col = "unit_code" if "unit_code" in col and not is_blank(cell(r, "unit_code")) else "unit_id"
        raw_unit = cell(r, unit_col)
        if is_blank(raw_unit):
            row_errors.append(_err(n, unit_col, "empty", "未填写"))
        elif unit_col == "unit_code":
            unit = units_by_code.get(cell_text(raw_unit))
            if unit is None:
                row_errors.append(_err(n, unit_col, f"there is no org unit with code '{cell_text(raw_unit)}'",
                                       f"没有编码为“{cell_text(raw_unit)}”的组织单元"))
        else:
            try:
                unit = units_by_id.get(int(float(cell_text(raw_unit))))
            except ValueError:
                unit = None
            if unit is None:
                row_errors.append(_err(n, unit_col, f"there is no org unit with id '{cell_text(raw_unit)}'",
                                       f"没有编号为“{cell_text(raw_unit)}”的组织单元"))
        period = _period_text(cell(r, "period"))
        if not period:
            row_errors.append(_err(n, "period", "empty", "未填写"))
        item = cell_text(cell(r, "item_code"))
        item = item_by_name.get(item, item)  # the item's Chinese name is as good as its code
        if not item:
            row_errors.append(_err(n, "item_code", "empty", "未填写"))
        raw_amount = cell(r, "amount")
        amount = None
        if is_blank(raw_amount):
            row_errors.append(_err(n, "amount", "empty", "未填写"))
        else:
            try:
                amount = float(cell_text(raw_amount).replace(",", "").replace("，", ""))
                if not math.isfinite(amount):
                    raise ValueError
            except ValueError:
                row_errors.append(_err(n, "amount", f"'{cell_text(raw_amount)}' is not a number",
                                       f"“{cell_text(raw_amount)}”不是数字"))
        source = cell_text(cell(r, "source"))[:60] or "import"
        ref = cell_text(cell(r, "ref"))[:120] or None
        if row_errors or unit is None or amount is None:
            errors.extend(row_errors)
            continue
        out.append((n, ActualIn.model_construct(unit_id=unit.id, period=period, item_code=item[:40], amount=amount,
                                                source=source, ref=ref)))
    return out, errors


def template_xlsx(items: list[BudgetItem]) -> bytes:
    wb = Workbook()
    add_table(wb, SHEET, [Column("unit_code", 14), Column("period", 10),
                          Column("item_code", 16, choices=f"'预算科目'!$A$2:$A${len(items) + 1}"),
                          Column("amount", 16), Column("source", 12), Column("ref", 18)],
              [["MKT", "2026-11", "marketing", 125000, "erp", "PZ-2026-11-001"],
               ["OPS-SUP", "2026-11", "maintenance", 48000.5, "erp", ""]], first=True)
    add_table(wb, "预算科目", [Column("code 科目编码", 16), Column("name 名称", 16), Column("active 启用", 10)],
              [[i.code, i.name, "是" if i.active else "否"] for i in items])
    add_table(wb, "说明", [Column("列 column", 16), Column("说明 meaning", 60)], [
        ["unit_code", "组织单元编码（或用 unit_id 列填单位编号）"], ["period", "月份，如 2026-11"],
        ["item_code", "预算科目编码或名称，见“预算科目”表"], ["amount", "金额（元），不小于 0"],
        ["source", "数据来源，如 erp；同一单位、月份、科目和来源的再次导入会覆盖原值"], ["ref", "凭证号（可选）"]])
    return workbook_bytes(wb)


def execution_xlsx(data: ExecutionRead) -> bytes:
    wb = Workbook()
    columns = [Column("预算科目", 16), Column("科目编码", 14), Column("预算（元）", 16), Column("实际（元）", 16),
               Column("执行率（%）", 12), Column("结余（元）", 16), Column("超预算", 8)]
    rows = [[r.item_name, r.item_code, r.budget, r.actual, r.rate, r.remaining, "是" if r.over_budget else ""]
            for r in data.items] + [["合计", "", data.total.budget, data.total.actual, data.total.rate,
                                    data.total.remaining, "是" if data.total.over_budget else ""]]
    ws = add_table(wb, "预算执行表", columns, rows, first=True)
    ws.append([])
    ws.append(["单位", data.unit_name])
    ws.append(["期间", data.period])
    ws.append(["时间进度（%）", round(data.elapsed * 100, 1)])
    add_table(wb, "按月", [Column("月份", 10), Column("预算（元）", 16), Column("实际（元）", 16),
                          Column("执行率（%）", 12)],
              [[m["period"], m["budget"], m["actual"], m["rate"]] for m in data.months])
    return workbook_bytes(wb)
