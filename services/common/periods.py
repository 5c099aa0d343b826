"""The one period notation: ``2026``, ``2026-Q1``, ``2026-03``, ``2026-W12``, ``2026-03-15``.

Weeks are ISO weeks. A week belongs to the year its ISO year says, and for
``contains`` a week is inside a month or quarter when its Thursday is (the ISO
rule), so every week has exactly one parent at each level.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from services.common import clock


class PeriodKind(str, Enum):
    year = "year"
    quarter = "quarter"
    month = "month"
    week = "week"
    day = "day"


_RANK = {PeriodKind.year: 0, PeriodKind.quarter: 1, PeriodKind.month: 2, PeriodKind.week: 3, PeriodKind.day: 4}

# ASCII digits only: Python's \d also takes ２０２６, which would be stored as a period of its own
_PATTERNS = [
    (PeriodKind.year, re.compile(r"^(\d{4})$", re.ASCII)),
    (PeriodKind.quarter, re.compile(r"^(\d{4})-Q([1-4])$", re.ASCII)),
    (PeriodKind.month, re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)),
    (PeriodKind.week, re.compile(r"^(\d{4})-W(\d{2})$", re.ASCII)),
    (PeriodKind.day, re.compile(r"^(\d{4})-(\d{2})-(\d{2})$", re.ASCII)),
]


# The notation as one regular expression, for API documents; ``period()`` is what decides.
PATTERN = r"^\d{4}(-(Q[1-4]|W\d{2}|\d{2}(-\d{2})?))?$"


class PeriodError(ValueError):
    """A text that is not a period; ``zh`` says why in Chinese (for the Problem it becomes)."""

    def __init__(self, message: str, zh: str = "期间格式应为 2026、2026-Q1、2026-03、2026-W12 或 2026-03-15"):
        super().__init__(message)
        self.zh = zh


class OutsideWindow(PeriodError):
    """A well-formed period too far from today to be recorded (2451 for 2026)."""


def _weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period; compare and hash by its text."""

    text: str

    @property
    def kind(self) -> PeriodKind:
        return parse_kind(self.text)

    @property
    def year(self) -> int:
        return int(self.text[:4])

    @property
    def start(self) -> date:
        return _bounds(self)[0]

    @property
    def end(self) -> date:
        """The last day inside the period."""
        return _bounds(self)[1]

    def __str__(self) -> str:
        return self.text

    def contains(self, other: Period | str) -> bool:
        """Whether ``other`` lies within this period (a period contains itself)."""
        other = period(other)
        if other == self:
            return True
        if _RANK[other.kind] <= _RANK[self.kind]:
            return False
        if other.kind == PeriodKind.week:
            thursday = other.start + timedelta(days=3)
            return self.start <= thursday <= self.end
        return self.start <= other.start and other.end <= self.end

    def children(self, kind: PeriodKind | str | None = None) -> list[Period]:
        """The finer periods inside this one (by default the next level down)."""
        k = self.kind
        if kind is None:
            kind = {PeriodKind.year: PeriodKind.quarter, PeriodKind.quarter: PeriodKind.month,
                    PeriodKind.month: PeriodKind.day, PeriodKind.week: PeriodKind.day}.get(k)
            if kind is None:
                return []
        kind = PeriodKind(kind)
        if _RANK[kind] <= _RANK[k]:
            raise PeriodError(f"{kind.value} periods are not finer than {self.text}", f"{self.text} 没有更细的下级期间")
        y = self.year
        if kind == PeriodKind.quarter:
            return [Period(f"{y}-Q{q}") for q in range(1, 5)]
        if kind == PeriodKind.month:
            first = 1 if k == PeriodKind.year else (int(self.text[-1]) - 1) * 3 + 1
            last = 12 if k == PeriodKind.year else first + 2
            return [Period(f"{y}-{m:02d}") for m in range(first, last + 1)]
        if kind == PeriodKind.day:
            out, d = [], self.start
            while d <= self.end:
                out.append(Period(d.isoformat()))
                d += timedelta(days=1)
            return out
        # weeks whose Thursday falls inside this period
        out, d = [], self.start
        while d.isoweekday() != 4:
            d += timedelta(days=1)
        while d <= self.end:
            iy, iw, _ = d.isocalendar()
            out.append(Period(f"{iy}-W{iw:02d}"))
            d += timedelta(days=7)
        return out

    def previous(self) -> Period:
        """The period just before this one, of the same kind (环比)."""
        return self.shift(-1)

    def next(self) -> Period:
        return self.shift(1)

    def shift(self, n: int) -> Period:
        k, y = self.kind, self.year
        if k == PeriodKind.year:
            return Period(f"{y + n:04d}")
        if k == PeriodKind.quarter:
            idx = y * 4 + int(self.text[-1]) - 1 + n
            return Period(f"{idx // 4:04d}-Q{idx % 4 + 1}")
        if k == PeriodKind.month:
            idx = y * 12 + int(self.text[5:7]) - 1 + n
            return Period(f"{idx // 12:04d}-{idx % 12 + 1:02d}")
        if k == PeriodKind.week:
            d = self.start + timedelta(weeks=n)
            iy, iw, _ = d.isocalendar()
            return Period(f"{iy}-W{iw:02d}")
        return Period((self.start + timedelta(days=n)).isoformat())

    def same_period_last_year(self) -> Period:
        """The matching period one year earlier (同比)."""
        k, y = self.kind, self.year
        if k == PeriodKind.week:
            w = min(int(self.text[6:]), _weeks_in(y - 1))
            return Period(f"{y - 1:04d}-W{w:02d}")
        if k == PeriodKind.day:
            d = self.start
            try:
                return Period(d.replace(year=y - 1).isoformat())
            except ValueError:  # 29 February
                return Period(date(y - 1, 2, 28).isoformat())
        return Period(f"{y - 1:04d}{self.text[4:]}")

    def parent(self, kind: PeriodKind | str) -> Period:
        """The enclosing period of ``kind`` (e.g. the quarter of a month)."""
        kind = PeriodKind(kind)
        if _RANK[kind] > _RANK[self.kind]:
            raise PeriodError(f"a {kind.value} is not coarser than {self.text}", f"{self.text} 没有更粗的上级期间")
        anchor = self.start + timedelta(days=3) if self.kind == PeriodKind.week else self.start
        if kind == PeriodKind.year:
            return Period(f"{anchor.year:04d}")
        if kind == PeriodKind.quarter:
            return Period(f"{anchor.year:04d}-Q{(anchor.month - 1) // 3 + 1}")
        if kind == PeriodKind.month:
            return Period(f"{anchor.year:04d}-{anchor.month:02d}")
        if kind == PeriodKind.week:
            iy, iw, _ = anchor.isocalendar()
            return Period(f"{iy}-W{iw:02d}")
        return Period(anchor.isoformat())


def parse_kind(text: str) -> PeriodKind:
    for kind, pattern in _PATTERNS:
        if pattern.match(text):
            return kind
    raise PeriodError(f"'{text}' is not a period; use 2026, 2026-Q1, 2026-03, 2026-W12 or 2026-03-15",
                      f"“{text}”不是期间，格式应为 2026、2026-Q1、2026-03、2026-W12 或 2026-03-15")


def period(value: Period | str) -> Period:
    """Parse and validate a period (returns the same object for a Period)."""
    if isinstance(value, Period):
        return value
    if not isinstance(value, str):
        raise PeriodError("a period must be text such as 2026-Q1")
    text = value.strip()
    kind = parse_kind(text)
    y = int(text[:4])
    if y < 1900 or y > 2999:
        raise PeriodError(f"'{text}': the year must be between 1900 and 2999", f"“{text}”：年份应在 1900 至 2999 之间")
    if kind == PeriodKind.month and not 1 <= int(text[5:7]) <= 12:
        raise PeriodError(f"'{text}': the month must be 01 to 12", f"“{text}”：月份应为 01 至 12")
    if kind == PeriodKind.week and not 1 <= int(text[6:]) <= _weeks_in(y):
        raise PeriodError(f"'{text}': {y} has weeks W01 to W{_weeks_in(y):02d}",
                          f"“{text}”：{y} 年的周为 W01 至 W{_weeks_in(y):02d}")
    if kind == PeriodKind.day:
        try:
            date.fromisoformat(text)
        except ValueError as exc:
            raise PeriodError(f"'{text}' is not a valid date", f"“{text}”不是有效日期") from exc
    return Period(text)


def _bounds(p: Period) -> tuple[date, date]:
    k, y, t = p.kind, p.year, p.text
    if k == PeriodKind.year:
        return date(y, 1, 1), date(y, 12, 31)
    if k == PeriodKind.quarter:
        q = int(t[-1])
        start = date(y, 3 * q - 2, 1)
        end = date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)
        return start, end - timedelta(days=1)
    if k == PeriodKind.month:
        m = int(t[5:7])
        start = date(y, m, 1)
        end = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
        return start, end - timedelta(days=1)
    if k == PeriodKind.week:
        start = date.fromisocalendar(y, int(t[6:]), 1)
        return start, start + timedelta(days=6)
    d = date.fromisoformat(t)
    return d, d


def of_date(d: date, kind: PeriodKind | str) -> Period:
    """The period of ``kind`` that contains day ``d``."""
    return Period(d.isoformat()).parent(kind)


@dataclass(frozen=True)
class Window:
    """Which years a period may be recorded for: ``years_back`` before today's year to
    ``years_ahead`` after it. Data for 2451 or 1926 is a typing error, never a plan: stored, it
    would sit in every "latest period" and skew every series."""

    years_back: int = 10
    years_ahead: int = 2

    def years(self, today: date | None = None) -> tuple[int, int]:
        year = (today or clock.today()).year
        return year - self.years_back, year + self.years_ahead


# The window in force: each service sets its own (settings.period_years_back / _ahead) per request;
# outside a request, the defaults (a Window is frozen, so one instance serves everyone).
DEFAULT_WINDOW = Window()
window: ContextVar[Window] = ContextVar("period_window", default=DEFAULT_WINDOW)


def recordable(value: Period | str, *, today: date | None = None, within: Window | None = None) -> Period:
    """Parse a period someone records data for (a measurement, target, benchmark, plan, KRI value)
    and refuse it when it lies outside the window (:data:`window`, or ``within``)."""
    p = period(value)
    first, last = (within or window.get()).years(today)
    if not first <= p.year <= last:
        raise OutsideWindow(f"'{p.text}' is outside the periods that can be recorded: years {first} to {last}.",
                            zh=f"{p.text} 不在可录入的期间范围内（{first} 年至 {last} 年）。")
    return p
