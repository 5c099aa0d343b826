"""The periods plans are for: a year (annual plans), a quarter (quarterly) or a month (monthly)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from services.common.api import PeriodText
from services.common.i18n import InvalidValue
from services.common.periods import PeriodKind, period
from services.planning.vocabulary import KINDS


def _plan_period(v: str) -> str:
    if period(v).kind not in (PeriodKind.year, PeriodKind.quarter, PeriodKind.month):
        raise InvalidValue("plans are annual (2027), quarterly (2027-Q1) or monthly (2027-03)",
                           "计划期间应为年度（2027）、季度（2027-Q1）或月度（2027-03）")
    return v


PlanPeriod = Annotated[PeriodText, AfterValidator(_plan_period), Field(
    description="A year (2027), a quarter (2027-Q1) or a month (2027-03)", examples=["2027"])]


def kind_of(period_text: str) -> str:
    """The kind of plan for a period: annual, quarterly or monthly."""
    return KINDS[period(period_text).kind.value]
