"""Assessment scoring (考核计分): pure functions from attainment to item scores, total and grade.

Item scores are on a 0..100 scale (linear-with-cap may exceed 100 up to cap × 100); the
total is the weight-averaged item score. A one-vote veto (一票否决) item that is missed
sets the total to 0 and the lowest grade, whatever the other items say. An item without
data (no actual or no target) scores 0 and vetoes nothing: a missing figure is a gap to
fill before finalising, not a proven miss.
"""

from __future__ import annotations

from typing import Any


def score_item(rule: dict[str, Any], attainment: float | None) -> tuple[float, bool]:
    """(score, vetoed) of one indicator item for an attainment ratio (None = no data: 0, no veto)."""
    kind = rule.get("type", "linear_cap")
    if attainment is None:
        return 0.0, False
    if kind == "linear_cap":
        return round(max(0.0, min(attainment, float(rule.get("cap", 1.2)))) * 100, 4), False
    if kind == "tiered":
        for tier in sorted(rule.get("tiers") or [], key=lambda t: -t["min"]):
            if attainment >= tier["min"]:
                return float(tier["score"]), False
        return 0.0, False
    if kind == "deduction":
        shortfall = max(0.0, (1.0 - attainment) * 100)
        return round(max(0.0, 100.0 - float(rule.get("per_percent", 2.0)) * shortfall), 4), False
    if kind == "veto":
        ok = attainment >= float(rule.get("floor", 1.0))
        return (100.0 if ok else 0.0), not ok
    raise ValueError(f"unknown scoring rule {kind}")


def grade_of(total: float, grades: list[dict[str, Any]]) -> str:
    bands = sorted(grades, key=lambda g: -g["min"])
    for band in bands:
        if total >= band["min"]:
            return band["grade"]
    return bands[-1]["grade"] if bands else ""


def lowest_grade(grades: list[dict[str, Any]]) -> str:
    return min(grades, key=lambda g: g["min"])["grade"] if grades else ""


def total_of(items: list[dict[str, Any]], qualitative: dict[str, dict[str, Any]]) -> tuple[float | None, bool]:
    """Weighted total of computed indicator items and assessor-scored qualitative items.

    Returns (None, vetoed) while a qualitative item is still unscored.
    """
    weight_sum = sum(i["weight"] for i in items)
    vetoed = any(i.get("vetoed") for i in items)
    acc = 0.0
    for i in items:
        if i["kind"] == "qualitative":
            q = qualitative.get(i["key"])
            if q is None:
                return None, vetoed
            score = float(q["score"]) / float(i.get("max_score", 100)) * 100
        else:
            score = float(i.get("score") or 0.0)
        acc += i["weight"] * score
    if vetoed:
        return 0.0, True
    return round(acc / weight_sum, 4) if weight_sum else 0.0, False
