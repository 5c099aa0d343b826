"""Rollups: aggregates of one indicator under one unit's subtree within one period.

Changes arrive as *leaves*, one per (indicator, unit, period) a batch touched, carrying the
deltas of its points. Each leaf is added into the rollups of every ancestor unit and
every enclosing period, except its own unit's own period (read from the points themselves):
merged in two steps (periods, then ancestors), so a batch costs leaves × periods + keys ×
depth dictionary operations, and one upsert per rollup row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from services.kpi import aggregate as ag
from services.kpi.aggregate import Delta
from services.kpi.aggregate import merge_delta as merge


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
    """(indicator, unit path, period, delta) leaves → deltas per (indicator, ancestor unit, enclosing period).

    Except a leaf's own (unit, period): that rollup would copy the points themselves, which
    ``aggregate.load_rollups`` reads through the points' unique key instead. With daily
    points that is most rollup rows a batch would write.
    """
    enclosing: dict[tuple[int, str, str], Delta] = {}   # (indicator, path, strictly coarser period)
    own: dict[tuple[int, str, str], Delta] = {}         # (indicator, path, the leaf's period)
    for ind, path, per, a in leaves:
        merge(own, (ind, path, per), a)
        for rp in ag._rollup_periods(per)[1:]:
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
    driver = (await conn.get_raw_connection()).driver_connection
    records = [(k[1], k[2], k[0], *a) for k, a in sorted(deltas.items())]
    with concurrent_writes():
        if postgres:
            await driver.execute(_upsert_sql(True), *map(list, zip(*records)))
        else:
            await driver.executemany(_upsert_sql(False), records)
