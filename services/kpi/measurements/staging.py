"""Storing a measurement batch: judge it in Python once, then let the database write it.

A 10,000-point batch costs per-point Python work only where it is unavoidable: building one
row per point for the driver. Each distinct indicator, unit and period is judged once; an
item is looked at on its own only when something in the batch is wrong.

The accepted rows then take one of two ways into ``kpi_measurement``:

* **new points** (the usual batch: the next days of data). The rows are written straight
  into ``kpi_measurement`` as a bulk load would (``COPY`` on PostgreSQL; on SQLite bound
  into the in-memory stage and moved by one ``INSERT … SELECT``), under a savepoint. If a
  key turns out to be stored already, or repeats in the batch, the insert fails on it, is
  rolled back to the savepoint, and the batch is staged.
* **anything else** (a batch sent again, corrections, repeated keys). The rows are staged in
  a temporary table; set statements pick the last copy of each key, compare it with the
  stored point, insert the new ones and update the changed ones (an update only if the row
  still holds the value compared with, otherwise ``ConcurrentWrite``).

Either way the batch ends with a status per row and one *leaf* per (indicator, unit, period)
it changed, for the rollups (``rollups.py``).

Temporary tables, on the session's connection, emptied before each use:
  kpi_stage   the accepted rows, with their position in the batch
  kpi_win     the rows that win (the last copy of each key), the stored point each replaces
              and its status
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.common.db import as_utc
from services.common.i18n import say
from services.common.periods import Period, PeriodError, PeriodKind, recordable
from services.kpi.indicators.library import Library
from services.kpi.measurements.rollups import ConcurrentWrite, concurrent_writes, key_exists, lost_a_race
from services.kpi.models import OrgUnit

__all__ = ["ROW_COLUMNS", "Batch", "ConcurrentWrite", "Leaf", "judge", "period_columns", "sqlite_stamp", "store",
           "unit_paths"]

T = TypeVar("T")
STATUSES = ("created", "updated", "unchanged", "superseded", "rejected")

# A row as kpi_measurement stores it (the id is the table's own).
ROW_COLUMNS = ["indicator_id", "unit_id", "unit_path", "period", "period_year", "period_quarter", "period_month",
               "source", "value", "weight", "measured_at", "recorded_by"]
_IND, _UNIT, _PATH, _PERIOD, _SOURCE, _VALUE, _WEIGHT, _AT = 0, 1, 2, 3, 7, 8, 9, 10

# (column, SQLite type, PostgreSQL type)
_ROW_TYPES = (("indicator_id", "INTEGER", "integer"), ("unit_id", "INTEGER", "integer"), ("unit_path", "TEXT", "text"),
              ("period", "TEXT", "text"), ("period_year", "TEXT", "text"), ("period_quarter", "TEXT", "text"),
              ("period_month", "TEXT", "text"), ("source", "TEXT", "text"), ("value", "REAL", "float8"),
              ("weight", "REAL", "float8"), ("measured_at", "TEXT", "timestamptz"), ("recorded_by", "TEXT", "text"))
_TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "kpi_stage": (("idx", "INTEGER PRIMARY KEY", "integer PRIMARY KEY"), *_ROW_TYPES),
    "kpi_win": (("idx", "INTEGER PRIMARY KEY", "integer PRIMARY KEY"), ("old_id", "INTEGER", "bigint"),
                ("old_value", "REAL", "float8"), ("old_weight", "REAL", "float8"), ("status", "TEXT", "text")),
}
_KEY = ("indicator_id", "unit_id", "period", "source")


def _error(field_: str, message: str) -> dict[str, str]:
    return {"field": field_, "message": message}


def sqlite_stamp(at: datetime) -> str:
    """A datetime as SQLAlchemy stores it on SQLite (naive UTC text), for rows written by the driver."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")



def period_columns(p: Period) -> tuple[str, str | None, str | None]:
    """(year, quarter, month) enclosing a period, stored with each point for GROUP BY rebuilds."""
    k = p.kind
    year = p.parent(PeriodKind.year).text
    quarter = p.parent(PeriodKind.quarter).text if k != PeriodKind.year else None
    month = p.parent(PeriodKind.month).text if k in (PeriodKind.month, PeriodKind.day, PeriodKind.week) else None
    return year, quarter, month


async def unit_paths(session: AsyncSession, unit_ids: Iterable[int]) -> dict[int, str]:
    # Unit ids are 32-bit in every service: a larger one names no unit (and PostgreSQL would
    # refuse it as a parameter).
    ids = sorted(i for i in set(unit_ids) if -2**31 <= i < 2**31)
    out: dict[int, str] = {}
    for i in range(0, len(ids), 5000):
        rows = await session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(ids[i:i + 5000])))
        out.update(dict(rows.all()))
    return out


@lru_cache(maxsize=256)
def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``:name`` parameters → asyncpg's ``$n`` (``::type`` casts left alone)."""
    names: list[str] = []

    def number(m: re.Match) -> str:
        if m.group(1) not in names:
            names.append(m.group(1))
        return f"${names.index(m.group(1)) + 1}"

    return re.sub(r"(?<![:\w]):([a-z_]+)", number, sql), tuple(names)


class Driver:
    """The session's own database connection, spoken to directly, inside the session's transaction.

    A short statement costs the driver a few tens of microseconds and SQLAlchemy several times
    that; a batch runs a few of them, and bulk loads are the driver's own.
    """

    def __init__(self, raw: Any, postgres: bool):
        self.raw, self.pg = raw, postgres

    @classmethod
    async def of(cls, conn: AsyncConnection) -> Driver:
        return cls((await conn.get_raw_connection()).driver_connection, conn.dialect.name == "postgresql")

    async def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        if self.pg:
            q, names = _positional(sql)
            values = params or {}
            return [tuple(r) for r in await self.raw.fetch(q, *(values[n] for n in names))]
        async with self.raw.execute(sql, params or {}) as cur:
            return await cur.fetchall()

    async def scalar(self, sql: str, params: dict | None = None) -> Any:
        rows = await self.rows(sql, params)
        return rows[0][0] if rows else None

    async def execute(self, sql: str, params: dict | None = None) -> int:
        """Run a statement; the number of rows it changed."""
        if self.pg:
            q, names = _positional(sql)
            values = params or {}
            status = await self.raw.execute(q, *(values[n] for n in names)) if names else await self.raw.execute(q)
            tail = status.rsplit(" ", 1)[-1]
            return int(tail) if tail.isdigit() else 0
        async with self.raw.execute(sql, params or {}) as cur:
            return cur.rowcount

    async def insert_many(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.pg:
            await self.raw.copy_records_to_table(table, records=rows, columns=list(columns))
        else:
            await self.raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                       f"VALUES ({', '.join('?' * len(columns))})", rows)



@dataclass(slots=True)
class Leaf:
    """The changes a batch made at one (indicator, unit, period), as rollup deltas."""

    indicator_id: int
    unit_id: int
    unit_path: str
    period: str
    n: int                  # points added
    total: float            # Σ value − Σ replaced value
    wsum: float             # Σ value × weight − the same of the replaced points
    wtotal: float
    vmin: float
    vmax: float
    updated: int            # points that replaced a different stored value
    measured_at: datetime   # the newest

    def delta(self) -> list:
        return [self.n, self.total, self.wsum, self.wtotal, self.vmin, self.vmax, self.period, self.total]


@dataclass
class Batch:
    """A judged batch: the accepted items as kpi_measurement rows, and the refused ones."""

    received: int
    rows: list[tuple]                            # ROW_COLUMNS order
    index: list[int]                             # the item index of each row
    refusals: dict[int, list[dict[str, str]]]    # item index → why it was refused
    indicator_ids: set[int]
    status: list[str] = field(default_factory=list)               # per row, once stored
    replaced: dict[int, tuple[float, float]] = field(default_factory=dict)  # row → (value, weight) it replaced

    @property
    def changed(self) -> bool:
        return any(st in ("created", "updated") for st in self.status)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for st in self.status:
            counts[st] += 1
        counts["rejected"] = len(self.refusals)
        return counts

    def results_json(self) -> str:
        """The per-item results, the inside of a JSON array, in item order."""
        status = ["rejected"] * self.received
        for i, st in zip(self.index, self.status, strict=False):
            status[i] = st
        refusals = self.refusals
        return ",".join(f'{{"index":{i},"status":"{st}"}}' if st != "rejected" else
                        json.dumps({"index": i, "status": st, "errors": refusals[i]}, ensure_ascii=False)
                        for i, st in enumerate(status))

    def leaves(self) -> list[Leaf]:
        """One leaf per (indicator, unit, period) the batch changed."""
        # [n, total, wsum, wtotal, vmin, vmax, updated, newest measured_at, path] per key;
        # plain lists and no per-row calls because this loop runs once per point.
        acc: dict[tuple[int, int, str], list] = {}
        replaced = self.replaced
        all_created = self.status.count("created") == len(self.status)
        for n, r in enumerate(self.rows):
            if all_created:
                st = "created"
            else:
                st = self.status[n]
                if st != "created" and st != "updated":
                    continue
            value, weight, at = r[_VALUE], r[_WEIGHT], r[_AT]
            key = (r[_IND], r[_UNIT], r[_PERIOD])
            a = acc.get(key)
            if st == "created":
                if a is None:
                    acc[key] = [1, value, value * weight, weight, value, value, 0, at, r[_PATH]]
                    continue
                a[0] += 1
                a[1] += value
                a[2] += value * weight
                a[3] += weight
            else:
                old_value, old_weight = replaced[n]
                if a is None:
                    a = acc[key] = [0, 0.0, 0.0, 0.0, value, value, 0, at, r[_PATH]]
                a[1] += value - old_value
                a[2] += value * weight - old_value * old_weight
                a[3] += weight - old_weight
                a[6] += 1
            if value < a[4]:
                a[4] = value
            elif value > a[5]:
                a[5] = value
            if at > a[7]:
                a[7] = at
        aware = _Aware()
        return [Leaf(ind, uid, a[8], per, a[0], a[1], a[2], a[3], a[4], a[5], a[6], aware(a[7]))
                for (ind, uid, per), a in acc.items()]

    def changed_points(self, indicator_ids: Iterable[int]) -> list[tuple[int, int, str, str, float]]:
        """(indicator id, unit id, unit path, period, value) of the stored changes of some indicators."""
        ids = set(indicator_ids)
        return [(r[_IND], r[_UNIT], r[_PATH], r[_PERIOD], r[_VALUE])
                for r, st in zip(self.rows, self.status, strict=False)
                if st in ("created", "updated") and r[_IND] in ids]


# --- judging ---------------------------------------------------------------------------------

async def judge(session: AsyncSession, items: Sequence[Mapping[str, Any]], *, lib: Library,
                can_write: Callable[[str], bool],
                recorded_by: str, now: datetime, postgres: bool) -> Batch:
    """Items with the MeasurementIn keys → the accepted rows and the refusals, each with its reasons."""
    ind_ids: dict[str, int] = {}
    ind_err: dict[str, dict] = {}
    for code in {p["indicator_code"] for p in items}:
        ind = lib.by_code.get(code)
        if ind is None:
            ind_err[code] = _error("indicator_code", f"there is no indicator '{code}'")
        elif ind.formula:
            ind_err[code] = _error("indicator_code", f"'{ind.code}' is computed from its formula; measure its inputs")
        elif not ind.active:
            ind_err[code] = _error("indicator_code", f"'{ind.code}' is retired")
        else:
            ind_ids[code] = ind.id
    unit_ids = {p["unit_id"] for p in items}
    known = await unit_paths(session, unit_ids)
    paths: dict[int, str] = {}
    unit_err: dict[int, dict] = {}
    for uid in unit_ids:
        path = known.get(uid)
        if path is None:
            unit_err[uid] = _error("unit_id", f"there is no org unit with id {uid}")
        elif not can_write(path):
            unit_err[uid] = _error("unit_id", f"you need the 'plan' right over unit {uid} ({path})")
        else:
            paths[uid] = path
    columns: dict[str, tuple] = {}
    period_err: dict[str, dict] = {}
    for text_ in {p["period"] for p in items}:
        try:
            columns[text_] = period_columns(recordable(text_))
        except PeriodError as exc:
            period_err[text_] = _error("period", say(str(exc), exc.zh))
    weights = [p.get("weight", 1.0) for p in items]
    # A sum is finite only if every term is (one NaN or infinity spoils it); the items are
    # looked at one by one only when it is not, or when some lookup failed.
    suspect = bool(ind_err or unit_err or period_err or not math.isfinite(sum(p["value"] for p in items))
                   or not math.isfinite(sum(weights)) or (weights and min(weights) <= 0))
    refusals = _refusals(items, ind_err, unit_err, period_err) if suspect else {}

    # a time without a zone is UTC (as_utc), so every row's time compares with the others'
    stamp = as_utc if postgres else sqlite_stamp
    default_at = stamp(now)
    index = [i for i in range(len(items)) if i not in refusals] if refusals else list(range(len(items)))
    rows = [(ind_ids[(p := items[i])["indicator_code"]], (u := p["unit_id"]), paths[u], (per := p["period"]),
             *columns[per], p.get("source", "manual"), p["value"], weights[i],
             default_at if (at := p.get("measured_at")) is None else stamp(at), recorded_by) for i in index]
    return Batch(len(items), rows, index, refusals, set(ind_ids.values()))


def _refusals(items: Sequence[Mapping[str, Any]], ind_err: dict, unit_err: dict,
              period_err: dict) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    for i, p in enumerate(items):
        errors = [e for e in (ind_err.get(p["indicator_code"]), unit_err.get(p["unit_id"]),
                              period_err.get(p["period"])) if e]
        value, weight = p["value"], p.get("weight", 1.0)
        if not (-math.inf < value < math.inf):  # NaN and infinities, from Python callers and lenient JSON
            errors.append(_error("value", "the value must be a finite number"))
        elif not (0 < weight < math.inf):
            errors.append(_error("weight", "the weight must be a positive number"))
        if errors:
            out[i] = errors
    return out


# --- storing ---------------------------------------------------------------------------------

async def store(session: AsyncSession, batch: Batch, then: Callable[[Batch], T]) -> T:
    """Write the accepted rows, setting ``batch.status``; returns ``then(batch)``.

    ``then`` (the rollup arithmetic) needs the statuses. For new points they are known before
    the database has written anything, so it runs while the database writes the points: on
    two cores that costs no time.
    """
    db = await Driver.of(await session.connection())
    rows = batch.rows
    if not rows:
        return then(batch)
    batch.status = ["created"] * len(rows)
    if not db.pg:
        # SQLite writes in this process, holding the GIL while it binds each row: the rows go
        # to the in-memory stage first (outside the savepoint: the staged way reuses them), so
        # that filling the indexed table is one statement, carried out without the GIL.
        await _stage(db, rows)
    # Under a savepoint: if some key is stored already, or repeats in the batch, the bulk
    # insert fails on it and the batch takes the staged way (re-sent data, corrections).
    await db.execute("SAVEPOINT kpi_bulk")
    columns = ", ".join(ROW_COLUMNS)
    bulk = (db.insert_many("kpi_measurement", ROW_COLUMNS, rows) if db.pg else  # COPY, as the rows stream in
            db.execute(f"INSERT INTO kpi_measurement ({columns}) SELECT {columns} FROM kpi_stage ORDER BY idx"))
    try:
        out = await _while_writing(bulk, lambda: then(batch))
    except Exception as exc:
        if not key_exists(exc):
            if lost_a_race(exc):  # a lock cycle with a concurrent writer
                raise ConcurrentWrite() from exc
            raise
        await db.execute("ROLLBACK TO SAVEPOINT kpi_bulk")
        await db.execute("RELEASE SAVEPOINT kpi_bulk")
    else:
        await db.execute("RELEASE SAVEPOINT kpi_bulk")
        return out
    if db.pg:
        await _stage(db, rows)
    await _staged(db, batch)
    return then(batch)


async def _while_writing(write: Awaitable[Any], work: Callable[[], T]) -> T:
    """``work()`` in Python while the database carries out ``write``; the write's error wins."""
    task = asyncio.ensure_future(write)
    await asyncio.sleep(0)  # the task sends the statement (asyncpg encodes and sends a COPY in one step)
    try:
        out = work()
    except BaseException:
        await asyncio.gather(task, return_exceptions=True)  # never leave the connection mid-statement
        raise
    await task
    return out


async def _stage(db: Driver, rows: list[tuple]) -> None:
    """The rows, with their position, into the (emptied) temporary tables."""
    exists = ("SELECT to_regclass('pg_temp.kpi_win') IS NOT NULL" if db.pg else
              "SELECT count(*) FROM sqlite_temp_master WHERE name = 'kpi_win'")
    if not await db.scalar(exists):
        for name, cols in _TABLES.items():
            body = ", ".join(f"{c} {pg if db.pg else lite}" for c, lite, pg in cols)
            # PostgreSQL empties them at commit; SQLite keeps rows until deleted
            await db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({body})"
                             + (" ON COMMIT DELETE ROWS" if db.pg else ""))
    for name in _TABLES:  # another batch may have run earlier in the same transaction
        await db.execute(f"DELETE FROM {name}")
    await db.insert_many("kpi_stage", ["idx", *ROW_COLUMNS], [(n, *r) for n, r in enumerate(rows)])


async def _staged(db: Driver, batch: Batch) -> None:
    """The staged rows: pick the last copy of each key, compare with the stored points and write."""
    rows = batch.rows
    # Ranking copies costs a sort of the batch: only when the batch repeats a key.
    repeats = len({(r[_IND], r[_UNIT], r[_PERIOD], r[_SOURCE]) for r in rows}) < len(rows)
    key = ", ".join(f"s.{c}" for c in _KEY)
    rank = f"row_number() OVER (PARTITION BY {key} ORDER BY s.idx DESC)" if repeats else "1"
    await db.execute(f"""
        INSERT INTO kpi_win (idx, old_id, old_value, old_weight, status)
        SELECT v.idx, m.id, m.value, m.weight,
               CASE WHEN m.id IS NULL THEN 'created'
                    WHEN m.value = v.value AND m.weight = v.weight THEN 'unchanged' ELSE 'updated' END
        FROM (SELECT s.*, {rank} AS rn FROM kpi_stage s) v
        LEFT JOIN kpi_measurement m ON {' AND '.join(f'm.{c} = v.{c}' for c in _KEY)}
        WHERE v.rn = 1""")
    status = batch.status = ["superseded" if repeats else "created"] * len(rows)
    updates = 0
    for idx, st, old_value, old_weight in await db.rows(
            "SELECT idx, status, old_value, old_weight FROM kpi_win"
            + ("" if repeats else " WHERE status <> 'created'")):
        status[idx] = st
        if st == "updated":
            batch.replaced[idx] = (old_value, old_weight)
            updates += 1
    columns = ", ".join(ROW_COLUMNS)
    with concurrent_writes():
        await db.execute(f"INSERT INTO kpi_measurement ({columns}) SELECT {', '.join(f's.{c}' for c in ROW_COLUMNS)} "
                         f"FROM kpi_win w JOIN kpi_stage s ON s.idx = w.idx WHERE w.status = 'created'")
    if updates:
        # Only rows still holding the value compared with; anything else lost a race.
        done = await db.execute("""
            UPDATE kpi_measurement SET value = s.value, weight = s.weight, measured_at = s.measured_at,
                                       recorded_by = s.recorded_by
            FROM kpi_win w JOIN kpi_stage s ON s.idx = w.idx
            WHERE kpi_measurement.id = w.old_id AND w.status = 'updated'
              AND kpi_measurement.value = w.old_value AND kpi_measurement.weight = w.old_weight""")
        if done != updates:
            raise ConcurrentWrite()


class _Aware(dict):
    """Timestamps of stored rows as aware datetimes; a batch's rows mostly share one."""

    def __call__(self, at: Any) -> datetime:
        out = self.get(at)
        if out is None:
            out = self[at] = as_utc(datetime.fromisoformat(at) if isinstance(at, str) else at)  # SQLite: text
        return out
