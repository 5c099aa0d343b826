"""An inspection's score and schedule dates, as pure functions."""

from datetime import date

from services.kpi.inspections.scoring import add_months, item_passed, next_due, summarise

ITEMS = [{"key": "a", "kind": "pass_fail", "weight": 2}, {"key": "b", "kind": "pass_fail", "weight": 1},
         {"key": "c", "kind": "score", "weight": 1, "max_score": 10},
         {"key": "d", "kind": "score", "weight": 1, "max_score": 10, "pass_score": 9}]


def test_the_score_is_the_weighted_share_of_points_over_applicable_items():
    results = {"a": {"outcome": "pass"}, "b": {"outcome": "fail"}, "c": {"outcome": "pass", "score": 8},
               "d": {"outcome": "na"}}
    s = summarise(ITEMS, results)
    # (2×1 + 1×0 + 1×0.8) ÷ (2 + 1 + 1) = 70%
    assert (s.score, s.passed, s.failed, s.scored, s.answered) == (70.0, 2, 1, 3, 4)


def test_a_score_item_passes_at_its_pass_score_or_60_percent_of_max():
    assert item_passed(ITEMS[2], {"outcome": "pass", "score": 6}) is True
    assert item_passed(ITEMS[2], {"outcome": "fail", "score": 5.5}) is False
    assert item_passed(ITEMS[3], {"outcome": "fail", "score": 8}) is False
    assert item_passed(ITEMS[0], {"outcome": "na"}) is None
    assert item_passed(ITEMS[0], None) is None


def test_nothing_answered_has_no_score():
    s = summarise(ITEMS, {})
    assert (s.score, s.scored, s.answered) == (None, 0, 0)


def test_schedules_keep_the_day_of_the_month_of_their_first_due_date():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    first = date(2026, 1, 31)
    feb = next_due(first, "monthly", first)
    assert (feb, next_due(feb, "monthly", first)) == (date(2026, 2, 28), date(2026, 3, 31))
    assert next_due(date(2026, 11, 30), "quarterly", date(2026, 11, 30)) == date(2027, 2, 28)
    assert next_due(date(2026, 12, 29), "weekly") == date(2027, 1, 5)
