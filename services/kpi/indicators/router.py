"""The indicator library (监控指标体系): everyone signed in reads it, administrators edit it."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.audit_api import require_admin
from services.common.db import Session
from services.common.i18n import field_label, zh_list
from services.common.problems import Conflict, Invalid
from services.common.security import CurrentPrincipal
from services.kpi import formula as fx
from services.kpi.aggregate import Library, threshold_order_problem
from services.kpi.api.deps import audit, check_thresholds, indicator_by_code
from services.kpi.crossings import rejudge
from services.kpi.models import Indicator, ThresholdRule
from services.kpi.schemas import IndicatorCreate, IndicatorRead, IndicatorUpdate

router = APIRouter(prefix="/indicators", tags=["indicators"])


def read(ind: Indicator) -> IndicatorRead:
    inputs = sorted(fx.references(fx.parse(ind.formula))) if ind.formula else []
    return IndicatorRead.model_validate(ind).model_copy(update={"inputs": inputs})


async def check_formula(session, code: str, formula: str | None) -> None:
    """The formula parses, reads only known indicators, and closes no cycle in the library."""
    if not formula:
        return
    try:
        refs = fx.references(fx.parse(formula))
    except fx.FormulaError as exc:
        raise Invalid(f"The formula is not valid: {exc}.", field="formula", zh="公式无法解析，请检查写法。") from exc
    library = {i.code: i.formula for i in (await session.execute(select(Indicator))).scalars()}
    unknown = sorted(r for r in refs if r not in library and r != code)
    if unknown:
        raise Invalid(f"The formula reads unknown indicators: {', '.join(unknown)}.", field="formula",
                      zh=f"公式引用了不存在的指标：{zh_list(unknown)}。")
    library[code] = formula
    cycle = fx.find_cycle(library)
    if cycle:
        raise Invalid(f"The formula makes a cycle: {' → '.join(cycle)}.", field="formula", cycle=cycle,
                      zh=f"公式形成了循环引用：{' → '.join(cycle)}。")


@router.get("", response_model=Page[IndicatorRead], summary="Indicators, filterable by category")
async def list_indicators(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                          cursor: str | None = CursorParam,
                          category: str | None = Query(None), active: bool | None = Query(None)):
    stmt = select(Indicator)
    if category:
        stmt = stmt.where(Indicator.category == category)
    if active is not None:
        stmt = stmt.where(Indicator.active.is_(active))
    rows, nxt = await paginate(session, stmt, Indicator.id, limit=limit, cursor=cursor)
    return Page[IndicatorRead](items=[read(i) for i in rows], next_cursor=nxt)


@router.get("/{code}", response_model=IndicatorRead)
async def get_indicator(code: str, session: Session, principal: CurrentPrincipal, response: Response):
    ind = await indicator_by_code(session, code, missing="404")
    set_etag(response, etag("indicator", ind.id, ind.version))
    return read(ind)


@router.post("", response_model=IndicatorRead, status_code=201, summary="Add an indicator (admin)")
async def create_indicator(body: IndicatorCreate, request: Request, response: Response, session: Session,
                           principal: CurrentPrincipal):
    require_admin(principal)
    if (await session.execute(select(Indicator.id).where(Indicator.code == body.code))).first():
        raise Conflict(f"An indicator with code '{body.code}' exists already.", field="code",
                       zh=f"编码为“{body.code}”的指标已存在。")
    await check_formula(session, body.code, body.formula)
    check_thresholds(body.direction, body.warning, body.critical)
    ind = Indicator(**body.model_dump())
    session.add(ind)
    await session.flush()
    after = read(ind).model_dump(mode="json")
    await audit(session, request, principal, "indicator.created", "indicator", ind.code, after=after)
    set_etag(response, etag("indicator", ind.id, ind.version))
    return read(ind)


@router.patch("/{code}", response_model=IndicatorRead, summary="Change an indicator (admin; If-Match)")
async def update_indicator(code: str, body: IndicatorUpdate, request: Request, response: Response,
                           session: Session, principal: CurrentPrincipal):
    require_admin(principal)
    ind = await indicator_by_code(session, code, missing="404")
    check_if_match(request, etag("indicator", ind.id, ind.version))
    changes = body.model_dump(exclude_unset=True)
    if "formula" in changes:
        await check_formula(session, ind.code, changes["formula"])
    for k in ("name", "category", "direction", "aggregation", "frequency", "threshold_mode", "active"):
        if k in changes and changes[k] is None:
            raise Invalid(f"{k} cannot be empty.", field=k, zh=f"{field_label(k)}不能为空。")
    check_thresholds(*(changes[k] if k in changes else getattr(ind, k) for k in ("direction", "warning", "critical")))
    if changes.get("direction", ind.direction) != ind.direction:  # the units' own values must still fit
        for t in (await session.execute(select(ThresholdRule).where(ThresholdRule.indicator_id == ind.id))).scalars():
            if threshold_order_problem(changes["direction"], t.warning, t.critical):
                values = " / ".join("none" if v is None else f"{v:g}" for v in (t.warning, t.critical))
                raise Conflict(f"Unit {t.unit_id} has its own thresholds for {ind.code} ({values}) "
                               "that the new direction would invert; change or remove them first.",
                               field="direction", threshold_id=t.id, unit_id=t.unit_id,
                               zh=f"组织单元 {t.unit_id} 为{ind.name}单独设定的阈值（{values}）在新方向下会颠倒；请先修改或移除。")
    before = read(ind).model_dump(mode="json")
    for k, v in changes.items():
        setattr(ind, k, v)
    await session.flush()
    if {"warning", "critical", "threshold_mode", "direction", "formula"} & changes.keys():
        await rejudge(session, lib=await Library.load(session), indicator_ids=[ind.id], cause="thresholds_changed")
    after = read(ind).model_dump(mode="json")
    await audit(session, request, principal, "indicator.updated", "indicator", ind.code, before=before, after=after)
    set_etag(response, etag("indicator", ind.id, ind.version))
    return read(ind)
