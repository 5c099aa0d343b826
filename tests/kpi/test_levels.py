"""Levels, status and attainment by direction (pure rules behind evaluations and crossings)."""

import pytest

from services.kpi.evaluation.levels import attainment, crossed_threshold, level_of, status_of
from services.kpi.lookups import ancestor_ids
from services.kpi.measurements.rollups import rollup_periods
from services.kpi.thresholds.rules import Thresholds


@pytest.mark.parametrize("direction, value, warning, critical, target, level", [
    ("higher_better", 86.0, 85.0, 80.0, None, "normal"),
    ("higher_better", 85.0, 85.0, 80.0, None, "normal"),      # at the warning value: not yet below it
    ("higher_better", 84.9, 85.0, 80.0, None, "warning"),
    ("higher_better", 79.0, 85.0, 80.0, None, "critical"),
    ("lower_better", 2.0, 2.0, 3.0, None, "normal"),
    ("lower_better", 2.5, 2.0, 3.0, None, "warning"),
    ("lower_better", 3.5, 2.0, 3.0, None, "critical"),
    ("band", 103.0, 5.0, 10.0, 100.0, "normal"),              # band: allowed deviation from the target
    ("band", 94.0, 5.0, 10.0, 100.0, "warning"),
    ("band", 111.0, 5.0, 10.0, 100.0, "critical"),
    ("band", 111.0, 5.0, 10.0, None, None),                   # no target, no band
    ("higher_better", None, 85.0, 80.0, None, None),
    ("higher_better", 50.0, None, None, None, None),
])
def test_levels_follow_the_indicator_direction(direction, value, warning, critical, target, level):
    assert level_of(direction, value, warning, critical, target) == level


def test_attainment_by_direction():
    assert attainment("higher_better", 90, 100) == pytest.approx(0.9)
    assert attainment("lower_better", 80, 72) == pytest.approx(0.9)
    assert attainment("band", 95, 100) == pytest.approx(0.95)
    assert attainment("higher_better", 90, 0) is None
    assert attainment("lower_better", 0, 5) is None
    assert attainment("higher_better", None, 5) is None


def test_status_comes_from_thresholds_when_there_are_some_else_from_attainment():
    assert status_of("warning", 1.2) == "amber"
    assert status_of(None, 1.0) == "green"
    assert status_of(None, 0.9) == "amber"
    assert status_of(None, 0.89) == "red"
    assert status_of(None, None) is None


def test_relative_thresholds_scale_with_the_target():
    th = Thresholds(0.9, 0.7, "relative", "unit:8")
    assert th.absolute(200.0) == (pytest.approx(180.0), pytest.approx(140.0))
    assert th.absolute(None) == (None, None)


def test_the_threshold_named_in_a_crossing_is_the_boundary_crossed():
    assert crossed_threshold("higher_better", "normal", "warning", 85, 80) == 85
    assert crossed_threshold("higher_better", "normal", "critical", 85, 80) == 80
    assert crossed_threshold("higher_better", "critical", "warning", 85, 80) == 80
    assert crossed_threshold("higher_better", "warning", "normal", 85, 80) == 85
    assert crossed_threshold("higher_better", "critical", "normal", 85, 80) == 85


def test_a_day_rolls_up_into_its_week_month_quarter_and_year():
    from services.common.periods import Period
    assert rollup_periods(Period("2026-03-31")) == ["2026-03-31", "2026-W14", "2026-03", "2026-Q1", "2026"]
    assert rollup_periods(Period("2026-02")) == ["2026-02", "2026-Q1", "2026"]
    assert ancestor_ids("/1/7/8/") == [1, 7, 8]
