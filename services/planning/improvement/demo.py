"""Demo process optimisation projects: one half-way through its stages, one in periodic review."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.db import utcnow
from services.common.runtime import Runtime
from services.planning.improvement.service import STAGES
from services.planning.journal import journal
from services.planning.models import (
    ImprovementDocument,
    ImprovementMilestone,
    ImprovementProject,
    ImprovementReview,
    ImprovementStep,
)
from services.planning.units import load_units

log = logging.getLogger("yunguan.planning.seed")

# (unit code, owner username, title, description, the stage it stands at, documents {stage: (summary, body)})
DEMO_PROJECTS = [
    ("MKT-RES", "analyst", "工商户报装流程优化",
     "工商户报装从受理到通气平均 28 天，客户投诉集中在资料反复提交与现场勘察排期。", "proposal",
     {"research": ("走访 32 家工商户与 4 个营业厅，梳理报装 11 个环节。",
                   "调研对象：餐饮 18 家、工业 9 家、商业综合体 5 家。\n"
                   "主要问题：资料清单不统一，同一资料平均提交 2.4 次；勘察排期依赖电话预约。"),
      "diagnosis": ("瓶颈在资料审核与勘察排期两环节，占全流程时长的 61%。",
                    "资料审核：营业厅与工程部各审一遍，标准不一。\n勘察排期：无统一排期表，平均等待 6.5 天。")}),
    ("OPS-SUP", "supply_head", "供应商到货验收流程优化",
     "管材到货验收环节多、签字多，影响工程进度；优化后进入定期评审。", "review",
     {"research": ("统计近半年 146 批次到货，验收平均耗时 3.2 天。",
                   "验收需仓库、质检、供应科三方签字，质检排队最长。"),
      "diagnosis": ("质检抽样比例与供应商等级脱钩是主因。", "A 级供应商与新供应商同比例抽检，质检资源被占用。"),
      "proposal": ("按供应商等级分级抽检，验收单线上会签。",
                   "A 级供应商抽检 5%，B 级 10%，新供应商 20%；三方线上会签。"),
      "evaluation": ("方案可行，风险可控，同意实施。",
                     "抽检比例符合成品抽检不低于 5% 的要求；线上会签保留可追溯记录。"),
      "implementation": ("分级抽检与线上会签已上线。", "10 月起全部到货按新流程验收，平均验收耗时降至 1.4 天。")}),
]


async def seed_improvement_demo(rt: Runtime) -> bool:
    """Add the demo projects unless they are there (the demo company only)."""
    resp = await rt.call("org", "GET", "/api/org/users", params={"limit": 500})
    resp.raise_for_status()
    users = {u["username"]: (u["id"], u["display_name"]) for u in resp.json()["items"]}
    async with rt.db.writer() as session:
        seeded = await _seed(session, users)
        if seeded:
            await session.commit()
    return seeded


async def _seed(session: AsyncSession, users: dict[str, tuple[int, str]]) -> bool:
    titles = [p[2] for p in DEMO_PROJECTS]
    if (await session.execute(select(ImprovementProject.id).where(ImprovementProject.title.in_(titles)))).first():
        return False
    units = await load_units(session)
    codes = {u.code: u for u in units.by_id.values()}
    if not all(p[0] in codes for p in DEMO_PROJECTS):
        log.info("demo improvement projects skipped: the org tree is not the demo company")
        return False
    today = clock.today()
    for code, owner, title, description, stage, docs in DEMO_PROJECTS:
        unit = codes[code]
        uid, name = users.get(owner, (None, ""))
        p = ImprovementProject(unit_id=unit.id, title=title, description=description, owner_id=uid, owner_name=name,
                               origin="manual", links=[], stage=stage, cycle=1, created_by="system",
                               created_by_name="演示数据")
        if stage == "review":  # its review date has just come: the scan says so, the inbox shows it
            p.next_review = today - timedelta(days=2)
        session.add(p)
        await session.flush()
        session.add(ImprovementStep(project_id=p.id, action="start", from_stage=None, to_stage="research",
                                    actor="system", actor_name="演示数据", comment="演示数据"))
        reached = STAGES.index(stage) if stage in STAGES else len(STAGES)
        for i, (st, (summary, body)) in enumerate(docs.items()):
            session.add(ImprovementDocument(project_id=p.id, cycle=1, stage=st, summary=summary, body=body,
                                            author=str(uid or "system"), author_name=name))
            if i < reached:
                session.add(ImprovementStep(project_id=p.id, action="advance", from_stage=st,
                                            to_stage=STAGES[i + 1] if i + 1 < len(STAGES) else "review",
                                            actor="system", actor_name="演示数据", comment="演示数据"))
        if stage == "review":
            for t, days in (("分级抽检标准发布", -60), ("验收单线上会签上线", -40)):
                session.add(ImprovementMilestone(project_id=p.id, title=t, due=today + timedelta(days=days),
                                                 done=True, done_at=utcnow()))
            session.add(ImprovementReview(project_id=p.id, outcome="effective",
                                          note="首月验收平均耗时 1.6 天，效果明显。",
                                          due=today - timedelta(days=32), next_review=p.next_review,
                                          reviewer=str(uid or "system"), reviewer_name=name))
        else:
            session.add(ImprovementMilestone(project_id=p.id, title="资料清单统一发布", due=today + timedelta(days=30)))
    await session.flush()
    await journal.audit(session, actor="system", action="demo.seeded", subject_type="improvement_project",
                        subject_id="demo", note="demo seed: process optimisation projects")
    return True
