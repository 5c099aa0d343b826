"""Set-based storage of a measurement batch: stage the points, let the database compare and write.

A 10,000-point batch costs per-point Python work only where it is unavoidable: parsing the
body and building one tuple per point for the driver. Python judges each distinct indicator,
unit and period once; the database spots later copies of a key, compares each point with the
stored one, inserts and updates them, and hands back one *leaf* per (indicator, unit, period)
for the rollups (``rollups.py``). Per-item results are built from the exceptions alone: a
point is "created" unless the database says otherwise.

Temporary tables, on the session's connection and emptied at the start of each batch:
  kpi_stage       the batch as sent: one row per item, with its index and per-item errors
  kpi_lk_ind      each distinct indicator code → id, or the reason it is refused
  kpi_lk_unit     each distinct unit id → path, or the reason it is refused
  kpi_lk_period   each distinct period → enclosing year / quarter / month, or why it is refused
  kpi_win         the points that win (the last copy of each key) and the stored point each replaces
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from services.common.periods import Period, PeriodError, PeriodKind, period as parse_period
from services.kpi import aggregate as ag
from services.kpi.models import OrgUnit
from services.kpi.rollups import ConcurrentWrite, lost_a_race

__all__ = ["ConcurrentWrite", "Leaf", "Outcome", "STAGE_COLUMNS", "Stage", "period_columns", "sqlite_stamp",
           "unit_paths"]

STATUSES = ("created", "updated", "unchanged", "superseded", "rejected")

# (column, SQLite type, PostgreSQL type)
_TABLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "kpi_stage": (("idx", "INTEGER PRIMARY KEY", "integer PRIMARY KEY"), ("code", "TEXT", "text"),
                  ("unit_id", "INTEGER", "bigint"), ("period", "TEXT", "text"), ("value", "REAL", "float8"),
                  ("source", "TEXT", "text"), ("weight", "REAL", "float8"), ("measured_at", "TEXT", "timestamptz"),
                  ("err", "TEXT", "text")),
    "kpi_lk_ind": (("code", "TEXT PRIMARY KEY", "text PRIMARY KEY"), ("indicator_id", "INTEGER", "integer"),
                   ("err", "TEXT", "text")),
    "kpi_lk_unit": (("unit_id", "INTEGER PRIMARY KEY", "bigint PRIMARY KEY"), ("path", "TEXT", "text"),
                    ("err", "TEXT", "text")),
    "kpi_lk_period": (("period", "TEXT PRIMARY KEY", "text PRIMARY KEY"), ("year", "TEXT", "text"),
                      ("quarter", "TEXT", "text"), ("month", "TEXT", "text"), ("err", "TEXT", "text")),
    "kpi_win": (("idx", "INTEGER PRIMARY KEY", "integer PRIMARY KEY"), ("indicator_id", "INTEGER", "integer"),
                ("unit_id", "INTEGER", "bigint"), ("unit_path", "TEXT", "text"), ("period", "TEXT", "text"),
                ("source", "TEXT", "text"), ("value", "REAL", "float8"), ("weight", "REAL", "float8"),
                ("measured_at", "TEXT", "timestamptz"), ("old_id", "INTEGER", "bigint"),
                ("old_value", "REAL", "float8"), ("old_weight", "REAL", "float8"), ("status", "TEXT", "text")),
}
# The rows the caller stages, in this order (err is filled in here).
STAGE_COLUMNS = [c[0] for c in _TABLES["kpi_stage"]][:-1]


def _error(field_: str, message: str) -> str:
    return json.dumps({"field": field_, "message": message}, ensure_ascii=False)


def sqlite_stamp(at: datetime) -> str:
    """A datetime as SQLAlchemy stores it on SQLite (naive UTC text), for rows written by the driver."""
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
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
        out.update({uid: path for uid, path in rows})
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
    that; a batch runs a dozen of them.
    """

    def __init__(self, raw: Any, postgres: bool):
        self.raw, self.pg = raw, postgres

    @classmethod
    async def of(cls, conn: AsyncConnection) -> "Driver":
        return cls((await conn.get_raw_connection()).driver_connection, conn.dialect.name == "postgresql")

    async def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        if self.pg:
            q, names = _positional(sql)
            return [tuple(r) for r in await self.raw.fetch(q, *(params[n] for n in names))]
        async with self.raw.execute(sql, params or {}) as cur:
            return await cur.fetchall()

    async def scalar(self, sql: str, params: dict | None = None) -> Any:
        rows = await self.rows(sql, params)
        return rows[0][0] if rows else None

    async def execute(self, sql: str, params: dict | None = None) -> int:
        """Run a statement; the number of rows it changed."""
        if self.pg:
            q, names = _positional(sql)
            status = await self.raw.execute(q, *(params[n] for n in names)) if names else await self.raw.execute(q)
            tail = status.rsplit(" ", 1)[-1]
            return int(tail) if tail.isdigit() else 0
        async with self.raw.execute(sql, params or {}) as cur:
            return cur.rowcount

    async def insert_many(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if self.pg:
            await self.raw.copy_records_to_table(table, records=rows, columns=columns)
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
class Outcome:
    counts: dict[str, int]
    results_json: str                                   # the per-item results, inside of a JSON array
    rejected: list[tuple[int, list[dict[str, str]]]]    # (index, errors) of each refused item


class Stage:
    """The temporary tables of one batch on the session's connection."""

    def __init__(self, session: AsyncSession, db: Driver):
        self.session, self.db, self.pg = session, db, db.pg
        self.rows: list[tuple] = []
        self.duplicates = False
        self.refused = False                    # any item refused (by a lookup or its own value)
        self.indicator_ids: dict[str, int] = {}  # the accepted codes
        self.paths: dict[int, str] = {}          # the accepted units
        self.status: list[str] = []              # per item, once judged (outcome)
        self._replaced: dict[int, tuple[float, float]] = {}  # item index → (value, weight) it replaced

    @classmethod
    async def open(cls, session: AsyncSession) -> "Stage":
        stage = cls(session, await Driver.of(await session.connection()))
        await stage._prepare()
        return stage

    async def _prepare(self) -> None:
        probe = ("SELECT to_regclass('pg_temp.kpi_win') IS NOT NULL" if self.pg else
                 "SELECT count(*) FROM sqlite_temp_master WHERE name = 'kpi_win'")
        if not await self.db.scalar(probe):
            for name, cols in _TABLES.items():
                body = ", ".join(f"{c} {pg if self.pg else lite}" for c, lite, pg in cols)
                # PostgreSQL empties them at commit; SQLite keeps rows until deleted
                await self.db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({body})"
                                      + (" ON COMMIT DELETE ROWS" if self.pg else ""))
        # Another batch may have run earlier in the same transaction (the demo seeds several)
        for name in _TABLES:
            await self.db.execute(f"DELETE FROM {name}")

    # --- loading and judging -------------------------------------------------------------

    async def load(self, rows: list[tuple]) -> None:
        """Rows in STAGE_COLUMNS order, written through the driver (COPY / executemany)."""
        self.rows = rows
        self.duplicates = len({(r[1], r[2], r[3], r[5]) for r in rows}) < len(rows)
        await self.db.insert_many("kpi_stage", STAGE_COLUMNS, rows)
        # NaN and infinities reach us from Python callers and lenient JSON: refused per item.
        # (SQLite stores a NaN as NULL.)
        inf = float("inf")
        marked = await self.db.execute(
            "UPDATE kpi_stage SET err = CASE "
            "WHEN value IS NULL OR NOT (value > :ninf AND value < :pinf) THEN :verr ELSE :werr END "
            "WHERE value IS NULL OR NOT (value > :ninf AND value < :pinf) "
            "OR weight IS NULL OR NOT (weight > 0 AND weight < :pinf)",
            {"ninf": -inf, "pinf": inf, "verr": _error("value", "the value must be a finite number"),
             "werr": _error("weight", "the weight must be a positive number")})
        self.refused = marked > 0

    async def resolve(self, lib: ag.Library, can_write: Callable[[str], bool]) -> None:
        """Judge each distinct indicator, unit and period of the batch once."""
        rows = self.rows
        ind_rows = []
        for code in {r[1] for r in rows}:
            ind = lib.by_code.get(code)
            if ind is None:
                err = _error("indicator_code", f"there is no indicator '{code}'")
            elif ind.formula:
                err = _error("indicator_code", f"'{ind.code}' is computed from its formula; measure its inputs")
            elif not ind.active:
                err = _error("indicator_code", f"'{ind.code}' is retired")
            else:
                err = None
                self.indicator_ids[code] = ind.id
            ind_rows.append((code, ind.id if ind else None, err))
        unit_ids = {r[2] for r in rows}
        paths = await unit_paths(self.session, unit_ids)
        unit_rows = []
        for uid in unit_ids:
            path = paths.get(uid)
            if path is None:
                err = _error("unit_id", f"there is no org unit with id {uid}")
            elif not can_write(path):
                err = _error("unit_id", f"you need the 'plan' right over unit {uid} ({path})")
            else:
                err = None
                self.paths[uid] = path
            unit_rows.append((uid, path, err))
        per_rows = []
        for text_ in {r[3] for r in rows}:
            try:
                per_rows.append((text_, *period_columns(parse_period(text_)), None))
            except PeriodError as exc:
                per_rows.append((text_, None, None, None, _error("period", str(exc))))
        self.refused = self.refused or any(r[-1] for r in ind_rows + unit_rows + per_rows)
        await self.db.insert_many("kpi_lk_ind", ["code", "indicator_id", "err"], ind_rows)
        await self.db.insert_many("kpi_lk_unit", ["unit_id", "path", "err"], unit_rows)
        await self.db.insert_many("kpi_lk_period", ["period", "year", "quarter", "month", "err"], per_rows)

    async def pick_winners(self) -> None:
        """The last valid copy of each key, with the stored point it would replace and its status."""
        # Ranking copies costs a sort of the batch: only when the batch repeats a key.
        rank = ("row_number() OVER (PARTITION BY i.indicator_id, s.unit_id, s.period, s.source ORDER BY s.idx DESC)"
                if self.duplicates else "1")
        await self.db.execute(f"""
            INSERT INTO kpi_win (idx, indicator_id, unit_id, unit_path, period, source, value, weight, measured_at,
                                 old_id, old_value, old_weight, status)
            SELECT v.idx, v.indicator_id, v.unit_id, v.path, v.period, v.source, v.value, v.weight, v.measured_at,
                   m.id, m.value, m.weight,
                   CASE WHEN m.id IS NULL THEN 'created'
                        WHEN m.value = v.value AND m.weight = v.weight THEN 'unchanged' ELSE 'updated' END
            FROM (SELECT s.idx, s.unit_id, s.period, s.source, s.value, s.weight, s.measured_at, i.indicator_id,
                         u.path, {rank} AS rn
                  FROM kpi_stage s
                  JOIN kpi_lk_ind i ON i.code = s.code
                  JOIN kpi_lk_unit u ON u.unit_id = s.unit_id
                  JOIN kpi_lk_period p ON p.period = s.period
                  WHERE s.err IS NULL AND i.err IS NULL AND u.err IS NULL AND p.err IS NULL) v
            LEFT JOIN kpi_measurement m ON m.indicator_id = v.indicator_id AND m.unit_id = v.unit_id
                                       AND m.period = v.period AND m.source = v.source
            WHERE v.rn = 1""")

    async def outcome(self) -> Outcome:
        """Counts and per-item results; every item is "created" unless the tables say otherwise."""
        status = self.status = ["created"] * len(self.rows)
        rejected: list[tuple[int, list[dict[str, str]]]] = []
        if self.refused:
            errors = ("rtrim(COALESCE(i.err || ',', '') || COALESCE(u.err || ',', '') || COALESCE(p.err || ',', '') "
                      "|| COALESCE(s.err || ',', ''), ',')")
            rows = await self.db.rows(
                f"SELECT s.idx, {errors} FROM kpi_stage s JOIN kpi_lk_ind i ON i.code = s.code "
                f"JOIN kpi_lk_unit u ON u.unit_id = s.unit_id JOIN kpi_lk_period p ON p.period = s.period "
                f"WHERE s.err IS NOT NULL OR i.err IS NOT NULL OR u.err IS NOT NULL OR p.err IS NOT NULL ORDER BY s.idx")
            rejected = [(idx, json.loads(f"[{errs}]")) for idx, errs in rows]
            for idx, _ in rejected:
                status[idx] = "rejected"
        if self.duplicates:
            for (idx,) in await self.db.rows("SELECT s.idx FROM kpi_stage s LEFT JOIN kpi_win w ON w.idx = s.idx "
                                             "WHERE w.idx IS NULL"):
                if status[idx] != "rejected":
                    status[idx] = "superseded"
        for idx, st, old_value, old_weight in await self.db.rows(
                "SELECT idx, status, old_value, old_weight FROM kpi_win WHERE status <> 'created'"):
            status[idx] = st
            if st == "updated":
                self._replaced[idx] = (old_value, old_weight)
        counts = dict.fromkeys(STATUSES, 0)
        for st in status:
            counts[st] += 1
        errors_of = dict(rejected)
        parts = [f'{{"index":{i},"status":"{st}"}}' if st != "rejected" else
                 json.dumps({"index": i, "status": st, "errors": errors_of[i]}, ensure_ascii=False)
                 for i, st in enumerate(status)]
        return Outcome(counts, ",".join(parts), rejected)

    # --- writing -----------------------------------------------------------------------

    async def write(self, recorded_by: str, updates: int) -> None:
        """Insert the new points and update the changed ones; refuse if another writer got there first."""
        try:
            await self.db.execute("""
                INSERT INTO kpi_measurement (indicator_id, unit_id, unit_path, period, period_year, period_quarter,
                                             period_month, source, value, weight, measured_at, recorded_by)
                SELECT w.indicator_id, w.unit_id, w.unit_path, w.period, p.year, p.quarter, p.month, w.source,
                       w.value, w.weight, w.measured_at, :by
                FROM kpi_win w JOIN kpi_lk_period p ON p.period = w.period
                WHERE w.status = 'created'""", {"by": recorded_by})
        except Exception as exc:  # a concurrent batch inserted the same key
            if lost_a_race(exc):
                raise ConcurrentWrite() from exc
            raise
        if updates:
            # Only rows still holding the value compared with; anything else lost a race.
            done = await self.db.execute("""
                UPDATE kpi_measurement SET value = w.value, weight = w.weight, measured_at = w.measured_at,
                                           recorded_by = :by
                FROM kpi_win w
                WHERE kpi_measurement.id = w.old_id AND w.status = 'updated'
                  AND kpi_measurement.value = w.old_value AND kpi_measurement.weight = w.old_weight""",
                                         {"by": recorded_by})
            if done != updates:
                raise ConcurrentWrite()

    def leaves(self) -> list[Leaf]:
        """One leaf per (indicator, unit, period) the batch changed, from the staged rows in memory."""
        # [n, total, wsum, wtotal, vmin, vmax, updated, newest measured_at] per key; plain lists
        # because this loop runs once per point.
        acc: dict[tuple[str, int, str], list] = {}
        replaced = self._replaced
        for r, st in zip(self.rows, self.status):
            if st == "created":
                value, weight, at = r[4], r[6], r[7]
                a = acc.get((r[1], r[2], r[3]))
                if a is None:
                    acc[(r[1], r[2], r[3])] = [1, value, value * weight, weight, value, value, 0, at]
                    continue
                a[0] += 1
                a[1] += value
                a[2] += value * weight
                a[3] += weight
            elif st == "updated":
                value, weight, at = r[4], r[6], r[7]
                old_value, old_weight = replaced[r[0]]
                a = acc.setdefault((r[1], r[2], r[3]), [0, 0.0, 0.0, 0.0, value, value, 0, at])
                a[1] += value - old_value
                a[2] += value * weight - old_value * old_weight
                a[3] += weight - old_weight
                a[6] += 1
            else:
                continue
            if value < a[4]:
                a[4] = value
            if value > a[5]:
                a[5] = value
            if at > a[7]:
                a[7] = at
        ids, paths = self.indicator_ids, self.paths
        return [Leaf(ids[code], uid, paths[uid], per, *a[:7], _aware(a[7])) for (code, uid, per), a in acc.items()]

    async def changed_points(self, indicator_ids: Iterable[int]) -> list[tuple[int, int, str, str, float]]:
        """(indicator id, unit id, unit path, period, value) of the stored changes of some indicators."""
        ids = sorted({int(i) for i in indicator_ids})
        if not ids:
            return []
        return await self.db.rows(f"SELECT indicator_id, unit_id, unit_path, period, value FROM kpi_win "
                                  f"WHERE status IN ('created', 'updated') "
                                  f"AND indicator_id IN ({', '.join(map(str, ids))}) ORDER BY idx")


def _aware(at: Any) -> datetime:
    if isinstance(at, str):  # SQLite hands back the stored text
        at = datetime.fromisoformat(at)
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)
