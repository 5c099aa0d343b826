"""Targets per indicator, unit and period; readable with view, editable with plan over the unit."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.db import Session
from services.common.problems import Conflict, NotFound
from services.common.scoping import visible_to
from services.common.security import CurrentPrincipal
from services.kpi.api.deps import audit, indicator_by_code, parse_period_param, unit_or_404, unit_or_422
from services.kpi.models import Indicator, Target, TargetHistory
from services.kpi.schemas import TargetCreate, TargetHistoryRead, TargetRead, TargetUpdate
from services.kpi.targets import set_target, target_data

router = APIRouter(prefix="/targets", tags=["targets"])


async def _codes(session) -> dict[int, str]:
    return {i: c for i, c in (await session.execute(select(Indicator.id, Indicator.code))).all()}


async def _load(session, target_id: int) -> Target:
    t = await session.get(Target, target_id)
    if t is None:
        raise NotFound(f"There is no target with id {target_id}.", zh=f"没有编号为 {target_id} 的目标。")
    return t


@router.get("", response_model=Page[TargetRead], summary="Targets, by unit, period and indicator")
async def list_targets(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                       cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                       period: str | None = Query(None), indicator_code: str | None = Query(None)):
    stmt = select(Target).where(visible_to(principal, "view", Target.unit_path))
    if unit_id is not None:
        unit = await unit_or_404(session, unit_id)
        principal.require("view", unit.path, what=unit.name)
        stmt = stmt.where(Target.unit_id == unit_id)
    if period:
        stmt = stmt.where(Target.period == parse_period_param(period).text)
    if indicator_code:
        stmt = stmt.where(Target.indicator_id == (await indicator_by_code(session, indicator_code)).id)
    rows, nxt = await paginate(session, stmt, Target.id, limit=limit, cursor=cursor)
    codes = await _codes(session)
    return Page[TargetRead](items=[TargetRead(**target_data(t, codes[t.indicator_id])) for t in rows], next_cursor=nxt)


@router.get("/{target_id}", response_model=TargetRead)
async def get_target(target_id: int, session: Session, principal: CurrentPrincipal, response: Response):
    t = await _load(session, target_id)
    principal.require("view", t.unit_path, what="this target's unit")
    set_etag(response, etag("target", t.id, t.version))
    return TargetRead(**target_data(t, (await _codes(session))[t.indicator_id]))


@router.get("/{target_id}/history", response_model=Page[TargetHistoryRead], summary="Every value the target had")
async def target_history(target_id: int, session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam):
    t = await _load(session, target_id)
    principal.require("view", t.unit_path, what="this target's unit")
    rows, nxt = await paginate(session, select(TargetHistory).where(TargetHistory.target_id == t.id),
                               TargetHistory.id, limit=limit, cursor=cursor)
    return Page[TargetHistoryRead](items=[TargetHistoryRead.model_validate(h) for h in rows], next_cursor=nxt)


@router.post("", response_model=TargetRead, status_code=201, summary="Set a target (plan over the unit)")
async def create_target(body: TargetCreate, request: Request, response: Response, session: Session,
                        principal: CurrentPrincipal):
    unit = await unit_or_422(session, body.unit_id)
    grant = principal.require("plan", unit.path, what=unit.name)
    ind = await indicator_by_code(session, body.indicator_code)
    exists = (await session.execute(select(Target.id).where(Target.indicator_id == ind.id, Target.unit_id == unit.id,
                                                            Target.period == body.period))).first()
    if exists:
        raise Conflict(f"A target for {ind.code} of this unit in {body.period} exists already (id {exists[0]}); "
                       "change it with PATCH.", target_id=exists[0],
                       zh=f"本单位{body.period}的{ind.name}目标已存在（编号 {exists[0]}），请直接修改。")
    t, _ = await set_target(session, indicator=ind, unit_id=unit.id, unit_path=unit.path, period=body.period,
                            value=body.value, source="manual", by=principal.sub, note=body.note)
    data = target_data(t, ind.code)
    await audit(session, request, principal, "target.created", "target", t.id, unit_path=unit.path, grant=grant,
                after=TargetRead(**data).model_dump(mode="json"))
    set_etag(response, etag("target", t.id, t.version))
    return TargetRead(**data)


@router.patch("/{target_id}", response_model=TargetRead, summary="Change a target (plan over the unit; If-Match)")
async def update_target(target_id: int, body: TargetUpdate, request: Request, response: Response,
                        session: Session, principal: CurrentPrincipal):
    t = await _load(session, target_id)
    grant = principal.require("plan", t.unit_path, what="this target's unit")
    check_if_match(request, etag("target", t.id, t.version))
    ind = await session.get(Indicator, t.indicator_id)
    before = TargetRead(**target_data(t, ind.code)).model_dump(mode="json")
    t, _ = await set_target(session, indicator=ind, unit_id=t.unit_id, unit_path=t.unit_path, period=t.period,
                            value=body.value, source="manual", by=principal.sub, note=body.note)
    data = target_data(t, ind.code)
    await audit(session, request, principal, "target.updated", "target", t.id, unit_path=t.unit_path, grant=grant,
                before=before, after=TargetRead(**data).model_dump(mode="json"))
    set_etag(response, etag("target", t.id, t.version))
    return TargetRead(**data)
