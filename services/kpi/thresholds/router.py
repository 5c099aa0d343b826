"""Thresholds per unit (overriding the indicator's), their current levels, and anomaly rules."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import false, select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.audit_api import require_admin
from services.common.db import Session
from services.common.problems import Conflict, Invalid, NotFound
from services.common.scoping import visible_to
from services.common.security import CurrentPrincipal
from services.kpi.aggregate import Library
from services.kpi.api.deps import (
    audit,
    check_thresholds,
    indicator_by_code,
    parse_period_param,
    unit_or_404,
    unit_or_422,
)
from services.kpi.crossings import rejudge
from services.kpi.models import AnomalyRule, Indicator, ThresholdRule, ThresholdState
from services.kpi.schemas import AnomalyRuleCreate, AnomalyRuleRead, AnomalyRuleUpdate, ThresholdCreate, ThresholdRead

router = APIRouter(tags=["thresholds"])


async def _codes(session) -> dict[int, str]:
    return dict((await session.execute(select(Indicator.id, Indicator.code))).all())


def _read(t: ThresholdRule, code: str) -> ThresholdRead:
    return ThresholdRead(id=t.id, indicator_code=code, unit_id=t.unit_id, unit_path=t.unit_path, mode=t.mode,
                         warning=t.warning, critical=t.critical, version=t.version)


@router.get("/thresholds", response_model=Page[ThresholdRead], summary="Unit thresholds (view over the unit)")
async def list_thresholds(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                          cursor: str | None = CursorParam, indicator_code: str | None = Query(None)):
    stmt = select(ThresholdRule).where(visible_to(principal, "view", ThresholdRule.unit_path))
    if indicator_code:
        stmt = stmt.where(ThresholdRule.indicator_id == (await indicator_by_code(session, indicator_code)).id)
    rows, nxt = await paginate(session, stmt, ThresholdRule.id, limit=limit, cursor=cursor)
    codes = await _codes(session)
    return Page[ThresholdRead](items=[_read(t, codes[t.indicator_id]) for t in rows], next_cursor=nxt)


@router.put("/thresholds", response_model=ThresholdRead, summary="Set a unit's warning / critical values "
            "for an indicator (admin over the unit; If-Match when replacing)")
async def put_threshold(body: ThresholdCreate, request: Request, response: Response, session: Session,
                        principal: CurrentPrincipal):
    unit = await unit_or_422(session, body.unit_id)
    grant = principal.require("admin", unit.path, what=unit.name)
    ind = await indicator_by_code(session, body.indicator_code)
    check_thresholds(ind.direction, body.warning, body.critical)
    t = (await session.execute(select(ThresholdRule).where(ThresholdRule.indicator_id == ind.id,
                                                           ThresholdRule.unit_id == unit.id))).scalar_one_or_none()
    before = None
    if t is None:
        t = ThresholdRule(indicator_id=ind.id, unit_id=unit.id, unit_path=unit.path, mode=body.mode,
                          warning=body.warning, critical=body.critical)
        session.add(t)
    else:
        check_if_match(request, etag("threshold", t.id, t.version))
        before = _read(t, ind.code).model_dump(mode="json")
        t.mode, t.warning, t.critical, t.unit_path = body.mode, body.warning, body.critical, unit.path
    await session.flush()
    await rejudge(session, lib=await Library.load(session), indicator_ids=[ind.id], cause="thresholds_changed",
                  under=unit.path)
    out = _read(t, ind.code)
    await audit(session, request, principal, "threshold.set", "threshold", t.id, unit_path=unit.path, grant=grant,
                before=before, after=out.model_dump(mode="json"))
    set_etag(response, etag("threshold", t.id, t.version))
    return out


@router.delete("/thresholds/{threshold_id}", status_code=204, summary="Remove a unit threshold (admin over the unit)")
async def delete_threshold(threshold_id: int, request: Request, session: Session, principal: CurrentPrincipal):
    t = await session.get(ThresholdRule, threshold_id)
    if t is None:
        raise NotFound(f"There is no threshold with id {threshold_id}.", zh=f"没有编号为 {threshold_id} 的单元阈值。")
    grant = principal.require("admin", t.unit_path, what="this threshold's unit")
    before = _read(t, (await _codes(session))[t.indicator_id]).model_dump(mode="json")
    await session.delete(t)
    await session.flush()
    await rejudge(session, lib=await Library.load(session), indicator_ids=[t.indicator_id],
                  cause="thresholds_changed", under=t.unit_path)
    await audit(session, request, principal, "threshold.deleted", "threshold", threshold_id, unit_path=t.unit_path,
                grant=grant, before=before)
    return Response(status_code=204)


@router.get("/threshold-states", summary="The raised levels (warning, critical) of the indicators at a unit, per period (latest first); "
                                                  "a period not listed is normal")
async def threshold_states(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                           period: str | None = Query(None, description="Only this period's levels")):
    unit = await unit_or_404(session, unit_id)
    principal.require("view", unit.path, what=unit.name)
    codes = await _codes(session)
    stmt = select(ThresholdState).where(ThresholdState.unit_id == unit.id)
    if period:
        stmt = stmt.where(ThresholdState.period == parse_period_param(period).text)
    rows = (await session.execute(stmt.order_by(ThresholdState.period.desc(), ThresholdState.indicator_id))).scalars()
    return {"items": [{"indicator_code": codes.get(s.indicator_id), "unit_id": s.unit_id, "level": s.level,
                       "period": s.period, "value": s.value, "changed_at": s.changed_at} for s in rows],
            "next_cursor": None}


def _rule(r: AnomalyRule, code: str) -> AnomalyRuleRead:
    return AnomalyRuleRead(id=r.id, indicator_code=code, unit_id=r.unit_id, unit_path=r.unit_path, operator=r.operator,
                           value=r.value, follow_up=r.follow_up, title=r.title, due_days=r.due_days, active=r.active,
                           version=r.version)


def _require_rule_admin(principal, r: AnomalyRule):
    """A unit's rule is its admins' to change; a company-wide one (no unit) the company administrators'."""
    if r.unit_id is None:
        require_admin(principal)
        return None
    return principal.require("admin", r.unit_path, what="this rule's unit")


@router.get("/anomaly-rules", response_model=Page[AnomalyRuleRead],
            summary="Anomaly rules: company-wide ones, and those of units the caller may view")
async def list_rules(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam):
    stmt = select(AnomalyRule)
    if principal.grants:  # any grant makes one part of the company; a unit's own rules follow view over it
        stmt = stmt.where(AnomalyRule.unit_id.is_(None) | visible_to(principal, "view", AnomalyRule.unit_path))
    else:
        stmt = stmt.where(false())
    rows, nxt = await paginate(session, stmt, AnomalyRule.id, limit=limit, cursor=cursor)
    codes = await _codes(session)
    return Page[AnomalyRuleRead](items=[_rule(r, codes[r.indicator_id]) for r in rows], next_cursor=nxt)


@router.post("/anomaly-rules", response_model=AnomalyRuleRead, status_code=201,
             summary="A rule such as 'order delay > 5 days' that opens a follow-up (admin)")
async def create_rule(body: AnomalyRuleCreate, request: Request, session: Session, principal: CurrentPrincipal):
    unit_path = "/"
    if body.unit_id is not None:
        unit = await unit_or_422(session, body.unit_id)
        principal.require("admin", unit.path, what=unit.name)
        unit_path = unit.path
    else:
        require_admin(principal)
    ind = await indicator_by_code(session, body.indicator_code)
    if ind.formula:
        raise Conflict("Anomaly rules watch measured indicators; this one is computed from a formula.",
                       field="indicator_code", zh="异常规则只能监测采集的指标；此指标由公式计算。")
    try:
        body.title.format(indicator="x", value=0, period="2026")
    except (KeyError, IndexError, ValueError) as exc:
        raise Invalid("The title may only use {indicator}, {value} and {period}.", field="title",
                      zh="标题中只能使用 {indicator}、{value} 和 {period}。") from exc
    r = AnomalyRule(indicator_id=ind.id, unit_id=body.unit_id, unit_path=unit_path, operator=body.operator,
                    value=body.value, follow_up=body.follow_up, title=body.title, due_days=body.due_days)
    session.add(r)
    await session.flush()
    out = _rule(r, ind.code)
    await audit(session, request, principal, "anomaly_rule.created", "anomaly_rule", r.id, unit_path=unit_path,
                after=out.model_dump(mode="json"))
    return out


@router.patch("/anomaly-rules/{rule_id}", response_model=AnomalyRuleRead,
              summary="Turn a rule off or on again (admin over its unit; company admin for company-wide; If-Match)")
async def update_rule(rule_id: int, body: AnomalyRuleUpdate, request: Request, response: Response, session: Session,
                      principal: CurrentPrincipal):
    r = await session.get(AnomalyRule, rule_id)
    if r is None:
        raise NotFound(f"There is no anomaly rule with id {rule_id}.", zh=f"没有编号为 {rule_id} 的异常规则。")
    grant = _require_rule_admin(principal, r)
    check_if_match(request, etag("anomaly_rule", r.id, r.version))
    code = (await _codes(session))[r.indicator_id]
    before = _rule(r, code).model_dump(mode="json")
    r.active = body.active
    await session.flush()
    out = _rule(r, code)
    await audit(session, request, principal, "anomaly_rule.updated", "anomaly_rule", r.id, unit_path=r.unit_path,
                grant=grant, before=before, after=out.model_dump(mode="json"))
    set_etag(response, etag("anomaly_rule", r.id, r.version))
    return out
