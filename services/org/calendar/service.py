"""The company's working-day calendar: the statutory days with the company's overrides, and the overrides'
administration. A changed day counts for limits worked out from then on; watches already open keep the
deadlines they were given."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Principal
from services.common.db import utcnow
from services.common.problems import Invalid, NotFound
from services.common.workdays import statutory_workday, statutory_years
from services.org.calendar.schemas import CalendarDayBody, CalendarDayRead, CalendarYear
from services.org.journal import journal
from services.org.models import CalendarDay

# How far from today an override may be set (a typo in the year should not plant a holiday in 2062).
YEARS_AROUND = 2


def holiday_name(day: date) -> tuple[str, str]:
    """The public holiday ``day`` belongs to (a 调休 workday names the holiday it makes up for): zh, en."""
    try:
        _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return "", ""
    if not name:
        return "", ""
    try:
        return chinese_calendar.Holiday(name).chinese, name
    except ValueError:
        return name, name


def _read(day: date, override: CalendarDay | None) -> CalendarDayRead:
    statutory = statutory_workday(day)
    zh, en = holiday_name(day)
    if override is not None:
        return CalendarDayRead(date=day, workday=override.workday, source="company", note=override.note, name=zh,
                               name_en=en, statutory_workday=statutory, updated_by=override.updated_by,
                               updated_at=override.updated_at)
    workday = statutory if statutory is not None else day.weekday() < 5
    return CalendarDayRead(date=day, workday=workday, source="statutory", name=zh, name_en=en,
                           statutory_workday=statutory)


async def year_of(session: AsyncSession, year: int | None) -> CalendarYear:
    """The days of ``year`` (this business year when None) that are not plain Monday–Friday working days and
    weekends: public holidays, 调休 workdays, and every company override."""
    year = year or clock.today().year
    first, last = statutory_years()
    overrides = {d.day: d for d in (await session.execute(
        select(CalendarDay).where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day))).scalars()}
    days = []
    day = date(year, 1, 1)
    while day.year == year:
        statutory = statutory_workday(day)
        if day in overrides or (statutory is not None and statutory != (day.weekday() < 5)):
            days.append(_read(day, overrides.get(day)))
        day += timedelta(days=1)
    return CalendarYear(year=year, statutory_covered=first <= year <= last, days=days)


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _check_range(day: date) -> None:
    today = clock.today()
    low, high = _years_from(today, -YEARS_AROUND), _years_from(today, YEARS_AROUND)
    if not low <= day <= high:
        raise Invalid(f"The date must be within {YEARS_AROUND} years of today ({low} to {high}).", field="date",
                      zh=f"日期须在今天前后 {YEARS_AROUND} 年之内（{low} 至 {high}）。")


async def set_day(session: AsyncSession, principal: Principal, day: date, body: CalendarDayBody) -> CalendarDayRead:
    """Make ``day`` a working day or a day off for the company, whatever the statutory calendar says."""
    _check_range(day)
    row = await session.get(CalendarDay, day)
    before = _read(day, row).model_dump(mode="json")
    if row is None:
        row = CalendarDay(day=day)
        session.add(row)
    row.workday, row.note, row.updated_by, row.updated_at = body.workday, body.note.strip(), principal.sub, utcnow()
    await session.flush()
    after = _read(day, row)
    await journal.audit(session, actor=principal, action="calendar.day.set", subject_type="calendar_day",
                        subject_id=day.isoformat(), before=before, after=after.model_dump(mode="json"))
    return after


async def remove_day(session: AsyncSession, principal: Principal, day: date) -> None:
    """Drop the company's override of ``day``: the statutory calendar decides it again."""
    _check_range(day)
    row = await session.get(CalendarDay, day)
    if row is None:
        raise NotFound(f"The company has not overridden {day}.", zh=f"公司没有调整过 {day} 的工作日安排。")
    before = _read(day, row).model_dump(mode="json")
    await session.delete(row)
    await session.flush()
    await journal.audit(session, actor=principal, action="calendar.day.removed", subject_type="calendar_day",
                        subject_id=day.isoformat(), before=before, after=_read(day, None).model_dump(mode="json"))
