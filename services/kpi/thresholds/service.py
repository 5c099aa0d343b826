"""Unit thresholds (overriding the indicator's), their raised levels, anomaly rules and industry benchmarks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import false, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import etag, paginate
from services.common.audit_api import require_admin
from services.common.authz import Grant, Principal, Right
from services.common.guards import Allowed, Place, authorize
from services.common.problems import Conflict, Invalid
from services.common.scoping import visible_to
from services.kpi.evaluation.crossings import rejudge
from services.kpi.indicators.library import Library
from services.kpi.journal import journal
from services.kpi.lookups import indicator_by_code, indicator_codes, parse_period_param, unit_or_404, unit_or_422
from services.kpi.models import AnomalyRule, Benchmark, ThresholdRule, ThresholdState
from services.kpi.thresholds.rules import check_threshold_order
from services.kpi.thresholds.schemas import (
    AnomalyRuleCreate,
    AnomalyRuleRead,
    AnomalyRuleUpdate,
    BenchmarkCreate,
    BenchmarkRead,
    ThresholdCreate,
    ThresholdRead,
)

# Checks the caller's If-Match against a record's current ETag (the router reads the header).
VersionCheck = Callable[[str], None]


# --- unit thresholds -------------------------------------------------------------------------

def threshold_read(t: ThresholdRule, code: str) -> ThresholdRead:
    return ThresholdRead(id=t.id, indicator_code=code, unit_id=t.unit_id, unit_path=t.unit_path, mode=t.mode,
                         warning=t.warning, critical=t.critical, version=t.version)


async def list_thresholds(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                          indicator_code: str | None) -> tuple[list[ThresholdRead], str | None]:
    stmt = select(ThresholdRule).where(visible_to(principal, "view", ThresholdRule.unit_path))
    if indicator_code:
        stmt = stmt.where(ThresholdRule.indicator_id == (await indicator_by_code(session, indicator_code)).id)
    rows, nxt = await paginate(session, stmt, ThresholdRule.id, limit=limit, cursor=cursor)
    codes = await indicator_codes(session)
    return [threshold_read(t, codes[t.indicator_id]) for t in rows], nxt


async def put_threshold(session: AsyncSession, *, principal: Principal, body: ThresholdCreate,
                        check_version: VersionCheck) -> ThresholdRead:
    """Set a unit's values for an indicator (admin over the unit); replacing them needs the current version."""
    unit = await unit_or_422(session, body.unit_id)
    grant = authorize(principal, Place(unit.path, unit.name), Right.admin)
    ind = await indicator_by_code(session, body.indicator_code)
    check_threshold_order(ind.direction, body.warning, body.critical)
    t = (await session.execute(select(ThresholdRule).where(ThresholdRule.indicator_id == ind.id,
                                                           ThresholdRule.unit_id == unit.id))).scalar_one_or_none()
    before = None
    if t is None:
        t = ThresholdRule(indicator_id=ind.id, unit_id=unit.id, unit_path=unit.path, mode=body.mode,
                          warning=body.warning, critical=body.critical)
        session.add(t)
    else:
        check_version(threshold_etag(t))
        before = threshold_read(t, ind.code).model_dump(mode="json")
        t.mode, t.warning, t.critical, t.unit_path = body.mode, body.warning, body.critical, unit.path
    await session.flush()
    await rejudge(session, lib=await Library.load(session), indicator_ids=[ind.id], cause="thresholds_changed",
                  under=unit.path)
    out = threshold_read(t, ind.code)
    await journal.audit(session, actor=principal, action="threshold.set", subject_type="threshold", subject_id=t.id,
                        unit_path=unit.path, grant=grant, before=before, after=out.model_dump(mode="json"))
    return out


def threshold_etag(t: ThresholdRule) -> str:
    return etag("threshold", t.id, t.version)


async def delete_threshold(session: AsyncSession, *, threshold: Allowed[ThresholdRule]) -> None:
    t = threshold.item
    before = threshold_read(t, (await indicator_codes(session))[t.indicator_id]).model_dump(mode="json")
    await session.delete(t)
    await session.flush()
    await rejudge(session, lib=await Library.load(session), indicator_ids=[t.indicator_id],
                  cause="thresholds_changed", under=t.unit_path)
    await journal.audit(session, actor=threshold.principal, action="threshold.deleted", subject_type="threshold",
                        subject_id=t.id, unit_path=t.unit_path, grant=threshold.grant, before=before)


async def threshold_states(session: AsyncSession, *, principal: Principal, unit_id: int,
                           period: str | None) -> dict[str, Any]:
    unit = await unit_or_404(session, unit_id)
    authorize(principal, Place(unit.path, unit.name), Right.view)
    codes = await indicator_codes(session)
    stmt = select(ThresholdState).where(ThresholdState.unit_id == unit.id)
    if period:
        stmt = stmt.where(ThresholdState.period == parse_period_param(period).text)
    rows = (await session.execute(stmt.order_by(ThresholdState.period.desc(), ThresholdState.indicator_id))).scalars()
    return {"items": [{"indicator_code": codes.get(s.indicator_id), "unit_id": s.unit_id, "level": s.level,
                       "period": s.period, "value": s.value, "changed_at": s.changed_at} for s in rows],
            "next_cursor": None}


# --- anomaly rules ---------------------------------------------------------------------------

def rule_read(r: AnomalyRule, code: str) -> AnomalyRuleRead:
    return AnomalyRuleRead(id=r.id, indicator_code=code, unit_id=r.unit_id, unit_path=r.unit_path, operator=r.operator,
                           value=r.value, follow_up=r.follow_up, title=r.title, due_days=r.due_days, active=r.active,
                           version=r.version)


def authorize_rule_admin(principal: Principal, r: AnomalyRule) -> Grant | None:
    """A unit's rule is its admins' to change; a company-wide one (no unit) the company administrators'."""
    if r.unit_id is None:
        require_admin(principal)
        return None
    return authorize(principal, Place(r.unit_path, "this rule's unit"), Right.admin)


async def list_rules(session: AsyncSession, *, principal: Principal, limit: int,
                     cursor: str | None) -> tuple[list[AnomalyRuleRead], str | None]:
    """Company-wide rules, and those of units the caller may view."""
    stmt = select(AnomalyRule)
    if principal.grants:  # any grant makes one part of the company; a unit's own rules follow view over it
        stmt = stmt.where(AnomalyRule.unit_id.is_(None) | visible_to(principal, "view", AnomalyRule.unit_path))
    else:
        stmt = stmt.where(false())
    rows, nxt = await paginate(session, stmt, AnomalyRule.id, limit=limit, cursor=cursor)
    codes = await indicator_codes(session)
    return [rule_read(r, codes[r.indicator_id]) for r in rows], nxt


async def create_rule(session: AsyncSession, *, principal: Principal, body: AnomalyRuleCreate) -> AnomalyRuleRead:
    unit_path = "/"
    if body.unit_id is not None:
        unit = await unit_or_422(session, body.unit_id)
        authorize(principal, Place(unit.path, unit.name), Right.admin)
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
    out = rule_read(r, ind.code)
    await journal.audit(session, actor=principal, action="anomaly_rule.created", subject_type="anomaly_rule",
                        subject_id=r.id, unit_path=unit_path, after=out.model_dump(mode="json"))
    return out


async def update_rule(session: AsyncSession, *, principal: Principal, r: AnomalyRule, body: AnomalyRuleUpdate,
                      check_version: VersionCheck) -> AnomalyRuleRead:
    """Turn a rule off or on again (admin over its unit; company admin for a company-wide one)."""
    grant = authorize_rule_admin(principal, r)
    check_version(etag("anomaly_rule", r.id, r.version))
    code = (await indicator_codes(session))[r.indicator_id]
    before = rule_read(r, code).model_dump(mode="json")
    r.active = body.active
    await session.flush()
    out = rule_read(r, code)
    await journal.audit(session, actor=principal, action="anomaly_rule.updated", subject_type="anomaly_rule",
                        subject_id=r.id, unit_path=r.unit_path, grant=grant, before=before,
                        after=out.model_dump(mode="json"))
    return out


# --- benchmarks ------------------------------------------------------------------------------

def benchmark_read(b: Benchmark, code: str) -> BenchmarkRead:
    return BenchmarkRead(id=b.id, indicator_code=code, period=b.period, value=b.value, source=b.source,
                         as_of=b.as_of, note=b.note, version=b.version)


async def list_benchmarks(session: AsyncSession, *, limit: int, cursor: str | None, indicator_code: str | None,
                          period: str | None) -> tuple[list[BenchmarkRead], str | None]:
    stmt = select(Benchmark)
    if indicator_code:
        stmt = stmt.where(Benchmark.indicator_id == (await indicator_by_code(session, indicator_code)).id)
    if period:
        stmt = stmt.where(Benchmark.period == parse_period_param(period).text)
    rows, nxt = await paginate(session, stmt, Benchmark.id, limit=limit, cursor=cursor)
    codes = await indicator_codes(session)
    return [benchmark_read(b, codes[b.indicator_id]) for b in rows], nxt


async def create_benchmark(session: AsyncSession, *, principal: Principal, body: BenchmarkCreate) -> BenchmarkRead:
    ind = await indicator_by_code(session, body.indicator_code)
    b = Benchmark(indicator_id=ind.id, period=body.period, value=body.value, source=body.source, as_of=body.as_of,
                  note=body.note)
    session.add(b)
    await session.flush()
    out = benchmark_read(b, ind.code)
    await journal.audit(session, actor=principal, action="benchmark.created", subject_type="benchmark",
                        subject_id=b.id, after=out.model_dump(mode="json"))
    return out


async def delete_benchmark(session: AsyncSession, *, principal: Principal, b: Benchmark) -> None:
    before = benchmark_read(b, (await indicator_codes(session))[b.indicator_id]).model_dump(mode="json")
    await session.delete(b)
    await journal.audit(session, actor=principal, action="benchmark.deleted", subject_type="benchmark",
                        subject_id=b.id, before=before)
