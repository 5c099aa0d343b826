"""Rollups: aggregates of one indicator under one unit's subtree within one period.

Changes arrive as *leaves*, one per (indicator, unit, period) a batch touched, carrying the
deltas of its points. Each leaf is added into the rollups of every ancestor unit and
every enclosing period: merged in two steps (periods, then ancestors), so a batch costs
leaves × periods + keys × depth dictionary operations, and one upsert per rollup row.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from typing import Iterable, Iterator

from sqlalchemy.ext.asyncio import AsyncSession

from services.kpi import aggregate as ag

# A delta is a list: [n, total, wsum, wtotal, vmin, vmax, last_period, last_total], where
# last_total is the total of the latest period seen (what a "last" indicator reports).
Delta = list


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
    return tuple(ag.ancestor_ids(path))


def fan_out(leaves: Iterable[tuple[int, str, str, Delta]]) -> dict[tuple[int, int, str], Delta]:
    """(indicator, unit path, period, delta) leaves → deltas per (indicator, ancestor unit, enclosing period)."""
    by_period: dict[tuple[int, str, str], Delta] = {}
    for ind, path, per, a in leaves:
        for rp in ag._rollup_periods(per):
            _merge_into(by_period, (ind, path, rp), a)
    out: dict[tuple[int, int, str], Delta] = {}
    for (ind, path, rp), a in by_period.items():
        for uid in _ancestors(path):
            _merge_into(out, (ind, uid, rp), a)
    return out


def _merge_into(acc: dict, key, d: Delta) -> None:
    """``merge`` for a delta list (the fan-out's inner loop: no argument unpacking)."""
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
    driver = (await conn.get_raw_connection()).driver_connection
    records = [(k[1], k[2], k[0], *a) for k, a in sorted(deltas.items())]
    with concurrent_writes():
        if postgres:
            await driver.execute(_upsert_sql(True), *map(list, zip(*records)))
        else:
            await driver.executemany(_upsert_sql(False), records)
