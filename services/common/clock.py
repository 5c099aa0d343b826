"""The company's clock: "today" and "now" in the business time zone (``YUNGUAN_BUSINESS_TIMEZONE``,
default Asia/Shanghai), whatever zone the server runs in.

Timestamps are stored in UTC (``db.utcnow``); dates a person means — a due date, "today's" overdue
check, the day a reminder goes out — are dates in the company's zone. A server in UTC would otherwise
call 07:30 in Shanghai "yesterday".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Asia/Shanghai"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def business_zone() -> ZoneInfo:
    """The business time zone the settings name (read once per process from the environment)."""
    from services.common.settings import business_timezone

    return _zone(business_timezone())


def now() -> datetime:
    """Now, aware, in the business time zone."""
    return datetime.now(UTC).astimezone(business_zone())


def today() -> date:
    """Today's date in the business time zone."""
    return now().date()


def local(moment: datetime) -> datetime:
    """``moment`` (aware; a naive one is taken as UTC) in the business time zone."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(business_zone())


def at(day: date, clock_time: time) -> datetime:
    """The instant (aware, in UTC, as the database gives them back) of ``clock_time`` on ``day`` in the
    business time zone."""
    return datetime.combine(day, clock_time, tzinfo=business_zone()).astimezone(UTC)
