"""The indicator library (监控指标体系): reading it, adding and changing indicators (administrators)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import paginate
from services.common.authz import Principal
from services.common.i18n import field_label, zh_list
from services.common.problems import Conflict, Invalid
from services.kpi.evaluation.crossings import rejudge
from services.kpi.indicators.formula import FormulaError, find_cycle, parse, references
from services.kpi.indicators.library import Library
from services.kpi.indicators.schemas import IndicatorCreate, IndicatorRead, IndicatorUpdate
from services.kpi.journal import journal
from services.kpi.models import Indicator, ThresholdRule
from services.kpi.thresholds.rules import check_threshold_order, threshold_order_problem


def indicator_read(ind: Indicator) -> IndicatorRead:
    inputs = sorted(references(parse(ind.formula))) if ind.formula else []
    return IndicatorRead.model_validate(ind).model_copy(update={"inputs": inputs})


async def check_formula(session: AsyncSession, code: str, formula: str | None) -> None:
    """The formula parses, reads only known indicators, and closes no cycle in the library."""
    if not formula:
        return
    try:
        refs = references(parse(formula))
    except FormulaError as exc:
        raise Invalid(f"The formula is not valid: {exc}.", field="formula", zh="公式无法解析，请检查写法。") from exc
    library = {i.code: i.formula for i in (await session.execute(select(Indicator))).scalars()}
    unknown = sorted(r for r in refs if r not in library and r != code)
    if unknown:
        raise Invalid(f"The formula reads unknown indicators: {', '.join(unknown)}.", field="formula",
                      zh=f"公式引用了不存在的指标：{zh_list(unknown)}。")
    library[code] = formula
    cycle = find_cycle(library)
    if cycle:
        raise Invalid(f"The formula makes a cycle: {' → '.join(cycle)}.", field="formula", cycle=cycle,
                      zh=f"公式形成了循环引用：{' → '.join(cycle)}。")


async def list_indicators(session: AsyncSession, *, limit: int, cursor: str | None, category: str | None,
                          active: bool | None) -> tuple[list[IndicatorRead], str | None]:
    stmt = select(Indicator)
    if category:
        stmt = stmt.where(Indicator.category == category)
    if active is not None:
        stmt = stmt.where(Indicator.active.is_(active))
    rows, nxt = await paginate(session, stmt, Indicator.id, limit=limit, cursor=cursor)
    return [indicator_read(i) for i in rows], nxt


async def create_indicator(session: AsyncSession, *, principal: Principal, body: IndicatorCreate) -> Indicator:
    if (await session.execute(select(Indicator.id).where(Indicator.code == body.code))).first():
        raise Conflict(f"An indicator with code '{body.code}' exists already.", field="code",
                       zh=f"编码为“{body.code}”的指标已存在。")
    await check_formula(session, body.code, body.formula)
    check_threshold_order(body.direction, body.warning, body.critical)
    ind = Indicator(**body.model_dump())
    session.add(ind)
    await session.flush()
    await journal.audit(session, actor=principal, action="indicator.created", subject_type="indicator",
                        subject_id=ind.code, after=indicator_read(ind).model_dump(mode="json"))
    return ind


async def update_indicator(session: AsyncSession, *, principal: Principal, ind: Indicator,
                           body: IndicatorUpdate) -> Indicator:
    changes = body.model_dump(exclude_unset=True)
    if "formula" in changes:
        await check_formula(session, ind.code, changes["formula"])
    for k in ("name", "category", "direction", "aggregation", "frequency", "threshold_mode", "active"):
        if k in changes and changes[k] is None:
            raise Invalid(f"{k} cannot be empty.", field=k, zh=f"{field_label(k)}不能为空。")
    direction, warning, critical = (changes[k] if k in changes else getattr(ind, k)
                                    for k in ("direction", "warning", "critical"))
    check_threshold_order(direction, warning, critical)
    if changes.get("direction", ind.direction) != ind.direction:  # the units' own values must still fit
        for t in (await session.execute(select(ThresholdRule).where(ThresholdRule.indicator_id == ind.id))).scalars():
            if threshold_order_problem(changes["direction"], t.warning, t.critical):
                values = " / ".join("none" if v is None else f"{v:g}" for v in (t.warning, t.critical))
                raise Conflict(f"Unit {t.unit_id} has its own thresholds for {ind.code} ({values}) "
                               "that the new direction would invert; change or remove them first.",
                               field="direction", threshold_id=t.id, unit_id=t.unit_id,
                               zh=f"组织单元 {t.unit_id} 为{ind.name}单独设定的阈值（{values}）在新方向下会颠倒；"
                                  "请先修改或移除。")
    before = indicator_read(ind).model_dump(mode="json")
    for k, v in changes.items():
        setattr(ind, k, v)
    await session.flush()
    if {"warning", "critical", "threshold_mode", "direction", "formula"} & changes.keys():
        await rejudge(session, lib=await Library.load(session), indicator_ids=[ind.id], cause="thresholds_changed")
    await journal.audit(session, actor=principal, action="indicator.updated", subject_type="indicator",
                        subject_id=ind.code, before=before, after=indicator_read(ind).model_dump(mode="json"))
    return ind
