"""Demo data for the demo company: two years of monthly points, targets, benchmarks, one assessment.

Runs once the org read-model has synced (``on_org_synced``), only in demo mode and only while
the kpi tables hold no measurements, so restarting never seeds twice.
"""

from __future__ import annotations

import logging
import math
import random
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Principal
from services.common.db import utcnow
from services.common.periods import Period, PeriodKind, of_date
from services.common.runtime import Runtime
from services.kpi.actions.followups import org_holders
from services.kpi.assessments.service import assessment_data, compute
from services.kpi.audits.demo import seed_audits
from services.kpi.events import AssessmentFinalizedData, SanctionData
from services.kpi.indicators.library import Library
from services.kpi.journal import journal
from services.kpi.measurements.ingest import PointIn, ingest
from services.kpi.models import AnomalyRule, Assessment, Benchmark, Measurement, OrgUnit, Sanction, Scorecard
from services.kpi.sanctions.service import propose_from_assessment, sanction_data, scale_outcomes
from services.kpi.targets.service import set_target

log = logging.getLogger("yunguan.kpi.demo")

FIRST, MONTHS = Period("2024-11"), 24
# training_completion is not typed: org measures it from the training records (its demo's sessions)
COMMON = {"attendance_rate": (98.0, 0.5), "policy_compliance": (98.0, 0.6)}
# unit code → indicator → (base level, noise); sums are monthly 万元 / counts, sized so that the years add up
# to what the planning service's demo plans target (市场部 30,000 万元 and 苏州分公司 22,000 万元 of sales in
# 2026). Noise is kept well inside the thresholds so the crossings that happen are the deliberate misses
# below, not random flicker.
PROFILE = {
    "MKT-RES": {"sales": (1170.0, 0.06), "cost": (780.0, 0.05), "market_share": (33.5, 0.5)},
    "MKT-PLN": {"sales": (910.0, 0.06), "cost": (620.0, 0.05), "market_share": (32.5, 0.5)},
    "SZ-SALES": {"sales": (1690.0, 0.05), "cost": (1235.0, 0.04), "orders": (1200.0, 0.05)},
    "SZ-CS": {"customer_satisfaction": (89.0, 1.0), "complaints": (6.0, 0.1), "orders": (900.0, 0.04),
              "complaint_response_hours": (14.0, 2.5)},
    "OPS-CS": {"customer_satisfaction": (90.0, 1.0), "complaints": (9.0, 0.1), "orders": (1500.0, 0.04),
               "complaint_response_hours": (12.0, 2.5), "complaint_resolution_days": (2.0, 0.3)},
    "OPS-SUP": {"inventory_turnover": (6.0, 0.4), "inventory_error_rate": (1.2, 0.15), "cost": (80.0, 0.04),
                "order_delay_days": (2.5, 0.6)},
    "OPS-DIS": {"order_completion_rate": (98.0, 0.7), "order_cycle_days": (3.0, 0.4),
                "production_efficiency": (91.0, 1.5), "sampling_rate": (6.5, 0.3)},
    "OPS-SAF": {"policy_compliance": (99.0, 0.3)},
    "FIN": {"cost": (60.0, 0.04), "profit": (460.0, 0.08)},  # finance books the company's profit
}
# The month the demo is seeded in is reported in part, as a real month is while it runs: the marketing teams
# and finance have sent theirs, the other units not yet (经营驾驶舱 shows it partly reported). The months
# between the two years above and this one stay empty: the browser tests enter some of them by hand.
REPORTED_EARLY = ("MKT-RES", "MKT-PLN", "FIN")
RELATIVE_NOISE = {"sales", "cost", "profit", "orders", "complaints"}
COUNTS = {"orders", "complaints"}  # whole orders and complaints, never 1,539.67 of them


# (unit code, period) → indicator → target. 2026 repeats the targets of the planning service's demo plans
# (issued in its own seed, with no event to carry them here), so a plan and its KPIs show the same figures;
# the rest are the units' own targets.
UNIT_TARGETS = {"OPS-CS": {"customer_satisfaction": 85.0, "complaint_rate": 0.8},
                "SZ-CS": {"customer_satisfaction": 85.0, "complaint_rate": 1.6},
                "OPS-SUP": {"inventory_error_rate": 2.0, "inventory_turnover": 6.0},
                "OPS-DIS": {"order_completion_rate": 96.0, "sampling_rate": 5.0}}
TARGETS = {
    ("MKT", "2025"): {"sales": 27800.0, "cost": 18000.0, "cost_expense_ratio": 65.0, "market_share": 32.0,
                      "policy_compliance": 95.0},
    ("SZ", "2025"): {"sales": 20400.0, "cost": 15500.0, "orders": 27000.0},
    **{(code, "2025"): t for code, t in UNIT_TARGETS.items()},
    ("HDGAS", "2026"): {"sales": 52000.0, "profit": 6800.0, "customer_satisfaction": 90.0},
    ("OPS", "2026"): {"order_completion_rate": 98.0, "inventory_error_rate": 2.0, "customer_satisfaction": 90.0},
    ("MKT", "2026"): {"sales": 30000.0, "market_share": 35.0, "cost": 19400.0, "cost_expense_ratio": 65.0,
                      "policy_compliance": 95.0},
    ("MKT", "2026-Q4"): {"sales": 8200.0},
    ("MKT", "2026-11"): {"sales": 2700.0},
    ("SZ", "2026"): {"sales": 22000.0, "customer_satisfaction": 88.0, "cost": 16700.0, "orders": 29160.0},
    **{(code, "2026"): t for code, t in UNIT_TARGETS.items()},
}


def _months() -> list[tuple[int, Period, tuple[str, ...] | None]]:
    """(months since FIRST, month, the units reporting it or None for all): the two years, then this month."""
    out: list[tuple[int, Period, tuple[str, ...] | None]] = [(n, FIRST.shift(n), None) for n in range(MONTHS)]
    now = of_date(clock.today(), PeriodKind.month)
    if now.start > FIRST.shift(MONTHS - 1).start:
        out.append(((now.year - FIRST.year) * 12 + now.start.month - FIRST.start.month, now, REPORTED_EARLY))
    return out


def _points(units: dict[str, OrgUnit]) -> dict[str, list[PointIn]]:
    rnd = random.Random(2026)
    by_month: dict[str, list[PointIn]] = {}
    for n, p, reporting in _months():
        month = int(p.text[5:])
        season = 1 + 0.15 * math.sin(2 * math.pi * (month - 3) / 12) + (0.25 if month in (1, 12) else 0)
        growth = 1 + 0.08 * n / 12
        for code, profile in PROFILE.items():
            unit = units.get(code)
            if unit is None or (reporting is not None and code not in reporting):
                continue
            for ind, (base, noise) in {**COMMON, **profile}.items():
                if ind in RELATIVE_NOISE:
                    value = base * season * growth * (1 + rnd.gauss(0, noise))
                else:
                    value = base + rnd.gauss(0, noise)
                # a few misses to talk about: satisfaction dips at the customer service units
                if ind == "customer_satisfaction" and p.text in ("2025-08", "2026-09"):
                    value = 82.0 + rnd.random() * 1.5
                if ind == "complaints" and code == "SZ-CS" and p.text == "2026-02":
                    value = 12.0  # a complaint spike after the Spring Festival
                if ind == "inventory_error_rate" and p.text == "2025-11":
                    value = 2.4
                if ind == "order_delay_days" and p.text in ("2025-02", "2026-07"):
                    value = 6.5
                if ind.endswith("_rate") or ind in ("customer_satisfaction", "policy_compliance",
                                                    "training_completion", "production_efficiency"):
                    value = min(value, 100.0)
                value = round(max(value, 0.0), 0 if ind in COUNTS else 2)
                by_month.setdefault(p.text, []).append(PointIn(ind, unit.id, p.text, value,
                                                               "demo"))
    return by_month


async def seed_demo(rt: Runtime) -> bool:
    """Seed the demo company's KPI data once (none of it is there yet). Points other services measured (org's
    staffing and training rates, which may arrive first) do not stop it."""
    async with rt.db.writer() as s:
        if (await s.execute(select(func.count()).select_from(Measurement)
                            .where(Measurement.source == "demo"))).scalar_one():
            return False
        units = {u.code: u for u in (await s.execute(select(OrgUnit))).scalars()}
        if "MKT" not in units:
            log.info("demo KPI data skipped: the org read-model has no demo company")
            return False
        lib = await Library.load(s)
        s.add(AnomalyRule(indicator_id=lib.by_code["order_delay_days"].id, unit_id=None, unit_path="/",
                          operator="gt", value=5.0, follow_up="meeting",
                          title="订单延期超过5天：召开专题会议 ({period})",
                          due_days=5))
        await s.flush()
        for (code, per), values in TARGETS.items():
            unit = units.get(code)
            if unit is None:
                continue
            for ind_code, value in values.items():
                await set_target(s, indicator=lib.by_code[ind_code], unit_id=unit.id, unit_path=unit.path, period=per,
                                 value=value, source="manual", by="demo", note="演示数据")
        for ind_code, value, source in (("customer_satisfaction", 86.0, "中国城市燃气协会《2025年行业服务质量报告》"),
                                        ("complaint_rate", 1.2, "中国城市燃气协会《2025年行业服务质量报告》"),
                                        ("cost_expense_ratio", 68.0, "燃气行业上市公司年报汇总 2025"),
                                        ("inventory_error_rate", 1.5, "行业库存管理对标 2025")):
            for year in ("2025", "2026"):
                s.add(Benchmark(indicator_id=lib.by_code[ind_code].id, period=year, value=value, source=source,
                                as_of=date(int(year) - 1, 12, 31) if year == "2026" else date(2025, 6, 30)))
        await s.flush()
        crossings = 0
        for _, points in sorted(_points(units).items()):
            result = await ingest(s, points, lib=lib, can_write=lambda path: True, recorded_by="demo",
                                  holders=org_holders(rt))
            crossings += len(result.crossings)
        card = Scorecard(name="部门年度考核表", unit_id=units["HDGAS"].id if "HDGAS" in units else units["MKT"].id,
                         unit_path=units["HDGAS"].path if "HDGAS" in units else units["MKT"].path,
                         subject_kind="unit", created_by="demo",
                         items=[{"key": "sales", "kind": "indicator", "name": "销售额完成率", "weight": 50,
                                 "indicator_code": "sales", "rule": {"type": "linear_cap", "cap": 1.2}},
                                {"key": "cost_ratio", "kind": "indicator", "name": "成本费用率", "weight": 20,
                                 "indicator_code": "cost_expense_ratio",
                                 "rule": {"type": "tiered", "tiers": [{"min": 1.0, "score": 100},
                                                                      {"min": 0.95, "score": 80},
                                                                      {"min": 0.9, "score": 60}]}},
                                {"key": "compliance", "kind": "indicator", "name": "制度执行率（一票否决）",
                                 "weight": 10, "indicator_code": "policy_compliance",
                                 "rule": {"type": "veto", "floor": 0.0}},
                                {"key": "team", "kind": "qualitative", "name": "团队管理", "weight": 20,
                                 "max_score": 100}],
                         grades=[{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 60},
                                 {"grade": "D", "min": 0}], routine_weight=30.0,
                         outcomes={"A": [{"kind": "reward", "type": "bonus", "amount": 50000, "note": "年度绩效奖金"}],
                                   "B": [{"kind": "reward", "type": "bonus", "amount": 20000, "note": "部门绩效奖金"},
                                         {"kind": "reward", "type": "certificate", "amount": None, "note": "表彰"}],
                                   "D": [{"kind": "penalty", "type": "warning", "amount": None, "note": "警告"}]})
        s.add(card)
        await s.flush()
        mkt = units["MKT"]
        # the department's quarterly routine assessments of 2025 roll into its annual one by 30 %
        a = Assessment(scorecard_id=card.id, unit_id=mkt.id, unit_path=mkt.path, subject_kind="unit", period="2025",
                       kind="annual", status="draft", person_name="",
                       qualitative={"team": {"score": 88, "note": "团队稳定", "by": "demo"}},
                       outcomes=[], created_by="demo")
        s.add(a)
        await s.flush()  # the annual one first: the results list shows it before its routine quarters
        await _routine(s, units["HDGAS"] if "HDGAS" in units else mkt, mkt, "unit", None, "", ROUTINE_UNIT, lib=lib)
        await compute(s, a, card, mkt, lib=lib)
        a.outcomes = list((card.outcomes or {}).get(a.grade, []))
        a.status, a.finalized_by, a.finalized_at = "finalized", "demo", utcnow()
        await s.flush()
        await journal.emit(s, "kpi.assessment.finalized", a.id, AssessmentFinalizedData(**assessment_data(a)), mkt.path)
        audits = await seed_audits(s, rt, units)  # special audits: one finalised, one awaiting the response
        # its bonus and certificate wait for 王总经理 (assess over the company) to confirm
        await propose_from_assessment(s, a=a, principal=DEMO, grant=None)
        await _sanctions(s, rt, units, lib=lib)
        await s.commit()
    rt.wake_relay()
    log.info("demo KPI data seeded", extra={"fields": {"crossings": crossings, "audits": audits}})
    return True


# --- budgets: the demo plans' budget lines and the months' actual spend -------------------------

# The planning service's demo plans carry these budget lines (its seed issues them without an event), so the
# budgets here repeat them: (unit code, plan period, plan title) → [(item, description, amount, 元 | 万元)].
DEMO_BUDGETS: dict[tuple[str, str, str], list[tuple[str, str, float, str]]] = {
    ("HDGAS", "2026", "华东燃气有限公司2026年度运营计划"): [
        ("labor", "人工成本", 4_200_000, "元"), ("materials", "管材及材料", 1_500_000, "元"),
        ("maintenance", "管网维修", 1_200_000, "元"), ("safety", "安全生产投入", 900_000, "元"),
        ("marketing", "市场营销", 600_000, "元"), ("travel", "差旅", 200_000, "元"), ("office", "办公", 200_000, "元"),
        ("training", "培训", 200_000, "元")],
    ("OPS", "2026", "运营管理部2026年度运营计划"): [
        ("labor", "人工成本", 1_200_000, "元"), ("maintenance", "设备维修", 600_000, "元"),
        ("safety", "安全生产投入", 400_000, "元"), ("training", "岗位培训", 120_000, "元"),
        ("office", "办公", 80_000, "元")],
    ("MKT", "2026", "市场部2026年度运营计划"): [
        ("marketing", "市场推广与工商户开发", 100, "万元"), ("labor", "人工成本", 60, "万元"),
        ("travel", "调研差旅", 12, "万元"), ("office", "办公", 8, "万元")],
    ("SZ", "2026", "苏州分公司2026年度运营计划"): [
        ("labor", "人工成本", 800_000, "元"), ("maintenance", "管网维修", 300_000, "元"),
        ("safety", "安全生产投入", 250_000, "元"), ("marketing", "市场营销", 150_000, "元")],
}
# unit code → item → monthly spend (元), booked by finance (source "erp") at the unit that spent it; about
# 95 % of each department's monthly budget, except 市场部 in November (the 工商户开发专项行动 and the winter
# visits), which passes its budget: the execution rate's warning, and what the 预算执行 page shows.
DEMO_SPEND: dict[str, dict[str, float]] = {
    "MKT": {"labor": 47_500, "office": 6_100},
    "MKT-RES": {"marketing": 36_000, "travel": 9_200},
    "MKT-PLN": {"marketing": 42_000},
    "OPS": {"labor": 94_000, "training": 9_400, "office": 6_300},
    "OPS-SUP": {"maintenance": 46_000},
    "OPS-SAF": {"safety": 31_500},
    "SZ": {"labor": 64_000},
    "SZ-SALES": {"marketing": 11_800},
    "SZ-CS": {"maintenance": 23_500, "safety": 19_800},
    "FIN": {"office": 8_000, "travel": 5_500},
}
OVERSPEND = {("MKT-PLN", "2026-11", "marketing"): 71_000, ("MKT-RES", "2026-11", "marketing"): 33_500}


async def seed_demo_budgets(rt: Runtime) -> bool:
    """The demo plans' budgets and 2026's actual spend up to last month, if there are no budgets yet."""
    from services.common.clock import today
    from services.kpi.budgets import feed
    from services.kpi.budgets.allocation import months_of
    from services.kpi.models import Budget, BudgetActual

    async with rt.db.writer() as s:
        if (await s.execute(select(func.count()).select_from(Budget))).scalar_one():
            return False
        units = {u.code: u for u in (await s.execute(select(OrgUnit))).scalars()}
        if not all(code in units for code, _, _ in DEMO_BUDGETS):
            return False
        for (code, per, title), lines in DEMO_BUDGETS.items():
            unit = units[code]
            for item, description, amount, amount_unit in lines:
                s.add(Budget(unit_id=unit.id, unit_path=unit.path, period=per, item_code=item,
                             amount=amount * (10_000 if amount_unit == "万元" else 1), entered_amount=amount,
                             entered_unit=amount_unit, description=description, plan_title=title))
        rnd = random.Random(2027)
        current = today().strftime("%Y-%m")
        months = [m for m in months_of("2026") if m < current]
        keys = set()
        for month in months:
            for code, items in DEMO_SPEND.items():
                spender = units.get(code)
                if spender is None:
                    continue
                for item, base in items.items():
                    amount = OVERSPEND.get((code, month, item)) or base * (1 + rnd.uniform(-0.03, 0.03))
                    if item == "training" and month[5:] in ("03", "09"):
                        amount *= 1.6  # the spring and autumn training sessions
                    s.add(BudgetActual(unit_id=spender.id, unit_path=spender.path, period=month, item_code=item,
                                       amount=round(amount, 2), source="erp", ref=f"PZ-{month}-{code}-{item}",
                                       recorded_by="demo"))
                    keys.add((spender.id, month))
        await s.flush()
        overruns = await feed.refresh(s, budget_months=months_of("2026"), actual_keys=keys, holders=org_holders(rt))
        await s.commit()
    rt.wake_relay()
    log.info("demo budgets seeded", extra={"fields": {"overruns": overruns}})
    return True


# --- rewards and penalties (奖惩) and routine assessments ------------------------------------------

DEMO = Principal(sub="demo", name="演示数据")
ROUTINE_ITEMS = [{"key": "quality", "kind": "qualitative", "name": "工作质量", "weight": 50, "max_score": 100},
                 {"key": "execution", "kind": "qualitative", "name": "执行力", "weight": 50, "max_score": 100}]
# period → (工作质量, 执行力): the quarters of 2025 as the routine assessments scored them
ROUTINE_UNIT = {"2025-Q1": (86, 90), "2025-Q2": (88, 84), "2025-Q3": (78, 82), "2025-Q4": (92, 90)}
ROUTINE_PERSON = {"2025-Q1": (82, 86), "2025-Q2": (85, 88), "2025-Q3": (88, 84), "2025-Q4": (90, 92)}


async def _routine(s: AsyncSession, card_unit: OrgUnit, unit: OrgUnit, subject_kind: str, person_id: int | None,
                   person_name: str, scores: dict[str, tuple[int, int]], *, lib: Library) -> None:
    """Finalised quarterly routine assessments (日常考核) of a unit or a person."""
    name = "部门季度日常考核表" if subject_kind == "unit" else "员工季度日常考核表"
    card = (await s.execute(select(Scorecard).where(Scorecard.name == name))).scalar_one_or_none()
    if card is None:
        card = Scorecard(name=name, unit_id=card_unit.id, unit_path=card_unit.path, subject_kind=subject_kind,
                         items=ROUTINE_ITEMS, grades=[{"grade": "A", "min": 90}, {"grade": "B", "min": 80},
                                                      {"grade": "C", "min": 60}, {"grade": "D", "min": 0}],
                         outcomes={}, created_by="demo")
        s.add(card)
        await s.flush()
    for per, (quality, execution) in scores.items():
        r = Assessment(scorecard_id=card.id, unit_id=unit.id, unit_path=unit.path, subject_kind=subject_kind,
                       person_id=person_id, person_name=person_name, period=per, kind="routine", status="draft",
                       qualitative={"quality": {"score": quality, "note": "", "by": "demo"},
                                    "execution": {"score": execution, "note": "", "by": "demo"}},
                       outcomes=[], created_by="demo")
        await compute(s, r, card, unit, lib=lib)
        r.status, r.finalized_by, r.finalized_at = "finalized", "demo", utcnow()
        s.add(r)
        await s.flush()


async def _demo_users(rt: Runtime) -> dict[str, tuple[int, str]]:
    """The demo company's people by username (empty when org cannot say: the lines then carry names only)."""
    try:
        resp = await rt.call("org", "GET", "/api/org/users", params={"limit": 500})
        resp.raise_for_status()
        return {u["username"]: (u["id"], u["display_name"]) for u in resp.json()["items"]}
    except Exception as exc:
        log.info("demo sanctions without org's user ids", extra={"fields": {"error": repr(exc)}})
        return {}


async def _sanctions(s: AsyncSession, rt: Runtime, units: dict[str, OrgUnit], *, lib: Library) -> None:
    """刘市场调研专员's annual assessment (routine quarters rolled in) with the company scale's bonus confirmed by
    张市场部经理, and 李运营总监's special innovation reward to 赵供应科主管."""
    users = await _demo_users(rt)
    analyst_id, analyst = users.get("analyst", (None, "刘市场调研专员"))
    manager_id, _ = users.get("market_mgr", (None, ""))
    director_id, _ = users.get("ops_director", (None, ""))
    supply_id, supply = users.get("supply_head", (None, "赵供应科主管"))
    res, mkt = units.get("MKT-RES"), units["MKT"]
    if res is not None:
        card = Scorecard(name="员工年度考核表", unit_id=mkt.id, unit_path=mkt.path, subject_kind="person",
                         created_by="demo", routine_weight=30.0,
                         items=[{"key": "results", "kind": "qualitative", "name": "工作业绩", "weight": 60,
                                 "max_score": 100},
                                {"key": "attitude", "kind": "qualitative", "name": "工作态度", "weight": 40,
                                 "max_score": 100}],
                         grades=[{"grade": "A", "min": 90}, {"grade": "B", "min": 80}, {"grade": "C", "min": 60},
                                 {"grade": "D", "min": 0}], outcomes={})
        s.add(card)
        await s.flush()
        await _routine(s, mkt, res, "person", analyst_id, analyst, ROUTINE_PERSON, lib=lib)
        a = Assessment(scorecard_id=card.id, unit_id=res.id, unit_path=res.path, subject_kind="person",
                       person_id=analyst_id, person_name=analyst, period="2025", kind="annual", status="draft",
                       qualitative={"results": {"score": 84, "note": "调研报告按期完成", "by": "demo"},
                                    "attitude": {"score": 88, "note": "", "by": "demo"}},
                       outcomes=[], created_by="demo")
        await compute(s, a, card, res, lib=lib)
        a.outcomes = await scale_outcomes(s, grade=a.grade, subject_kind="person")
        a.status, a.finalized_by, a.finalized_at = "finalized", str(manager_id or "demo"), utcnow()
        s.add(a)
        await s.flush()
        await journal.emit(s, "kpi.assessment.finalized", a.id, AssessmentFinalizedData(**assessment_data(a)),
                           res.path)
        for line in await propose_from_assessment(s, a=a, principal=DEMO, grant=None):
            line.status, line.decided_by, line.decided_at = "confirmed", str(manager_id or "demo"), utcnow()
            await s.flush()
            await journal.emit(s, "kpi.sanction.confirmed", line.id, SanctionData(**sanction_data(line)),
                               line.unit_path)
    sup = units.get("OPS-SUP")
    if sup is not None:
        reason = "提出供气调度优化方案，高峰期调度时间缩短 30%，年节约成本约 12 万元"
        line = Sanction(source="innovation", unit_id=sup.id, unit_path=sup.path, subject_kind="person",
                        person_id=supply_id, person_name=supply, kind="reward", type="bonus", amount=5000.0,
                        period="2026-11", basis=f"创新奖励：{reason}", note="", status="confirmed", reason=reason,
                        created_by=str(director_id or "demo"), decided_by=str(director_id or "demo"),
                        decided_at=utcnow())
        s.add(line)
        await s.flush()
        await journal.emit(s, "kpi.sanction.confirmed", line.id, SanctionData(**sanction_data(line)), line.unit_path)
