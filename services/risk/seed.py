"""Demo register for 华东燃气有限公司, from the documents' examples (seeded once, on an empty register)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.risk.alerts.service import record_value
from services.risk.matrix import service as matrices
from services.risk.models import Kri, OrgUnit, Risk, RiskAction
from services.risk.register import service as register

log = logging.getLogger("yunguan.risk.seed")

# Org's demo users get these ids on an empty org database (creation order).
GM, OPS_DIRECTOR, MARKET_MGR, BRANCH_GM, SUPPLY_HEAD = 2, 3, 4, 5, 6

SUPPLIER_PLAN = {
    "trigger": "供应商A交货延迟超过3天，或到货量低于计划的80%",
    "steps": [{"title": "启动供应商B备选采购（切换至供应商B）", "due_in_days": 1},
              {"title": "调整调度计划，优先保障居民用气", "due_in_days": 1, "owner_id": OPS_DIRECTOR},
              {"title": "通知客户服务科准备客户沟通口径", "due_in_days": 2}],
    "owner_id": SUPPLY_HEAD,
    "fallback_resources": ["供应商B（已签备用供货协议）", "LNG储备气源"],
}
LEAK_PLAN = {
    "trigger": "管网或场站检测到燃气泄漏报警",
    "steps": [{"title": "立即关闭上游阀门并疏散周边人员", "due_in_days": 0},
              {"title": "抢修队30分钟内到场处置", "due_in_days": 0},
              {"title": "事故原因调查与整改报告", "due_in_days": 7}],
    "owner_id": OPS_DIRECTOR,
    "fallback_resources": ["应急抢修队", "备用调压设备", "应急通讯车"],
}

# (key, title, description, category, unit code, owner, inherent (L, I), residual, strategy, status, plan)
DEMO_RISKS = [
    ("supplier", "供应商A交货延迟", "主要气源供应商A近期多次延迟交货，可能影响冬季保供。", "supply_chain", "OPS-SUP",
     SUPPLY_HEAD, (4, 4), None, "reduce", "treating", SUPPLIER_PLAN),
    ("equipment", "设备B老化故障", "调压站设备B运行超过15年，故障率上升。", "equipment", "OPS-DIS", OPS_DIRECTOR,
     (3, 4), (2, 4), "reduce", "monitoring", None),
    ("leak", "燃气泄漏", "老旧管网及用户端燃气泄漏风险，可能造成人身伤害和财产损失。", "safety", "OPS-SAF",
     OPS_DIRECTOR, (2, 5), None, "reduce", "treating", LEAK_PLAN),
    ("interruption", "供应中断", "上游管线检修或极端天气导致供气中断。", "supply_chain", "OPS-SUP", SUPPLY_HEAD,
     (3, 5), None, None, "assessed", None),
    ("market", "市场竞争加剧", "新进入的燃气企业以低价争夺工商业用户。", "market", "MKT", MARKET_MGR,
     (3, 3), None, "reduce", "monitoring", None),
    ("policy", "燃气价格政策调整", "政府调整居民用气价格及阶梯气价政策，影响收入与利润。", "policy", "HDGAS", GM,
     (3, 4), None, None, "assessed", None),
    ("personnel", "关键岗位人员流失", "分公司销售骨干流失，影响销售目标达成。", "personnel", "SZ", BRANCH_GM,
     (2, 3), None, "accept", "monitoring", None),
    ("satisfaction", "客户满意度下滑", "投诉处理不及时导致客户满意度低于85%的目标。", "market", "OPS-CS", OPS_DIRECTOR,
     (3, 3), None, "reduce", "treating", None),
]


async def seed_demo(session: AsyncSession) -> bool:
    """Seed the demo register when the risk tables are empty and the demo org tree is known."""
    if (await session.execute(select(func.count()).select_from(Risk))).scalar_one():
        return False
    units = {u.code: u for u in (await session.execute(select(OrgUnit))).scalars()}
    if not all(code in units for code in ("HDGAS", "OPS-SUP", "OPS-CS", "OPS-SAF", "OPS-DIS", "MKT", "SZ")):
        log.info("demo seed skipped: the demo org tree is not in the read-model")
        return False
    await matrices.in_force(session)
    today = clock.today()
    risks: dict[str, Risk] = {}
    for n, (key, title, desc, cat, code, owner, inherent, residual, strategy, status, plan) in enumerate(DEMO_RISKS):
        unit = units[code]
        risk = await register.create(session, actor="system", unit=unit, grant=None, fields={
            "title": title, "description": desc, "category": cat, "owner_id": owner,
            "next_review_date": today + timedelta(days=7 * (n + 1) - 10)})
        await register.assess(session, risk=risk, unit=unit, actor="system", grant=None, likelihood=inherent[0],
                              impact=inherent[1], kind="inherent", note="演示数据")
        if residual:
            await register.assess(session, risk=risk, unit=unit, actor="system", grant=None, likelihood=residual[0],
                                  impact=residual[1], kind="residual", note="演示数据：措施落实后")
        changes = {"strategy": strategy, "contingency_plan": plan, "status": status}
        await register.update(session, risk=risk, changes={k: v for k, v in changes.items() if v is not None})
        risks[key] = risk
    session.add_all([
        RiskAction(risk_id=risks["supplier"].id, title="与供应商B签订备用供货协议", owner_id=SUPPLY_HEAD,
                   due=today + timedelta(days=14), status="in_progress", created_by="system"),
        RiskAction(risk_id=risks["equipment"].id, title="设备B大修并制定更换计划", owner_id=OPS_DIRECTOR,
                   due=today + timedelta(days=30), status="open", created_by="system"),
        RiskAction(risk_id=risks["satisfaction"].id, title="投诉24小时内响应、3个工作日内解决的督办机制",
                   owner_id=OPS_DIRECTOR, due=today + timedelta(days=10), status="open", created_by="system"),
    ])
    satisfaction = Kri(risk_id=risks["satisfaction"].id, indicator_code="customer_satisfaction",
                       unit_id=units["OPS-CS"].id, measure_unit="%", warning=85.0, critical=80.0, direction="below",
                       created_by="system")
    delay = Kri(risk_id=risks["supplier"].id, indicator_code="order_delay_days", unit_id=units["OPS-SUP"].id,
                measure_unit="天", warning=3.0, critical=5.0, direction="above", created_by="system")
    session.add_all([satisfaction, delay])
    await session.flush()
    await record_value(session, kri=delay, value=1.0, source="kri", period=today.strftime("%Y-%m"),
                       recorded_by="system")
    # The open alert of the demo: satisfaction at 82.5 %, under the 85 % warning value.
    await record_value(session, kri=satisfaction, value=82.5, source="kri", period=today.strftime("%Y-%m"),
                       recorded_by="system")
    await session.flush()
    return True
