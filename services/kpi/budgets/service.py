"""Budgets (预算): the company's chart of budget items, budgets from issued and revised plans, actual spend
from finance systems and imports, and budget vs actual (预算执行) over a unit's subtree."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Principal, Right
from services.common.db import utcnow
from services.common.guards import Place, authorize
from services.common.i18n import say
from services.common.periods import PeriodError, PeriodKind, recordable
from services.common.periods import period as parse_period
from services.common.problems import Conflict, Invalid, NotFound
from services.common.runtime import Runtime
from services.kpi.actions.followups import org_holders
from services.kpi.budgets import feed, workbooks
from services.kpi.budgets.allocation import elapsed_share, monthly, months_of, rate, subtree_budget
from services.kpi.budgets.schemas import (
    ActualBatchResult,
    ActualImportReport,
    ActualIn,
    ActualItemResult,
    ActualRead,
    BudgetItemCreate,
    BudgetItemRead,
    BudgetItemUpdate,
    BudgetRead,
    ExecutionRead,
    ExecutionRow,
)
from services.kpi.events import BudgetChangedData, BudgetLineData, PlanBudgetView
from services.kpi.indicators.catalog import BUDGET_SEED, ensure_indicators
from services.kpi.journal import journal
from services.kpi.lookups import parse_period_param, take_turns_on, unit_or_404
from services.kpi.measurements.ingest import ConcurrentWrite
from services.kpi.measurements.service import Writer
from services.kpi.measurements.staging import unit_paths
from services.kpi.models import Budget, BudgetActual, BudgetItem, OrgUnit

log = logging.getLogger("yunguan.kpi.budgets")

OTHER = "other"
MAX_BATCH = 10_000
# 元: beyond any budget line or booking (and far below where sums stop being exact or finite)
MAX_AMOUNT = 1e12
# code, name, name_en: the chart a new company starts with (its admin changes it)
DEFAULT_ITEMS = [("labor", "人工成本", "Labour"), ("materials", "材料费", "Materials"),
                 ("maintenance", "维修费", "Maintenance"), ("safety", "安全生产费", "Work safety"),
                 ("marketing", "营销费", "Marketing"), ("travel", "差旅费", "Travel"), ("office", "办公费", "Office"),
                 ("training", "培训费", "Training"), (OTHER, "其他", "Other")]


# --- start-up: the default chart and the budget indicators ------------------------------------

async def seed_budget_items(session: AsyncSession) -> int:
    """An empty chart gets the default items; a library without the budget indicators gets them. How many added."""
    added = 0
    if not (await session.execute(select(func.count()).select_from(BudgetItem))).scalar_one():
        for n, (code, name, name_en) in enumerate(DEFAULT_ITEMS):
            session.add(BudgetItem(code=code, name=name, name_en=name_en, sort=(n + 1) * 10))
            added += 1
    added += await ensure_indicators(session, (row[0] for row in BUDGET_SEED))
    await session.flush()
    return added


# --- the chart of budget items ----------------------------------------------------------------

def item_read(i: BudgetItem) -> BudgetItemRead:
    return BudgetItemRead(code=i.code, name=i.name, name_en=i.name_en, parent_code=i.parent_code, active=i.active,
                          sort=i.sort, version=i.version)


async def chart(session: AsyncSession) -> dict[str, BudgetItem]:
    rows = (await session.execute(select(BudgetItem).order_by(BudgetItem.sort, BudgetItem.id))).scalars()
    return {i.code: i for i in rows}


async def list_items(session: AsyncSession, *, active: bool | None) -> list[BudgetItemRead]:
    return [item_read(i) for i in (await chart(session)).values() if active is None or i.active == active]


async def _company(session: AsyncSession, principal: Principal) -> tuple[OrgUnit, Any]:
    root = (await session.execute(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id)
                                  .limit(1))).scalar_one_or_none()
    path, name = (root.path, root.name) if root is not None else ("/", "the company")
    return root, authorize(principal, Place(path, name), Right.admin)  # type: ignore[return-value]


async def _check_parent(session: AsyncSession, code: str, parent: str | None) -> None:
    if parent is None:
        return
    items = await chart(session)
    seen: set[str] = {code}
    at: str | None = parent
    while at is not None:
        if at not in items:
            raise Invalid(f"There is no budget item '{at}'.", field="parent_code", zh=f"没有预算科目“{at}”。")
        if at in seen:
            raise Invalid("An item cannot sit under itself.", field="parent_code", zh="预算科目不能挂在自身之下。")
        seen.add(at)
        at = items[at].parent_code


async def create_item(session: AsyncSession, *, principal: Principal, body: BudgetItemCreate) -> BudgetItemRead:
    root, grant = await _company(session, principal)
    if (await session.execute(select(BudgetItem.id).where(BudgetItem.code == body.code))).first():
        raise Conflict(f"The budget item '{body.code}' exists already.", zh=f"预算科目“{body.code}”已存在。")
    await _check_parent(session, body.code, body.parent_code)
    item = BudgetItem(code=body.code, name=body.name, name_en=body.name_en, parent_code=body.parent_code,
                      sort=body.sort)
    session.add(item)
    await session.flush()
    out = item_read(item)
    await journal.audit(session, actor=principal, action="budget_item.created", subject_type="budget_item",
                        subject_id=item.code, unit_path=root.path if root else None, grant=grant,
                        after=out.model_dump(mode="json"))
    return out


async def update_item(session: AsyncSession, *, principal: Principal, code: str,
                      body: BudgetItemUpdate) -> BudgetItemRead:
    root, grant = await _company(session, principal)
    item = (await chart(session)).get(code)
    if item is None:
        raise NotFound(f"There is no budget item '{code}'.", zh=f"没有预算科目“{code}”。")
    changes = body.model_dump(exclude_unset=True)
    if "parent_code" in changes:
        await _check_parent(session, code, changes["parent_code"])
    if code == OTHER and changes.get("active") is False:
        raise Invalid("'other' takes every budget line without an item; it cannot be retired.", field="active",
                      zh="“其他”承接未指定科目的预算，不能停用。")
    before = item_read(item).model_dump(mode="json")
    for k, v in changes.items():
        setattr(item, k, v)
    await session.flush()
    out = item_read(item)
    await journal.audit(session, actor=principal, action="budget_item.updated", subject_type="budget_item",
                        subject_id=code, unit_path=root.path if root else None, grant=grant, before=before,
                        after=out.model_dump(mode="json"))
    return out


# --- budgets from plans -------------------------------------------------------------------------

def _yuan(amount: float, unit: str | None) -> float:
    return round(amount * 10_000, 2) if unit == "万元" else round(amount, 2)


async def apply_plan_event(session: AsyncSession, event: dict[str, Any], plan: PlanBudgetView) -> int:
    """``planning.plan.issued`` / ``.revised``: the plan's budget lines become its unit's budgets for its period,
    replacing the ones in force (kept as history). An older version, or the same lines again, changes nothing.
    Returns how many lines are now in force (0 when nothing changed)."""
    try:
        per = parse_period(plan.period)
    except PeriodError:
        log.warning("plan event with a period budgets cannot use", extra={"fields": {"period": plan.period}})
        return 0
    if per.kind not in (PeriodKind.year, PeriodKind.quarter, PeriodKind.month):
        return 0
    version = plan.version or 1
    unit = await session.get(OrgUnit, plan.unit_id)
    unit_path = unit.path if unit is not None else (plan.unit_path or f"/{plan.unit_id}/")
    items = await chart(session)
    new: list[tuple[str, float, float, str, str, int | None]] = []
    for r in plan.resources or []:
        if r.kind != "budget" or r.amount is None or not 0 < _yuan(r.amount, r.amount_unit) <= MAX_AMOUNT:
            continue  # not money, or not an amount any budget could be (planning keeps it as text)
        code = r.budget_item if r.budget_item in items else OTHER
        if r.budget_item and code != r.budget_item:
            log.info("budget line with an item not in the chart counted as other",
                     extra={"fields": {"plan_id": plan.plan_id, "budget_item": r.budget_item}})
        new.append((code, _yuan(r.amount, r.amount_unit), r.amount, r.amount_unit or "元", r.description or "", r.id))
    current = list((await session.execute(select(Budget).where(
        Budget.unit_id == plan.unit_id, Budget.period == per.text, Budget.replaced_at.is_(None))
        .order_by(Budget.id))).scalars())
    if any(b.plan_id == plan.plan_id and (b.plan_version or 0) > version for b in current):
        return 0  # a newer revision of this plan is in force already
    same = sorted((b.item_code, b.amount, b.line_id) for b in current) == sorted((c, a, i) for c, a, _, _, _, i in new)
    if same and all(b.plan_id == plan.plan_id for b in current):
        return 0
    now = utcnow()
    for b in current:
        b.replaced_at, b.replaced_by_version = now, version
    for code, amount, entered, entered_unit, description, line_id in new:
        session.add(Budget(unit_id=plan.unit_id, unit_path=unit_path, period=per.text, item_code=code, amount=amount,
                           entered_amount=entered, entered_unit=entered_unit, description=description[:2000],
                           plan_id=plan.plan_id, plan_version=version, plan_title=(plan.title or "")[:200],
                           line_id=line_id, event_id=str(event.get("id") or "")[:36] or None))
    await session.flush()
    before, after = sum(b.amount for b in current), sum(c[1] for c in new)
    actor = f"{event.get('source') or 'planning'}:{event.get('type')}"
    await journal.audit(session, actor=actor, action="budget.from_plan", subject_type="budget",
                        subject_id=f"{plan.unit_id}:{per.text}", unit_path=unit_path,
                        before={"total": before, "lines": [[b.item_code, b.amount] for b in current]},
                        after={"total": after, "lines": [[c[0], c[1]] for c in new]},
                        note=f"plan {plan.plan_id} v{version}, event {event.get('id')}")
    await journal.emit(session, "kpi.budget.changed", f"{plan.unit_id}:{per.text}", BudgetChangedData(
        unit_id=plan.unit_id, unit_path=unit_path, period=per.text, plan_id=plan.plan_id, plan_version=version,
        total=after, previous_total=before,
        lines=[BudgetLineData(item_code=c[0], amount=c[1], description=c[4]) for c in new]), unit_path)
    await feed.refresh(session, budget_months=months_of(per.text))
    return len(new)


def budget_read(b: Budget, items: dict[str, BudgetItem]) -> BudgetRead:
    item = items.get(b.item_code)
    return BudgetRead(id=b.id, unit_id=b.unit_id, unit_path=b.unit_path, period=b.period, item_code=b.item_code,
                      item_name=item.name if item else b.item_code, amount=b.amount, entered_amount=b.entered_amount,
                      entered_unit=b.entered_unit, description=b.description, plan_id=b.plan_id,
                      plan_version=b.plan_version, plan_title=b.plan_title, created_at=b.created_at,
                      replaced_at=b.replaced_at, replaced_by_version=b.replaced_by_version)


async def list_budgets(session: AsyncSession, *, principal: Principal, unit_id: int, period: str | None,
                       history: bool) -> list[BudgetRead]:
    """A unit's own budgets (in force, or with ``history`` the replaced ones too)."""
    unit = await unit_or_404(session, unit_id)
    authorize(principal, Place(unit.path, unit.name), Right.view)
    stmt = select(Budget).where(Budget.unit_id == unit.id)
    if period:
        p = parse_period_param(period)
        stmt = stmt.where(func.substr(Budget.period, 1, 4) == str(p.year))
    if not history:
        stmt = stmt.where(Budget.replaced_at.is_(None))
    items = await chart(session)
    return [budget_read(b, items) for b in (await session.execute(stmt.order_by(Budget.id))).scalars()]


# --- actual spend -------------------------------------------------------------------------------

def _error(field: str, en: str, zh: str) -> dict[str, str]:
    return {"field": field, "message": say(en, zh)}


@dataclass
class Judged:
    accepted: list[tuple[int, tuple[int, str, str, str], ActualIn, str]]  # (index, key, item, unit path)
    refusals: dict[int, list[dict[str, str]]]


async def judge(session: AsyncSession, items: Sequence[ActualIn], *, writer: Writer) -> Judged:
    """Each item accepted or refused on its own, with every reason (field and message)."""
    chart_ = await chart(session)
    paths = await unit_paths(session, {i.unit_id for i in items})
    accepted, refusals = [], {}
    first: dict[tuple[int, str, str, str], int] = {}
    for n, it in enumerate(items):
        errors = []
        path = paths.get(it.unit_id)
        if path is None:
            errors.append(_error("unit_id", f"there is no org unit with id {it.unit_id}",
                                 f"没有编号为 {it.unit_id} 的组织单元"))
        elif not writer.can_write(path):
            errors.append(_error("unit_id", f"you need the 'plan' right over unit {it.unit_id} ({path})",
                                 f"需要对单位 {it.unit_id}（{path}）有计划权"))
        month = None
        try:
            p = recordable(it.period)
            if p.kind != PeriodKind.month:
                errors.append(_error("period", f"'{it.period}' is not a month; actual spend is per month (2026-11)",
                                     f"“{it.period}”不是月份；实际支出按月记录（如 2026-11）"))
            else:
                month = p.text
        except PeriodError as exc:
            errors.append({"field": "period", "message": say(str(exc), exc.zh)})
        item = chart_.get(it.item_code)
        if item is None:
            errors.append(_error("item_code", f"there is no budget item '{it.item_code}'",
                                 f"没有预算科目“{it.item_code}”"))
        elif not item.active:
            errors.append(_error("item_code", f"the budget item '{it.item_code}' is retired",
                                 f"预算科目“{item.name}”已停用"))
        if not 0 <= it.amount <= MAX_AMOUNT:  # NaN fails both comparisons
            errors.append(_error("amount", f"the amount must be a number of 元 from 0 to {MAX_AMOUNT:.0e}",
                                 f"金额须在 0 到 {MAX_AMOUNT:.0e} 元之间"))
        if not errors and month is not None and path is not None:
            key = (it.unit_id, month, it.item_code, it.source)
            if key in first:
                errors.append(_error("item_code", f"item {first[key]} has the same unit, period, item and source",
                                     f"与第 {first[key]} 项的单位、期间、科目和来源相同"))
            else:
                first[key] = n
                accepted.append((n, key, it, path))
                continue
        refusals[n] = errors
    return Judged(accepted, refusals)


async def _upsert(session: AsyncSession, judged: Judged, *, by: str) -> tuple[dict[int, str], set[tuple[int, str]]]:
    """Write the accepted items; their statuses, and the (unit, month) whose totals changed. Batches touching the
    same units take turns, so the totals fed to the KPI count every committed batch."""
    keys = [k for _, k, _, _ in judged.accepted]
    await take_turns_on(session, (k[0] for k in keys))
    stored: dict[tuple[int, str, str, str], BudgetActual] = {}
    a = BudgetActual
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        rows = await session.execute(select(a).where(tuple_(a.unit_id, a.period, a.item_code, a.source).in_(chunk)))
        stored.update({(r.unit_id, r.period, r.item_code, r.source): r for r in rows.scalars()})
    status: dict[int, str] = {}
    changed: set[tuple[int, str]] = set()
    for n, key, it, path in judged.accepted:
        row = stored.get(key)
        amount = round(it.amount, 2)
        if row is None:
            session.add(BudgetActual(unit_id=key[0], unit_path=path, period=key[1], item_code=key[2], amount=amount,
                                     source=key[3], ref=it.ref, recorded_by=by))
            status[n] = "created"
        elif row.amount == amount and row.ref == it.ref:
            status[n] = "unchanged"
            continue
        else:
            row.amount, row.ref, row.recorded_by, row.unit_path = amount, it.ref, by, path
            status[n] = "updated"
        changed.add((key[0], key[1]))
    await session.flush()
    return status, changed


async def _audit_units(session: AsyncSession, writer: Writer, judged: Judged, status: dict[int, str],
                       action: str, note: str) -> None:
    """One audit entry per unit written, with the grant that allowed it."""
    per_unit: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n, _key, _it, path in judged.accepted:
        if status.get(n) in ("created", "updated"):
            per_unit[path][status[n]] += 1
    for path, counts in sorted(per_unit.items()):
        grant = authorize(writer.principal, Place(path, path), Right.plan)
        await journal.audit(session, actor=writer.principal, action=action, subject_type="budget_actual",
                            subject_id=path, unit_path=path, grant=grant, after=dict(counts), note=note)


async def _written(pending: Any) -> Any:
    try:
        return await pending
    except (ConcurrentWrite, IntegrityError) as exc:
        raise Conflict("Another request stored some of this spend at the same moment; nothing was stored. "
                       "Send it again: it is idempotent.",
                       zh="另一个请求同时写入了其中部分支出，本批未保存任何数据；请重新发送（可安全重发）。") from exc


async def store_actuals(session: AsyncSession, *, writer: Writer, items: Sequence[ActualIn],
                        rt: Runtime) -> ActualBatchResult:
    """A batch of actual spend: every item stored or refused on its own; the execution rate follows."""
    if len(items) > MAX_BATCH:
        raise Invalid(f"At most {MAX_BATCH} items per batch; split the rest into another call.", field="body",
                      zh=f"每批最多 {MAX_BATCH} 条；其余请分批发送。")
    judged = await judge(session, items, writer=writer)

    async def write() -> tuple[dict[int, str], int]:
        status, changed = await _upsert(session, judged, by=writer.principal.sub)
        overruns = await feed.refresh(session, actual_keys=changed, holders=org_holders(rt)) if changed else 0
        return status, overruns

    status, overruns = await _written(write())
    await _audit_units(session, writer, judged, status, "budget.actuals.batch", f"{len(items)} items")
    results = [ActualItemResult(index=n, status="rejected", errors=judged.refusals[n]) if n in judged.refusals
               else ActualItemResult(index=n, status=status[n]) for n in range(len(items))]
    counts = {s: sum(1 for r in results if r.status == s) for s in ("created", "updated", "unchanged", "rejected")}
    return ActualBatchResult(received=len(items), overruns=overruns, results=results, **counts)


async def list_actuals(session: AsyncSession, *, principal: Principal, unit_id: int,
                       period: str | None) -> list[ActualRead]:
    """The spend recorded at a unit's subtree (view over the unit), in a period's months."""
    unit = await unit_or_404(session, unit_id)
    authorize(principal, Place(unit.path, unit.name), Right.view)
    a = BudgetActual
    stmt = select(a).where(a.unit_path.startswith(unit.path, autoescape=True))
    if period:
        stmt = stmt.where(a.period.in_(months_of(parse_period_param(period).text)))
    rows = (await session.execute(stmt.order_by(a.period, a.unit_id, a.item_code, a.source).limit(5000))).scalars()
    return [ActualRead(id=r.id, unit_id=r.unit_id, unit_path=r.unit_path, period=r.period, item_code=r.item_code,
                       amount=r.amount, source=r.source, ref=r.ref, recorded_by=r.recorded_by,
                       updated_at=r.updated_at) for r in rows]


_COLUMN_OF = {"unit_id": "unit_code", "period": "period", "item_code": "item_code", "amount": "amount",
              "source": "source", "ref": "ref"}


async def import_actuals(session: AsyncSession, *, writer: Writer, content: bytes, filename: str,
                         preview: bool, rt: Runtime) -> ActualImportReport:
    """An .xlsx (or CSV) of actual spend, imported whole or not at all; ``preview`` checks it and writes nothing."""
    try:
        rows = await asyncio.to_thread(workbooks.read_rows, content, filename)
    except workbooks.FileRejected as exc:
        raise Invalid(exc.message, field="file", zh=exc.zh) from exc
    units = (await session.execute(select(OrgUnit))).scalars().all()
    items_ = await chart(session)
    parsed, errors = workbooks.parse_rows(rows, units_by_code={u.code: u for u in units},
                                          units_by_id={u.id: u for u in units},
                                          item_by_name={i.name: i.code for i in items_.values()})
    judged = await judge(session, [p for _, p in parsed], writer=writer)
    for n, refusals in sorted(judged.refusals.items()):
        row = parsed[n][0]
        errors += [{"row": row, "column": _COLUMN_OF.get(e["field"], e["field"]), "message": e["message"]}
                   for e in refusals]
    errors.sort(key=lambda e: (e["row"], e["column"]))
    shown = [{"row": row, "unit_id": it.unit_id, "period": it.period, "item_code": it.item_code,
              "item_name": items_[it.item_code].name if it.item_code in items_ else it.item_code,
              "amount": it.amount, "source": it.source, "ref": it.ref} for row, it in parsed[:20]]
    if preview:
        return ActualImportReport(status="preview", rows=len(parsed) + len({e["row"] for e in errors
                                                                           if e["row"] > 1} - {r for r, _ in parsed}),
                                  errors=errors, preview=shown)
    if errors:
        first, more = errors[0], len(errors) - 1
        raise Invalid(f"The file was rejected and nothing was stored: row {first['row']}, column "
                      f"'{first['column']}': {first['message']}" + (f" (and {more} more)" if more else ""),
                      errors=[{"field": f"row {e['row']}.{e['column']}", **e} for e in errors],
                      zh=f"文件未通过校验，未保存任何数据：第 {first['row']} 行“{first['column']}”列有误"
                         + (f"（另有 {more} 处）" if more else "") + "。")
    if not parsed:
        raise Invalid("The file has no rows of spend.", field="file", zh="文件中没有支出数据行。")

    async def write() -> dict[int, str]:
        status, changed = await _upsert(session, judged, by=writer.principal.sub)
        if changed:
            await feed.refresh(session, actual_keys=changed, holders=org_holders(rt))
        return status

    status = await _written(write())
    await _audit_units(session, writer, judged, status, "budget.actuals.imported", filename or "file")
    counts = {s: sum(1 for v in status.values() if v == s) for s in ("created", "updated", "unchanged")}
    return ActualImportReport(status="imported", rows=len(parsed), errors=[], preview=shown, **counts)


async def template(session: AsyncSession) -> bytes:
    return workbooks.template_xlsx(list((await chart(session)).values()))


# --- budget vs actual ---------------------------------------------------------------------------

async def execution(session: AsyncSession, *, principal: Principal, unit_id: int, period: str) -> ExecutionRead:
    """Budget vs actual of a unit's subtree for a year, quarter or month, per item and in total."""
    unit = await unit_or_404(session, unit_id)
    authorize(principal, Place(unit.path, unit.name), Right.view)
    p = parse_period_param(period)
    if p.kind not in (PeriodKind.year, PeriodKind.quarter, PeriodKind.month):
        raise Invalid("Budget vs actual is by year, quarter or month (2026, 2026-Q4, 2026-11).", field="period",
                      zh="预算执行按年、季度或月查看（如 2026、2026-Q4、2026-11）。")
    months = months_of(p.text)
    paths = await feed.unit_paths(session)
    own = monthly(feed.lines_of(await feed.in_force(session, {str(p.year)})))
    budget: dict[str, float] = defaultdict(float)
    per_month: dict[str, list[float]] = {m: [0.0, 0.0] for m in months}
    holders: set[int] = set()
    for m in months:
        amounts, made_of = subtree_budget(unit.path, m, own, paths)
        holders |= set(made_of)
        for item, amount in amounts.items():
            budget[item] += amount
            per_month[m][0] += amount
    actual: dict[str, float] = defaultdict(float)
    a = BudgetActual
    for item, month, total in await session.execute(
            select(a.item_code, a.period, func.sum(a.amount))
            .where(a.unit_path.startswith(unit.path, autoescape=True), a.period.in_(months))
            .group_by(a.item_code, a.period)):
        actual[item] += float(total or 0)
        per_month[month][1] += float(total or 0)
    items = await chart(session)
    order = {code: n for n, code in enumerate(items)}

    def row(code: str, name: str, b: float, x: float) -> ExecutionRow:
        b, x = round(b, 2), round(x, 2)
        return ExecutionRow(item_code=code, item_name=name, budget=b, actual=x, rate=rate(x, b),
                            over_budget=x > b + 0.005, remaining=round(b - x, 2))

    codes = sorted(set(budget) | set(actual), key=lambda c: (order.get(c, len(order)), c))
    rows = [row(c, items[c].name if c in items else c, budget.get(c, 0.0), actual.get(c, 0.0)) for c in codes]
    names = dict((await session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(holders)))).all()) \
        if holders else {}
    return ExecutionRead(
        unit_id=unit.id, unit_name=unit.name, period=p.text, elapsed=round(elapsed_share(p.text, clock.today()), 4),
        items=rows, total=row("total", say("Total", "合计"), sum(budget.values()), sum(actual.values())),
        months=[{"period": m, "budget": round(b, 2), "actual": round(x, 2), "rate": rate(x, b)}
                for m, (b, x) in per_month.items()],
        budget_holders=[{"unit_id": uid, "unit_name": names.get(uid, str(uid))} for uid in sorted(holders)])


@dataclass
class Download:
    content: bytes
    filename: str


async def export_execution(session: AsyncSession, *, principal: Principal, unit_id: int, period: str) -> Download:
    data = await execution(session, principal=principal, unit_id=unit_id, period=period)
    return Download(workbooks.execution_xlsx(data), f"预算执行表-{data.unit_name}-{data.period}.xlsx")
