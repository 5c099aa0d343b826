"""The demo company's special audits: one finalised (供应科, three findings, one disputed and withdrawn) and one
waiting for the audited unit's response (苏州分公司销售部: 陈分公司总经理 sees it in 我的待办).

Each step goes through the audit service as the demo person who would take it (the people are org's: who
holds the right over the unit, asked over HTTP), so the audit chain, the events and the 整改 actions are the
ones a real audit leaves. Without org's answer the audits are skipped, never half made.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock, org_api
from services.common.authz import Grant, Principal
from services.common.db import utcnow
from services.common.guards import Allowed
from services.common.runtime import Runtime
from services.kpi.audits import service
from services.kpi.audits.schemas import (
    AuditCreate,
    AuditDraftReport,
    AuditFinal,
    AuditFindingCreate,
    AuditNotice,
    AuditResponse,
    FindingResolution,
    FindingResponse,
    TeamMember,
)
from services.kpi.models import Audit, OrgUnit

log = logging.getLogger("yunguan.kpi.demo")


def _as(person: dict[str, Any], *grants: tuple[str, OrgUnit]) -> Principal:
    return Principal(sub=str(person["id"]), name=str(person.get("display_name") or ""),
                     grants=tuple(Grant(right, unit.path, "subtree", via="demo") for right, unit in grants))


def _no_check(a: Audit) -> None:
    return None


async def _first(rt: Runtime, right: str, unit: OrgUnit, held_in: OrgUnit) -> dict[str, Any] | None:
    found = await org_api.holders(rt, right, unit.id, held_in_unit_id=held_in.id)
    return found[0] if found else None


async def seed_audits(session: AsyncSession, rt: Runtime, units: dict[str, OrgUnit]) -> int:
    """The two demo audits; 0 when the demo company or its people cannot be found."""
    if not {"HDGAS", "OPS", "OPS-SUP", "SZ", "SZ-SALES", "MKT-RES"} <= units.keys():
        return 0
    try:
        director = await _first(rt, "assess", units["OPS-SUP"], units["OPS"])
        gm = await _first(rt, "assess", units["SZ-SALES"], units["HDGAS"])
        supply_head = await _first(rt, "plan", units["OPS-SUP"], units["OPS-SUP"])
        branch_gm = await _first(rt, "plan", units["SZ-SALES"], units["SZ"])
        analyst = await _first(rt, "view", units["MKT-RES"], units["MKT-RES"])
    except Exception as exc:  # org unreachable: no audits rather than audits without people
        log.warning("demo audits skipped: org did not name the people", extra={"fields": {"error": repr(exc)}})
        return 0
    if not (director and gm and supply_head and branch_gm and analyst):
        log.info("demo audits skipped: the demo company's people were not all found")
        return 0
    today = clock.today()

    def member(p: dict[str, Any]) -> TeamMember:
        return TeamMember(user_id=int(p["id"]), name=str(p.get("display_name") or p["id"]))

    # 1. finalised: 供应科's purchasing, audited by the operations director with the analyst
    sup = units["OPS-SUP"]
    leader = _as(director, ("assess", sup))
    done = await _audit(session, leader, AuditCreate(
        title="2026 年上半年燃气采购制度执行专项审计", topic="供应商准入、比价采购与合同审批是否按《采购管理制度》执行",
        unit_ids=[sup.id], period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), leader=member(director),
        members=[member(analyst)], planned_start=today - timedelta(days=60), planned_end=today - timedelta(days=20)),
        notice="根据公司年度审计计划，审计组将于下周对供应科 2026 年上半年燃气采购制度执行情况开展专项审计，"
               "请准备采购台账、比价记录、供应商准入资料和合同审批单。")
    team = _as(analyst)
    findings = []
    for title, description, severity, due in (
            ("2 笔应急采购未履行比价程序", "3 月、5 月两笔应急采购（合计 46 万元）无比价记录，事后亦未补办审批。",
             "major", 30),
            ("1 家供应商准入资料不全", "华通管件准入档案缺少安全生产许可证复印件。", "minor", 20),
            ("合同审批单存在代签", "4 份采购合同审批单由经办人代部门负责人签字。", "critical", 15)):
        findings.append(await service.record_audit_finding(session, rt, principal=team, a=done,
                                                           body=AuditFindingCreate(
            title=title, description=description, severity=severity, owner_id=int(supply_head["id"]),
            owner_name=str(supply_head.get("display_name") or ""), due=today + timedelta(days=due))))
    await service.issue_draft(session, principal=_as(director), a=done, body=AuditDraftReport(
        report="一、审计概况\n审计组于现场审计期间抽查采购合同 36 份、比价记录 28 份。\n二、发现的问题\n"
               "1. 应急采购未比价；2. 供应商准入资料不全；3. 合同审批单代签。\n三、审计建议\n完善应急采购补办程序，"
               "清理供应商档案，严格合同审批签字。"), check_version=_no_check)
    head = _as(supply_head, ("plan", sup))
    plan_grant = Grant("plan", sup.path, "subtree", via="demo")
    await service.respond(session, audit=Allowed(item=done, principal=head, grant=plan_grant), body=AuditResponse(
        responses=[FindingResponse(finding_id=findings[0].id, verdict="accept"),
                   FindingResponse(finding_id=findings[1].id, verdict="dispute",
                                   reason="华通管件的安全生产许可证已于 6 月补交，存于供应商档案柜。"),
                   FindingResponse(finding_id=findings[2].id, verdict="accept")],
        note="对认可的问题已制定整改计划。"), check_version=_no_check)
    await service.finalise(session, principal=_as(director), a=done, body=AuditFinal(
        report="审计报告（终稿）\n维持应急采购未比价、合同审批代签两项发现；供应商准入资料问题经核实已补正，予以撤销。",
        resolutions=[FindingResolution(finding_id=findings[1].id, decision="withdraw",
                                       reasoning="现场复核档案，许可证复印件已补交，问题不再存在。")]),
        check_version=_no_check)
    now = utcnow()
    done.noticed_at, done.fieldwork_at, done.draft_at = (now - timedelta(days=58), now - timedelta(days=52),
                                                         now - timedelta(days=35))
    done.responded_at, done.finalised_at = now - timedelta(days=28), now - timedelta(days=21)
    done.response_due = today - timedelta(days=27)

    # 2. waiting for the response: 苏州分公司销售部's sales expenses, opened by the general manager
    sales = units["SZ-SALES"]
    waiting = await _audit(session, _as(gm, ("assess", sales)), AuditCreate(
        title="苏州分公司 2026 年销售费用专项审计", topic="销售费用报销的真实性与审批合规性",
        unit_ids=[sales.id], period_start=date(2026, 1, 1), period_end=date(2026, 9, 30), leader=member(director),
        members=[member(analyst)], planned_start=today - timedelta(days=21), planned_end=today + timedelta(days=14)),
        notice="审计组将对苏州分公司销售部 2026 年 1—9 月销售费用开展专项审计，请于进场前备齐费用报销凭证及审批记录。",
        response_due=today + timedelta(days=7))
    for title, description, severity in (
            ("业务招待费超标准报销", "7 笔业务招待费超出公司标准，合计 1.2 万元。", "major"),
            ("部分报销凭证缺少发票", "抽查 120 份凭证中 5 份以收据代替发票。", "minor")):
        await service.record_audit_finding(session, rt, principal=team, a=waiting, body=AuditFindingCreate(
            title=title, description=description, severity=severity, owner_id=int(branch_gm["id"]),
            owner_name=str(branch_gm.get("display_name") or ""), due=today + timedelta(days=30)))
    await service.issue_draft(session, principal=_as(director), a=waiting, body=AuditDraftReport(
        report="审计报告（征求意见稿）\n发现问题两项：业务招待费超标准报销；部分报销凭证缺少发票。请销售部于反馈截止日前提出意见。"),
        check_version=_no_check)
    await session.flush()
    return 2


async def _audit(session: AsyncSession, opener: Principal, body: AuditCreate, *, notice: str,
                 response_due: date | None = None) -> Audit:
    """An audit opened, noticed and in fieldwork, its leader starting the fieldwork."""
    out = await service.create_audit(session, principal=opener, body=body)
    a = await session.get(Audit, out.id)
    assert a is not None
    await service.issue_notice(session, principal=opener, a=a, body=AuditNotice(
        notice_text=notice, response_due=response_due or clock.today() + timedelta(days=7)), check_version=_no_check)
    await service.start_fieldwork(session, principal=_as({"id": a.leader_id, "display_name": a.leader_name}), a=a,
                                  check_version=_no_check)
    return a
