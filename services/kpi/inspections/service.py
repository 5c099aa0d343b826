"""On-site inspections (实地检查): checklist templates, scheduled inspections, results, evidence, findings.

Authority (docs/supervision.md, "Inspections"):
- templates are guidance: guide (指导权) over the owning unit creates, revises and retires them; anyone
  signed in with view somewhere in the company reads the active ones;
- scheduling an inspection of a unit (one-off or recurring) needs assess (考核权) over it; the scheduler
  (assess over the unit) also reassigns and cancels;
- the inspector is an org position: whoever holds it (a grant via ``position:<id>`` in their token)
  records results, uploads evidence, records findings and submits.

On submit every failed item without a finding gets one (``findings.service.record_finding``: the finding
and its 整改 action, owned by the unit's head), the unit's monthly ``inspection_pass_rate`` is written
through the normal ingest, and a recurring schedule generates its next inspection.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi import UploadFile
from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import paginate
from services.common.authz import Grant, Principal, Right, holds_position, path_matches
from services.common.db import utcnow
from services.common.guards import Allowed, Place, authorize
from services.common.problems import Conflict, Forbidden, Invalid
from services.common.runtime import Runtime
from services.common.scoping import visible_to
from services.kpi.actions.followups import org_holders
from services.kpi.events import InspectionData
from services.kpi.files.service import files_of, store_upload
from services.kpi.findings.schemas import FindingCreate, FindingRead
from services.kpi.findings.service import default_owner, findings_of, record_finding, record_from_body
from services.kpi.indicators.library import Library
from services.kpi.inspections import scoring
from services.kpi.inspections.schemas import (
    InspectionCancel,
    InspectionCreate,
    InspectionDetail,
    InspectionItemRead,
    InspectionRead,
    InspectionSubmit,
    InspectionUpdate,
    ResultsUpdate,
    ScheduleRead,
    TemplateCreate,
    TemplateRead,
    TemplateUpdate,
)
from services.kpi.journal import journal
from services.kpi.lookups import take_turns_on, unit_or_404, unit_or_422
from services.kpi.measurements.ingest import PointIn, ingest
from services.kpi.models import ChecklistTemplate, Inspection, InspectionSchedule, OrgUnit

log = logging.getLogger("yunguan.kpi.inspections")

PASS_RATE = "inspection_pass_rate"
OPEN = ("scheduled", "in_progress")
STATUS_ZH = {"scheduled": "待检查", "in_progress": "检查中", "submitted": "已提交", "cancelled": "已取消"}
KIND_ZH = {"company": "公司", "branch": "分公司", "department": "部门", "section": "科室", "team": "小组"}
FINDING_DAYS = 14  # default deadline of the rectification a failed item raises
EVIDENCE_KIND = "inspection_item"

# Checks the caller's If-Match against the resource's current version (the router reads the header).
VersionCheck = Callable[[Any], None]


# --- who is who ------------------------------------------------------------------------------

def position_grant(principal: Principal, position_id: int) -> Grant | None:
    """The first grant the caller holds through the position (``authz.holds_position``; it goes to the audit
    chain as what allowed the step)."""
    via = f"position:{position_id}"
    return next((g for g in principal.grants if g.via == via), None)


def held_positions(principal: Principal) -> list[int]:
    return sorted({int(g.via.split(":", 1)[1]) for g in principal.grants
                   if g.via.startswith("position:") and g.via.split(":", 1)[1].isdigit()})


def _inspector(principal: Principal, i: Inspection) -> Grant:
    """The grant through which the caller holds the inspector position, else 403."""
    grant = position_grant(principal, i.inspector_position_id)
    if grant is None:
        raise Forbidden(f"Only the holder of the inspector position ({i.inspector_title}) may do this.",
                        position_id=i.inspector_position_id,
                        zh=f"只有检查岗位（{i.inspector_title}）的在岗人员才能办理此检查。")
    return grant


def _company_roots(principal: Principal) -> list[str]:
    return sorted({"/" + g.unit_path.strip("/").split("/")[0] + "/" for g in principal.grants
                   if g.right == Right.view and g.unit_path.strip("/")})


def _in_roots(roots: list[str], column: Any) -> ColumnElement[bool]:
    return or_(*[column.startswith(r, autoescape=True) for r in roots]) if roots else false()


async def _unit_names(session: AsyncSession, ids: set[int]) -> dict[int, OrgUnit]:
    if not ids:
        return {}
    return {u.id: u for u in (await session.execute(select(OrgUnit).where(OrgUnit.id.in_(sorted(ids))))).scalars()}


# --- templates -------------------------------------------------------------------------------

def template_read(t: ChecklistTemplate, unit: OrgUnit | None, used: int) -> TemplateRead:
    return TemplateRead(id=t.id, family_id=t.family_id or t.id, revision=t.revision, name=t.name,
                        description=t.description, unit_kind=t.unit_kind, unit_id=t.unit_id, unit_path=t.unit_path,
                        unit_name=unit.name if unit else "", items=list(t.items or []), status=t.status, used=used,
                        created_by=t.created_by, created_at=t.created_at, updated_at=t.updated_at, version=t.version)


async def _used(session: AsyncSession, template_ids: list[int]) -> dict[int, int]:
    if not template_ids:
        return {}
    rows = await session.execute(select(Inspection.template_id, func.count()).where(
        Inspection.template_id.in_(template_ids)).group_by(Inspection.template_id))
    return {k: v for k, v in rows.all()}  # noqa: C416 (rows, not pairs)


async def _template_reads(session: AsyncSession, rows: list[ChecklistTemplate]) -> list[TemplateRead]:
    units = await _unit_names(session, {t.unit_id for t in rows})
    used = await _used(session, [t.id for t in rows])
    return [template_read(t, units.get(t.unit_id), used.get(t.id, 0)) for t in rows]


def _can_read_template(principal: Principal, t: ChecklistTemplate) -> bool:
    return any(t.unit_path.startswith(root) for root in _company_roots(principal))


async def list_templates(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                         unit_kind: str | None, status: str | None) -> tuple[list[TemplateRead], str | None]:
    """Templates of the caller's company (view somewhere in it); active ones unless a status is asked."""
    stmt = select(ChecklistTemplate).where(_in_roots(_company_roots(principal), ChecklistTemplate.unit_path))
    stmt = stmt.where(ChecklistTemplate.status == (status or "active"))
    if unit_kind:
        stmt = stmt.where(or_(ChecklistTemplate.unit_kind == unit_kind, ChecklistTemplate.unit_kind.is_(None)))
    rows, nxt = await paginate(session, stmt, ChecklistTemplate.id, limit=limit, cursor=cursor)
    return await _template_reads(session, list(rows)), nxt


async def get_template(session: AsyncSession, *, principal: Principal, t: ChecklistTemplate) -> TemplateRead:
    if not _can_read_template(principal, t):
        authorize(principal, Place(t.unit_path, "this template's unit"), Right.view)
    return (await _template_reads(session, [t]))[0]


async def create_template(session: AsyncSession, *, principal: Principal, body: TemplateCreate) -> TemplateRead:
    unit = await unit_or_422(session, body.unit_id)
    grant = authorize(principal, Place(unit.path, unit.name), Right.guide)
    t = ChecklistTemplate(name=body.name, description=body.description, unit_kind=body.unit_kind, unit_id=unit.id,
                          unit_path=unit.path, items=[i.model_dump() for i in body.items], status="active",
                          revision=1, created_by=principal.sub)
    session.add(t)
    await session.flush()
    t.family_id = t.id
    await session.flush()
    out = template_read(t, unit, 0)
    await journal.audit(session, actor=principal, action="inspection_template.created",
                        subject_type="inspection_template", subject_id=t.id, unit_path=unit.path, grant=grant,
                        after=out.model_dump(mode="json"))
    return out


def _active(t: ChecklistTemplate) -> None:
    if t.status != "active":
        raise Conflict(f"Only the active revision of a template can change; this one is {t.status}.",
                       zh="只有现行版本的检查表才能修改或停用；这一版本已被替代或停用。")


async def update_template(session: AsyncSession, *, template: Allowed[ChecklistTemplate], body: TemplateUpdate,
                          check_version: VersionCheck) -> TemplateRead:
    """Edit a template; once inspections used it, the edit is a new revision and this one is superseded."""
    t = template.item
    check_version(t)
    _active(t)
    changes = body.model_dump(exclude_unset=True)
    for k in ("name", "items"):
        if k in changes and changes[k] is None:
            changes.pop(k)
    used = (await _used(session, [t.id])).get(t.id, 0)
    before = template_read(t, None, used).model_dump(mode="json")
    target = t
    if used:
        t.status = "superseded"
        target = ChecklistTemplate(family_id=t.family_id or t.id, revision=t.revision + 1, name=t.name,
                                   description=t.description, unit_kind=t.unit_kind, unit_id=t.unit_id,
                                   unit_path=t.unit_path, items=list(t.items or []), status="active",
                                   created_by=template.principal.sub)
        session.add(target)
    for k, v in changes.items():
        setattr(target, k, v)
    await session.flush()
    unit = await session.get(OrgUnit, target.unit_id)
    out = template_read(target, unit, 0 if used else used)
    await journal.audit(session, actor=template.principal,
                        action="inspection_template.revised" if used else "inspection_template.updated",
                        subject_type="inspection_template", subject_id=target.id, unit_path=t.unit_path,
                        grant=template.grant, before=before, after=out.model_dump(mode="json"))
    return out


async def retire_template(session: AsyncSession, *, template: Allowed[ChecklistTemplate],
                          check_version: VersionCheck) -> TemplateRead:
    """No new inspections with it; scheduled ones and schedules keep their copy of the items."""
    t = template.item
    check_version(t)
    _active(t)
    t.status = "retired"
    await session.flush()
    out = (await _template_reads(session, [t]))[0]
    await journal.audit(session, actor=template.principal, action="inspection_template.retired",
                        subject_type="inspection_template", subject_id=t.id, unit_path=t.unit_path,
                        grant=template.grant, after=out.model_dump(mode="json"))
    return out


async def _current_revision(session: AsyncSession, family_id: int) -> ChecklistTemplate | None:
    return (await session.execute(select(ChecklistTemplate).where(
        ChecklistTemplate.family_id == family_id, ChecklistTemplate.status == "active"))).scalars().first()


# --- reading inspections -------------------------------------------------------------------------

def inspection_data(i: Inspection) -> dict[str, Any]:
    return {"id": i.id, "template_id": i.template_id, "template_name": i.template_name,
            "template_revision": i.template_revision, "unit_id": i.unit_id, "unit_path": i.unit_path,
            "inspector_position_id": i.inspector_position_id, "inspector_title": i.inspector_title,
            "due": i.due.isoformat(), "schedule_id": i.schedule_id, "status": i.status, "score": i.score,
            "passed_items": i.passed_items, "failed_items": i.failed_items, "scored_items": i.scored_items,
            "period": i.period, "submitted_at": i.submitted_at.isoformat() if i.submitted_at else None,
            "submitted_by": i.submitted_by, "cancel_reason": i.cancel_reason or None, "version": i.version}


def _read(i: Inspection, *, principal: Principal, unit: OrgUnit | None, frequency: str) -> InspectionRead:
    summary = scoring.summarise(list(i.items or []), dict(i.results or {}))
    held = holds_position(principal, i.inspector_position_id)
    return InspectionRead(
        id=i.id, template_id=i.template_id, template_name=i.template_name, template_revision=i.template_revision,
        unit_id=i.unit_id, unit_path=i.unit_path, unit_name=unit.name if unit else "",
        inspector_position_id=i.inspector_position_id, inspector_title=i.inspector_title, due=i.due,
        overdue=i.status in OPEN and i.due < clock.today(), schedule_id=i.schedule_id, frequency=frequency,
        status=i.status, score=i.score if i.status == "submitted" else summary.score, passed_items=summary.passed,
        failed_items=summary.failed, scored_items=summary.scored, answered_items=summary.answered,
        total_items=len(i.items or []), note=i.note, scheduled_by=i.scheduled_by, started_at=i.started_at,
        submitted_at=i.submitted_at, submitted_by=i.submitted_by, submitted_by_name=i.submitted_by_name,
        cancelled_at=i.cancelled_at, cancel_reason=i.cancel_reason, is_inspector=held,
        can_manage=principal.can(Right.assess, i.unit_path), created_at=i.created_at, version=i.version)


async def _frequencies(session: AsyncSession, schedule_ids: set[int]) -> dict[int, str]:
    if not schedule_ids:
        return {}
    rows = await session.execute(select(InspectionSchedule.id, InspectionSchedule.frequency).where(
        InspectionSchedule.id.in_(sorted(schedule_ids))))
    return {k: v for k, v in rows.all()}  # noqa: C416 (rows, not pairs)


async def _reads(session: AsyncSession, principal: Principal, rows: list[Inspection]) -> list[InspectionRead]:
    units = await _unit_names(session, {i.unit_id for i in rows})
    freq = await _frequencies(session, {i.schedule_id for i in rows if i.schedule_id})
    return [_read(i, principal=principal, unit=units.get(i.unit_id), frequency=freq.get(i.schedule_id or 0, "once"))
            for i in rows]


async def detail(session: AsyncSession, *, principal: Principal, i: Inspection) -> InspectionDetail:
    base = (await _reads(session, principal, [i]))[0]
    files = {f.id: f for f in await files_of(session, EVIDENCE_KIND, i.id)}
    findings: list[FindingRead] = await findings_of(session, "inspection", i.id)
    by_ref = {f.source_ref: f.id for f in findings if f.source_ref}
    results = dict(i.results or {})
    items = []
    for item in i.items or []:
        r = results.get(item["key"]) or {}
        items.append(InspectionItemRead(
            key=item["key"], text=item["text"], criterion=item.get("criterion", ""),
            weight=float(item.get("weight") or 1.0), kind=item.get("kind", "pass_fail"),
            max_score=item.get("max_score"), pass_score=item.get("pass_score"),
            severity=item.get("severity", "minor"), outcome=r.get("outcome"), score=r.get("score"),
            note=r.get("note", ""), passed=scoring.item_passed(item, r),
            files=[files[fid] for fid in r.get("files", []) if fid in files],
            finding_id=by_ref.get(item["key"])))
    return InspectionDetail(**base.model_dump(), items=items, findings=findings)


def _may_see(principal: Principal, i: Inspection) -> bool:
    return principal.can(Right.view, i.unit_path) or holds_position(principal, i.inspector_position_id)


async def get_inspection(session: AsyncSession, *, principal: Principal, i: Inspection) -> InspectionDetail:
    """View over the unit, or the inspector position, shows an inspection."""
    if not _may_see(principal, i):
        authorize(principal, Place(i.unit_path, "this inspection's unit"), Right.view)
    return await detail(session, principal=principal, i=i)


def register_query(principal: Principal, *, unit: OrgUnit | None, status: str | None, template_id: int | None,
                   mine: bool, open_only: bool, due_before: date | None) -> Any:
    held = held_positions(principal)
    mine_clause = Inspection.inspector_position_id.in_(held) if held else false()
    stmt = select(Inspection).where(mine_clause if mine else or_(visible_to(principal, "view", Inspection.unit_path),
                                                                  mine_clause))
    if unit is not None:
        stmt = stmt.where(Inspection.unit_path.startswith(unit.path, autoescape=True))
    if status:
        stmt = stmt.where(Inspection.status == status)
    if open_only:
        stmt = stmt.where(Inspection.status.in_(OPEN))
    if template_id is not None:
        family = select(ChecklistTemplate.family_id).where(ChecklistTemplate.id == template_id).scalar_subquery()
        stmt = stmt.where(Inspection.template_id.in_(select(ChecklistTemplate.id).where(
            ChecklistTemplate.family_id == family)))
    if due_before is not None:
        stmt = stmt.where(Inspection.due <= due_before)
    return stmt


async def list_inspections(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                           unit_id: int | None, status: str | None, template_id: int | None, mine: bool,
                           open_only: bool, due_before: date | None) -> tuple[list[InspectionRead], str | None]:
    unit = await unit_or_404(session, unit_id) if unit_id is not None else None
    stmt = register_query(principal, unit=unit, status=status, template_id=template_id, mine=mine,
                          open_only=open_only, due_before=due_before)
    rows, nxt = await paginate(session, stmt, Inspection.id, limit=limit, cursor=cursor)
    return await _reads(session, principal, list(rows)), nxt


# --- scheduling ------------------------------------------------------------------------------

def _fits(t: ChecklistTemplate, unit: OrgUnit, field: str = "unit_id") -> None:
    if t.unit_kind and unit.kind != t.unit_kind:
        kind, want = KIND_ZH.get(unit.kind, unit.kind), KIND_ZH.get(t.unit_kind, t.unit_kind)
        raise Invalid(f"The template '{t.name}' is for units of kind {t.unit_kind}; {unit.name} is a {unit.kind}.",
                      field=field, zh=f"检查表“{t.name}”适用于{want}；{unit.name}是{kind}。")


async def new_inspection(session: AsyncSession, *, t: ChecklistTemplate, unit: OrgUnit, position_id: int,
                         title: str, due: date, schedule_id: int | None, by: str, note: str = "") -> Inspection:
    i = Inspection(template_id=t.id, template_name=t.name, template_revision=t.revision, items=list(t.items or []),
                   unit_id=unit.id, unit_path=unit.path, inspector_position_id=position_id, inspector_title=title,
                   due=due, schedule_id=schedule_id, status="scheduled", results={}, note=note, scheduled_by=by)
    session.add(i)
    await session.flush()
    await journal.emit(session, "kpi.inspection.scheduled", i.id, InspectionData(**inspection_data(i)), unit.path)
    return i


async def generate_next(session: AsyncSession, s: InspectionSchedule) -> Inspection | None:
    """A schedule's next inspection, unless it still has an open one (idempotent: the unique
    (schedule, due) key holds it against a concurrent caller)."""
    if not s.active:
        return None
    has_open = (await session.execute(select(Inspection.id).where(
        Inspection.schedule_id == s.id, Inspection.status.in_(OPEN)).limit(1))).first()
    if has_open:
        return None
    t = await _current_revision(session, s.template_family_id)
    unit = await session.get(OrgUnit, s.unit_id)
    if t is None or unit is None:  # the template was retired or the unit is gone: the schedule rests
        log.info("schedule has no active template or unit", extra={"fields": {"schedule_id": s.id}})
        return None
    due = s.next_due
    i = await new_inspection(session, t=t, unit=unit, position_id=s.inspector_position_id, title=s.inspector_title,
                             due=due, schedule_id=s.id, by="system")
    s.next_due = scoring.next_due(due, s.frequency, s.first_due)
    await session.flush()
    return i


async def schedule_inspection(session: AsyncSession, *, principal: Principal,
                              body: InspectionCreate) -> InspectionDetail:
    unit = await unit_or_422(session, body.unit_id)
    grant = authorize(principal, Place(unit.path, unit.name), Right.assess)
    t = await session.get(ChecklistTemplate, body.template_id)
    if t is None or (not _can_read_template(principal, t) and not principal.can(Right.view, t.unit_path)):
        raise Invalid(f"There is no checklist template with id {body.template_id}.", field="template_id",
                      zh=f"没有编号为 {body.template_id} 的检查表。")
    if t.status != "active":
        raise Invalid("This template revision is no longer in use; pick its current revision.", field="template_id",
                      zh="该检查表版本已被替代或停用，请选择现行版本。")
    _fits(t, unit)
    if body.due < clock.today():
        raise Invalid("The due date has passed.", field="due", zh="截止日期已过。")
    schedule = None
    if body.frequency != "once":
        schedule = InspectionSchedule(template_family_id=t.family_id or t.id, unit_id=unit.id, unit_path=unit.path,
                                      inspector_position_id=body.inspector_position_id,
                                      inspector_title=body.inspector_title, frequency=body.frequency,
                                      first_due=body.due, next_due=body.due, active=True, created_by=principal.sub)
        session.add(schedule)
        await session.flush()
        i = await generate_next(session, schedule)
        assert i is not None
        if body.note:
            i.note = body.note
            await session.flush()
    else:
        i = await new_inspection(session, t=t, unit=unit, position_id=body.inspector_position_id,
                                 title=body.inspector_title, due=body.due, schedule_id=None, by=principal.sub,
                                 note=body.note)
    i.scheduled_by = principal.sub
    await session.flush()
    out = await detail(session, principal=principal, i=i)
    await journal.audit(session, actor=principal, action="inspection.scheduled", subject_type="inspection",
                        subject_id=i.id, unit_path=unit.path, grant=grant,
                        after={**out.model_dump(mode="json", exclude={"items", "findings"}),
                               "schedule_id": schedule.id if schedule else None})
    return out


async def update_inspection(session: AsyncSession, *, inspection: Allowed[Inspection], body: InspectionUpdate,
                            check_version: VersionCheck) -> InspectionDetail:
    """Reassign to another position, move the due date or change the note of an open inspection."""
    i = inspection.item
    check_version(i)
    _open(i, "changed")
    changes = body.model_dump(exclude_unset=True)
    if "inspector_position_id" in changes and changes["inspector_position_id"] is not None \
            and not changes.get("inspector_title"):
        raise Invalid("Name the new inspector position's title too.", field="inspector_title",
                      zh="更换检查岗位时请同时填写岗位名称。")
    if changes.get("due") is not None and changes["due"] < clock.today():
        raise Invalid("The due date has passed.", field="due", zh="截止日期已过。")
    before = inspection_data(i)
    for k, v in changes.items():
        if v is not None:
            setattr(i, k, v)
    await session.flush()
    out = await detail(session, principal=inspection.principal, i=i)
    await journal.audit(session, actor=inspection.principal, action="inspection.updated", subject_type="inspection",
                        subject_id=i.id, unit_path=i.unit_path, grant=inspection.grant, before=before,
                        after=inspection_data(i))
    return out


def _open(i: Inspection, doing: str) -> None:
    if i.status not in OPEN:
        raise Conflict(f"Only a scheduled or ongoing inspection can be {doing}; this one is {i.status}.",
                       status_now=i.status, zh=f"只有待检查或检查中的检查才能办理；这项检查{STATUS_ZH[i.status]}。")


async def cancel_inspection(session: AsyncSession, *, inspection: Allowed[Inspection],
                            body: InspectionCancel, check_version: VersionCheck) -> InspectionDetail:
    i = inspection.item
    check_version(i)
    _open(i, "cancelled")
    before = inspection_data(i)
    i.status, i.cancelled_at, i.cancel_reason = "cancelled", utcnow(), body.reason
    await session.flush()
    data = inspection_data(i)
    await journal.audit(session, actor=inspection.principal, action="inspection.cancelled", subject_type="inspection",
                        subject_id=i.id, unit_path=i.unit_path, grant=inspection.grant, before=before, after=data)
    await journal.emit(session, "kpi.inspection.cancelled", i.id, InspectionData(**data), i.unit_path)
    if i.schedule_id:
        s = await session.get(InspectionSchedule, i.schedule_id)
        if s is not None:
            await generate_next(session, s)
    return await detail(session, principal=inspection.principal, i=i)


async def stop_schedule(session: AsyncSession, *, schedule: Allowed[InspectionSchedule],
                        check_version: VersionCheck) -> ScheduleRead:
    """No more inspections from it; the open one stays (cancel it separately)."""
    s = schedule.item
    check_version(s)
    if not s.active:
        raise Conflict("This schedule is stopped already.", zh="该检查计划已停止。")
    s.active, s.stopped_at = False, utcnow()
    await session.flush()
    out = ScheduleRead.model_validate(s, from_attributes=True)
    await journal.audit(session, actor=schedule.principal, action="inspection_schedule.stopped",
                        subject_type="inspection_schedule", subject_id=s.id, unit_path=s.unit_path,
                        grant=schedule.grant, after=out.model_dump(mode="json"))
    return out


async def list_schedules(session: AsyncSession, *, principal: Principal, limit: int,
                         cursor: str | None) -> tuple[list[ScheduleRead], str | None]:
    stmt = select(InspectionSchedule).where(visible_to(principal, "view", InspectionSchedule.unit_path))
    rows, nxt = await paginate(session, stmt, InspectionSchedule.id, limit=limit, cursor=cursor)
    return [ScheduleRead.model_validate(s, from_attributes=True) for s in rows], nxt


async def generate_due(session: AsyncSession) -> int:
    """The periodic job: every active schedule without an open inspection gets its next one."""
    made = 0
    for s in (await session.execute(select(InspectionSchedule).where(InspectionSchedule.active.is_(True))
                                    .order_by(InspectionSchedule.id))).scalars():
        if await generate_next(session, s) is not None:
            made += 1
    return made


# --- performing ------------------------------------------------------------------------------

def _item(i: Inspection, key: str, field: str = "key") -> dict[str, Any]:
    for item in i.items or []:
        if item["key"] == key:
            return dict(item)
    raise Invalid(f"This inspection's checklist has no item '{key}'.", field=field,
                  zh=f"本次检查的检查表中没有检查项“{key}”。")


def _result_of(item: dict[str, Any], outcome: str | None, score: float | None, field: str) -> tuple[str, float | None]:
    if item.get("kind") == "score":
        if outcome == "na" and score is None:
            return "na", None
        if score is None or outcome not in (None, "pass", "fail"):
            raise Invalid(f"Item '{item['key']}' is scored: give a score from 0 to {item['max_score']} (or na).",
                          field=field, zh=f"检查项“{item['text']}”按分值评定：请填写 0–{item['max_score']} 的分数"
                                          "（或标为不适用）。")
        if score > float(item["max_score"]):
            raise Invalid(f"Item '{item['key']}' scores at most {item['max_score']}.", field=field,
                          zh=f"检查项“{item['text']}”最高 {item['max_score']} 分。")
        return ("pass" if score >= scoring.pass_score(item) else "fail"), score
    if score is not None or outcome is None:
        raise Invalid(f"Item '{item['key']}' is pass/fail: give outcome pass, fail or na, no score.", field=field,
                      zh=f"检查项“{item['text']}”按合格/不合格评定：请选择合格、不合格或不适用，不填分数。")
    return outcome, None


async def record_results(session: AsyncSession, *, principal: Principal, i: Inspection, body: ResultsUpdate,
                         check_version: VersionCheck) -> InspectionDetail:
    """The inspector records results item by item (any subset, again and again until submitted)."""
    grant = _inspector(principal, i)
    check_version(i)
    _open(i, "filled in")
    results = {k: dict(v) for k, v in (i.results or {}).items()}
    now = utcnow().isoformat()
    for n, r in enumerate(body.results):
        item = _item(i, r.key, field=f"results.{n}.key")
        outcome, score = _result_of(item, r.outcome, r.score, f"results.{n}")
        old = results.get(r.key, {})
        results[r.key] = {**old, "outcome": outcome, "score": score, "note": r.note, "by": principal.sub, "at": now}
    before = inspection_data(i)
    i.results = results
    if i.status == "scheduled":
        i.status, i.started_at = "in_progress", utcnow()
    await session.flush()
    await journal.audit(session, actor=principal, action="inspection.results_recorded", subject_type="inspection",
                        subject_id=i.id, unit_path=i.unit_path, grant=grant, before=before,
                        after={**inspection_data(i), "results": [r.model_dump() for r in body.results]})
    return await detail(session, principal=principal, i=i)


async def add_evidence(session: AsyncSession, rt: Runtime, *, principal: Principal, i: Inspection, key: str,
                       upload: UploadFile, check_version: VersionCheck) -> InspectionDetail:
    """A photo or file for one item, stored by kpi and served by ``GET /files/{id}`` with access control."""
    grant = _inspector(principal, i)
    check_version(i)
    _open(i, "given evidence")
    item = _item(i, key)
    stored = await store_upload(session, rt, principal=principal, upload=upload, owner_kind=EVIDENCE_KIND,
                                owner_id=i.id, unit_path=i.unit_path)
    results = {k: dict(v) for k, v in (i.results or {}).items()}
    entry = results.get(key, {})
    entry["files"] = [*entry.get("files", []), stored.id]
    results[key] = entry
    i.results = results
    if i.status == "scheduled":
        i.status, i.started_at = "in_progress", utcnow()
    await session.flush()
    await journal.audit(session, actor=principal, action="inspection.evidence_added", subject_type="inspection",
                        subject_id=i.id, unit_path=i.unit_path, grant=grant,
                        after={"item": item["key"], "file_id": stored.id, "name": stored.name,
                               "content_type": stored.content_type, "size": stored.size})
    return await detail(session, principal=principal, i=i)


async def _finding_owner(rt: Runtime | None, unit: OrgUnit) -> tuple[int | None, str]:
    if rt is None:
        return None, ""
    return await default_owner(rt, unit)


async def add_finding(session: AsyncSession, rt: Runtime, *, principal: Principal, i: Inspection,
                      body: FindingCreate) -> FindingRead:
    """A finding the inspector records by hand (severity, owner or the unit's head, optionally a risk to raise or
    re-assess); it becomes a 整改 action like every finding."""
    grant = _inspector(principal, i)
    if i.status == "cancelled":
        raise Conflict("A cancelled inspection takes no findings.", zh="已取消的检查不能记录发现问题。")
    if body.source_ref is not None:
        _item(i, body.source_ref, field="source_ref")
    unit = await session.get(OrgUnit, i.unit_id)
    if unit is None:
        raise Conflict("The inspected unit is no longer in the org tree.", zh="被检查单位已不在组织架构中。")
    return await record_from_body(session, rt, principal=principal, grant=grant, source="inspection",
                                  source_id=i.id, unit=unit, body=body)


async def submit(session: AsyncSession, rt: Runtime | None, *, principal: Principal, i: Inspection,
                 body: InspectionSubmit, check_version: VersionCheck) -> InspectionDetail:
    """Submit a fully answered inspection: the score is fixed, failed items raise findings, the unit's
    monthly pass rate is fed to the KPI, and a schedule generates its next inspection."""
    grant = _inspector(principal, i)
    check_version(i)
    _open(i, "submitted")
    items, results = list(i.items or []), dict(i.results or {})
    missing = [item["key"] for item in items if not scoring.answered(results.get(item["key"]))]
    if missing:
        raise Invalid(f"Every item needs a result before submitting; missing: {', '.join(missing)}.",
                      field="results", missing=missing,
                      zh=f"提交前每个检查项都需要结果；尚未填写：{'、'.join(missing)}。")
    today = clock.today()
    due = body.finding_due or today + timedelta(days=FINDING_DAYS)
    if due < today:
        raise Invalid("The rectification deadline has passed.", field="finding_due", zh="整改期限已过。")
    unit = await session.get(OrgUnit, i.unit_id)
    if unit is None:
        raise Conflict("The inspected unit is no longer in the org tree.", zh="被检查单位已不在组织架构中。")
    summary = scoring.summarise(items, results)
    before = inspection_data(i)
    i.status, i.submitted_at, i.submitted_by, i.submitted_by_name = "submitted", utcnow(), principal.sub, \
        principal.name
    i.score, i.passed_items, i.failed_items, i.scored_items = summary.score, summary.passed, summary.failed, \
        summary.scored
    i.period = today.isoformat()[:7]
    await session.flush()
    have = {f.source_ref for f in await findings_of(session, "inspection", i.id) if f.source_ref}
    failed = [item for item in items if scoring.item_passed(item, results.get(item["key"])) is False
              and item["key"] not in have]
    owner: tuple[int | None, str] | None = None
    for item in failed:
        if owner is None:
            owner = await _finding_owner(rt, unit)
        r = results[item["key"]]
        said = f"检查标准：{item.get('criterion') or '—'}；检查记录：{r.get('note') or '不合格'}"
        if item.get("kind") == "score":
            said += f"（得分 {r.get('score')} / {item.get('max_score')}）"
        await record_finding(session, principal=principal, grant=grant, source="inspection", source_id=i.id,
                             source_ref=item["key"], unit=unit, title=f"{i.template_name}：{item['text']} 不合格"[:200],
                             description=said, severity=item.get("severity", "minor"), owner_id=owner[0],
                             owner_name=owner[1], due=due, risk=None)
    await feed_pass_rate(session, rt, unit=unit, period=i.period)
    data = inspection_data(i)
    await journal.audit(session, actor=principal, action="inspection.submitted", subject_type="inspection",
                        subject_id=i.id, unit_path=i.unit_path, grant=grant, before=before,
                        after={**data, "findings_raised": [item["key"] for item in failed]})
    await journal.emit(session, "kpi.inspection.submitted", i.id, InspectionData(**data), i.unit_path)
    if i.schedule_id:
        s = await session.get(InspectionSchedule, i.schedule_id)
        if s is not None:
            await generate_next(session, s)
    return await detail(session, principal=principal, i=i)


async def pass_rate(session: AsyncSession, *, unit_id: int, period: str) -> tuple[float, int] | None:
    """Passed items ÷ scored items (%) over the unit's inspections submitted in the month; None without any."""
    passed, scored = (await session.execute(select(func.coalesce(func.sum(Inspection.passed_items), 0),
                                                   func.coalesce(func.sum(Inspection.scored_items), 0)).where(
        Inspection.unit_id == unit_id, Inspection.status == "submitted", Inspection.period == period))).one()
    if not scored:
        return None
    return round(100.0 * float(passed) / float(scored), 2), int(scored)


async def feed_pass_rate(session: AsyncSession, rt: Runtime | None, *, unit: OrgUnit, period: str) -> None:
    """Write the unit's monthly ``inspection_pass_rate`` (source "inspection", weighted by the scored
    items so a parent's rollup is the pass rate of all its items) through the normal ingest. Submissions for the
    same unit take turns, so the rate counts every committed inspection."""
    await take_turns_on(session, (unit.id,))
    rate = await pass_rate(session, unit_id=unit.id, period=period)
    lib = await Library.load(session)
    if rate is None or PASS_RATE not in lib.by_code:
        return
    value, scored = rate
    await ingest(session, [PointIn(PASS_RATE, unit.id, period, value, "inspection", weight=float(scored))], lib=lib,
                 can_write=lambda path: path_matches(unit.path, "exact", path), recorded_by="inspection",
                 holders=org_holders(rt) if rt is not None else None)


# --- export ----------------------------------------------------------------------------------

async def export_register(session: AsyncSession, *, principal: Principal, unit_id: int | None, status: str | None,
                          template_id: int | None) -> bytes:
    """The inspection register (检查台账) the caller may see, as a workbook with Chinese headers."""
    from openpyxl import Workbook

    from services.common.sheets import Column, add_table, workbook_bytes

    unit = await unit_or_404(session, unit_id) if unit_id is not None else None
    stmt = register_query(principal, unit=unit, status=status, template_id=template_id, mine=False,
                          open_only=False, due_before=None).order_by(Inspection.due, Inspection.id)
    rows = list((await session.execute(stmt)).scalars())
    units = await _unit_names(session, {i.unit_id for i in rows})
    freq = await _frequencies(session, {i.schedule_id for i in rows if i.schedule_id})
    freq_zh = {"once": "一次性", "weekly": "每周", "monthly": "每月", "quarterly": "每季度"}
    table = []
    for i in rows:
        u = units.get(i.unit_id)
        s = scoring.summarise(list(i.items or []), dict(i.results or {}))
        table.append([i.id, u.name if u else "", i.template_name, f"第{i.template_revision}版",
                      freq_zh.get(freq.get(i.schedule_id or 0, "once"), ""), i.inspector_title, i.due,
                      STATUS_ZH.get(i.status, i.status), i.score if i.status == "submitted" else s.score,
                      s.passed, s.failed, len(i.items or []),
                      clock.local(i.submitted_at).strftime("%Y-%m-%d %H:%M") if i.submitted_at else "",
                      i.submitted_by_name, i.cancel_reason, i.note])
    wb = Workbook()
    add_table(wb, "检查台账", [Column("编号", 8), Column("被检查单位", 18), Column("检查表", 24), Column("版本", 8),
                                Column("频次", 8), Column("检查岗位", 16), Column("截止日期", 12), Column("状态", 10),
                                Column("得分", 8), Column("合格项", 8), Column("不合格项", 8), Column("检查项数", 8),
                                Column("提交时间", 18), Column("提交人", 12), Column("取消原因", 20),
                                Column("备注", 30)], table, first=True)
    return workbook_bytes(wb)
