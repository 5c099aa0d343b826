"""Improvement actions: raised by plan or assess holders over the unit, completed by the owner or
plan holders, verified only by whoever raised them."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.audit_api import require_admin
from services.common.db import Session, utcnow
from services.common.problems import Conflict, Forbidden, NotFound
from services.common.scoping import visible_to
from services.common.security import CurrentPrincipal
from services.kpi.actions import action_data, flag_overdue
from services.kpi.aggregate import Library
from services.kpi.api.deps import audit, indicator_by_code, require_any, unit_or_404, unit_or_422
from services.kpi.journal import journal
from services.kpi.models import ImprovementAction
from services.kpi.schemas import ActionComplete, ActionCreate, ActionProgress, ActionRead, ActionUpdate, ActionVerify

router = APIRouter(prefix="/actions", tags=["improvement actions"])
RAISE_RIGHTS = ("plan", "assess")
ACTION_STATUS_ZH = {"open": "进行中", "done": "待验证", "verified": "已验证"}  # as the SPA shows them


async def _load(session, action_id: int) -> ImprovementAction:
    a = await session.get(ImprovementAction, action_id)
    if a is None:
        raise NotFound(f"There is no improvement action with id {action_id}.", zh=f"没有编号为 {action_id} 的改进措施。")
    return a


async def _out(session, a: ImprovementAction, response: Response | None = None) -> ActionRead:
    if response is not None:
        set_etag(response, etag("action", a.id, a.version))
    return ActionRead(**action_data(a, await Library.load(session)))


@router.get("", response_model=Page[ActionRead], summary="Improvement actions (view over their unit)")
async def list_actions(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                       cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                       status: str | None = Query(None), overdue: bool | None = Query(None),
                       owner_id: int | None = Query(None)):
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
    return Page[ActionRead](items=[ActionRead(**action_data(a, lib)) for a in rows], next_cursor=nxt)


@router.get("/{action_id}", response_model=ActionRead)
async def get_action(action_id: int, session: Session, principal: CurrentPrincipal, response: Response):
    a = await _load(session, action_id)
    if not (principal.can("view", a.unit_path) or (principal.user_id is not None and principal.user_id == a.owner_id)):
        principal.require("view", a.unit_path, what="this action's unit")
    return await _out(session, a, response)


@router.post("", response_model=ActionRead, status_code=201, summary="Raise an action (plan or assess over the unit)")
async def create_action(body: ActionCreate, request: Request, response: Response, session: Session,
                        principal: CurrentPrincipal):
    unit = await unit_or_422(session, body.unit_id)
    grant = require_any(principal, RAISE_RIGHTS, unit.path, what=unit.name)
    ind = await indicator_by_code(session, body.indicator_code) if body.indicator_code else None
    if body.origin_ref:
        dup = (await session.execute(select(ImprovementAction.id).where(
            ImprovementAction.origin == body.origin, ImprovementAction.origin_ref == body.origin_ref))).first()
        if dup:
            raise Conflict(f"An action for {body.origin} {body.origin_ref} exists already (id {dup[0]}).",
                           action_id=dup[0], zh=f"该来源已有改进措施（编号 {dup[0]}）。")
    a = ImprovementAction(title=body.title, description=body.description, unit_id=unit.id, unit_path=unit.path,
                          indicator_id=ind.id if ind else None, period=body.period, origin=body.origin,
                          origin_ref=body.origin_ref, owner_id=body.owner_id, owner_name=body.owner_name,
                          due=body.due, raised_by=principal.sub, evidence=[])
    session.add(a)
    await session.flush()
    out = await _out(session, a, response)
    data = out.model_dump(mode="json")
    await audit(session, request, principal, "action.created", "action", a.id, unit_path=unit.path, grant=grant,
                after=data)
    await journal.emit(session, "kpi.action.created", a.id, data, unit.path)
    return out


@router.patch("/{action_id}", response_model=ActionRead, summary="Change title, owner or deadline (If-Match)")
async def update_action(action_id: int, body: ActionUpdate, request: Request, response: Response,
                        session: Session, principal: CurrentPrincipal):
    a = await _load(session, action_id)
    grant = require_any(principal, RAISE_RIGHTS, a.unit_path, what="this action's unit")
    check_if_match(request, etag("action", a.id, a.version))
    if a.status == "verified":
        raise Conflict("A verified action is closed; raise a new one.", zh="已验证的措施已关闭；请另行发起新的改进措施。")
    before = action_data(a)
    changes = body.model_dump(exclude_unset=True)
    for k, v in changes.items():
        if k in ("title", "due") and v is None:
            continue
        setattr(a, k, v)
    if "due" in changes and a.due >= utcnow().date():
        a.overdue = False
    await session.flush()
    out = await _out(session, a, response)
    await audit(session, request, principal, "action.updated", "action", a.id, unit_path=a.unit_path, grant=grant,
                before=before, after=out.model_dump(mode="json"))
    return out


async def _open_for_owner(session, request: Request, principal, action_id: int, doing: str):
    """An open action its owner (or a holder of plan over its unit) is working on; (action, grant used)."""
    a = await _load(session, action_id)
    is_owner = principal.user_id is not None and principal.user_id == a.owner_id
    grant = None if is_owner else principal.require("plan", a.unit_path, what="this action's unit")
    check_if_match(request, etag("action", a.id, a.version))
    if a.status != "open":
        raise Conflict(f"Only open actions {doing}; this one is {a.status}.",
                       zh=f"只有进行中的改进措施才能办理；这条措施{ACTION_STATUS_ZH.get(a.status, a.status)}。")
    return a, grant


@router.post("/{action_id}/progress", response_model=ActionRead,
             summary="Report progress on an open action, with a note and an optional link (its owner, or plan "
                     "over the unit; If-Match)")
async def report_progress(action_id: int, body: ActionProgress, request: Request, response: Response,
                          session: Session, principal: CurrentPrincipal):
    a, grant = await _open_for_owner(session, request, principal, action_id, "take progress reports")
    before = action_data(a)
    a.progress = body.progress
    a.evidence = list(a.evidence or []) + [{"kind": "progress", "progress": body.progress, "note": body.note,
                                            "url": body.url, "by": principal.sub, "at": utcnow().isoformat()}]
    await session.flush()
    out = await _out(session, a, response)
    await audit(session, request, principal, "action.progress", "action", a.id, unit_path=a.unit_path, grant=grant,
                before=before, after=out.model_dump(mode="json"))
    return out


@router.post("/{action_id}/complete", response_model=ActionRead,
             summary="Report the action done, with evidence (its owner, or plan over the unit)")
async def complete_action(action_id: int, body: ActionComplete, request: Request, response: Response,
                          session: Session, principal: CurrentPrincipal):
    a, grant = await _open_for_owner(session, request, principal, action_id, "can be completed")
    before = action_data(a)
    a.evidence = list(a.evidence or []) + [{**e.model_dump(), "by": principal.sub, "at": utcnow().isoformat()}
                                           for e in body.evidence]
    a.status, a.completed_at, a.progress = "done", utcnow(), 100
    await session.flush()
    out = await _out(session, a, response)
    data = out.model_dump(mode="json")
    await audit(session, request, principal, "action.completed", "action", a.id, unit_path=a.unit_path, grant=grant,
                before=before, after=data)
    await journal.emit(session, "kpi.action.completed", a.id, data, a.unit_path)
    return out


@router.post("/{action_id}/verify", response_model=ActionRead,
             summary="Accept or send back a completed action (only whoever raised it)")
async def verify_action(action_id: int, body: ActionVerify, request: Request, response: Response,
                        session: Session, principal: CurrentPrincipal):
    a = await _load(session, action_id)
    system_raised = a.raised_by == "system"
    if system_raised:
        grant = require_any(principal, RAISE_RIGHTS, a.unit_path, what="this action's unit")
    elif principal.sub != a.raised_by:
        raise Forbidden("Only whoever raised this action may verify it.", raised_by=a.raised_by, zh="只有发起此措施的人才能验证它。")
    else:
        grant = None
    check_if_match(request, etag("action", a.id, a.version))
    if a.status != "done":
        raise Conflict(f"Only completed actions can be verified; this one is {a.status}.",
                       zh=f"只有已提交完成的措施才能验证；这条措施{ACTION_STATUS_ZH.get(a.status, a.status)}。")
    before = action_data(a)
    note = {"note": body.note, "by": principal.sub, "at": utcnow().isoformat(),
            "verdict": "accepted" if body.accepted else "sent back"}
    a.evidence = list(a.evidence or []) + [note]
    if body.accepted:
        a.status, a.verified_at, a.verified_by = "verified", utcnow(), principal.sub
    else:
        a.status, a.completed_at = "open", None
    await session.flush()
    out = await _out(session, a, response)
    data = out.model_dump(mode="json")
    await audit(session, request, principal, "action.verified" if body.accepted else "action.reopened", "action",
                a.id, unit_path=a.unit_path, grant=grant, before=before, after=data)
    if body.accepted:
        await journal.emit(session, "kpi.action.verified", a.id, data, a.unit_path)
    return out


@router.post("/overdue-scan", summary="Flag overdue actions now (admin; also runs periodically)")
async def scan_overdue(session: Session, principal: CurrentPrincipal):
    require_admin(principal)
    return {"flagged": await flag_overdue(session, today=utcnow().date(), lib=await Library.load(session))}
