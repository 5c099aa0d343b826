"""Judging a value: attainment of its target, its level against thresholds, its status, its change."""

from __future__ import annotations


def attainment(direction: str, actual: float | None, target: float | None) -> float | None:
    """How far the target is met, as a ratio (1.0 = met exactly)."""
    if actual is None or target is None:
        return None
    if direction == "lower_better":
        return None if actual == 0 else target / actual
    if target == 0:
        return None
    if direction == "band":
        return max(0.0, 1 - abs(actual - target) / abs(target))
    return actual / target


def level_of(direction: str, value: float | None, warning: float | None, critical: float | None,
             target: float | None = None) -> str | None:
    """normal / warning / critical for a value, or None when it cannot be judged.

    Higher-is-better indicators warn below their values, lower-is-better above them; for a band
    the values are allowed deviations from the target.
    """
    if value is None or (warning is None and critical is None):
        return None
    if direction == "band":
        if target is None:
            return None
        dev = abs(value - target)
        if critical is not None and dev > critical:
            return "critical"
        if warning is not None and dev > warning:
            return "warning"
        return "normal"
    if direction == "lower_better":
        if critical is not None and value > critical:
            return "critical"
        if warning is not None and value > warning:
            return "warning"
        return "normal"
    if critical is not None and value < critical:
        return "critical"
    if warning is not None and value < warning:
        return "warning"
    return "normal"


LEVEL_RANK = {"normal": 0, "warning": 1, "critical": 2}
STATUS_OF_LEVEL = {"normal": "green", "warning": "amber", "critical": "red"}


def status_of(level: str | None, attained: float | None) -> str | None:
    """green / amber / red: from thresholds when the indicator has them, else from attainment."""
    if level is not None:
        return STATUS_OF_LEVEL[level]
    if attained is None:
        return None
    if attained >= 1.0:
        return "green"
    if attained >= 0.9:
        return "amber"
    return "red"


def change(current: float | None, base: float | None) -> float | None:
    """Relative change against a base value (环比 / 同比), e.g. 0.05 for +5 %."""
    if current is None or base is None or base == 0:
        return None
    return (current - base) / abs(base)


def crossed_threshold(direction: str, old: str, new: str, warning: float | None,
                      critical: float | None) -> float | None:
    """The threshold value crossed going from level ``old`` to ``new``."""
    worse = LEVEL_RANK[new] > LEVEL_RANK[old]
    if worse:
        return critical if new == "critical" else warning
    return warning if new == "normal" and warning is not None else critical

