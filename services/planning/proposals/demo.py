"""Demo proposals in 华东燃气有限公司, so a newcomer sees each state: one waiting for review, one adopted
with its process optimisation project, one implemented and rewarded."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import func, select

from services.common.authz import Principal
from services.common.db import utcnow
from services.common.runtime import Runtime
from services.planning.improvement.service import start_project
from services.planning.journal import journal
from services.planning.models import Proposal, ProposalStep
from services.planning.proposals.service import DEFAULT_STAGES, company_settings
from services.planning.units import load_units

log = logging.getLogger("yunguan.planning")

# (proposer, unit code, decider, title, problem, suggestion, expected benefit, category, state)
DEMO_PROPOSALS = [
    ("analyst", "MKT", None, "工商户走访预约改用线上预约表",
     "工商户走访靠电话逐一预约，成功率不足一半，走访进度滞后。",
     "在企业微信发布线上预约表，客户自选时段，系统自动排程并提醒。", "预约成功率提高到80%以上，每月节省约30工时。",
     "客户服务", "in_review"),
    ("supply_head", "OPS", "ops_director", "调度日报自动汇总",
     "各科室每天手工汇总调度数据，口径不一，日报常延迟到次日上午。",
     "由SCADA与抄表系统自动取数生成日报模板，科室只需复核签字。", "日报当天17点前发布，每天节省约2小时人工。",
     "流程管理", "adopted"),
    ("analyst", "SZ-CS", "branch_gm", "客服热线高峰时段弹性排班",
     "冬季早晚高峰来电集中，接通率降到70%以下，投诉增加。",
     "按近三年来电曲线设弹性班次，高峰时段增加两个坐席。", "高峰接通率提升到90%，投诉率下降。",
     "客户服务", "rewarded"),
]


async def _users(rt: Runtime) -> dict[str, tuple[int, str]]:
    resp = await rt.call("org", "GET", "/api/org/users", params={"limit": 500})
    resp.raise_for_status()
    return {u["username"]: (u["id"], u["display_name"]) for u in resp.json()["items"]}


async def seed_demo_proposals(rt: Runtime) -> bool:
    async with rt.db.writer() as session:
        if (await session.execute(select(func.count()).select_from(Proposal))).scalar_one():
            return False
        units = await load_units(session)
        codes = {u.code: u for u in units.by_id.values()}
        if not all(code in codes for _, code, *_ in DEMO_PROPOSALS):
            log.info("demo proposals skipped: the org tree is not the demo company")
            return False
        users = await _users(rt)
        await company_settings(session)
        now = utcnow()
        for i, (who, code, decider, title, problem, suggestion, benefit, category, state) in \
                enumerate(DEMO_PROPOSALS):
            uid, name = users.get(who, (0, who))
            unit = codes[code]
            p = Proposal(title=title, problem=problem, suggestion=suggestion, expected_benefit=benefit,
                         unit_id=unit.id, category=category, anonymous=False, proposer=str(uid), proposer_name=name,
                         status="in_review", stages=DEFAULT_STAGES, stage_index=0,
                         created_at=now - timedelta(days=40 - 12 * i))
            session.add(p)
            await session.flush()
            session.add(ProposalStep(proposal_id=p.id, action="submit", actor=str(uid), actor_name=name,
                                     at=p.created_at))
            if decider is None:
                continue
            did, dname = users.get(decider, (0, decider))
            reason = "建议可行，采纳并立项实施。"
            p.status, p.stage_index, p.decision, p.decision_reason = "adopted", None, "adopt", reason
            p.decided_by, p.decided_by_name, p.decided_at = str(did), dname, p.created_at + timedelta(days=3)
            session.add(ProposalStep(proposal_id=p.id, action="adopt", stage_key=DEFAULT_STAGES[0]["key"],
                                     stage_name=DEFAULT_STAGES[0]["name"], actor=str(did), actor_name=dname,
                                     comment=reason, at=p.decided_at))
            decider_principal = Principal(sub=str(did), name=dname)
            project = await start_project(session, principal=decider_principal, grant=None, unit=unit, title=title,
                                          owner_id=did, owner_name=dname, description=f"存在问题：{problem}\n改进建议："
                                          f"{suggestion}",
                                          origin_links=[{"ref": f"planning:proposal:{p.id}", "title": title}])
            p.project_id = project.id
            if state == "rewarded":
                p.benefit, p.benefit_amount = "高峰接通率由68%提升到92%，当季投诉下降35%。", 48000.0
                p.benefit_by_name, p.benefit_at = dname, p.created_at + timedelta(days=25)
                p.reward_level, p.reward_name, p.reward_points, p.reward_amount = "second", "二等奖", 50, 800.0
                p.reward_note, p.rewarded_by_name = "冬季保供优秀建议", dname
                p.rewarded_at, p.status = p.created_at + timedelta(days=28), "rewarded"
                session.add(ProposalStep(proposal_id=p.id, action="benefit", actor=str(did), actor_name=dname,
                                         comment=p.benefit, at=p.benefit_at))
                session.add(ProposalStep(proposal_id=p.id, action="reward", actor=str(did), actor_name=dname,
                                         comment="二等奖 冬季保供优秀建议", at=p.rewarded_at))
        await session.flush()
        await journal.audit(session, actor="system", action="demo.seeded", subject_type="proposal",
                            subject_id="demo", note="demo proposals")
        await session.commit()
        return True
