"""China's working-day calendar: weekends, public holidays and make-up workdays (调休).

The statutory calendar comes from ``chinesecalendar`` (the State Council's yearly notice, kept up to
date by its maintainers); a company's own override table (``overrides``: date → working or not) wins
over it, for company holidays, and for years the library does not know yet (its data ends with the
latest published notice). Outside the library's years and without an override, Monday to Friday work.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

import chinese_calendar

from services.common import clock


def statutory_workday(day: date) -> bool | None:
    """The statutory answer, or None when the library has no data for the year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def statutory_years() -> tuple[int, int]:
    """The first and last year the statutory data covers."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


class WorkCalendar:
    """Working days with the company's overrides over the statutory calendar."""

    def __init__(self, overrides: Mapping[date, bool] | None = None):
        self.overrides = dict(overrides or {})

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        statutory = statutory_workday(day)
        return statutory if statutory is not None else day.weekday() < 5

    def source(self, day: date) -> str:
        """Why ``day`` is what it is: ``company`` (override), ``statutory`` or ``weekdays`` (no data)."""
        if day in self.overrides:
            return "company"
        return "statutory" if statutory_workday(day) is not None else "weekdays"

    def add(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself does not count); 0 is
        ``start`` when it is a working day, else the next working day."""
        day = start
        if days <= 0:
            while not self.is_workday(day):
                day += timedelta(days=1)
            return day
        left = days
        while left:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def subtract(self, end: date, days: int) -> date:
        """The working day ``days`` working days before ``end``."""
        day, left = end, days
        while left > 0:
            day -= timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.between(end, start)
        return sum(1 for n in range(1, (end - start).days + 1) if self.is_workday(start + timedelta(days=n)))

    def deadline(self, started: datetime, days: int) -> datetime:
        """A limit of ``days`` working days from ``started``: the end of the ``days``-th working day after the
        day it started, in the business time zone (returned aware, in UTC)."""
        day = self.add(clock.local(started).date(), days)
        return clock.at(day + timedelta(days=1), time(0, 0))
