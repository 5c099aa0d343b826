"""人员编制: people against plan per unit and period, the vacancies, the 人员编制表 export, and the monthly
measurement org sends to kpi (``org.staffing.measured``) whenever a number changed.

Measuring happens when a plan's people lines come into force (``from_plans.py``), when an assignment is created,
changed or deleted (the units above the position are measured again), when a planner asks for it, and by the
periodic job (people join and leave on their assignments' dates without anyone touching the org).
"""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import Page
from services.common.authz import Principal, Right
from services.common.guards import Allowed, authorize
from services.common.i18n import UNIT_KINDS_ZH
from services.common.periods import Period, PeriodError, PeriodKind, of_date, period
from services.common.problems import Invalid, NotFound
from services.common.sheets import Column, add_table, workbook_bytes
from services.org.deps import unit_place_of
from services.org.events import StaffingMeasuredData
from services.org.journal import journal
from services.org.models import Position, StaffingMeasure, Unit
from services.org.staffing.headcount import TARGET_RATIO, Staffing, covering, load
from services.org.staffing.schemas import MeasureCreate, MeasureRead, StaffingRead, StaffingRow, VacancyRead


def plan_period(text: str | None, *, today: date) -> Period:
    """The period asked about: a year, quarter or month (this month when not given)."""
    if text is None or not text.strip():
        return of_date(today, PeriodKind.month)
    try:
        p = period(text.strip())
    except PeriodError as exc:
        raise Invalid(str(exc), field="period", zh=exc.zh) from exc
    if p.kind not in (PeriodKind.year, PeriodKind.quarter, PeriodKind.month):
        raise Invalid("Staffing is planned per year, quarter or month (2026, 2026-Q4, 2026-12).", field="period",
                      zh="人员编制按年、季度或月查看，如 2026、2026-Q4、2026-12。")
    return p


def as_of(p: Period, today: date) -> date:
    """Whose holders count: a past period's last day, otherwise today."""
    return p.end if p.end < today else today


async def staffing_of(session: AsyncSession, *, unit: Allowed[Unit], period_text: str | None) -> StaffingRead:
    """The unit's and its sub-units' people against plan (sub-units the caller may not view are left out)."""
    today = clock.today()
    p = plan_period(period_text, today=today)
    org = await load(session, as_of=as_of(p, today), periods=covering(p))
    return StaffingRead(unit_id=unit.item.id, period=p.text, as_of=org.as_of, target_ratio=TARGET_RATIO,
                        rows=_rows(org, unit, p))


def _rows(org: Staffing, unit: Allowed[Unit], p: Period) -> list[StaffingRow]:
    root = unit.item
    depth_of = {root.id: 0}
    rows: list[StaffingRow] = []
    for uid in org.subtree(root.id):
        u = org.units[uid]
        if uid != root.id:
            depth_of[uid] = depth_of.get(u.parent_id or 0, 0) + 1
            if not unit.principal.can("view", u.path):
                continue
        n = org.numbers(uid, p)
        rows.append(StaffingRow(unit_id=uid, unit_name=u.name, unit_code=u.code, unit_kind=u.kind,
                                parent_id=None if uid == root.id else u.parent_id, depth=depth_of[uid],
                                planned=n.planned, plan_period=n.plan_period,
                                covered_by=org.covered_by(uid, p) if n.planned is None else None, actual=n.actual,
                                vacancies=n.vacancies, spare_ratio=n.spare_ratio))
    return rows


async def vacancies_of(session: AsyncSession, *, unit: Allowed[Unit]) -> Page[VacancyRead]:
    """Positions in the unit and below it nobody holds today."""
    org = await load(session, as_of=clock.today(), periods=[])
    items = [VacancyRead(position_id=post.id, title=post.title, role_name=post.role_name, unit_id=post.unit_id,
                         unit_name=org.units[post.unit_id].name, vacant_since=post.vacant_since)
             for post in org.vacant_posts(unit.item.id)
             if unit.principal.can("view", org.units[post.unit_id].path)]
    return Page[VacancyRead](items=items, next_cursor=None)


STAFFING_COLUMNS = [Column("单位", 24), Column("单位类型", 10), Column("编制期间", 10), Column("计划编制（人）", 14),
                    Column("实有人数（人）", 14), Column("空缺岗位", 10), Column("备员率（%）", 12),
                    Column("要求备员率（%）", 14), Column("状态", 12)]
VACANCY_COLUMNS = [Column("单位", 24), Column("岗位", 24), Column("角色", 16), Column("空缺起始日", 14)]


def status_zh(planned: float | None, actual: int, ratio: float | None, covered: bool = False) -> str:
    if planned is None or ratio is None:
        return "计入上级编制" if covered else "无编制计划"
    if actual < planned:
        return "缺编"
    return "备员不足" if ratio < TARGET_RATIO else "达标"


async def export_staffing(session: AsyncSession, *, unit: Allowed[Unit], period_text: str | None) -> bytes:
    """人员编制表: the unit's and its sub-units' rows, indented by level, and the vacant positions."""
    read = await staffing_of(session, unit=unit, period_text=period_text)
    vacancies = await vacancies_of(session, unit=unit)
    wb = Workbook()
    add_table(wb, "人员编制表", STAFFING_COLUMNS, first=True, rows=[
        ("　" * r.depth + r.unit_name, UNIT_KINDS_ZH.get(r.unit_kind, r.unit_kind), r.plan_period or read.period,
         r.planned, r.actual, r.vacancies, r.spare_ratio, read.target_ratio,
         status_zh(r.planned, r.actual, r.spare_ratio, r.covered_by is not None)) for r in read.rows])
    add_table(wb, "空缺岗位", VACANCY_COLUMNS, rows=[
        (v.unit_name, v.title, v.role_name, v.vacant_since) for v in vacancies.items])
    return workbook_bytes(wb)


# --- measuring: org.staffing.measured ------------------------------------------------------------------------


async def measure(session: AsyncSession, *, unit_ids: set[int] | None = None, today: date | None = None) -> MeasureRead:
    """Measure this month's numbers of ``unit_ids`` and every unit above them (all units when None); each unit
    with a planned headcount whose numbers differ from what was last sent gets one ``org.staffing.measured`` (and a
    unit whose plan no longer covers it, once). Idempotent."""
    today = today or clock.today()
    month = of_date(today, PeriodKind.month)
    org = await load(session, as_of=today, periods=covering(month))
    targets: set[int] = set(org.units) if unit_ids is None else {
        a for uid in unit_ids for a in org.ancestors(uid)}
    last = {m.unit_id: m for m in (await session.execute(
        select(StaffingMeasure).where(StaffingMeasure.period == month.text,
                                      StaffingMeasure.unit_id.in_(targets)))).scalars()}
    changed = 0
    for uid in sorted(targets, key=lambda i: org.units[i].path):
        n = org.numbers(uid, month)
        before = last.get(uid)
        numbers = (n.planned, n.actual, n.vacancies, n.spare_ratio)
        if before is not None and (before.planned, before.actual, before.vacancies, before.spare_ratio) == numbers:
            continue
        if n.planned is None and (before is None or before.planned is None):
            continue  # no plan covers the unit (nor did one when last sent): nothing to measure against
        if before is None:
            before = StaffingMeasure(unit_id=uid, period=month.text)
            session.add(before)
        before.planned, before.actual, before.vacancies, before.spare_ratio = numbers
        before.measured_at = clock.now()
        u = org.units[uid]
        await journal.emit(session, "org.staffing.measured", f"{uid}:{month.text}", StaffingMeasuredData(
            unit_id=uid, unit_path=u.path, unit_name=u.name, period=month.text, planned=n.planned, actual=n.actual,
            vacancies=n.vacancies, spare_ratio=n.spare_ratio, target_ratio=TARGET_RATIO), u.path)
        changed += 1
    await session.flush()
    return MeasureRead(period=month.text, units=len(targets), changed=changed)


async def measure_now(session: AsyncSession, *, principal: Principal, body: MeasureCreate) -> MeasureRead:
    """A planner (plan over the unit) asks for the unit's numbers to be measured now, after a bulk change say."""
    unit = await session.get(Unit, body.unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {body.unit_id}.", field="unit_id",
                       zh=f"没有编号为 {body.unit_id} 的组织单元。")
    grant = authorize(principal, unit_place_of(unit), Right.plan)
    inside = {uid for uid, in await session.execute(select(Unit.id).where(Unit.path.startswith(unit.path)))}
    out = await measure(session, unit_ids=inside)
    await journal.audit(session, actor=principal, action="staffing.measured", subject_type="unit",
                        subject_id=unit.id, unit_path=unit.path, grant=grant, after=out.model_dump(mode="json"))
    return out


# A transaction changing more assignments than this (a directory sync, an org import) measures the first ones at
# once and leaves the rest to the periodic measurement (minutes later), instead of recounting the org per person.
IMMEDIATE_PER_TRANSACTION = 10


async def position_changed(session: AsyncSession, *, position_id: int) -> MeasureRead | None:
    """An assignment to the position was created, changed or deleted: its unit and the units above are measured."""
    done = session.info.get("staffing_measured", 0)
    session.info["staffing_measured"] = done + 1
    if done >= IMMEDIATE_PER_TRANSACTION:
        return None
    unit_id = (await session.execute(select(Position.unit_id).where(Position.id == position_id))).scalar()
    if unit_id is None:
        return None
    return await measure(session, unit_ids={unit_id})
