"""Budgets and actual spend into the KPI service's normal ingest (source "budget").

Two measured indicators carry them per unit and month: ``budget_amount`` (each budget holder's budget less
what the nearest holders below it hold, so that any subtree sums to its budget) and ``budget_actual`` (a
unit's own spend). ``budget_execution_rate`` is their ratio at every level, with thresholds, so its
crossings follow the usual path (risk alerts, notifications). A holder is judged after every change,
whether the change was its own or its sections' spend; a crossing to warning or worse is also
``kpi.budget.overrun``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import utcnow
from services.kpi.actions.followups import HoldersLookup
from services.kpi.budgets.allocation import Line, budget_points, monthly
from services.kpi.evaluation.crossings import check_thresholds
from services.kpi.events import BudgetOverrunData
from services.kpi.indicators.library import Library
from services.kpi.journal import journal
from services.kpi.measurements.ingest import PointIn, ingest
from services.kpi.models import Budget, BudgetActual, Measurement, OrgUnit

SOURCE = "budget"
RATE, AMOUNT, ACTUAL = "budget_execution_rate", "budget_amount", "budget_actual"


async def in_force(session: AsyncSession, years: Iterable[str] | None = None) -> list[Budget]:
    stmt = select(Budget).where(Budget.replaced_at.is_(None))
    if years is not None:
        stmt = stmt.where(func.substr(Budget.period, 1, 4).in_(sorted(set(years))))
    return list((await session.execute(stmt.order_by(Budget.id))).scalars())


def lines_of(rows: Iterable[Budget]) -> list[Line]:
    return [Line(b.unit_id, b.period, b.item_code, b.amount) for b in rows]


async def unit_paths(session: AsyncSession) -> dict[int, str]:
    return dict((await session.execute(select(OrgUnit.id, OrgUnit.path))).all())


async def refresh(session: AsyncSession, *, budget_months: Iterable[str] = (),
                  actual_keys: Iterable[tuple[int, str]] = (), holders: HoldersLookup | None = None) -> int:
    """Write the points of the changed months and unit-months, judge the budget holders; the number of overruns."""
    budget_months, actual_keys = set(budget_months), set(actual_keys)
    months = budget_months | {m for _, m in actual_keys}
    if not months:
        return 0
    lib = await Library.load(session)
    if RATE not in lib.by_code:
        return 0
    paths = await unit_paths(session)
    own = monthly(lines_of(await in_force(session, {m[:4] for m in months})))
    points: list[PointIn] = []
    for month in sorted(budget_months):
        wanted = budget_points(month, own, paths)
        stale = (await session.execute(select(Measurement.unit_id).where(
            Measurement.indicator_id == lib.by_code[AMOUNT].id, Measurement.period == month,
            Measurement.source == SOURCE, Measurement.value != 0))).scalars()
        for uid in stale:
            wanted.setdefault(uid, 0.0)  # no longer a holder: its share goes back to nothing
        points += [PointIn(AMOUNT, uid, month, round(value, 2), SOURCE) for uid, value in sorted(wanted.items())
                   if uid in paths]
    if actual_keys:
        totals: dict[tuple[int, str], float] = defaultdict(float)
        a = BudgetActual
        rows = await session.execute(select(a.unit_id, a.period, func.sum(a.amount))
                                     .where(a.unit_id.in_(sorted({u for u, _ in actual_keys})),
                                            a.period.in_(sorted({p for _, p in actual_keys})))
                                     .group_by(a.unit_id, a.period))
        for uid, per, total in rows:
            totals[(uid, per)] = float(total or 0)
        points += [PointIn(ACTUAL, uid, per, round(totals.get((uid, per), 0.0), 2), SOURCE)
                   for uid, per in sorted(actual_keys) if uid in paths]
    crossings: list[dict[str, Any]] = []
    if points:
        result = await ingest(session, points, lib=lib, can_write=lambda path: True, recorded_by=SOURCE,
                              holders=holders)
        crossings += result.crossings
    # the budget holders of these months, judged whether their own points moved or their sections' did
    now = utcnow()
    touched = [(lib.by_code[RATE].id, uid, paths[uid], month, now)
               for (uid, month) in sorted(own) if month in months and uid in paths]
    if touched:
        crossings += await check_thresholds(session, touched, lib=lib)
    return await _overruns(session, crossings)


async def _overruns(session: AsyncSession, crossings: list[dict[str, Any]]) -> int:
    seen = set()
    for c in crossings:
        if c["indicator_code"] != RATE or c["direction"] != "worse" or c["level"] not in ("warning", "critical"):
            continue
        key = (c["unit_id"], c["period"])
        if key in seen:
            continue
        seen.add(key)
        await journal.emit(session, "kpi.budget.overrun", f"{c['unit_id']}:{c['period']}",
                           BudgetOverrunData(unit_id=c["unit_id"], unit_path=c["unit_path"], period=c["period"],
                                             rate=c["value"], level=c["level"], threshold=c["threshold"]),
                           c["unit_path"])
    return len(seen)
