"""A finding of an on-site inspection or special audit (kpi) that asks the register for a risk.

``kpi.finding.raised`` with ``risk``: either a new risk for the finding's unit (its category, title and
description from the finding) assessed at the likelihood and impact the inspector or auditor judged, or a
re-assessment of an existing risk of that unit or a unit above or below it (the current assessment's kind:
residual once the risk has one, else inherent). The actor in the audit chain is the finding (and who raised
it); the step is dated by the event. A request that cannot be honoured (no such risk, a closed one, a risk of an
unrelated unit, a unit risk does not know) is journalled and skipped: the finding stands either way.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.problems import Problem
from services.risk.events import FindingRaisedView
from services.risk.journal import journal
from services.risk.models import OrgUnit, Risk
from services.risk.register.service import assess, create

log = logging.getLogger("yunguan.risk")

SOURCE_ZH = {"inspection": "实地检查", "audit": "专项审计"}


def _related(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


async def _skip(session: AsyncSession, finding: FindingRaisedView, actor: str, unit_path: str, why: str) -> None:
    log.warning("a finding's risk request was skipped", extra={"fields": {"finding": finding.id, "why": why}})
    await journal.audit(session, actor=actor, action="risk.finding_skipped", subject_type="finding",
                        subject_id=finding.id, unit_path=unit_path, grant=None, note=why,
                        after={"finding_id": finding.id, "risk": finding.risk.model_dump() if finding.risk else None})


async def on_finding(session: AsyncSession, finding: FindingRaisedView) -> None:
    req = finding.risk
    if req is None:
        return
    actor = f"kpi:finding:{finding.id}"
    source = SOURCE_ZH.get(finding.source, finding.source)
    note = f"{source}发现问题 #{finding.id}（{finding.raised_by_name or finding.raised_by}）：{finding.title}"
    unit = await session.get(OrgUnit, finding.unit_id)
    if unit is None:
        await _skip(session, finding, actor, finding.unit_path, "风险服务中没有该发现问题所属的组织单元。")
        return
    if req.risk_id is None:
        new = await create(session, actor=actor, unit=unit, grant=None, fields={
            "title": finding.title[:200], "category": req.category or "other",
            "description": f"{finding.description}\n\n来源：{note}".strip()})
        await assess(session, risk=new, unit=unit, actor=actor, grant=None, likelihood=req.likelihood,
                     impact=req.impact, kind="inherent", note=note)
        return
    risk = await session.get(Risk, req.risk_id)
    risk_unit = await session.get(OrgUnit, risk.unit_id) if risk is not None else None
    if risk is None or risk_unit is None:
        await _skip(session, finding, actor, unit.path, f"风险登记册中没有编号为 {req.risk_id} 的风险。")
        return
    if not _related(risk_unit.path, unit.path):
        await _skip(session, finding, actor, unit.path,
                    f"风险 {req.risk_id} 属于{risk_unit.name}，与发现问题所在的{unit.name}无隶属关系。")
        return
    kind = "residual" if risk.residual_level is not None else "inherent"
    try:
        await assess(session, risk=risk, unit=risk_unit, actor=actor, grant=None, likelihood=req.likelihood,
                     impact=req.impact, kind=kind, note=note)
    except Problem as exc:  # a closed risk: reopened by a person, not by an event
        await _skip(session, finding, actor, unit.path, exc.zh or exc.detail)
