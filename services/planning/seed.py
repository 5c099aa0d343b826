"""The documents' approval flows, and a living demo: the 2026 plans of 华东燃气有限公司."""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import utcnow
from services.common.periods import period
from services.common.runtime import Runtime
from services.planning.approvals.stages import SEED_FLOWS
from services.planning.journal import journal
from services.planning.models import (
    Flow,
    Plan,
    PlanAction,
    PlanResource,
    PlanTarget,
    PlanTask,
    PlanVersion,
    ProgressReport,
    StageSignature,
)
from services.planning.plans.content import snapshot
from services.planning.units import load_units

log = logging.getLogger("yunguan.planning.seed")


async def ensure_flows(session: AsyncSession) -> None:
    if (await session.execute(select(func.count()).select_from(Flow))).scalar_one():
        return
    for f in SEED_FLOWS:
        session.add(Flow(kind=f["kind"], name=f["name"], stages=f["stages"], final_action=f["final_action"]))
    await session.flush()


# unit code → (title, targets [(code, value, unit)], tasks [(title, measures, owner username, due mm-dd)])
DEMO_PLANS = {
    "HDGAS": ("华东燃气有限公司2026年度运营计划",
              [("sales", 52000, "万元"), ("profit", 6800, "万元"), ("customer_satisfaction", 90, "%")],
              [("完成年度供气保障", "多气源采购，储气调峰", "ops_director", "12-31")]),
    "OPS": ("运营管理部2026年度运营计划",
            [("order_completion_rate", 98, "%"), ("inventory_error_rate", 2, "%"), ("customer_satisfaction", 90, "%")],
            [("建立周例会与计划跟踪机制", "每周一召开运营工作例会，跟踪各部门计划执行", "ops_director", "03-31"),
             ("供应商评估与备选供应商建立", "对主要气源供应商季度评估，建立备选供应商B", "supply_head", "06-30")]),
    "MKT": ("市场部2026年度运营计划",
            [("sales", 30000, "万元"), ("market_share", 35, "%")],
            [("完成年度市场调研报告", "覆盖苏州、无锡重点区域的居民与工商户", "analyst", "04-30"),
             ("工商户开发专项行动", "重点开发餐饮与工业用户", "market_mgr", "09-30")]),
    "SZ": ("苏州分公司2026年度运营计划",
           [("sales", 22000, "万元"), ("customer_satisfaction", 88, "%")],
           [("客服热线24小时响应达标", "投诉24小时内响应、3个工作日内解决", "branch_gm", "06-30")]),
}


# unit code → budget lines (item in the company's chart of budget items, description, amount, 元 | 万元); the
# company's 9,000,000 元 covers its departments' budgets (kpi's demo mirrors these as its budgets)
DEMO_BUDGETS: dict[str, list[tuple[str, str, float, str]]] = {
    "HDGAS": [("labor", "人工成本", 4_200_000, "元"), ("materials", "管材及材料", 1_500_000, "元"),
              ("maintenance", "管网维修", 1_200_000, "元"), ("safety", "安全生产投入", 900_000, "元"),
              ("marketing", "市场营销", 600_000, "元"), ("travel", "差旅", 200_000, "元"),
              ("office", "办公", 200_000, "元"), ("training", "培训", 200_000, "元")],
    "OPS": [("labor", "人工成本", 1_200_000, "元"), ("maintenance", "设备维修", 600_000, "元"),
            ("safety", "安全生产投入", 400_000, "元"), ("training", "岗位培训", 120_000, "元"),
            ("office", "办公", 80_000, "元")],
    "MKT": [("marketing", "市场推广与工商户开发", 100, "万元"), ("labor", "人工成本", 60, "万元"),
            ("travel", "调研差旅", 12, "万元"), ("office", "办公", 8, "万元")],
    "SZ": [("labor", "人工成本", 800_000, "元"), ("maintenance", "管网维修", 300_000, "元"),
           ("safety", "安全生产投入", 250_000, "元"), ("marketing", "市场营销", 150_000, "元")],
}


async def _user_ids(rt: Runtime) -> dict[str, tuple[int, str]]:
    resp = await rt.call("org", "GET", "/api/org/users", params={"limit": 500})
    resp.raise_for_status()
    return {u["username"]: (u["id"], u["display_name"]) for u in resp.json()["items"]}


async def seed_demo(rt: Runtime) -> bool:
    """An issued 2026 company plan with department plans, quarterly and monthly plans, tasks and reports."""
    async with rt.db.writer() as session:
        if (await session.execute(select(func.count()).select_from(Plan))).scalar_one():
            return False
        units = await load_units(session)
        codes = {u.code: u for u in units.by_id.values()}
        if not all(code in codes for code in DEMO_PLANS):
            log.info("demo plans skipped: the org tree is not the demo company")
            return False
        users = await _user_ids(rt)
        flows = {f.kind: f for f in (await session.execute(select(Flow))).scalars()}
        year = 2026
        company_plan = None
        for code, (title, targets, tasks) in DEMO_PLANS.items():
            unit = codes[code]
            plan = Plan(unit_id=unit.id, period=str(year), kind="annual", title=title, status="issued", revision=1,
                        in_force_revision=1, parent_plan_id=company_plan.id if company_plan else None,
                        created_by="system",
                        submitted_by=str(users.get("ops_director", (0, ""))[0]), pending_signers=[],
                        guidance="坚持安全供气第一，稳中求进：销售增长8%，客户满意度不低于90%，成本费用率控制在75%以内。"
                        if code == "HDGAS" else "", issued_at=utcnow())
            session.add(plan)
            await session.flush()
            company_plan = company_plan or plan
            for ind, value, unit_of in targets:
                session.add(PlanTarget(plan_id=plan.id, indicator_code=ind, value=value, unit=unit_of,
                                       aggregation="avg" if unit_of == "%" else "sum"))
            for t_title, measures, owner, due in tasks:
                uid, name = users.get(owner, (None, ""))
                due_d = date.fromisoformat(f"{year}-{due}")
                session.add(PlanTask(plan_id=plan.id, title=t_title, measures=measures, owner_id=uid, owner_name=name,
                                     unit_id=unit.id, start=date(year, 1, 5), due=due_d,
                                     milestones=[{"title": "方案确定", "due": (due_d - timedelta(days=45)).isoformat(),
                                                  "done": True}],
                                     status="in_progress", progress=60.0))
            for item, description, amount, amount_unit in DEMO_BUDGETS[code]:
                session.add(PlanResource(plan_id=plan.id, kind="budget", description=description, amount=amount,
                                         amount_unit=amount_unit, budget_item=item))
            session.add(PlanResource(plan_id=plan.id, kind="people", description="专职人员", quantity=
                                     {"HDGAS": 120, "OPS": 36, "MKT": 18, "SZ": 65}[code], unit="人"))
            await session.flush()
            for i, _stage in enumerate(flows["annual"].stages):
                session.add(StageSignature(plan_id=plan.id, revision=1, stage_index=i, signer=f"seed-{i}"))
            for action, to in (("create", "draft"), ("submit", "submitted"), ("approve", "approved"),
                               ("issue", "issued")):
                session.add(PlanAction(plan_id=plan.id, revision=1, action=action, actor="system",
                                       actor_name="演示数据", from_status="draft", to_status=to, comment="演示数据"))
            session.add(PlanVersion(plan_id=plan.id, revision=1, status="issued",
                                    snapshot=await snapshot(session, plan)))
        # 市场部: quarterly and monthly plans under its annual plan, with a weekly report
        mkt_annual = (await session.execute(select(Plan).where(Plan.unit_id == codes["MKT"].id))).scalar_one()
        q = Plan(unit_id=codes["MKT"].id, period=f"{year}-Q4", kind="quarterly", title="市场部2026年第四季度运营计划",
                 status="issued", parent_plan_id=mkt_annual.id, created_by="system", pending_signers=[],
                 revision=1, in_force_revision=1, issued_at=utcnow())
        m = Plan(unit_id=codes["MKT"].id, period=f"{year}-11", kind="monthly", title="市场部2026年11月运营计划",
                 status="published", parent_plan_id=mkt_annual.id, created_by="system", pending_signers=[],
                 revision=1, in_force_revision=1, issued_at=utcnow())
        session.add_all([q, m])
        await session.flush()
        session.add_all([PlanTarget(plan_id=q.id, indicator_code="sales", value=8200, unit="万元"),
                         PlanTarget(plan_id=m.id, indicator_code="sales", value=2700, unit="万元")])
        uid, name = users.get("analyst", (None, ""))
        task = PlanTask(plan_id=m.id, title="冬季用气高峰客户走访", measures="走访100家工商户，收集用气需求",
                        owner_id=uid, owner_name=name, unit_id=codes["MKT-RES"].id, start=date(year, 11, 2),
                        due=date(year, 11, 20), milestones=[], status="in_progress", progress=40.0)
        session.add(task)
        await session.flush()
        for p in (q, m):
            session.add(PlanVersion(plan_id=p.id, revision=1, status=p.status, snapshot=await snapshot(session, p)))
        week = period(f"{year}-11-16").parent("week").text
        session.add(ProgressReport(plan_id=m.id, week=week, author=str(users.get("market_mgr", (0, ""))[0]),
                                   author_name=users.get("market_mgr", (0, "市场部经理"))[1],
                                   summary="走访进度略慢，工商户预约困难。",
                                   items=[{"task_id": task.id, "progress": 40, "status": "in_progress",
                                           "problems": "部分工商户预约困难", "help_needed": "请客服科协助预约"}]))
        await journal.audit(session, actor="system", action="demo.seeded", subject_type="planning",
                            subject_id="demo", note="demo seed")
        await session.commit()
        return True
