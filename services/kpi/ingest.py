"""Storing measurements: upsert the points, maintain rollups, detect threshold crossings.

Everything happens in the caller's transaction: the points, their rollups over every
ancestor unit and coarser period, threshold states and the ``kpi.threshold.crossed``
events either all commit or none do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from sqlalchemy import bindparam, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import utcnow
from services.common.periods import Period, PeriodError, PeriodKind, period as parse_period
from services.kpi import aggregate as ag
from services.kpi.journal import journal
from services.kpi.models import AnomalyRule, ImprovementAction, Measurement, OrgUnit, Rollup, ThresholdState

MAX_BATCH = 10_000
_M = Measurement.__table__
_R = Rollup.__table__


@dataclass
class PointIn:
    indicator_code: str
    unit_id: int
    period: str
    value: float
    source: str = "manual"
    weight: float = 1.0
    measured_at: datetime | None = None


class ConcurrentWrite(Exception):
    """Another transaction stored some of the same points at the same moment."""


@dataclass(slots=True)
class ItemResult:
    index: int
    status: str  # created | updated | unchanged | rejected | superseded
    errors: list[dict[str, str]] = field(default_factory=list)


@dataclass
class BatchResult:
    results: list[ItemResult]
    crossings: list[dict[str, Any]]

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)


@dataclass(slots=True)
class _Valid:
    index: int
    indicator: Any
    unit_id: int
    unit_path: str
    period: Period
    value: float
    weight: float
    source: str
    measured_at: datetime


async def unit_paths(session: AsyncSession, unit_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(set(unit_ids))
    out: dict[int, str] = {}
    for i in range(0, len(ids), 5000):
        rows = await session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(ids[i:i + 5000])))
        out.update({uid: path for uid, path in rows})
    return out


def _error(field_: str, message: str) -> dict[str, str]:
    return {"field": field_, "message": message}


def validate_points(points: list[PointIn], lib: ag.Library, paths: dict[int, str],
                    can_write) -> tuple[list[_Valid], list[ItemResult]]:
    """Split points into writable ones and refused ones (with reasons naming the field).

    Indicators, units and periods are judged once per distinct value, not once per point.
    """
    valid: list[_Valid] = []
    results: list[ItemResult] = []
    now = utcnow()
    indicators: dict[str, tuple[Any, dict | None]] = {}
    units: dict[int, tuple[str | None, dict | None]] = {}
    periods: dict[str, tuple[Period | None, dict | None]] = {}
    isfinite = math.isfinite
    for i, p in enumerate(points):
        ind_entry = indicators.get(p.indicator_code)
        if ind_entry is None:
            ind = lib.by_code.get(p.indicator_code)
            if ind is None:
                err = _error("indicator_code", f"there is no indicator '{p.indicator_code}'")
            elif ind.formula:
                err = _error("indicator_code", f"'{ind.code}' is computed from its formula; measure its inputs")
            elif not ind.active:
                err = _error("indicator_code", f"'{ind.code}' is retired")
            else:
                err = None
            ind_entry = indicators[p.indicator_code] = (ind, err)
        unit_entry = units.get(p.unit_id)
        if unit_entry is None:
            path = paths.get(p.unit_id)
            if path is None:
                err = _error("unit_id", f"there is no org unit with id {p.unit_id}")
            elif not can_write(path):
                err = _error("unit_id", f"you need the 'plan' right over unit {p.unit_id} ({path})")
            else:
                err = None
            unit_entry = units[p.unit_id] = (path, err)
        per_entry = periods.get(p.period)
        if per_entry is None:
            try:
                per_entry = (parse_period(p.period), None)
            except PeriodError as exc:
                per_entry = (None, _error("period", str(exc)))
            periods[p.period] = per_entry
        value, weight = p.value, p.weight
        ok_value, ok_weight = isfinite(value), isfinite(weight) and weight > 0
        if ind_entry[1] or unit_entry[1] or per_entry[1] or not ok_value or not ok_weight:
            errors = [e for e in (ind_entry[1], unit_entry[1], per_entry[1]) if e]
            if not ok_value:
                errors.append(_error("value", "the value must be a finite number"))
            if not ok_weight:
                errors.append(_error("weight", "the weight must be a positive number"))
            results.append(ItemResult(i, "rejected", errors))
            continue
        results.append(ItemResult(i, "pending"))
        valid.append(_Valid(i, ind_entry[0], p.unit_id, unit_entry[0], per_entry[0], float(value), float(weight),
                            p.source or "manual", p.measured_at or now))
    return valid, results


@lru_cache(maxsize=8192)
def _period_columns_of(text: str) -> tuple[str, str | None, str | None]:
    """(year, quarter, month) enclosing a period, stored with each point for GROUP BY rebuilds."""
    p = Period(text)
    k = p.kind
    year = p.parent(PeriodKind.year).text
    quarter = p.parent(PeriodKind.quarter).text if k != PeriodKind.year else None
    month = p.parent(PeriodKind.month).text if k in (PeriodKind.month, PeriodKind.day, PeriodKind.week) else None
    return year, quarter, month


def _upsert_rollups(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
        least, greatest = func.least, func.greatest
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert

        def least(a, b):
            return func.min(func.coalesce(a, b), func.coalesce(b, a))

        def greatest(a, b):
            return func.max(func.coalesce(a, b), func.coalesce(b, a))
    stmt = dialect_insert(_R)
    ex, c = stmt.excluded, _R.c
    from sqlalchemy import case
    return stmt.on_conflict_do_update(
        index_elements=[c.indicator_id, c.unit_id, c.period],
        set_={
            "n": c.n + ex.n,
            "total": c.total + ex.total,
            "wsum": c.wsum + ex.wsum,
            "wtotal": c.wtotal + ex.wtotal,
            "vmin": least(c.vmin, ex.vmin),
            "vmax": greatest(c.vmax, ex.vmax),
            "last_total": case((ex.last_period > c.last_period, ex.last_total),
                               (ex.last_period == c.last_period, c.last_total + ex.last_total),
                               else_=c.last_total),
            "last_period": case((ex.last_period > c.last_period, ex.last_period), else_=c.last_period),
        })


# A rollup delta is a list: [n, total, wsum, wtotal, vmin, vmax, last_period, last_total].
def merge(acc: dict, key, n, total, wsum, wtotal, vmin, vmax, last_period, last_total) -> None:
    a = acc.get(key)
    if a is None:
        acc[key] = [n, total, wsum, wtotal, vmin, vmax, last_period, last_total]
        return
    a[0] += n
    a[1] += total
    a[2] += wsum
    a[3] += wtotal
    if vmin < a[4]:
        a[4] = vmin
    if vmax > a[5]:
        a[5] = vmax
    if last_period > a[6]:
        a[6], a[7] = last_period, last_total
    elif last_period == a[6]:
        a[7] += last_total


def fan_out(leaves: dict[tuple[int, str, str], list]) -> dict[tuple[int, int, str], list]:
    """Deltas per (indicator, unit path, period) → deltas per (indicator, ancestor unit, enclosing period).

    Merged in two steps (periods, then ancestors) so a batch costs about
    points + leaves × levels + keys × depth operations, not points × levels × depth.
    """
    by_period: dict[tuple[int, str, str], list] = {}
    for (ind, path, per), a in leaves.items():
        for rp in ag._rollup_periods(per):
            merge(by_period, (ind, path, rp), *a)
    out: dict[tuple[int, int, str], list] = {}
    for (ind, path, rp), a in by_period.items():
        for uid in _ancestors(path):
            merge(out, (ind, uid, rp), *a)
    return out


@lru_cache(maxsize=65536)
def _ancestors(path: str) -> tuple[int, ...]:
    return tuple(ag.ancestor_ids(path))


def rollup_rows(deltas: dict[tuple[int, int, str], list]) -> list[dict]:
    return [{"indicator_id": k[0], "unit_id": k[1], "period": k[2], "n": a[0], "total": a[1], "wsum": a[2],
             "wtotal": a[3], "vmin": a[4], "vmax": a[5], "last_period": a[6], "last_total": a[7]}
            for k, a in deltas.items()]


async def ingest(session: AsyncSession, points: list[PointIn], *, lib: ag.Library, can_write,
                 recorded_by: str) -> BatchResult:
    """Validate, upsert and roll up a batch of points; returns per-item results."""
    paths = await unit_paths(session, {p.unit_id for p in points})
    valid, results = validate_points(points, lib, paths, can_write)
    # The last copy of a key in the batch wins; earlier copies are superseded.
    latest: dict[tuple, _Valid] = {}
    for v in valid:
        key = (v.indicator.id, v.unit_id, v.period.text, v.source)
        if key in latest:
            results[latest[key].index].status = "superseded"
        latest[key] = v
    if not latest:
        return BatchResult(results, [])
    existing = await _existing(session, latest.keys())

    inserts, updates = [], []
    leaves: dict[tuple[int, str, str], list] = {}
    dirty_leaves: set[tuple[int, str, str]] = set()
    changed: list[_Valid] = []
    for key, v in latest.items():
        old = existing.get(key)
        if old is not None and old[1] == v.value and old[2] == v.weight:
            results[v.index].status = "unchanged"
            continue
        per = v.period.text
        if old is None:
            py, pq, pm = _period_columns_of(per)
            inserts.append({"indicator_id": key[0], "unit_id": v.unit_id, "unit_path": v.unit_path,
                            "period": per, "period_year": py, "period_quarter": pq, "period_month": pm,
                            "source": v.source,
                            "value": v.value, "weight": v.weight, "measured_at": v.measured_at,
                            "recorded_by": recorded_by})
            results[v.index].status = "created"
            merge(leaves, (key[0], v.unit_path, per), 1, v.value, v.value * v.weight, v.weight, v.value, v.value,
                  per, v.value)
        else:
            updates.append({"_id": old[0], "value": v.value, "weight": v.weight, "measured_at": v.measured_at,
                            "recorded_by": recorded_by})
            results[v.index].status = "updated"
            dt = v.value - old[1]
            merge(leaves, (key[0], v.unit_path, per), 0, dt, v.value * v.weight - old[1] * old[2],
                  v.weight - old[2], v.value, v.value, per, dt)
            if v.indicator.aggregation in ("min", "max"):
                dirty_leaves.add((key[0], v.unit_path, per))
        changed.append(v)
    deltas = fan_out(leaves)
    extreme_dirty = set(fan_out({k: leaves[k] for k in dirty_leaves})) if dirty_leaves else set()

    if inserts:
        await _bulk_insert(session, inserts)
    if updates:
        await session.execute(update(_M).where(_M.c.id == bindparam("_id"))
                              .values(value=bindparam("value"), weight=bindparam("weight"),
                                      measured_at=bindparam("measured_at"), recorded_by=bindparam("recorded_by")),
                              updates)
    if deltas:
        # In key order, so concurrent batches lock shared rollup rows in the same order (no deadlocks)
        try:
            await _upsert_rollup_rows(session, sorted(deltas.items()))
        except IntegrityError as exc:
            raise ConcurrentWrite() from exc
    for rk in extreme_dirty:
        await _recompute_extremes(session, rk, paths_prefix=await _unit_path(session, rk[1]))
    crossings = await check_thresholds(session, changed, lib=lib) if changed else []
    await apply_anomaly_rules(session, changed, lib=lib)
    return BatchResult(results, crossings)


_INSERT_COLUMNS = ("indicator_id", "unit_id", "unit_path", "period", "period_year", "period_quarter", "period_month",
                   "source", "value", "weight", "measured_at", "recorded_by")


async def _bulk_insert(session: AsyncSession, rows: list[dict]) -> None:
    """Insert new points through the driver on the session's own connection (same transaction).

    COPY on PostgreSQL, executemany on SQLite: SQLAlchemy's per-row parameter processing
    otherwise costs more than the database's own work for a 10,000-point batch.
    """
    conn = await session.connection()
    dialect = conn.dialect.name
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    try:
        await _driver_insert(session, dialect, driver, rows)
    except Exception as exc:
        # The driver's own unique-violation error (it bypasses SQLAlchemy's translation)
        if "unique" in str(exc).lower() or "UniqueViolation" in type(exc).__name__:
            raise ConcurrentWrite() from exc
        raise


_ROLLUP_COLUMNS = ("unit_id", "period", "indicator_id", "n", "total", "wsum", "wtotal", "vmin", "vmax", "last_period",
                   "last_total")


def _rollup_upsert_sql(dialect: str) -> str:
    t = _R.name
    if dialect == "postgresql":
        marks = ", ".join(f"${i}" for i in range(1, len(_ROLLUP_COLUMNS) + 1))
        lo = f"LEAST({t}.vmin, EXCLUDED.vmin)"
        hi = f"GREATEST({t}.vmax, EXCLUDED.vmax)"
    else:
        marks = ", ".join("?" * len(_ROLLUP_COLUMNS))
        lo = f"min(coalesce({t}.vmin, excluded.vmin), coalesce(excluded.vmin, {t}.vmin))"
        hi = f"max(coalesce({t}.vmax, excluded.vmax), coalesce(excluded.vmax, {t}.vmax))"
    return (f"INSERT INTO {t} ({', '.join(_ROLLUP_COLUMNS)}) VALUES ({marks}) "
            f"ON CONFLICT (unit_id, period, indicator_id) DO UPDATE SET "
            f"n = {t}.n + excluded.n, total = {t}.total + excluded.total, wsum = {t}.wsum + excluded.wsum, "
            f"wtotal = {t}.wtotal + excluded.wtotal, vmin = {lo}, vmax = {hi}, "
            f"last_total = CASE WHEN excluded.last_period > {t}.last_period THEN excluded.last_total "
            f"WHEN excluded.last_period = {t}.last_period THEN {t}.last_total + excluded.last_total "
            f"ELSE {t}.last_total END, "
            f"last_period = CASE WHEN excluded.last_period > {t}.last_period THEN excluded.last_period "
            f"ELSE {t}.last_period END")


async def _upsert_rollup_rows(session: AsyncSession, items: list[tuple[tuple[int, int, str], list]]) -> None:
    """Add deltas to rollup rows (insert or update), through the driver on the session's connection."""
    conn = await session.connection()
    dialect = conn.dialect.name
    driver = (await conn.get_raw_connection()).driver_connection
    records = [(k[1], k[2], k[0], a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]) for k, a in items]
    if dialect in ("postgresql", "sqlite") and hasattr(driver, "executemany"):
        try:
            await driver.executemany(_rollup_upsert_sql(dialect), records)
        except Exception as exc:
            if "unique" in str(exc).lower() or "UniqueViolation" in type(exc).__name__ \
                    or "Deadlock" in type(exc).__name__:
                raise ConcurrentWrite() from exc
            raise
    else:
        await session.execute(_upsert_rollups(dialect), rollup_rows(dict(items)))


async def _driver_insert(session: AsyncSession, dialect: str, driver, rows: list[dict]) -> None:
    if dialect == "postgresql" and hasattr(driver, "copy_records_to_table"):
        records = [(r["indicator_id"], r["unit_id"], r["unit_path"], r["period"], r["period_year"],
                    r["period_quarter"], r["period_month"], r["source"], r["value"], r["weight"],
                    r["measured_at"], r["recorded_by"]) for r in rows]
        await driver.copy_records_to_table(_M.name, records=records, columns=list(_INSERT_COLUMNS))
    elif dialect == "sqlite" and hasattr(driver, "executemany"):
        # SQLAlchemy stores SQLite datetimes as naive UTC text in this format
        stamps: dict[datetime, str] = {}
        for r in rows:
            at = r["measured_at"]
            if at not in stamps:
                stamps[at] = at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        records = [(r["indicator_id"], r["unit_id"], r["unit_path"], r["period"], r["period_year"],
                    r["period_quarter"], r["period_month"], r["source"], r["value"], r["weight"],
                    stamps[r["measured_at"]], r["recorded_by"]) for r in rows]
        cols = ", ".join(_INSERT_COLUMNS)
        await driver.executemany(f"INSERT INTO {_M.name} ({cols}) VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})",
                                 records)
    else:
        await session.execute(insert(_M), rows)


async def _existing(session: AsyncSession, keys: Iterable[tuple]) -> dict[tuple, tuple[int, float, float]]:
    keys = list(keys)
    ind_ids = sorted({k[0] for k in keys})
    unit_ids = sorted({k[1] for k in keys})
    periods = sorted({k[2] for k in keys})
    wanted = set(keys)
    out: dict[tuple, tuple[int, float, float]] = {}
    for i in range(0, len(unit_ids), 5000):
        stmt = select(_M.c.id, _M.c.indicator_id, _M.c.unit_id, _M.c.period, _M.c.source, _M.c.value, _M.c.weight) \
            .where(_M.c.indicator_id.in_(ind_ids), _M.c.unit_id.in_(unit_ids[i:i + 5000]), _M.c.period.in_(periods))
        for row in await session.execute(stmt):
            key = (row.indicator_id, row.unit_id, row.period, row.source)
            if key in wanted:
                out[key] = (row.id, row.value, row.weight)
    return out


async def _unit_path(session: AsyncSession, unit_id: int) -> str:
    return (await unit_paths(session, [unit_id])).get(unit_id, f"/{unit_id}/")


def _within(p: Period):
    k = p.kind
    if k == PeriodKind.year:
        return _M.c.period_year == p.text
    if k == PeriodKind.quarter:
        return _M.c.period_quarter == p.text
    if k == PeriodKind.month:
        return _M.c.period_month == p.text
    if k == PeriodKind.week:
        return _M.c.period.in_([p.text] + [d.text for d in p.children(PeriodKind.day)])
    return _M.c.period == p.text


async def _recompute_extremes(session: AsyncSession, rk: tuple[int, int, str], *, paths_prefix: str) -> None:
    """Min and max cannot be maintained by deltas when a value changes: recompute that one rollup."""
    indicator_id, unit_id, per = rk
    row = (await session.execute(select(func.min(_M.c.value), func.max(_M.c.value)).where(
        _M.c.indicator_id == indicator_id, _M.c.unit_path.startswith(paths_prefix, autoescape=True),
        _within(parse_period(per))))).one()
    await session.execute(update(_R).where(_R.c.indicator_id == indicator_id, _R.c.unit_id == unit_id,
                                           _R.c.period == per).values(vmin=row[0], vmax=row[1]))


async def rebuild_rollups(session: AsyncSession) -> int:
    """Recompute every rollup from the stored points (after a unit moved in the org tree)."""
    await session.execute(_R.delete())
    leaves: dict[tuple[int, str, str], list] = {}
    stmt = select(_M.c.indicator_id, _M.c.unit_path, _M.c.period, _M.c.value, _M.c.weight)
    for ind_id, path, per, value, weight in await session.execute(stmt):
        merge(leaves, (ind_id, path, per), 1, value, value * weight, weight, value, value, per, value)
    rows = rollup_rows(fan_out(leaves))
    for i in range(0, len(rows), 5000):
        await session.execute(insert(_R), rows[i:i + 5000])
    return len(rows)


async def move_units(session: AsyncSession, old_path: str, new_path: str) -> None:
    """Follow an org move: re-path everything stored below ``old_path`` and rebuild the rollups."""
    from services.kpi.models import (AnomalyRule, Assessment, ImprovementAction, Scorecard, Target,
                                     ThresholdRule)

    for model in (Measurement, Target, ThresholdRule, AnomalyRule, Scorecard, Assessment, ImprovementAction):
        col = model.__table__.c.unit_path
        await session.execute(update(model.__table__).where(col.startswith(old_path, autoescape=True))
                              .values(unit_path=literal(new_path) + func.substr(col, len(old_path) + 1)))
    await rebuild_rollups(session)


async def check_thresholds(session: AsyncSession, changed: list[_Valid], *, lib: ag.Library) -> list[dict[str, Any]]:
    """Compare the level of every touched (indicator, unit) with its last one; emit once per crossing."""
    touched_codes = {v.indicator.code for v in changed}
    candidates = touched_codes | lib.dependents_of(touched_codes)
    rules = await ag.load_threshold_rules(session, [lib.by_code[c].id for c in candidates])
    watched = {c for c in candidates
               if lib.by_code[c].warning is not None or lib.by_code[c].critical is not None
               or lib.by_code[c].id in rules}
    if not watched:
        return []
    # (unit, period) pairs to judge, with the newest measurement time for each indicator
    pairs: dict[tuple[int, str, str], tuple[datetime, str]] = {}
    for v in changed:
        codes = {v.indicator.code} | lib.dependents_of({v.indicator.code})
        for code in codes & watched:
            k = (v.unit_id, v.period.text, code)
            prev = pairs.get(k)
            if prev is None or v.measured_at > prev[0]:
                pairs[k] = (v.measured_at, v.unit_path)
    needed_ids = set()
    for code in watched:
        needed_ids |= {lib.by_code[c].id for c in lib.inputs_of(code)}
    rollups = await ag.load_rollups(session, {k[0] for k in pairs}, {k[1] for k in pairs}, needed_ids)
    targets = await ag.load_targets_many(session, {(k[0], k[1]) for k in pairs})
    states = {(s.indicator_id, s.unit_id): s for s in (await session.execute(select(ThresholdState).where(
        ThresholdState.indicator_id.in_([lib.by_code[c].id for c in watched]),
        ThresholdState.unit_id.in_(sorted({k[0] for k in pairs}))))).scalars()}
    values_cache: dict[tuple[int, str], dict[str, float | None]] = {}
    crossings = []
    for (unit_id, per, code), (measured_at, path) in sorted(pairs.items()):
        ind = lib.by_code[code]
        state = states.get((ind.id, unit_id))
        if state is not None and per < state.period:
            continue  # a late correction of an older period does not move today's level
        vals = values_cache.get((unit_id, per))
        if vals is None:
            vals = values_cache[(unit_id, per)] = lib.values(rollups.get((unit_id, per), {}))
        value = vals.get(code)
        p = parse_period(per)
        target = ag.resolve_target(ind, p, targets.get(unit_id, {}))
        th = ag.thresholds_for(ind, path, rules)
        if th is None:
            continue
        warning, critical = th.absolute(target.value if target else None)
        level = ag.level_of(ind.direction, value, warning, critical, target.value if target else None)
        if level is None:
            continue
        old = state.level if state is not None else "normal"
        if state is None:
            state = ThresholdState(indicator_id=ind.id, unit_id=unit_id, level=level, period=per, value=value,
                                   changed_at=utcnow())
            session.add(state)
            states[(ind.id, unit_id)] = state
        else:
            state.period, state.value = per, value
        if level == old:
            continue
        state.level, state.changed_at = level, utcnow()
        data = {"indicator_code": code, "unit_id": unit_id, "unit_path": path, "period": per, "value": value,
                "level": level, "previous_level": old,
                "threshold": ag.crossed_threshold(ind.direction, old, level, warning, critical),
                "direction": "worse" if ag.LEVEL_RANK[level] > ag.LEVEL_RANK[old] else "better",
                "measured_at": measured_at.isoformat()}
        await journal.emit(session, "kpi.threshold.crossed", f"{code}:{unit_id}", data, path)
        crossings.append(data)
    await session.flush()
    return crossings


_OPS = {"gt": lambda a, b: a > b, "gte": lambda a, b: a >= b, "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b}


async def apply_anomaly_rules(session: AsyncSession, changed: list[_Valid], *, lib: ag.Library) -> int:
    """Rules such as "order delay > 5 days" open one follow-up per (rule, unit, period)."""
    ids = {v.indicator.id for v in changed}
    rules = (await session.execute(select(AnomalyRule).where(AnomalyRule.indicator_id.in_(sorted(ids)),
                                                             AnomalyRule.active.is_(True)))).scalars().all()
    if not rules:
        return 0
    created = 0
    for rule in rules:
        for v in changed:
            if v.indicator.id != rule.indicator_id or not v.unit_path.startswith(rule.unit_path):
                continue
            if not _OPS[rule.operator](v.value, rule.value):
                continue
            ref = f"rule:{rule.id}:{v.unit_id}:{v.period.text}"
            if (await session.execute(select(ImprovementAction.id).where(
                    ImprovementAction.origin == "rule", ImprovementAction.origin_ref == ref))).first():
                continue
            title = rule.title.format(indicator=v.indicator.name, value=v.value, period=v.period.text)
            action = ImprovementAction(title=title, unit_id=v.unit_id, unit_path=v.unit_path,
                                       indicator_id=v.indicator.id, period=v.period.text, origin="rule",
                                       origin_ref=ref, due=(utcnow() + timedelta(days=rule.due_days)).date(),
                                       raised_by="system", description=f"{v.indicator.name} = {v.value} "
                                       f"({rule.operator} {rule.value})")
            session.add(action)
            await session.flush()
            from services.kpi.actions import action_data
            await journal.emit(session, "kpi.action.created", action.id, action_data(action, lib), v.unit_path)
            if rule.follow_up == "meeting":
                await journal.emit(session, "kpi.followup.requested", action.id, {
                    "kind": "meeting", "rule_id": rule.id, "action_id": action.id,
                    "indicator_code": v.indicator.code, "unit_id": v.unit_id, "unit_path": v.unit_path,
                    "period": v.period.text, "value": v.value, "title": title}, v.unit_path)
            created += 1
    return created
