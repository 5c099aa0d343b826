"""An inspection's score: pure functions over its items and results.

A pass/fail item passes when its outcome is ``pass``; a score item when its score reaches its
``pass_score`` (60% of ``max_score`` unless the template says otherwise). ``na`` (not applicable)
items count nowhere. The score is the weighted share of the applicable items' points, 0–100:
Σ weight × (1 | 0 | score ÷ max) ÷ Σ weight.
"""

from __future__ import annotations

import math
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class Summary:
    score: float | None
    passed: int
    failed: int
    scored: int
    answered: int


def pass_score(item: dict[str, Any]) -> float:
    given = item.get("pass_score")
    if given is not None:
        return float(given)
    return float(math.ceil(0.6 * float(item.get("max_score") or 0)))


def answered(result: dict[str, Any] | None) -> bool:
    return bool(result) and (result.get("outcome") is not None)  # type: ignore[union-attr]


def item_passed(item: dict[str, Any], result: dict[str, Any] | None) -> bool | None:
    """True or False for an answered, applicable item; None otherwise."""
    if not result or result.get("outcome") in (None, "na"):
        return None
    if item.get("kind") == "score":
        score = result.get("score")
        return score is not None and float(score) >= pass_score(item)
    return bool(result.get("outcome") == "pass")


def _fraction(item: dict[str, Any], result: dict[str, Any]) -> float:
    if item.get("kind") == "score":
        return min(float(result.get("score") or 0) / float(item.get("max_score") or 1), 1.0)
    return 1.0 if result.get("outcome") == "pass" else 0.0


def summarise(items: list[dict[str, Any]], results: dict[str, dict[str, Any]]) -> Summary:
    weights = points = 0.0
    passed = failed = done = 0
    for item in items:
        result = results.get(item["key"])
        if answered(result):
            done += 1
        verdict = item_passed(item, result)
        if verdict is None or result is None:
            continue
        weight = float(item.get("weight") or 1.0)
        weights += weight
        points += weight * _fraction(item, result)
        passed, failed = passed + verdict, failed + (not verdict)
    score = round(100.0 * points / weights, 1) if weights else None
    return Summary(score=score, passed=passed, failed=failed, scored=passed + failed, answered=done)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def next_due(due: date, frequency: str, anchor: date | None = None) -> date:
    """The due date after ``due`` for a schedule (``anchor``: the first due date, whose day of the
    month is kept, so 31 Jan → 28 Feb → 31 Mar rather than drifting to the 28th)."""
    if frequency == "weekly":
        return due + timedelta(days=7)
    months = {"monthly": 1, "quarterly": 3}[frequency]
    if anchor is None:
        return add_months(due, months)
    n = (due.year - anchor.year) * 12 + due.month - anchor.month + months
    return add_months(anchor, n)
