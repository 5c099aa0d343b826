"""Excel (.xlsx) exports in the layout an operations department prints: title block, then tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from services.common.sheets import cell_value, workbook_bytes


@dataclass(frozen=True)
class Spreadsheet:
    """An Excel file to download."""

    content: bytes
    filename: str


THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD = PatternFill("solid", fgColor="DDEBF7")
STATUS_ZH = {"draft": "草稿", "submitted": "审核中", "approved": "已批准", "issued": "已下达", "published": "已公示",
             "returned": "已退回", "vetoed": "已否决", "closed": "已关闭"}
KIND_ZH = {"annual": "年度", "quarterly": "季度", "monthly": "月度"}
RESOURCE_ZH = {"people": "人力", "material": "物力", "budget": "财力/预算"}


def _table(ws, row: int, title: str, headers: list[str], rows: list[list[Any]]) -> int:
    ws.cell(row=row, column=1, value=cell_value(title)).font = Font(bold=True, size=12)
    row += 1
    for c, h in enumerate(headers, 1):
        cell = ws.cell(row=row, column=c, value=cell_value(h))
        cell.font, cell.fill, cell.border = Font(bold=True), HEAD, BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in rows:
        row += 1
        for c, v in enumerate(r, 1):
            cell = ws.cell(row=row, column=c, value=cell_value(v))
            cell.border = BOX
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    return row + 2


def _title(ws, text: str, width: int, subtitle: str) -> int:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(row=1, column=1, value=cell_value(text)).font = Font(bold=True, size=16)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.cell(row=2, column=1, value=cell_value(subtitle)).alignment = Alignment(horizontal="center")
    return 4


def _finish(wb: Workbook, widths: list[int]) -> bytes:
    for ws in wb.worksheets:
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
    return workbook_bytes(wb)


def plan_workbook(plan: dict[str, Any], unit_name: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "运营计划"
    row = _title(ws, plan["title"], 7,
                 f"单位：{unit_name}    期间：{plan['period']}（{KIND_ZH.get(plan['kind'], plan['kind'])}）    "
                 f"状态：{STATUS_ZH.get(plan['status'], plan['status'])}    版本：第{plan['revision']}版")
    if plan.get("guidance") or plan.get("inherited_guidance"):
        texts = [g["guidance"] for g in plan.get("inherited_guidance", [])]
        texts += [plan["guidance"]] if plan.get("guidance") else []
        row = _table(ws, row, "一、指导方针", ["内容"], [[t] for t in texts])
    row = _table(ws, row, "二、业务目标", ["序号", "指标代码", "目标值", "单位", "汇总方式"],
                 [[i, t["indicator_code"], t["value"], t["unit"], "求和" if t["aggregation"] == "sum" else "平均"]
                  for i, t in enumerate(plan["targets"], 1)])
    row = _table(ws, row, "三、工作任务", ["序号", "任务", "措施", "责任人", "开始", "完成时间", "时间节点"],
                 [[i, t["title"], t["measures"], t["owner_name"], str(t["start"] or ""), str(t["due"] or ""),
                   "；".join(f"{m['title']}（{m['due']}）" for m in t["milestones"])]
                  for i, t in enumerate(plan["tasks"], 1)])
    row = _table(ws, row, "四、资源需求", ["序号", "类别", "说明", "数量", "单位", "金额（元）"],
                 [[i, RESOURCE_ZH.get(r["kind"], r["kind"]), r["description"], r["quantity"], r["unit"],
                   r.get("amount_yuan", r["amount"])]
                  for i, r in enumerate(plan["resources"], 1)] + [["", "合计", "", "", "", plan["budget_total"]]])
    if plan.get("risk_notes"):
        row = _table(ws, row, "五、风险评估与应对措施", ["内容"], [[plan["risk_notes"]]])
    _table(ws, row, "审批记录", ["环节", "要求", "状态", "签署人"],
           [[s["name"], s["requirement"], {"done": "已完成", "current": "进行中", "waiting": "待办"}[s["state"]],
             "、".join(s["signed_by"])] for s in plan["stages"]])
    return _finish(wb, [8, 28, 40, 14, 14, 14, 36])


def consolidation_workbook(data: dict[str, Any]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总平衡"
    row = _title(ws, f"{data['unit_name']} {data['period']} 运营计划汇总表", 7,
                 f"本级计划：{data['plan']['title'] if data['plan'] else '（未编制）'}")
    status = {"balanced": "平衡", "under": "下级合计不足", "over": "下级合计超出", "no_reference": "本级未设目标",
              "no_children": "下级未分解"}
    row = _table(ws, row, "目标汇总", ["指标代码", "本级目标（自上而下）", "下级合计（自下而上）", "差额", "差额比例",
                                   "状态", "未设该指标的下级"],
                 [[ln["indicator_code"], ln["reference"], ln["combined"], ln["gap"],
                   f"{ln['gap_ratio']:.1%}" if ln["gap_ratio"] is not None else "",
                   status.get(ln["status"], ln["status"]),
                   "、".join(ln["missing"])] for ln in data["lines"]])
    row = _table(ws, row, "未编制计划的下级单位", ["单位"], [[m["name"]] for m in data["units_missing_plan"]])
    _table(ws, row, "综合平衡调整", ["指标代码", "调整值", "原因", "调整人"],
           [[a["indicator_code"], a["value"], a["reason"], a["author_name"]] for a in data["adjustments"]])
    return _finish(wb, [18, 20, 20, 14, 12, 16, 30])
