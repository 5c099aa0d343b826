"""China's working-day calendar: statutory holidays and 调休 from chinesecalendar, the company's
overrides over them, Monday to Friday beyond the library's years, and limits that end at the close
of a working day in the business time zone."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.common.workdays import WorkCalendar, statutory_years

CALENDAR = WorkCalendar()


def test_national_day_2026_is_a_holiday_week():
    for day in range(1, 8):
        assert not CALENDAR.is_workday(date(2026, 10, day)), f"2026-10-0{day}"
    assert CALENDAR.is_workday(date(2026, 10, 8))


def test_the_weekend_make_up_days_around_national_day_are_working_days():
    # 调休 for 2026's National Day: Sunday 09-20 and Saturday 10-10 are worked
    sunday, saturday = date(2026, 9, 20), date(2026, 10, 10)
    assert (sunday.weekday(), saturday.weekday()) == (6, 5)
    for day in (sunday, saturday):
        assert CALENDAR.is_workday(day), day
        assert CALENDAR.source(day) == "statutory"
    assert not CALENDAR.is_workday(date(2026, 9, 19)) and not CALENDAR.is_workday(date(2026, 10, 11))


def test_one_working_day_after_the_eve_of_national_day_is_the_day_after_the_holiday():
    assert CALENDAR.add(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CALENDAR.between(date(2026, 9, 30), date(2026, 10, 8)) == 1
    assert CALENDAR.subtract(date(2026, 10, 8), 1) == date(2026, 9, 30)


def test_a_company_holiday_on_a_weekday_wins_over_the_statutory_calendar():
    thursday = date(2026, 12, 3)
    assert CALENDAR.is_workday(thursday)
    company = WorkCalendar({thursday: False})
    assert not company.is_workday(thursday) and company.source(thursday) == "company"
    assert company.add(date(2026, 12, 2), 1) == date(2026, 12, 4)


def test_beyond_the_librarys_years_weekdays_work_unless_the_company_says_otherwise():
    _, last = statutory_years()
    beyond = last + 1  # 2027 while 2027's notice is not in the library; the override table covers it
    days = [date(beyond, 1, n) for n in range(1, 8)]
    weekday = next(d for d in days if d.weekday() < 5)
    saturday = next(d for d in days if d.weekday() == 5)
    assert CALENDAR.is_workday(weekday) and not CALENDAR.is_workday(saturday)
    assert CALENDAR.source(weekday) == "weekdays"
    company = WorkCalendar({weekday: False, saturday: True})
    assert not company.is_workday(weekday) and company.is_workday(saturday)
    assert company.source(saturday) == "company"
    assert company.add(saturday - timedelta(days=1), 1) == saturday


def test_a_limit_ends_at_the_close_of_the_working_day_in_shanghai_expressed_in_utc(monkeypatch):
    monkeypatch.delenv("YUNGUAN_BUSINESS_TIMEZONE", raising=False)
    # submitted Thursday 2026-12-03 at 09:00 in Shanghai (01:00 UTC): a 0-day limit ends that night
    assert CALENDAR.deadline(datetime(2026, 12, 3, 1, 0, tzinfo=UTC), 0) == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    # submitted at 01:00 on Friday 12-04 in Shanghai (still Thursday in UTC): counted from Friday
    assert CALENDAR.deadline(datetime(2026, 12, 3, 17, 0, tzinfo=UTC), 1) == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    # three working days from the eve of National Day skip the holiday week
    assert CALENDAR.deadline(datetime(2026, 9, 30, 2, 0, tzinfo=UTC), 3) == datetime(2026, 10, 10, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("zone,end", [("UTC", datetime(2026, 12, 4, 0, 0, tzinfo=UTC)),
                                      ("Asia/Shanghai", datetime(2026, 12, 3, 16, 0, tzinfo=UTC))])
def test_the_close_of_day_follows_the_business_time_zone(monkeypatch, zone, end):
    monkeypatch.setenv("YUNGUAN_BUSINESS_TIMEZONE", zone)
    assert CALENDAR.deadline(datetime(2026, 12, 3, 1, 0, tzinfo=UTC), 0) == end
