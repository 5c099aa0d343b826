"""The period notation: parse, contains, children, previous, same period last year."""

import pytest

from services.common import clock
from services.common.periods import PeriodError, PeriodKind, period


@pytest.mark.parametrize("text,kind,start,end", [
    ("2026", PeriodKind.year, "2026-01-01", "2026-12-31"),
    ("2026-Q1", PeriodKind.quarter, "2026-01-01", "2026-03-31"),
    ("2026-Q4", PeriodKind.quarter, "2026-10-01", "2026-12-31"),
    ("2026-02", PeriodKind.month, "2026-02-01", "2026-02-28"),
    ("2024-02", PeriodKind.month, "2024-02-01", "2024-02-29"),
    ("2026-W12", PeriodKind.week, "2026-03-16", "2026-03-22"),
    ("2026-W01", PeriodKind.week, "2025-12-29", "2026-01-04"),
    ("2026-03-15", PeriodKind.day, "2026-03-15", "2026-03-15"),
])
def test_each_notation_parses_to_its_kind_and_bounds(text, kind, start, end):
    p = period(text)
    assert (p.kind, p.start.isoformat(), p.end.isoformat(), str(p)) == (kind, start, end, text)


@pytest.mark.parametrize("text", ["2026-Q5", "2026-13", "2026-00", "2026-W54", "2025-W53", "2026-02-30",
                                  "26", "2026Q1", "2026-q1", "", "2026-3", "abcd", "0999"])
def test_malformed_periods_are_refused_with_a_reason(text):
    with pytest.raises(PeriodError) as exc:
        period(text)
    assert str(exc.value)


def test_long_iso_years_have_a_53rd_week():
    assert period("2026-W53").start.isoformat() == "2026-12-28"


def test_contains_follows_the_calendar():
    assert period("2026").contains("2026-Q2") and period("2026").contains("2026-03-15")
    assert period("2026-Q1").contains("2026-03") and not period("2026-Q1").contains("2026-04")
    assert period("2026-03").contains("2026-W12") and not period("2026-03").contains("2026-W14")
    assert period("2026").contains("2026-W01")  # its Thursday is 1 January 2026
    assert not period("2026").contains("2025-W52")
    assert period("2026-Q1").contains("2026-Q1") and not period("2026-03").contains("2026-Q1")


def test_children_are_the_next_level_down_or_a_named_kind():
    assert [str(p) for p in period("2026").children()] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [str(p) for p in period("2026-Q2").children()] == ["2026-04", "2026-05", "2026-06"]
    assert len(period("2026-02").children()) == 28
    assert [str(p) for p in period("2026-03").children("week")] == ["2026-W10", "2026-W11", "2026-W12", "2026-W13"]
    assert len(period("2026").children("month")) == 12
    assert len(period("2026").children("week")) == 53
    assert period("2026-03-15").children() == []
    with pytest.raises(PeriodError):
        period("2026-03").children("quarter")


def test_previous_crosses_year_boundaries():
    assert [str(period(t).previous()) for t in ("2026", "2026-Q1", "2026-01", "2026-W01", "2026-01-01")] == \
        ["2025", "2025-Q4", "2025-12", "2025-W52", "2025-12-31"]
    assert str(period("2026-12").next()) == "2027-01"


def test_same_period_last_year():
    assert [str(period(t).same_period_last_year()) for t in ("2026", "2026-Q3", "2026-03", "2026-W12",
                                                             "2026-03-15", "2024-02-29")] == \
        ["2025", "2025-Q3", "2025-03", "2025-W12", "2025-03-15", "2023-02-28"]
    assert str(period("2027-W52").same_period_last_year()) == "2026-W52"
    assert str(period("2026-W53").same_period_last_year()) == "2025-W52"


def test_parent_of_a_period():
    assert str(period("2026-05").parent("quarter")) == "2026-Q2"
    assert str(period("2026-W01").parent("year")) == "2026"
    assert str(period("2026-03-15").parent("week")) == "2026-W11"


@pytest.mark.parametrize("text", ["2026", "2026-Q1", "2026-Q4", "2026-03", "2026-13", "2026-W12", "2026-03-15",
                                  "2026-Q5", "2026-Q", "26", "2026-3", "2026-W1", "2026-03-1", "2026Q1", "2026-q1",
                                  "2026-H1", "2026-03-15-1", "２０２６"])
def test_the_documented_pattern_admits_exactly_the_notation_the_parser_reads(text):
    import re

    from services.common.periods import PATTERN, parse_kind

    try:
        parse_kind(text)
        reads = True
    except PeriodError:
        reads = False
    assert bool(re.match(PATTERN, text, re.ASCII)) is reads


def test_full_width_digits_are_not_a_period():
    with pytest.raises(PeriodError):
        period("２０２６-Q1")


def test_request_bodies_document_the_period_notation():
    from services.common.periods import PATTERN
    from services.kpi.measurements.schemas import MeasurementIn
    from services.kpi.targets.schemas import TargetCreate
    from services.planning.plans.schemas import PlanCreate

    for model in (MeasurementIn, TargetCreate, PlanCreate):
        field = model.model_json_schema()["properties"]["period"]
        assert field["pattern"] == PATTERN and field["description"], model
    assert TargetCreate(indicator_code="sales", unit_id=1, period=" 2026-Q1 ", value=1).period == "2026-Q1"
    with pytest.raises(ValueError, match="the month must be 01 to 12"):
        TargetCreate(indicator_code="sales", unit_id=1, period="2026-13", value=1)


# ---- the window periods may be recorded for ---------------------------------------------------

from datetime import date  # noqa: E402

from fastapi import APIRouter  # noqa: E402
from pydantic import BaseModel  # noqa: E402

from services.common.api import PeriodText  # noqa: E402
from services.common.app import create_service_app  # noqa: E402
from services.common.periods import OutsideWindow, Window, recordable  # noqa: E402
from tests.support import running, settings  # noqa: E402

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize("text", ["2016", "2016-01-01", "2026-12", "2028-W52", "2028-Q4"])
def test_periods_from_ten_years_back_to_two_ahead_can_be_recorded(text):
    assert recordable(text, today=TODAY).text == text


@pytest.mark.parametrize("text", ["2451", "2749-03", "2029", "2015-12-31", "1926-Q2"])
def test_periods_far_from_today_are_refused_naming_the_window_in_both_languages(text):
    with pytest.raises(OutsideWindow) as exc:
        recordable(text, today=TODAY)
    assert "2016 to 2028" in str(exc.value) and text in str(exc.value)
    assert exc.value.zh == f"{text} 不在可录入的期间范围内（2016 年至 2028 年）。"


def test_the_window_is_a_setting():
    assert recordable("2031", today=TODAY, within=Window(years_back=1, years_ahead=5)).text == "2031"
    with pytest.raises(OutsideWindow):
        recordable("2024", today=TODAY, within=Window(years_back=1, years_ahead=5))


class _Dated(BaseModel):
    period: PeriodText


_router = APIRouter()


@_router.post("/dated")
async def _dated(body: _Dated):
    return {"period": body.period}


async def test_every_service_s_period_fields_refuse_periods_outside_its_configured_window(databases):
    this_year = clock.today().year
    app = create_service_app(settings("planning", await databases.fresh("planning"), period_years_ahead=5,
                                      period_years_back=1), title="t", routers=[_router])
    async with running(app) as c:
        assert (await c.post("/api/planning/dated", json={"period": f"{this_year + 5}-03"})).status_code == 200
        far = await c.post("/api/planning/dated", json={"period": "2451"})
        assert far.status_code == 422
        assert far.json()["errors"][0]["field"] == "period"
        assert far.json()["detail"] == (f"period: '2451' is outside the periods that can be recorded: "
                                        f"years {this_year - 1} to {this_year + 5}.")
        zh = await c.post("/api/planning/dated", json={"period": f"{this_year - 2}"},
                          headers={"accept-language": "zh-CN,zh;q=0.9"})
        assert zh.status_code == 422
        assert zh.json()["detail"] == (f"期间：{this_year - 2} 不在可录入的期间范围内"
                                       f"（{this_year - 1} 年至 {this_year + 5} 年）。")
        assert zh.json()["title"] == "输入有误"
