"""Findings (发现问题) of on-site inspections and special audits, each rectified by one improvement action.

A finding is recorded by whoever the inspection or audit authorises (its own concept checks that) and becomes
an improvement action (整改) with an owner (the unit's head unless named), a deadline and verification by whoever
raised it: the same life as every action (open → done → verified, overdue flagged and escalated), not a second
mechanism. The finding closes when its action is verified; an audit may withdraw one (its action is cancelled).
A finding may ask the risk register to raise a risk for the unit or re-assess one (``kpi.finding.raised``
carries the request; the risk service does it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import paginate
from services.common.authz import Grant, Principal, Right
from services.common.guards import Place, authorize
from services.common.problems import Conflict, Invalid
from services.common.runtime import Runtime
from services.common.scoping import visible_to
from services.common.sheets import Column, add_table, workbook_bytes
from services.kpi.actions.followups import org_holders, unit_head
from services.kpi.actions.service import ACTION_STATUS_ZH, cancel_action, open_action
from services.kpi.events import FindingData
from services.kpi.findings.closing import finding_data
from services.kpi.findings.schemas import (
    FINDING_STATUS_ZH,
    SEVERITY_ZH,
    FindingCreate,
    FindingRead,
    FindingRisk,
)
from services.kpi.journal import journal
from services.kpi.lookups import unit_or_404
from services.kpi.models import Finding, ImprovementAction, OrgUnit

SOURCE_ZH = {"inspection": "实地检查", "audit": "专项审计"}


async def default_owner(rt: Runtime, unit: OrgUnit) -> tuple[int | None, str]:
    """Who rectifies a finding nobody was named for: the unit's head by position (dispatch held in the unit, else
    in the nearest unit above); (None, "") when org cannot say."""
    return await unit_head(org_holders(rt), unit.path)


def _read(f: Finding, a: ImprovementAction, unit_name: str) -> FindingRead:
    return FindingRead(id=f.id, source=f.source, source_id=f.source_id, source_ref=f.source_ref, unit_id=f.unit_id,
                       unit_path=f.unit_path, unit_name=unit_name, title=f.title, description=f.description,
                       severity=f.severity, status=f.status, risk=f.risk_request, raised_by=f.raised_by,
                       raised_by_name=f.raised_by_name, created_at=f.created_at, closed_at=f.closed_at,
                       withdrawn_reason=f.withdrawn_reason, action_id=a.id, action_status=a.status,
                       action_overdue=a.overdue, action_due=a.due, action_progress=a.progress or 0,
                       owner_id=a.owner_id, owner_name=a.owner_name, version=f.version)


async def _reads(session: AsyncSession, rows: list[Finding]) -> list[FindingRead]:
    actions = {a.id: a for a in (await session.execute(select(ImprovementAction).where(
        ImprovementAction.id.in_({f.action_id for f in rows})))).scalars()} if rows else {}
    names = {u.id: u.name for u in (await session.execute(select(OrgUnit).where(
        OrgUnit.id.in_({f.unit_id for f in rows})))).scalars()} if rows else {}
    return [_read(f, actions[f.action_id], names.get(f.unit_id, "")) for f in rows]


async def finding_read(session: AsyncSession, f: Finding) -> FindingRead:
    return (await _reads(session, [f]))[0]


async def record_finding(session: AsyncSession, *, principal: Principal, grant: Grant | None, source: str,
                         source_id: int, source_ref: str | None, unit: OrgUnit, title: str, description: str,
                         severity: str, owner_id: int | None, owner_name: str, due: date,
                         risk: FindingRisk | None = None) -> FindingRead:
    """A finding and the improvement action that rectifies it, journalled; ``kpi.finding.raised``.

    The caller's concept has authorised the step (``grant`` is what allowed it, None when a position held
    did); a second finding for the same source item is a conflict."""
    if source_ref is not None and (await session.execute(select(Finding.id).where(
            Finding.source == source, Finding.source_id == source_id, Finding.source_ref == source_ref))).first():
        raise Conflict(f"This {source} has a finding for {source_ref} already.", field="source_ref",
                       zh=f"该{SOURCE_ZH.get(source, source)}已就此项记录了发现问题。")
    action = await open_action(session, principal=principal, grant=grant, unit=unit, title=title,
                               description=description, origin=source, origin_ref=None, owner_id=owner_id,
                               owner_name=owner_name, due=due)
    f = Finding(source=source, source_id=source_id, source_ref=source_ref, unit_id=unit.id, unit_path=unit.path,
                title=title, description=description, severity=severity, action_id=action.id,
                risk_request=risk.model_dump(exclude_none=True) if risk else None, raised_by=principal.sub,
                raised_by_name=principal.name)
    session.add(f)
    await session.flush()
    # the action names the finding it rectifies (one action per finding: the unique origin reference)
    action.origin_ref = f"finding:{f.id}"
    await session.flush()
    data = finding_data(f)
    await journal.audit(session, actor=principal, action="finding.raised", subject_type="finding", subject_id=f.id,
                        unit_path=unit.path, grant=grant, after=data)
    await journal.emit(session, "kpi.finding.raised", f.id, FindingData(**data), unit.path)
    return _read(f, action, unit.name)


async def record_from_body(session: AsyncSession, rt: Runtime, *, principal: Principal, grant: Grant | None,
                           source: str, source_id: int, unit: OrgUnit, body: FindingCreate) -> FindingRead:
    """``record_finding`` from a request body: the owner is the unit's head when none is named."""
    owner_id, owner_name = body.owner_id, body.owner_name
    if owner_id is None:
        owner_id, owner_name = await default_owner(rt, unit)
    return await record_finding(session, principal=principal, grant=grant, source=source, source_id=source_id,
                                source_ref=body.source_ref, unit=unit, title=body.title,
                                description=body.description, severity=body.severity, owner_id=owner_id,
                                owner_name=owner_name, due=body.due, risk=body.risk)


async def withdraw_finding(session: AsyncSession, *, principal: Principal, grant: Grant | None, finding: Finding,
                           reason: str) -> FindingRead:
    """Withdraw an open finding (an audit's final report drops a disputed one): its action is cancelled."""
    if finding.status != "open":
        state = FINDING_STATUS_ZH.get(finding.status, finding.status)
        raise Conflict(f"Only open findings can be withdrawn; this one is {finding.status}.",
                       zh=f"只有整改中的发现问题才能撤回；这一条{state}。")
    action = await session.get(ImprovementAction, finding.action_id)
    assert action is not None
    if action.status == "verified":
        raise Conflict("Its rectification is verified already.", zh="其整改已验证，不能撤回。")
    before = finding_data(finding)
    finding.status, finding.withdrawn_reason = "withdrawn", reason
    await cancel_action(session, principal=principal, grant=grant, a=action, reason=reason)
    await session.flush()
    data = finding_data(finding)
    await journal.audit(session, actor=principal, action="finding.withdrawn", subject_type="finding",
                        subject_id=finding.id, unit_path=finding.unit_path, grant=grant, before=before, after=data)
    await journal.emit(session, "kpi.finding.withdrawn", finding.id, FindingData(**data), finding.unit_path)
    return await finding_read(session, finding)


async def findings_of(session: AsyncSession, source: str, source_id: int) -> list[FindingRead]:
    rows = (await session.execute(select(Finding).where(Finding.source == source, Finding.source_id == source_id)
                                  .order_by(Finding.id))).scalars().all()
    return await _reads(session, list(rows))


def _query(principal: Principal, *, unit: OrgUnit | None, source: str | None, source_id: int | None,
           status: str | None, severity: str | None) -> Any:
    stmt = select(Finding).where(visible_to(principal, "view", Finding.unit_path))
    if unit is not None:
        stmt = stmt.where(Finding.unit_path.startswith(unit.path, autoescape=True))
    for col, value in ((Finding.source, source), (Finding.source_id, source_id), (Finding.status, status),
                       (Finding.severity, severity)):
        if value is not None:
            stmt = stmt.where(col == value)
    return stmt


async def list_findings(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                        unit_id: int | None, source: str | None, source_id: int | None, status: str | None,
                        severity: str | None) -> tuple[list[FindingRead], str | None]:
    unit = await unit_or_404(session, unit_id) if unit_id is not None else None
    stmt = _query(principal, unit=unit, source=source, source_id=source_id, status=status, severity=severity)
    rows, nxt = await paginate(session, stmt, Finding.id, limit=limit, cursor=cursor)
    return await _reads(session, list(rows)), nxt


async def get_finding(session: AsyncSession, *, principal: Principal, finding: Finding) -> FindingRead:
    """Who may see its unit sees a finding; so does whoever rectifies it."""
    out = await finding_read(session, finding)
    if not (principal.can(Right.view, finding.unit_path) or
            (principal.user_id is not None and principal.user_id == out.owner_id)):
        authorize(principal, Place(finding.unit_path, "this finding's unit"), Right.view)
    return out


COLUMNS = [Column("编号", 8), Column("来源", 10), Column("来源编号", 10), Column("单位", 18), Column("问题", 36),
           Column("严重程度", 10), Column("状态", 10), Column("整改责任人", 12), Column("整改期限", 12),
           Column("整改状态", 10), Column("逾期", 8), Column("发现人", 12), Column("发现时间", 18),
           Column("关闭时间", 18)]


async def export_findings(session: AsyncSession, *, principal: Principal, unit_id: int | None, source: str | None,
                          status: str | None, severity: str | None) -> bytes:
    """整改台账: the findings the caller may see, as a workbook with Chinese headers and names."""
    unit = await unit_or_404(session, unit_id) if unit_id is not None else None
    stmt = _query(principal, unit=unit, source=source, source_id=None, status=status, severity=severity)
    rows = list((await session.execute(stmt.order_by(Finding.id).limit(20000))).scalars().all())
    reads = await _reads(session, rows)
    wb = Workbook()
    add_table(wb, "整改台账", COLUMNS, first=True, rows=[
        (r.id, SOURCE_ZH.get(r.source, r.source), r.source_id, r.unit_name, r.title, SEVERITY_ZH.get(r.severity),
         FINDING_STATUS_ZH.get(r.status, r.status), r.owner_name, r.action_due, ACTION_STATUS_ZH.get(r.action_status),
         "是" if r.action_overdue else "否", r.raised_by_name, _local(r.created_at),
         _local(r.closed_at) if r.closed_at else None) for r in reads])
    return workbook_bytes(wb)


def _local(moment: datetime) -> datetime:
    """A time as the company reads it (a workbook cell holds no time zone)."""
    return clock.local(moment).replace(tzinfo=None)


def check_severity(value: str) -> None:
    if value not in SEVERITY_ZH:
        raise Invalid(f"Unknown severity {value!r}.", field="severity", zh="严重程度只能是一般、较重或严重。")
