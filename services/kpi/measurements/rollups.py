"""Rollups: aggregates of one indicator under one unit's subtree within one period.

Changes arrive as *leaves*, one per (indicator, unit, period) a batch touched, carrying the
deltas of its points. Each leaf is added into the rollups of every ancestor unit and
every enclosing period, except its own unit's own period (read from the points themselves):
merged in two steps (periods, then ancestors), so a batch costs leaves × periods + keys ×
depth dictionary operations, and one upsert per rollup row. Evaluations read them back with
``load_rollups``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.periods import Period, PeriodKind
from services.kpi.indicators.library import Aggregate
from services.kpi.lookups import ancestor_ids
from services.kpi.models import Measurement, Rollup

# A period's coarser levels, where its points are also rolled up.
_COARSER = {
    PeriodKind.day: (PeriodKind.week, PeriodKind.month, PeriodKind.quarter, PeriodKind.year),
    PeriodKind.week: (PeriodKind.month, PeriodKind.quarter, PeriodKind.year),
    PeriodKind.month: (PeriodKind.quarter, PeriodKind.year),
    PeriodKind.quarter: (PeriodKind.year,),
    PeriodKind.year: (),
}


def rollup_periods(p: Period) -> list[str]:
    """The period itself and every coarser period it is rolled up into."""
    return list(_rollup_periods(p.text))


@lru_cache(maxsize=8192)
def _rollup_periods(text: str) -> tuple[str, ...]:
    p = Period(text)
    return (text, *(p.parent(k).text for k in _COARSER[p.kind]))


# A delta or aggregate as a list: [n, total, wsum, wtotal, vmin, vmax, last_period, last_total],
# where last_total is the total of the latest period seen (what a "last" indicator reports).
Delta = list[Any]


def merge(acc: dict[Any, Delta], key: Any, d: Delta) -> None:
    """Add delta ``d`` into ``acc[key]`` (the rollup fan-out's inner loop: no argument unpacking)."""
    a = acc.get(key)
    if a is None:
        acc[key] = d[:]
        return
    a[0] += d[0]
    a[1] += d[1]
    a[2] += d[2]
    a[3] += d[3]
    if d[4] < a[4]:
        a[4] = d[4]
    if d[5] > a[5]:
        a[5] = d[5]
    if d[6] > a[6]:
        a[6], a[7] = d[6], d[7]
    elif d[6] == a[6]:
        a[7] += d[7]


class ConcurrentWrite(Exception):
    """Another transaction stored or changed some of the same points or rollups at the same moment."""


def key_exists(exc: BaseException) -> bool:
    """A driver's own error (it bypasses SQLAlchemy's translation): an insert met a stored key."""
    return "unique" in str(exc).lower()


def lost_a_race(exc: BaseException) -> bool:
    """A driver's error saying a concurrent writer won: its key, or a lock cycle with it."""
    return key_exists(exc) or "deadlock" in str(exc).lower()


@contextmanager
def concurrent_writes() -> Iterator[None]:
    """Around a driver write: a concurrent writer's key or lock becomes ``ConcurrentWrite``."""
    try:
        yield
    except Exception as exc:
        if lost_a_race(exc):
            raise ConcurrentWrite() from exc
        raise


@lru_cache(maxsize=65536)
def _ancestors(path: str) -> tuple[int, ...]:
    return tuple(ancestor_ids(path))


def fan_out(leaves: Iterable[tuple[int, str, str, Delta]]) -> dict[tuple[int, int, str], Delta]:
    """(indicator, unit path, period, delta) leaves → deltas per (indicator, ancestor unit, enclosing period).

    Except a leaf's own (unit, period): that rollup would copy the points themselves, which
    ``load_rollups`` reads through the points' unique key instead. With daily
    points that is most rollup rows a batch would write.
    """
    enclosing: dict[tuple[int, str, str], Delta] = {}   # (indicator, path, strictly coarser period)
    own: dict[tuple[int, str, str], Delta] = {}         # (indicator, path, the leaf's period)
    for ind, path, per, a in leaves:
        merge(own, (ind, path, per), a)
        for rp in _rollup_periods(per)[1:]:
            merge(enclosing, (ind, path, rp), a)
    out: dict[tuple[int, int, str], Delta] = {}
    for (ind, path, rp), a in enclosing.items():
        for uid in _ancestors(path):
            merge(out, (ind, uid, rp), a)
    for (ind, path, per), a in own.items():
        for uid in _ancestors(path)[:-1]:
            merge(out, (ind, uid, per), a)
    return out


_COLUMNS = ("unit_id", "period", "indicator_id", "n", "total", "wsum", "wtotal", "vmin", "vmax", "last_period",
            "last_total")


# PostgreSQL takes the rows as one array per column (one statement, one round trip, instead
# of a round trip per row); SQLite's executemany stays in process anyway.
_PG_TYPES = ("int4", "text", "int4", "int8", "float8", "float8", "float8", "float8", "float8", "text", "float8")


def _upsert_sql(postgres: bool) -> str:
    t = "kpi_rollup"
    if postgres:
        arrays = ", ".join(f"${i}::{ty}[]" for i, ty in enumerate(_PG_TYPES, 1))
        source = f"SELECT * FROM unnest({arrays})"
        lo, hi = f"LEAST({t}.vmin, excluded.vmin)", f"GREATEST({t}.vmax, excluded.vmax)"
    else:  # SQLite's two-argument min/max are NULL if either side is
        source = f"VALUES ({', '.join('?' * len(_COLUMNS))})"
        lo = f"min(coalesce({t}.vmin, excluded.vmin), coalesce(excluded.vmin, {t}.vmin))"
        hi = f"max(coalesce({t}.vmax, excluded.vmax), coalesce(excluded.vmax, {t}.vmax))"
    return (f"INSERT INTO {t} ({', '.join(_COLUMNS)}) {source} "
            f"ON CONFLICT (unit_id, period, indicator_id) DO UPDATE SET "
            f"n = {t}.n + excluded.n, total = {t}.total + excluded.total, wsum = {t}.wsum + excluded.wsum, "
            f"wtotal = {t}.wtotal + excluded.wtotal, vmin = {lo}, vmax = {hi}, "
            f"last_total = CASE WHEN excluded.last_period > {t}.last_period THEN excluded.last_total "
            f"WHEN excluded.last_period = {t}.last_period THEN {t}.last_total + excluded.last_total "
            f"ELSE {t}.last_total END, "
            f"last_period = CASE WHEN excluded.last_period > {t}.last_period THEN excluded.last_period "
            f"ELSE {t}.last_period END")


async def add(session: AsyncSession, deltas: dict[tuple[int, int, str], Delta]) -> None:
    """Add deltas to the rollup rows (insert or update) through the driver, in the session's transaction.

    In key order, so concurrent batches lock shared rollup rows in the same order (no deadlocks).
    """
    if not deltas:
        return
    conn = await session.connection()
    postgres = conn.dialect.name == "postgresql"
    driver: Any = (await conn.get_raw_connection()).driver_connection
    records = [(k[1], k[2], k[0], *a) for k, a in sorted(deltas.items())]
    with concurrent_writes():
        if postgres:
            await driver.execute(_upsert_sql(True), *map(list, zip(*records, strict=True)))
        else:
            await driver.executemany(_upsert_sql(False), records)


# --- reading ---------------------------------------------------------------------------------

async def load_rollups(session: AsyncSession, unit_ids: Iterable[int], periods: Iterable[str],
                       indicator_ids: Iterable[int]) -> dict[tuple[int, str], dict[int, Aggregate]]:
    """Aggregates per (unit id, period), then indicator id: the rollup row plus the unit's own points.

    A rollup row leaves out the points stored at its own unit for exactly its own period
    (``fan_out``): those are read here through kpi_measurement's unique key.
    """
    units, pers, indicators = sorted(set(unit_ids)), sorted(set(periods)), sorted(set(indicator_ids))
    if not units or not pers or not indicators:
        return {}
    acc: dict[tuple[int, str, int], Delta] = {}
    rows = await session.execute(
        select(Rollup.unit_id, Rollup.period, Rollup.indicator_id, Rollup.n, Rollup.total, Rollup.wsum,
               Rollup.wtotal, Rollup.vmin, Rollup.vmax, Rollup.last_period, Rollup.last_total)
        .where(Rollup.unit_id.in_(units), Rollup.period.in_(pers), Rollup.indicator_id.in_(indicators)))
    for unit_id, per, ind, *delta in rows:
        acc[(unit_id, per, ind)] = delta
    m = Measurement
    own = await session.execute(
        select(m.unit_id, m.period, m.indicator_id, func.count(), func.sum(m.value), func.sum(m.value * m.weight),
               func.sum(m.weight), func.min(m.value), func.max(m.value))
        .where(m.indicator_id.in_(indicators), m.unit_id.in_(units), m.period.in_(pers))
        .group_by(m.unit_id, m.period, m.indicator_id))
    for unit_id, per, ind, n, total, wsum, wtotal, vmin, vmax in own:
        merge(acc, (unit_id, per, ind), [n, total, wsum, wtotal, vmin, vmax, per, total])
    out: dict[tuple[int, str], dict[int, Aggregate]] = {}
    for (unit_id, per, ind), a in acc.items():
        out.setdefault((unit_id, per), {})[ind] = Aggregate(*a)
    return out
