"""Assessment scoring (考核计分): pure functions from attainment to item scores, total and grade.

Item scores are on a 0..100 scale (linear-with-cap may exceed 100 up to cap × 100); the
total is the weight-averaged item score. A one-vote veto (一票否决) item that is missed
sets the total to 0 and the lowest grade, whatever the other items say.

An indicator item without data (no actual or no target) is "no data", never 0: it has no
score, vetoes nothing (a missing figure is not a proven miss), and the total is taken over
the items that have data, their weights re-normalised, and flagged incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def score_item(rule: dict[str, Any], attainment: float | None) -> tuple[float | None, bool]:
    """(score, vetoed) of one indicator item for an attainment ratio (None = no data: no score, no veto)."""
    kind = rule.get("type", "linear_cap")
    if attainment is None:
        return None, False
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


def no_data(item: dict[str, Any]) -> bool:
    """An indicator item scored without an attainment (no actual or no target)."""
    return item.get("kind") == "indicator" and (item.get("no_data") or item.get("attainment") is None)


@dataclass
class Total:
    total: float | None          # None while a qualitative item is unscored, or when nothing has data
    vetoed: bool
    missing: list[str] = field(default_factory=list)   # keys of the indicator items without data
    weight_counted: float = 0.0  # the weight the total was taken over (of all the items' weight)

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)


def total_of(items: list[dict[str, Any]], qualitative: dict[str, dict[str, Any]]) -> Total:
    """Weighted total of computed indicator items and assessor-scored qualitative items.

    Items without data are left out and the others' weights re-normalised; the total is None
    while a qualitative item is still unscored.
    """
    vetoed = any(i.get("vetoed") for i in items)
    missing = [i["key"] for i in items if no_data(i)]
    counted = [i for i in items if not no_data(i)]
    weight_sum = sum(i["weight"] for i in counted)
    acc = 0.0
    for i in counted:
        if i["kind"] == "qualitative":
            q = qualitative.get(i["key"])
            if q is None:
                return Total(None, vetoed, missing, weight_sum)
            score = float(q["score"]) / float(i.get("max_score", 100)) * 100
        else:
            score = float(i.get("score") or 0.0)
        acc += i["weight"] * score
    if vetoed:
        return Total(0.0, True, missing, weight_sum)
    return Total(round(acc / weight_sum, 4) if weight_sum else None, False, missing, weight_sum)


def with_routine(own_total: float | None, vetoed: bool, weight: float,
                 routine_totals: list[float]) -> tuple[float | None, float | None]:
    """(total, routine average) of an annual assessment into which the year's routine results roll by
    ``weight`` (%): total = own × (1 − w) + average × w. Without routine results, or vetoed (一票否决 stays
    0), or not yet totalled, the own total stands."""
    average = round(sum(routine_totals) / len(routine_totals), 4) if routine_totals else None
    if own_total is None or vetoed or average is None or weight <= 0:
        return own_total, average
    w = weight / 100.0
    return round(own_total * (1 - w) + average * w, 4), average
