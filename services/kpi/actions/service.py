"""Improvement actions (整改): raised from an evaluation, a crossing, a rule or an assessment.

Life: open → done (owner adds evidence) → verified (by whoever raised it) or back to open.
Past their deadline and not done, actions are flagged overdue once and ``kpi.action.overdue``
is emitted. Raised by plan or assess holders over the unit, completed by the owner or plan
holders, verified only by whoever raised them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import paginate
from services.common.authz import Grant, Principal, Right
from services.common.db import utcnow
from services.common.guards import Allowed, Place, authorize
from services.common.problems import Conflict, Forbidden
from services.common.scoping import visible_to
from services.kpi.actions.schemas import (
    ActionComplete,
    ActionCreate,
    ActionProgress,
    ActionRead,
    ActionUpdate,
    ActionVerify,
)
from services.kpi.events import ActionData
from services.kpi.findings.closing import close_findings_of
from services.kpi.indicators.library import Library
from services.kpi.journal import journal
from services.kpi.lookups import indicator_by_code, unit_or_404, unit_or_422
from services.kpi.models import ImprovementAction, OrgUnit

RAISE_RIGHTS = (Right.plan, Right.assess)
# as the SPA shows them
ACTION_STATUS_ZH = {"open": "进行中", "done": "待验证", "verified": "已验证", "cancelled": "已撤销"}

# Checks the caller's If-Match against the action's current version (the router reads the header).
VersionCheck = Callable[[ImprovementAction], None]


def action_data(a: ImprovementAction, lib: Library | None = None, code: str | None = None) -> dict[str, Any]:
    if code is None and lib is not None and a.indicator_id is not None:
        ind = lib.by_id.get(a.indicator_id)
        code = ind.code if ind is not None else None
    return {"id": a.id, "title": a.title, "description": a.description, "unit_id": a.unit_id,
            "unit_path": a.unit_path, "indicator_code": code, "period": a.period, "origin": a.origin,
            "origin_ref": a.origin_ref, "owner_id": a.owner_id, "owner_name": a.owner_name,
            "due": a.due.isoformat(), "status": a.status, "progress": a.progress or 0, "evidence": a.evidence or [],
            "raised_by": a.raised_by, "overdue": a.overdue,
            "completed_at": a.completed_at.isoformat() if a.completed_at else None,
            "verified_at": a.verified_at.isoformat() if a.verified_at else None, "verified_by": a.verified_by,
            "version": a.version}


async def flag_overdue(session: AsyncSession, *, today: date, lib: Library | None = None) -> int:
    """Flag open actions past their deadline, emitting ``kpi.action.overdue`` once for each."""
    rows = (await session.execute(select(ImprovementAction).where(
        ImprovementAction.status == "open", ImprovementAction.overdue.is_(False),
        ImprovementAction.due < today))).scalars().all()
    for a in rows:
        a.overdue = True
        await session.flush()
        await journal.emit(session, "kpi.action.overdue", a.id, ActionData(**action_data(a, lib)), a.unit_path)
    return len(rows)


async def scan_overdue(session: AsyncSession) -> int:
    return await flag_overdue(session, today=clock.today(), lib=await Library.load(session))


async def action_read(session: AsyncSession, a: ImprovementAction) -> ActionRead:
    return ActionRead(**action_data(a, await Library.load(session)))


async def list_actions(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                       unit_id: int | None, status: str | None, overdue: bool | None,
                       owner_id: int | None) -> tuple[list[ActionRead], str | None]:
    stmt = select(ImprovementAction).where(visible_to(principal, "view", ImprovementAction.unit_path))
    if unit_id is not None:
        unit = await unit_or_404(session, unit_id)
        stmt = stmt.where(ImprovementAction.unit_path.startswith(unit.path, autoescape=True))
    if status:
        stmt = stmt.where(ImprovementAction.status == status)
    if overdue is not None:
        stmt = stmt.where(ImprovementAction.overdue.is_(overdue))
    if owner_id is not None:
        stmt = stmt.where(ImprovementAction.owner_id == owner_id)
    rows, nxt = await paginate(session, stmt, ImprovementAction.id, limit=limit, cursor=cursor)
    lib = await Library.load(session)
    return [ActionRead(**action_data(a, lib)) for a in rows], nxt


def _is_owner(principal: Principal, a: ImprovementAction) -> bool:
    return principal.user_id is not None and principal.user_id == a.owner_id


async def get_action(session: AsyncSession, *, principal: Principal, a: ImprovementAction) -> ActionRead:
    """Its owner sees an action even without view over its unit."""
    if not (principal.can("view", a.unit_path) or _is_owner(principal, a)):
        authorize(principal, Place(a.unit_path, "this action's unit"), Right.view)
    return await action_read(session, a)


async def create_action(session: AsyncSession, *, principal: Principal, body: ActionCreate) -> ActionRead:
    unit = await unit_or_422(session, body.unit_id)
    grant = authorize(principal, Place(unit.path, unit.name), *RAISE_RIGHTS)
    ind = await indicator_by_code(session, body.indicator_code) if body.indicator_code else None
    a = await open_action(session, principal=principal, grant=grant, unit=unit, title=body.title,
                          description=body.description, origin=body.origin, origin_ref=body.origin_ref,
                          owner_id=body.owner_id, owner_name=body.owner_name, due=body.due,
                          indicator_id=ind.id if ind else None, period=body.period, code=body.indicator_code)
    return await action_read(session, a)


async def open_action(session: AsyncSession, *, principal: Principal, grant: Grant | None, unit: OrgUnit,
                      title: str, description: str, origin: str, origin_ref: str | None, owner_id: int | None,
                      owner_name: str, due: date, indicator_id: int | None = None, period: str | None = None,
                      code: str | None = None) -> ImprovementAction:
    """Raise an action (after the caller's right to was checked): stored, journalled, ``kpi.action.created``.
    Every 整改 starts here, whatever raised it (a person, an anomaly rule's follow-up, a finding)."""
    if origin_ref:
        dup = (await session.execute(select(ImprovementAction.id).where(
            ImprovementAction.origin == origin, ImprovementAction.origin_ref == origin_ref))).first()
        if dup:
            raise Conflict(f"An action for {origin} {origin_ref} exists already (id {dup[0]}).",
                           action_id=dup[0], zh=f"该来源已有改进措施（编号 {dup[0]}）。")
    a = ImprovementAction(title=title, description=description, unit_id=unit.id, unit_path=unit.path,
                          indicator_id=indicator_id, period=period, origin=origin, origin_ref=origin_ref,
                          owner_id=owner_id, owner_name=owner_name, due=due, raised_by=principal.sub, evidence=[])
    session.add(a)
    await session.flush()
    data = action_data(a, code=code) if code is not None else action_data(a, await Library.load(session))
    await journal.audit(session, actor=principal, action="action.created", subject_type="action", subject_id=a.id,
                        unit_path=unit.path, grant=grant, after=data)
    await journal.emit(session, "kpi.action.created", a.id, ActionData(**data), unit.path)
    return a


async def cancel_action(session: AsyncSession, *, principal: Principal, grant: Grant | None, a: ImprovementAction,
                        reason: str) -> None:
    """Close an action that is no longer needed (its finding was withdrawn): ``cancelled``, with the reason in
    its evidence; a verified action stays as it is."""
    if a.status in ("verified", "cancelled"):
        return
    before = action_data(a)
    a.evidence = [*list(a.evidence or []), {"kind": "cancelled", "note": reason, "by": principal.sub,
                                            "at": utcnow().isoformat()}]
    a.status, a.overdue = "cancelled", False
    await session.flush()
    data = action_data(a, await Library.load(session))
    await journal.audit(session, actor=principal, action="action.cancelled", subject_type="action", subject_id=a.id,
                        unit_path=a.unit_path, grant=grant, before=before, after=data)
    await journal.emit(session, "kpi.action.cancelled", a.id, ActionData(**data), a.unit_path)


async def update_action(session: AsyncSession, *, action: Allowed[ImprovementAction], body: ActionUpdate) -> ActionRead:
    a = action.item
    if a.status in ("verified", "cancelled"):
        raise Conflict(f"A {a.status} action is closed; raise a new one.",
                       zh=f"{ACTION_STATUS_ZH[a.status]}的措施已关闭；请另行发起新的改进措施。")
    before = action_data(a)
    changes = body.model_dump(exclude_unset=True)
    for k, v in changes.items():
        if k in ("title", "due") and v is None:
            continue
        setattr(a, k, v)
    if "due" in changes and a.due >= clock.today():
        a.overdue = False
    await session.flush()
    out = await action_read(session, a)
    await journal.audit(session, actor=action.principal, action="action.updated", subject_type="action",
                        subject_id=a.id, unit_path=a.unit_path, grant=action.grant, before=before,
                        after=out.model_dump(mode="json"))
    return out


def _open_for_owner(principal: Principal, a: ImprovementAction, check_version: VersionCheck,
                    doing: str) -> Grant | None:
    """An open action its owner (or a holder of plan over its unit) is working on; the grant used."""
    grant = None if _is_owner(principal, a) else authorize(principal, Place(a.unit_path, "this action's unit"),
                                                           Right.plan)
    check_version(a)
    if a.status != "open":
        raise Conflict(f"Only open actions {doing}; this one is {a.status}.",
                       zh=f"只有进行中的改进措施才能办理；这条措施{ACTION_STATUS_ZH.get(a.status, a.status)}。")
    return grant


async def report_progress(session: AsyncSession, *, principal: Principal, a: ImprovementAction,
                          body: ActionProgress, check_version: VersionCheck) -> ActionRead:
    grant = _open_for_owner(principal, a, check_version, "take progress reports")
    before = action_data(a)
    a.progress = body.progress
    a.evidence = [*list(a.evidence or []), {"kind": "progress", "progress": body.progress, "note": body.note,
                                            "url": body.url, "by": principal.sub, "at": utcnow().isoformat()}]
    await session.flush()
    out = await action_read(session, a)
    await journal.audit(session, actor=principal, action="action.progress", subject_type="action", subject_id=a.id,
                        unit_path=a.unit_path, grant=grant, before=before, after=out.model_dump(mode="json"))
    return out


async def complete_action(session: AsyncSession, *, principal: Principal, a: ImprovementAction,
                          body: ActionComplete, check_version: VersionCheck) -> ActionRead:
    grant = _open_for_owner(principal, a, check_version, "can be completed")
    before = action_data(a)
    a.evidence = list(a.evidence or []) + [{**e.model_dump(), "by": principal.sub, "at": utcnow().isoformat()}
                                           for e in body.evidence]
    a.status, a.completed_at, a.progress = "done", utcnow(), 100
    await session.flush()
    out = await action_read(session, a)
    data = out.model_dump(mode="json")
    await journal.audit(session, actor=principal, action="action.completed", subject_type="action", subject_id=a.id,
                        unit_path=a.unit_path, grant=grant, before=before, after=data)
    await journal.emit(session, "kpi.action.completed", a.id, ActionData(**data), a.unit_path)
    return out


async def verify_action(session: AsyncSession, *, principal: Principal, a: ImprovementAction, body: ActionVerify,
                        check_version: VersionCheck) -> ActionRead:
    """Only whoever raised an action verifies it; one the system raised, a holder of plan or assess over its unit."""
    grant = None
    if a.raised_by == "system":
        grant = authorize(principal, Place(a.unit_path, "this action's unit"), *RAISE_RIGHTS)
    elif principal.sub != a.raised_by:
        raise Forbidden("Only whoever raised this action may verify it.", raised_by=a.raised_by,
                        zh="只有发起此措施的人才能验证它。")
    check_version(a)
    if a.status != "done":
        raise Conflict(f"Only completed actions can be verified; this one is {a.status}.",
                       zh=f"只有已提交完成的措施才能验证；这条措施{ACTION_STATUS_ZH.get(a.status, a.status)}。")
    before = action_data(a)
    note = {"note": body.note, "by": principal.sub, "at": utcnow().isoformat(),
            "verdict": "accepted" if body.accepted else "sent back"}
    a.evidence = [*list(a.evidence or []), note]
    if body.accepted:
        a.status, a.verified_at, a.verified_by = "verified", utcnow(), principal.sub
    else:
        a.status, a.completed_at = "open", None
    await session.flush()
    out = await action_read(session, a)
    data = out.model_dump(mode="json")
    await journal.audit(session, actor=principal, action="action.verified" if body.accepted else "action.reopened",
                        subject_type="action", subject_id=a.id, unit_path=a.unit_path, grant=grant, before=before,
                        after=data)
    if body.accepted:
        await journal.emit(session, "kpi.action.verified", a.id, ActionData(**data), a.unit_path)
        await close_findings_of(session, principal=principal, grant=grant, action=a)
    return out
