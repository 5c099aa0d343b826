"""Special audits (专项审计): the rules of each step and who may take it.

Life: draft 立项 → noticed 审计通知 → fieldwork 现场审计 → draft_report 审计报告征求意见稿 →
responded 被审计单位意见 → final 终稿.

Authority (docs/supervision.md "Special audits"):
- 立项 (create, edit the draft) and issuing the notice: **assess** (考核权) over every audited unit;
- fieldwork (start it, record findings, upload working papers): the audit team (leader and members, by
  user id); the draft report and the final report: the team leader;
- the audited unit's response: a holder of **plan** (计划权) over the first audited unit who is not on the
  audit team (the auditors never answer for the audited);
- the final report comes after the response, or once the response deadline has passed without one;
  each disputed finding is then kept (with the leader's reasoning) or withdrawn (its 整改 is closed
  through the action mechanism: ``findings.service.withdraw_finding``).

Every step checks everything before it changes anything (a refused request changes nothing), is
written to the audit chain with the grant that allowed it (none for the team's own steps: membership
is what allows them) and is announced as ``kpi.audit.<step>``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from fastapi import Response, UploadFile
from openpyxl import Workbook
from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import paginate
from services.common.authz import Grant, Principal, Right
from services.common.db import utcnow
from services.common.files import FileStore, download_response, file_response
from services.common.guards import Allowed, Place, authorize
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.common.runtime import Runtime
from services.common.scoping import visible_to
from services.common.sheets import Column, add_table, workbook_bytes
from services.kpi.audits.schemas import (
    AuditCreate,
    AuditDetail,
    AuditDraftReport,
    AuditFinal,
    AuditFindingCreate,
    AuditNotice,
    AuditRead,
    AuditResponse,
    AuditUpdate,
    Member,
    ScopeUnit,
    TeamMember,
)
from services.kpi.events import AuditData
from services.kpi.files.schemas import FileRead
from services.kpi.files.service import files_of, store_upload
from services.kpi.findings.schemas import SEVERITY_ZH, FindingRead
from services.kpi.findings.service import default_owner, findings_of, record_finding, withdraw_finding
from services.kpi.journal import journal
from services.kpi.lookups import unit_or_404, unit_or_422
from services.kpi.models import Audit, AuditScope, Finding, KpiFile, OrgUnit

STATUS_ZH = {"draft": "立项", "noticed": "已发审计通知", "fieldwork": "现场审计", "draft_report": "征求意见",
             "responded": "已反馈意见", "final": "已出终稿"}
NEXT_STEP = {"draft": "notice", "noticed": "fieldwork", "fieldwork": "draft_report", "draft_report": "response",
             "responded": "final"}
FILE_OWNER = "audit"  # working papers are kpi files owned by ("audit", audit id)

# Checks the caller's If-Match against the audit's current version (the router reads the header).
VersionCheck = Callable[[Audit], None]


# --- reading ---------------------------------------------------------------------------------

async def _scope(session: AsyncSession, audit_ids: Sequence[int]) -> dict[int, list[ScopeUnit]]:
    if not audit_ids:
        return {}
    rows = (await session.execute(
        select(AuditScope.audit_id, AuditScope.unit_id, AuditScope.unit_path, OrgUnit.name)
        .outerjoin(OrgUnit, OrgUnit.id == AuditScope.unit_id)
        .where(AuditScope.audit_id.in_(list(audit_ids))).order_by(AuditScope.audit_id, AuditScope.position))).all()
    out: dict[int, list[ScopeUnit]] = {i: [] for i in audit_ids}
    for audit_id, unit_id, path, name in rows:
        out[audit_id].append(ScopeUnit(unit_id=unit_id, unit_path=path, unit_name=name or str(unit_id)))
    return out


def _read(a: Audit, units: list[ScopeUnit]) -> AuditRead:
    overdue = a.status == "draft_report" and _response_overdue(a)
    return AuditRead(
        id=a.id, title=a.title, topic=a.topic, units=units, unit_id=a.unit_id, unit_path=a.unit_path,
        period_start=a.period_start, period_end=a.period_end, leader=Member(user_id=a.leader_id, name=a.leader_name),
        members=[Member(user_id=m["user_id"], name=m["name"]) for m in a.members or []],
        planned_start=a.planned_start, planned_end=a.planned_end, status=a.status,
        next_step=NEXT_STEP.get(a.status), notice_text=a.notice_text, response_due=a.response_due,
        response_overdue=overdue, noticed_at=a.noticed_at, noticed_by=a.noticed_by, fieldwork_at=a.fieldwork_at,
        draft_report=a.draft_report, draft_at=a.draft_at, responses=list(a.responses or []),
        response_note=a.response_note, responded_by=a.responded_by, responded_at=a.responded_at,
        final_report=a.final_report, resolutions=list(a.resolutions or []), finalised_at=a.finalised_at,
        created_by=a.created_by, created_at=a.created_at, version=a.version)


async def audit_read(session: AsyncSession, a: Audit) -> AuditRead:
    return _read(a, (await _scope(session, [a.id]))[a.id])


def _data(out: AuditRead) -> AuditData:
    return AuditData(
        id=out.id, title=out.title, topic=out.topic, unit_id=out.unit_id, unit_path=out.unit_path,
        unit_ids=[u.unit_id for u in out.units], period_start=out.period_start.isoformat(),
        period_end=out.period_end.isoformat(), leader_id=out.leader.user_id, leader_name=out.leader.name,
        member_ids=[m.user_id for m in out.members], planned_start=out.planned_start.isoformat(),
        planned_end=out.planned_end.isoformat(), status=out.status,
        response_due=out.response_due.isoformat() if out.response_due else None, responses=out.responses,
        resolutions=out.resolutions, version=out.version)


def on_team(principal: Principal, a: Audit) -> bool:
    uid = principal.user_id
    return uid is not None and (uid == a.leader_id or any(m["user_id"] == uid for m in a.members or []))


def _visible(principal: Principal) -> Any:
    """Audits the caller may see: view over any audited unit, or on its team, or its creator."""
    clauses = [exists(select(AuditScope.id).where(AuditScope.audit_id == Audit.id,
                                                  visible_to(principal, "view", AuditScope.unit_path))),
               Audit.created_by == principal.sub]
    if principal.user_id is not None:
        clauses.append(Audit.team.contains(f",{principal.user_id},", autoescape=True))
    return or_(*clauses)


def _team_key(leader_id: int, members: Sequence[dict[str, Any]]) -> str:
    return "," + ",".join(str(i) for i in [leader_id, *(m["user_id"] for m in members)]) + ","


async def list_audits(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                      status: str | None, unit_id: int | None, year: int | None,
                      q: str | None) -> tuple[list[AuditRead], str | None]:
    stmt = _filtered(principal, status=status, year=year, q=q)
    if unit_id is not None:
        unit = await unit_or_404(session, unit_id)
        stmt = stmt.where(exists(select(AuditScope.id).where(
            AuditScope.audit_id == Audit.id, AuditScope.unit_path.startswith(unit.path, autoescape=True))))
    rows, nxt = await paginate(session, stmt, Audit.id, limit=limit, cursor=cursor)
    scopes = await _scope(session, [a.id for a in rows])
    return [_read(a, scopes[a.id]) for a in rows if _may_see(principal, a, scopes[a.id])], nxt


def _filtered(principal: Principal, *, status: str | None, year: int | None, q: str | None) -> Any:
    stmt = select(Audit).where(_visible(principal))
    if status:
        stmt = stmt.where(Audit.status == status)
    if year is not None:
        stmt = stmt.where(Audit.planned_start >= date(year, 1, 1), Audit.planned_start <= date(year, 12, 31))
    if q:
        stmt = stmt.where(or_(Audit.title.contains(q, autoescape=True), Audit.topic.contains(q, autoescape=True)))
    return stmt


def _may_see(principal: Principal, a: Audit, units: list[ScopeUnit]) -> bool:
    return on_team(principal, a) or a.created_by == principal.sub or \
        any(principal.can("view", u.unit_path) for u in units)


async def _require_visible(session: AsyncSession, principal: Principal, a: Audit) -> list[ScopeUnit]:
    units = (await _scope(session, [a.id]))[a.id]
    if not _may_see(principal, a, units):
        authorize(principal, Place(a.unit_path, units[0].unit_name if units else "this audit's unit"), Right.view)
    return units


async def get_audit(session: AsyncSession, *, principal: Principal, a: Audit) -> AuditDetail:
    """The audit with its findings (and their 整改) and working papers: for holders of view over any
    audited unit, its team and whoever created it."""
    units = await _require_visible(session, principal, a)
    findings = await findings_of(session, "audit", a.id)
    # working papers are fetched through the audit (the team may lack view over the unit)
    files = [f.model_copy(update={"url": f"/api/kpi/audits/{a.id}/files/{f.id}"})
             for f in await files_of(session, FILE_OWNER, a.id)]
    return AuditDetail(**_read(a, units).model_dump(), findings=findings, files=files)


async def paper(session: AsyncSession, rt: Runtime, *, principal: Principal, a: Audit, file_id: int,
                inline: bool) -> Response:
    """A working paper's bytes, to whoever may see the audit (its team included)."""
    await _require_visible(session, principal, a)
    f = await session.get(KpiFile, file_id)
    if f is None or f.owner_kind != FILE_OWNER or f.owner_id != a.id:
        raise NotFound("This audit has no such working paper.", zh="本次审计没有这份底稿。")
    return await file_response(FileStore.for_settings(rt.settings), f, inline=inline)


async def awaiting_me(session: AsyncSession, *, principal: Principal) -> list[AuditRead]:
    """Audits whose next step is the caller's (the inbox's ``audit_steps``): a draft they may notify
    (assess over every audited unit), fieldwork of a team they are on, the draft report or the
    final report when they lead, the response of a unit they hold plan over."""
    rows = (await session.execute(select(Audit).where(_visible(principal), Audit.status != "final")
                                  .order_by(Audit.id))).scalars().all()
    scopes = await _scope(session, [a.id for a in rows])
    return [_read(a, scopes[a.id]) for a in rows if _waits_on(principal, a, scopes[a.id])]


def _waits_on(principal: Principal, a: Audit, units: list[ScopeUnit]) -> bool:
    uid = principal.user_id
    if a.status == "draft":
        return bool(units) and all(principal.can("assess", u.unit_path) for u in units)
    if a.status in ("noticed", "fieldwork"):
        return on_team(principal, a)
    if a.status == "draft_report":
        return (principal.can("plan", a.unit_path) and not on_team(principal, a)) or \
            (uid == a.leader_id and _response_overdue(a))
    if a.status == "responded":
        return uid == a.leader_id
    return False


def _response_overdue(a: Audit) -> bool:
    return a.response_due is not None and a.response_due < clock.today()


# --- authority -------------------------------------------------------------------------------

def _assess_all(principal: Principal, units: Sequence[OrgUnit | ScopeUnit]) -> Grant:
    """The grant over the first unit when the caller holds assess over every audited unit."""
    grants = [authorize(principal, Place(_path(u), _name(u)), Right.assess) for u in units]
    return grants[0]


def _path(u: OrgUnit | ScopeUnit) -> str:
    return u.path if isinstance(u, OrgUnit) else u.unit_path


def _name(u: OrgUnit | ScopeUnit) -> str:
    return u.name if isinstance(u, OrgUnit) else u.unit_name


def _team_member(principal: Principal, a: Audit) -> None:
    if not on_team(principal, a):
        raise Forbidden("Only the audit team (its leader and members) takes this step.",
                        zh="只有审计组成员（组长和组员）才能办理此步骤。")


def _leader(principal: Principal, a: Audit) -> None:
    if principal.user_id is None or principal.user_id != a.leader_id:
        raise Forbidden("Only the audit team's leader takes this step.", leader_id=a.leader_id,
                        zh=f"只有审计组组长（{a.leader_name}）才能办理此步骤。")


def _in_status(a: Audit, *statuses: str, doing: str, doing_zh: str) -> None:
    if a.status not in statuses:
        need = "、".join(STATUS_ZH[s] for s in statuses)
        raise Conflict(f"The audit is {a.status}; {doing} only when it is {' or '.join(statuses)}.",
                       stage=a.status, zh=f"该审计处于“{STATUS_ZH.get(a.status, a.status)}”阶段；"
                                           f"只有在“{need}”阶段才能{doing_zh}。")


def _check_dates(start: date, end: date, *, field: str, what_zh: str) -> None:
    if end < start:
        raise Invalid(f"{field} ends before it starts.", field=field, zh=f"{what_zh}的结束日期早于开始日期。")


def _team(leader: TeamMember, members: Sequence[TeamMember]) -> list[dict[str, Any]]:
    seen = {leader.user_id}
    out = []
    for m in members:
        if m.user_id in seen:
            raise Invalid(f"User {m.user_id} is named twice in the team.", field="members",
                          zh=f"审计组中用户 {m.user_id} 重复出现（组长不必再列为组员）。")
        seen.add(m.user_id)
        out.append({"user_id": m.user_id, "name": m.name})
    return out


# --- 立项 and the notice ----------------------------------------------------------------------

async def create_audit(session: AsyncSession, *, principal: Principal, body: AuditCreate) -> AuditRead:
    if len(set(body.unit_ids)) != len(body.unit_ids):
        raise Invalid("A unit is named twice in the scope.", field="unit_ids", zh="审计范围中有重复的单位。")
    units = [await unit_or_422(session, uid, field="unit_ids") for uid in body.unit_ids]
    grant = _assess_all(principal, units)
    _check_dates(body.period_start, body.period_end, field="period_end", what_zh="审计期间")
    _check_dates(body.planned_start, body.planned_end, field="planned_end", what_zh="计划日期")
    members = _team(body.leader, body.members)
    a = Audit(title=body.title, topic=body.topic, unit_id=units[0].id, unit_path=units[0].path,
              period_start=body.period_start, period_end=body.period_end, leader_id=body.leader.user_id,
              leader_name=body.leader.name, members=members, planned_start=body.planned_start,
              planned_end=body.planned_end, created_by=principal.sub, responses=[], resolutions=[],
              team=_team_key(body.leader.user_id, members))
    session.add(a)
    await session.flush()
    for i, u in enumerate(units):
        session.add(AuditScope(audit_id=a.id, position=i, unit_id=u.id, unit_path=u.path))
    await session.flush()
    return await _record(session, principal, a, grant, "audit.created", "kpi.audit.created", before=None)


async def update_audit(session: AsyncSession, *, principal: Principal, a: Audit, body: AuditUpdate,
                       check_version: VersionCheck) -> AuditRead:
    units = (await _scope(session, [a.id]))[a.id]
    grant = _assess_all(principal, units)
    check_version(a)
    _in_status(a, "draft", doing="it can be edited", doing_zh="修改立项信息")
    changes = body.model_dump(exclude_unset=True)
    for key in ("title", "period_start", "period_end", "planned_start", "planned_end", "leader"):
        if key in changes and changes[key] is None:
            raise Invalid(f"{key} cannot be emptied.", field=key, zh="该字段不能清空。")
    leader = body.leader or TeamMember(user_id=a.leader_id, name=a.leader_name)
    members = body.members if body.members is not None else \
        [TeamMember(user_id=m["user_id"], name=m["name"]) for m in a.members or []]
    team = _team(leader, members)
    _check_dates(body.period_start or a.period_start, body.period_end or a.period_end, field="period_end",
                 what_zh="审计期间")
    _check_dates(body.planned_start or a.planned_start, body.planned_end or a.planned_end, field="planned_end",
                 what_zh="计划日期")
    before = _read(a, units).model_dump(mode="json")
    for key in ("title", "topic", "period_start", "period_end", "planned_start", "planned_end"):
        if key in changes:
            setattr(a, key, changes[key])
    a.leader_id, a.leader_name, a.members = leader.user_id, leader.name, team
    a.team = _team_key(leader.user_id, team)
    await session.flush()
    out = await audit_read(session, a)
    await journal.audit(session, actor=principal, action="audit.updated", subject_type="audit", subject_id=a.id,
                        unit_path=a.unit_path, grant=grant, before=before, after=out.model_dump(mode="json"))
    return out


async def issue_notice(session: AsyncSession, *, principal: Principal, a: Audit, body: AuditNotice,
                       check_version: VersionCheck) -> AuditRead:
    """审计通知: to the audited units, with its text and the deadline of their response."""
    units = (await _scope(session, [a.id]))[a.id]
    grant = _assess_all(principal, units)
    check_version(a)
    _in_status(a, "draft", doing="the notice is issued", doing_zh="发出审计通知")
    if body.response_due < clock.today():
        raise Invalid("The response deadline is in the past.", field="response_due", zh="反馈截止日期不能早于今天。")
    before = _read(a, units).model_dump(mode="json")
    a.status, a.notice_text, a.response_due = "noticed", body.notice_text, body.response_due
    a.noticed_at, a.noticed_by = utcnow(), principal.sub
    return await _record(session, principal, a, grant, "audit.noticed", "kpi.audit.noticed", before=before)


# --- fieldwork -------------------------------------------------------------------------------

async def start_fieldwork(session: AsyncSession, *, principal: Principal, a: Audit,
                          check_version: VersionCheck) -> AuditRead:
    _team_member(principal, a)
    check_version(a)
    _in_status(a, "noticed", doing="fieldwork starts", doing_zh="开始现场审计")
    before = (await audit_read(session, a)).model_dump(mode="json")
    a.status, a.fieldwork_at = "fieldwork", utcnow()
    return await _record(session, principal, a, None, "audit.fieldwork_started", "kpi.audit.fieldwork_started",
                         before=before)


async def record_audit_finding(session: AsyncSession, rt: Runtime, *, principal: Principal, a: Audit,
                               body: AuditFindingCreate) -> FindingRead:
    """A finding of the team during fieldwork, about one audited unit; it becomes a 整改 action (owner:
    the unit's head unless named), verified by whoever recorded it."""
    _team_member(principal, a)
    _in_status(a, "fieldwork", doing="findings are recorded", doing_zh="记录审计发现")
    units = (await _scope(session, [a.id]))[a.id]
    unit_id = body.unit_id if body.unit_id is not None else a.unit_id
    if unit_id not in {u.unit_id for u in units}:
        raise Invalid(f"Unit {unit_id} is not audited by this audit.", field="unit_id",
                      zh=f"编号为 {unit_id} 的单位不在本次审计范围内。")
    if body.due < clock.today():
        raise Invalid("The rectification deadline is in the past.", field="due", zh="整改期限不能早于今天。")
    unit = await unit_or_422(session, unit_id)
    owner_id: int | None = body.owner_id
    owner_name = body.owner_name or ""
    if owner_id is None:
        owner_id, owner_name = await default_owner(rt, unit)
    return await record_finding(session, principal=principal, grant=None, source="audit", source_id=a.id,
                                source_ref=None, unit=unit, title=body.title, description=body.description,
                                severity=body.severity, owner_id=owner_id, owner_name=owner_name, due=body.due,
                                risk=body.risk)


async def upload_paper(session: AsyncSession, rt: Runtime, *, principal: Principal, a: Audit,
                       upload: UploadFile) -> FileRead:
    """A working paper (审计底稿) or other file of the team, from the notice until the final report."""
    _team_member(principal, a)
    _in_status(a, "noticed", "fieldwork", "draft_report", "responded", doing="working papers are added",
               doing_zh="上传审计底稿")
    out = await store_upload(session, rt, principal=principal, upload=upload, owner_kind=FILE_OWNER,
                             owner_id=a.id, unit_path=a.unit_path)
    await journal.audit(session, actor=principal, action="audit.file_added", subject_type="audit", subject_id=a.id,
                        unit_path=a.unit_path, after=out.model_dump(mode="json"))
    return out


# --- reports and the response ----------------------------------------------------------------

async def issue_draft(session: AsyncSession, *, principal: Principal, a: Audit, body: AuditDraftReport,
                      check_version: VersionCheck) -> AuditRead:
    """审计报告征求意见稿: the leader sends the draft to the audited unit for its response."""
    _leader(principal, a)
    check_version(a)
    _in_status(a, "fieldwork", doing="the draft report is issued", doing_zh="出具征求意见稿")
    before = (await audit_read(session, a)).model_dump(mode="json")
    a.status, a.draft_report, a.draft_at = "draft_report", body.report, utcnow()
    return await _record(session, principal, a, None, "audit.draft_issued", "kpi.audit.draft_issued", before=before)


async def respond(session: AsyncSession, *, audit: Allowed[Audit], body: AuditResponse,
                  check_version: VersionCheck) -> AuditRead:
    """被审计单位意见: accept or dispute (with a reason) each finding, once (plan over the first audited unit)."""
    a, principal = audit.item, audit.principal
    if on_team(principal, a):  # the audited answer the auditors, never the auditors themselves
        raise Forbidden("The audit team cannot answer its own draft report for the audited unit.",
                        zh="审计组成员不能代被审计单位反馈意见。")
    check_version(a)
    _in_status(a, "draft_report", doing="the audited unit responds", doing_zh="反馈被审计单位意见")
    findings = {f.id for f in await findings_of(session, "audit", a.id)}
    given = [r.finding_id for r in body.responses]
    if len(set(given)) != len(given):
        raise Invalid("A finding is answered twice.", field="responses", zh="同一审计发现不能重复反馈。")
    unknown = sorted(set(given) - findings)
    if unknown:
        raise Invalid(f"Findings {unknown} are not this audit's.", field="responses",
                      zh=f"审计发现 {unknown} 不属于本次审计。")
    missing = sorted(findings - set(given))
    if missing:
        raise Invalid(f"Every finding needs an answer; missing: {missing}.", field="responses",
                      zh=f"每条审计发现都需反馈意见；缺少：{missing}。")
    for r in body.responses:
        if r.verdict == "dispute" and not r.reason.strip():
            raise Invalid(f"Disputing finding {r.finding_id} needs a reason.", field="reason",
                          zh=f"对审计发现 {r.finding_id} 有异议时须说明理由。")
    before = (await audit_read(session, a)).model_dump(mode="json")
    a.responses = [{"finding_id": r.finding_id, "verdict": r.verdict, "reason": r.reason.strip()}
                   for r in body.responses]
    a.response_note, a.status = body.note, "responded"
    a.responded_by, a.responded_at = principal.sub, utcnow()
    return await _record(session, principal, a, audit.grant, "audit.responded", "kpi.audit.responded",
                         before=before)


async def finalise(session: AsyncSession, *, principal: Principal, a: Audit, body: AuditFinal,
                   check_version: VersionCheck) -> AuditRead:
    """终稿: by the leader after the response (or once its deadline has passed without one); every disputed
    finding is kept, with the leader's reasoning, or withdrawn (its 整改 closed)."""
    _leader(principal, a)
    check_version(a)
    if a.status == "draft_report" and not _response_overdue(a):
        raise Conflict("The audited unit has not responded and its deadline has not passed.",
                       response_due=a.response_due.isoformat() if a.response_due else None,
                       zh=f"被审计单位尚未反馈意见，且反馈截止日期（{a.response_due}）未到，暂不能出具终稿。")
    _in_status(a, "responded", "draft_report", doing="the final report is issued", doing_zh="出具终稿")
    disputed = {r["finding_id"] for r in a.responses or [] if r["verdict"] == "dispute"}
    given = [r.finding_id for r in body.resolutions]
    if len(set(given)) != len(given):
        raise Invalid("A finding is resolved twice.", field="resolutions", zh="同一审计发现不能重复处理。")
    stray = sorted(set(given) - disputed)
    if stray:
        raise Invalid(f"Only disputed findings are resolved; {stray} are not disputed.", field="resolutions",
                      zh=f"只有被审计单位有异议的审计发现需要处理；{stray} 没有异议。")
    missing = sorted(disputed - set(given))
    if missing:
        raise Invalid(f"Every disputed finding is kept or withdrawn; missing: {missing}.", field="resolutions",
                      zh=f"每条有异议的审计发现都须决定维持或撤销；缺少：{missing}。")
    before = (await audit_read(session, a)).model_dump(mode="json")
    for r in body.resolutions:
        if r.decision == "withdraw":
            finding = await session.get(Finding, r.finding_id)
            assert finding is not None  # it is one of this audit's (disputed ones were checked above)
            await withdraw_finding(session, principal=principal, grant=None, finding=finding, reason=r.reasoning)
    a.resolutions = [r.model_dump() for r in body.resolutions]
    a.final_report, a.status, a.finalised_at = body.report, "final", utcnow()
    return await _record(session, principal, a, None, "audit.finalised", "kpi.audit.finalised", before=before)


async def _record(session: AsyncSession, principal: Principal, a: Audit, grant: Grant | None, action: str,
                  event: str, *, before: dict[str, Any] | None) -> AuditRead:
    await session.flush()
    out = await audit_read(session, a)
    await journal.audit(session, actor=principal, action=action, subject_type="audit", subject_id=a.id,
                        unit_path=a.unit_path, grant=grant, before=before, after=out.model_dump(mode="json"))
    await journal.emit(session, event, a.id, _data(out), a.unit_path)
    return out


# --- the register as a workbook --------------------------------------------------------------

async def export_register(session: AsyncSession, *, principal: Principal, status: str | None, year: int | None,
                          q: str | None) -> Response:
    """审计台账: every audit the caller may see, with its findings counted by severity and 整改 status."""
    rows = (await session.execute(_filtered(principal, status=status, year=year, q=q).order_by(Audit.id))) \
        .scalars().all()
    scopes = await _scope(session, [a.id for a in rows])
    lines = []
    for a in rows:
        units = scopes[a.id]
        if not _may_see(principal, a, units):
            continue
        findings = await findings_of(session, "audit", a.id)
        by_severity = "，".join(f"{SEVERITY_ZH[s]} {n}" for s in SEVERITY_ZH
                               if (n := sum(1 for f in findings if f.severity == s)))
        open_count = sum(1 for f in findings if f.status == "open")
        disputed = sum(1 for r in a.responses or [] if r["verdict"] == "dispute")
        withdrawn = sum(1 for r in a.resolutions or [] if r["decision"] == "withdraw")
        lines.append([a.id, a.title, a.topic, "、".join(u.unit_name for u in units),
                      f"{a.period_start} 至 {a.period_end}", a.leader_name,
                      "、".join(m["name"] for m in a.members or []), a.planned_start, a.planned_end,
                      STATUS_ZH.get(a.status, a.status), a.response_due, len(findings), by_severity, open_count,
                      disputed, withdrawn, a.finalised_at.date() if a.finalised_at else None])
    wb = Workbook()
    add_table(wb, "审计台账", [
        Column("编号", 8), Column("审计名称", 30), Column("审计事项", 30), Column("被审计单位", 24),
        Column("审计期间", 24), Column("审计组长", 12), Column("审计组员", 20), Column("计划开始", 12),
        Column("计划结束", 12), Column("阶段", 12), Column("反馈截止", 12), Column("发现数", 8),
        Column("按严重程度", 20), Column("未关闭整改", 10), Column("有异议", 8), Column("已撤销", 8),
        Column("终稿日期", 12)], lines, first=True)
    return download_response(workbook_bytes(wb), f"审计台账-{clock.today().isoformat()}.xlsx", fallback="audits")

