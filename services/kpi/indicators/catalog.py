"""The indicators the policy documents name (DOMAIN.md §2), seeded into an empty library."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kpi.models import Indicator

CATEGORIES = ("financial", "efficiency", "customer", "internal")
DIRECTIONS = ("higher_better", "lower_better", "band")
AGGREGATIONS = ("sum", "avg", "weighted_avg", "last", "min", "max")
FREQUENCIES = ("day", "week", "month", "quarter", "year")

# budgets (services/kpi/budgets): fed from budgets and actual spend (source "budget"), never typed
BUDGET_SEED: list[tuple] = [
    ("budget_amount", "预算额", "Budget", "financial", "元", "higher_better", "sum", None, None, None,
     "from issued plans' budget lines, spread over their months; a unit's points are the part of its budget "
     "not handed down to budget-holding units below, so every level sums to its own budget"),
    ("budget_actual", "实际支出", "Actual spend", "financial", "元", "lower_better", "sum", None, None, None,
     "actual spend reported by finance systems and imports"),
    ("budget_execution_rate", "预算执行率", "Budget execution rate", "financial", "%", "lower_better", "avg",
     "budget_actual / budget_amount * 100", 100.0, 120.0,
     "实际支出 ÷ 预算额; above 100 % the spend has passed its budget (warning)"),
]

# code, name, name_en, category, unit, direction, aggregation, formula, warning, critical, description
SEED: list[tuple] = [
    ("sales", "销售额", "Sales", "financial", "万元", "higher_better", "sum", None, None, None, ""),
    ("cost", "成本费用", "Cost and expenses", "financial", "万元", "lower_better", "sum", None, None, None, ""),
    ("profit", "利润", "Profit", "financial", "万元", "higher_better", "sum", None, None, None, ""),
    ("cost_expense_ratio", "成本费用率", "Cost-expense ratio", "financial", "%", "lower_better", "avg",
     "cost / sales * 100", None, None, "成本费用 ÷ 销售额, computed from summed inputs at every level"),
    ("market_share", "市场份额", "Market share", "financial", "%", "higher_better", "avg", None, None, None, ""),
    ("inventory_turnover", "库存周转率", "Inventory turnover", "efficiency", "次", "higher_better", "avg",
     None, None, None, ""),
    ("order_cycle_days", "订单处理周期", "Order processing cycle", "efficiency", "天", "lower_better", "avg",
     None, None, None, ""),
    ("production_efficiency", "生产效率", "Production efficiency", "efficiency", "%", "higher_better", "avg",
     None, None, None, ""),
    ("order_completion_rate", "订单完成率", "Order completion rate", "efficiency", "%", "higher_better", "avg",
     None, 95.0, 90.0, "tracked daily"),
    ("order_delay_days", "订单延期天数", "Order delay", "efficiency", "天", "lower_better", "max",
     None, 5.0, 10.0, "a delay over 5 days calls a special meeting"),
    ("inventory_error_rate", "库存差错率", "Inventory error rate", "efficiency", "%", "lower_better", "avg",
     None, 2.0, 3.0, "must stay below 2%"),
    ("sampling_rate", "成品抽检率", "Finished-goods sampling rate", "efficiency", "%", "higher_better", "avg",
     None, 5.0, 3.0, "at least 5% of finished goods are sampled"),
    ("orders", "订单数", "Orders", "customer", "单", "higher_better", "sum", None, None, None, ""),
    ("complaints", "投诉件数", "Complaints", "customer", "件", "lower_better", "sum", None, None, None, ""),
    ("complaint_rate", "投诉率", "Complaint rate", "customer", "%", "lower_better", "avg",
     "complaints / orders * 100", 1.0, 2.0, "投诉件数 ÷ 订单数"),
    ("customer_satisfaction", "客户满意度", "Customer satisfaction", "customer", "%", "higher_better", "avg",
     None, 85.0, 80.0, "target at least 85%"),
    ("customer_loyalty", "客户忠诚度", "Customer loyalty", "customer", "%", "higher_better", "avg",
     None, None, None, "repeat-purchase rate"),
    ("complaint_response_hours", "投诉响应时长", "Complaint response time", "customer", "小时", "lower_better",
     "max", None, 24.0, 48.0, "answered within 24 hours"),
    ("complaint_resolution_days", "投诉解决时长", "Complaint resolution time", "customer", "工作日",
     "lower_better", "max", None, 3.0, 5.0, "solved within 3 working days"),
    ("attendance_rate", "出勤率", "Attendance", "internal", "%", "higher_better", "avg", None, 95.0, 90.0, ""),
    ("training_completion", "培训完成率", "Training completion", "internal", "%", "higher_better", "avg",
     None, 90.0, 80.0, ""),
    ("policy_compliance", "制度执行率", "Policy compliance", "internal", "%", "higher_better", "avg",
     None, 95.0, 90.0, ""),
    # fed by on-site inspections (services/kpi/inspections): each point is weighted by its scored items
    ("inspection_pass_rate", "检查合格率", "Inspection pass rate", "internal", "%", "higher_better", "weighted_avg",
     None, 90.0, 80.0, "合格检查项 ÷ 评定检查项，按月汇总本单位已提交的实地检查"),
    *BUDGET_SEED,
    # staffing (issue 20): measured by org from positions, assignments and plans' people lines
    ("spare_staff_ratio", "备员率", "Spare-staff ratio", "internal", "%", "higher_better", "avg",
     None, 10.0, 0.0, "(实有人数 − 计划编制) ÷ 计划编制, measured by org; the documents ask 10 %"),
]


async def seed_indicators(session: AsyncSession) -> int:
    """Fill an empty indicator library with the documents' indicators; returns how many were added."""
    if (await session.execute(select(func.count()).select_from(Indicator))).scalar_one():
        return 0
    for code, name, name_en, category, unit, direction, aggregation, formula, warning, critical, desc in SEED:
        session.add(Indicator(code=code, name=name, name_en=name_en, category=category, unit=unit,
                              direction=direction, aggregation=aggregation, formula=formula, warning=warning,
                              critical=critical, threshold_mode="absolute", description=desc,
                              frequency="month"))
    await session.flush()
    return len(SEED)


# Indicators other kpi concepts write points of: a library seeded before they existed gets them added.
FED = ("inspection_pass_rate",)


async def ensure_indicators(session: AsyncSession, codes: Iterable[str]) -> int:
    """Add those of ``codes`` the library lacks, as the catalogue defines them (a library seeded before they were
    catalogued); how many were added."""
    wanted = set(codes)
    have = set((await session.execute(select(Indicator.code).where(Indicator.code.in_(wanted)))).scalars())
    added = 0
    for code, name, name_en, category, unit, direction, aggregation, formula, warning, critical, desc in SEED:
        if code in wanted and code not in have:
            session.add(Indicator(code=code, name=name, name_en=name_en, category=category, unit=unit,
                                  direction=direction, aggregation=aggregation, formula=formula, warning=warning,
                                  critical=critical, threshold_mode="absolute", description=desc, frequency="month"))
            added += 1
    await session.flush()
    return added


async def ensure_fed_indicators(session: AsyncSession) -> int:
    """Add the FED indicators a non-empty library lacks (an empty one is seeded whole)."""
    if (await session.execute(select(Indicator.id).limit(1))).first() is None:
        return 0
    return await ensure_indicators(session, FED)
