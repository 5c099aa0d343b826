"""Decomposition and consolidation (分解, 汇总与综合平衡): pure arithmetic over targets.

Gaps are always shown, never absorbed: ``gap = combined - reference`` where the
reference is the parent (top-down) value and ``combined`` the children's sum or average.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from services.common.periods import Period


@dataclass
class ChildTargets:
    """One child plan (or one child unit's plan) and its targets by indicator code."""

    label: str
    plan_id: int | None
    values: dict[str, float]


@dataclass
class Line:
    indicator_code: str
    aggregation: str
    reference: float | None
    combined: float | None
    gap: float | None
    gap_ratio: float | None
    status: str  # balanced | under | over | no_reference | no_children
    contributors: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def outermost(periods_by_key: dict[Any, tuple[Any, Period]]) -> set[Any]:
    """Of child plans keyed by id with (unit, period): those no other child of the same unit covers.
    A quarter and a month inside it are not siblings: summing both would count the month twice."""
    keep = set()
    for key, (unit, p) in periods_by_key.items():
        if not any(other_unit == unit and other != p and other.contains(p)
                   for k, (other_unit, other) in periods_by_key.items() if k != key):
            keep.add(key)
    return keep


def combine(values: list[float], aggregation: str) -> float | None:
    if not values:
        return None
    total = sum(values)
    return total / len(values) if aggregation == "avg" else total


def compare(reference: dict[str, tuple[float, str]], children: Iterable[ChildTargets], *,
            tolerance: float = 1e-9) -> list[Line]:
    """Per indicator: the reference value against the children combined by its aggregation."""
    children = list(children)
    codes = list(reference) + sorted({c for ch in children for c in ch.values} - set(reference))
    lines = []
    for code in codes:
        ref, agg = reference.get(code, (None, "sum"))
        having = [ch for ch in children if code in ch.values]
        combined = combine([ch.values[code] for ch in having], agg)
        if ref is None:
            status, gap = "no_reference", None
        elif combined is None:
            status, gap = "no_children", None
        else:
            gap = combined - ref
            status = "balanced" if abs(gap) <= tolerance * max(1.0, abs(ref)) else ("under" if gap < 0 else "over")
        ratio = (gap / ref) if gap is not None and ref else None
        lines.append(Line(indicator_code=code, aggregation=agg, reference=ref, combined=combined, gap=gap,
                          gap_ratio=ratio, status=status,
                          contributors=[{"label": ch.label, "plan_id": ch.plan_id, "value": ch.values[code]}
                                        for ch in having],
                          missing=[ch.label for ch in children if code not in ch.values]))
    return lines
