"""Budgets over months and the org tree, as pure functions (no database).

A plan's budget covers its unit's subtree and its period. Per unit and month the finest plan wins
(a monthly plan decomposes the quarterly and annual ones: its month replaces their share); a year's
budget is spread as 1/12 a month, a quarter's as 1/3. Over the tree, a unit holding a budget of its own
for a month is judged by it; a unit without one by the sum of the nearest budget holders below it
(a department's plan covers its sections: their budgets are part of it, never added to it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from services.common.periods import Period, PeriodKind

_SHARE = {PeriodKind.month: 1.0, PeriodKind.quarter: 1 / 3, PeriodKind.year: 1 / 12}
_RANK = {PeriodKind.month: 0, PeriodKind.quarter: 1, PeriodKind.year: 2}


@dataclass(frozen=True)
class Line:
    unit_id: int
    period: str     # the plan's period
    item_code: str
    amount: float   # 元


Monthly = dict[tuple[int, str], dict[str, float]]  # (unit id, month) → item → 元


def months_of(period: str) -> list[str]:
    p = Period(period)
    if p.kind == PeriodKind.month:
        return [p.text]
    return [m.text for m in p.children(PeriodKind.month)]


def monthly(lines: Iterable[Line]) -> Monthly:
    """Each unit's own budget per month and item: the finest plan period covering the month wins."""
    finest: dict[tuple[int, str], int] = {}
    spread: dict[tuple[int, str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for line in lines:
        kind = Period(line.period).kind
        if kind not in _SHARE:
            continue
        rank = _RANK[kind]
        for m in months_of(line.period):
            spread[(line.unit_id, m, rank)][line.item_code] += line.amount * _SHARE[kind]
            key = (line.unit_id, m)
            finest[key] = min(finest.get(key, rank), rank)
    return {key: dict(spread[(key[0], key[1], rank)]) for key, rank in finest.items()}


def _ids(path: str) -> list[int]:
    return [int(x) for x in path.strip("/").split("/") if x]


def nearest_holders(unit_path: str, holders: dict[int, str]) -> list[int]:
    """The budget holders that make ``unit_path``'s budget: itself if it holds one, else the nearest below."""
    ids = _ids(unit_path)
    if ids and ids[-1] in holders:
        return [ids[-1]]
    return _nearest_below(unit_path, holders)


def subtree_budget(unit_path: str, month: str, own: Monthly, paths: dict[int, str]) -> tuple[dict[str, float],
                                                                                             list[int]]:
    """The budget per item of a unit's subtree for a month, and the holders it comes from."""
    holders = {uid: paths[uid] for (uid, m) in own if m == month and uid in paths}
    out: dict[str, float] = defaultdict(float)
    made_of = nearest_holders(unit_path, holders)
    for uid in made_of:
        for item, amount in own[(uid, month)].items():
            out[item] += amount
    return dict(out), made_of


def budget_points(month: str, own: Monthly, paths: dict[int, str]) -> dict[int, float]:
    """The ``budget_amount`` point of every budget holder for a month: its budget less what the nearest holders
    below it hold, so that summing the points over any subtree gives that subtree's budget."""
    holders = {uid: paths[uid] for (uid, m) in own if m == month and uid in paths}
    out = {}
    for uid, path in holders.items():
        below = _nearest_below(path, holders)
        out[uid] = sum(own[(uid, month)].values()) - sum(sum(own[(d, month)].values()) for d in below)
    return out


def _nearest_below(path: str, holders: dict[int, str]) -> list[int]:
    below = {uid: p for uid, p in holders.items() if p.startswith(path) and p != path}
    return sorted(uid for uid, p in below.items() if not any(b in below for b in _ids(p)[len(_ids(path)):-1]))


def elapsed_share(period: str, today: date) -> float:
    """How much of a period has gone by on ``today`` (the day itself counted), 0–1."""
    p = Period(period)
    start, end = p.start, p.end
    if today < start:
        return 0.0
    if today >= end:
        return 1.0
    return ((today - start).days + 1) / ((end - start).days + 1)


def rate(actual: float, budget: float) -> float | None:
    return None if budget <= 0 else round(actual / budget * 100, 2)
