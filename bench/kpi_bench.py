"""KPI benchmark: ingestion through the gateway vs the raw driver, evaluation vs a raw GROUP BY.

    .venv/bin/python bench/kpi_bench.py                         # SQLite, 1,000,000 points
    .venv/bin/python bench/kpi_bench.py --backend postgresql --pg postgresql+asyncpg://user@host:port/
    .venv/bin/python bench/kpi_bench.py --backend all --points 200000   # quicker, both backends

Starts, on 127.0.0.1 and free ports, under one temporary folder (and, on PostgreSQL, one
throw-away database that is dropped at the end):
  * a JWKS document server (a thread here) with a key generated for this run,
  * the kpi service exactly as ``python -m services.common.run kpi`` starts it (relay off,
    its org read-model filled by this script: a company, 10 departments, 100 teams),
  * the gateway exactly as ``python -m services.common.run gateway`` starts it.
Then it measures, in the same run on the same machine:
  (a) ingestion: every point posted to ``/api/kpi/measurements/batch`` through the gateway
      in batches of 10,000 (one client, sequential), against the same rows written straight
      through the driver into a plain table in the same database (``executemany`` per
      10,000-row transaction on SQLite, ``COPY`` on PostgreSQL);
  (b) evaluation: ``GET /api/kpi/evaluations`` of a department (10 teams) for one quarter over
      all stored points, through the gateway and directly, against the raw ``GROUP BY`` over
      the same rows of ``kpi_measurement`` (indexed) through the driver; the sums are asserted
      identical before any timing is reported.
Points: 100 teams x 2 indicators (sales, cost) x N days x 5 sources; traffic stays on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import free_port, serve_jwks, wait_http  # noqa: E402

PY = sys.executable
BATCH = 10_000
SOURCES = ("erp", "pos", "crm", "mes", "manual")
INDICATORS = ("sales", "cost")
DEPARTMENTS, TEAMS_PER_DEPARTMENT = 10, 10
EVAL_UNIT = 2








def units() -> list[dict]:
    rows = [{"id": 1, "parent_id": None, "name": "集团", "code": "HQ", "kind": "company", "path": "/1/"}]
    team_id = 2 + DEPARTMENTS
    for d in range(DEPARTMENTS):
        dept = 2 + d
        rows.append({"id": dept, "parent_id": 1, "name": f"部门{d}", "code": f"D{d}", "kind": "department",
                     "path": f"/1/{dept}/"})
        for _ in range(TEAMS_PER_DEPARTMENT):
            rows.append({"id": team_id, "parent_id": dept, "name": f"组{team_id}", "code": f"T{team_id}",
                         "kind": "team", "path": f"/1/{dept}/{team_id}/"})
            team_id += 1
    return rows


def teams(all_units: list[dict]) -> list[dict]:
    return [u for u in all_units if u["kind"] == "team"]


def batches(n_points: int, team_rows: list[dict], first_day: date = date(2024, 1, 1),
            seed: int = 7) -> list[list[dict]]:
    """Points in batches of 10,000: per day, every team x indicator x source."""
    rnd = random.Random(seed)
    per_day = len(team_rows) * len(INDICATORS) * len(SOURCES)
    days = math.ceil(n_points / per_day)
    points, out = [], []
    for i in range(days):
        d = (first_day + timedelta(days=i)).isoformat()
        for u in team_rows:
            for ind in INDICATORS:
                for src in SOURCES:
                    base = 100.0 if ind == "sales" else 70.0
                    points.append({"indicator_code": ind, "unit_id": u["id"], "period": d,
                                   "value": round(base * (0.5 + rnd.random()), 2), "source": src})
                    if len(points) == BATCH:
                        out.append(points)
                        points = []
                    if sum(map(len, out)) + len(points) >= n_points:
                        if points:
                            out.append(points)
                        return out
    if points:
        out.append(points)
    return out


def created(answer: bytes) -> int:
    m = re.search(rb'"created":\s*(\d+)', answer[:300])
    return int(m.group(1)) if m else -1


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


# --- database side: migrate, read-model, raw writes and raw queries ------------------------

async def prepare(url: str, unit_rows: list[dict]) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    from services.common.migrate import upgrade
    from services.common.org_units import replace_all
    from services.kpi.models import OrgUnit

    await upgrade("kpi", url)
    engine = create_async_engine(url)
    from sqlalchemy.ext.asyncio import async_sessionmaker

    async with async_sessionmaker(engine)() as s:
        await replace_all(s, OrgUnit, [{**u, "version": 1} for u in unit_rows])
        await s.commit()
    await engine.dispose()


# The raw driver writes the rows the service stores, into a table defined like the service's own
# (same columns, same unique key and index), so the ratio is the service's cost over the
# database's; "bare" writes the six data columns into an unindexed heap, for reference.
RAW_COLUMNS = ["indicator_id", "unit_id", "unit_path", "period", "period_year", "period_quarter", "period_month",
               "source", "value", "weight", "measured_at", "recorded_by"]
BARE_DDL = ("CREATE TABLE bench_bare (indicator_id INTEGER NOT NULL, unit_id INTEGER NOT NULL, "
            "unit_path VARCHAR(500) NOT NULL, period VARCHAR(10) NOT NULL, source VARCHAR(60) NOT NULL, "
            "value DOUBLE PRECISION NOT NULL)")


def raw_rows(batch: list[dict], ind_ids: dict[str, int], paths: dict[int, str], stamp) -> list[tuple]:
    from services.common.periods import period as parse_period
    from services.kpi.measurements.staging import period_columns

    cols = {per: period_columns(parse_period(per)) for per in {p["period"] for p in batch}}
    return [(ind_ids[p["indicator_code"]], p["unit_id"], paths[p["unit_id"]], p["period"], *cols[p["period"]],
             p["source"], p["value"], 1.0, stamp, "bench") for p in batch]


def bare_rows(rows: list[tuple]) -> list[tuple]:
    return [(r[0], r[1], r[2], r[3], r[7], r[8]) for r in rows]


def sqlite_path(url: str) -> str:
    return url.split("///", 1)[1]


def raw_ingest_sqlite(url: str, all_batches: list[list[dict]], ind_ids, paths) -> tuple[float, float]:
    """Seconds to write every batch into a copy of kpi_measurement, and into a bare heap."""
    import sqlite3

    from services.kpi.measurements.staging import sqlite_stamp

    con = sqlite3.connect(sqlite_path(url), isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    for (ddl,) in con.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'kpi_measurement' AND sql IS NOT NULL "
                              "ORDER BY type DESC").fetchall():
        con.execute(ddl.replace("kpi_measurement", "bench_raw"))
    con.execute(BARE_DDL)
    stamp = sqlite_stamp(datetime.now(UTC))
    prepared = [raw_rows(b, ind_ids, paths, stamp) for b in all_batches]
    bare = [bare_rows(rows) for rows in prepared]
    out = []
    for table, data, marks in (("bench_raw (" + ", ".join(RAW_COLUMNS) + ")", prepared, len(RAW_COLUMNS)),
                               ("bench_bare", bare, 6)):
        t0 = time.perf_counter()
        for rows in data:
            con.execute("BEGIN IMMEDIATE")
            con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * marks)})", rows)
            con.execute("COMMIT")
        out.append(time.perf_counter() - t0)
    con.execute("DROP TABLE bench_raw")
    con.execute("DROP TABLE bench_bare")
    con.close()
    return out[0], out[1]


async def raw_ingest_pg(dsn: str, all_batches, ind_ids, paths) -> tuple[float, float]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    await conn.execute("CREATE TABLE bench_raw (LIKE kpi_measurement INCLUDING ALL)")
    await conn.execute(BARE_DDL)
    prepared = [raw_rows(b, ind_ids, paths, datetime.now(UTC)) for b in all_batches]
    bare = [bare_rows(rows) for rows in prepared]
    out = []
    for table, data, columns in (("bench_raw", prepared, RAW_COLUMNS),
                                 ("bench_bare", bare, ["indicator_id", "unit_id", "unit_path", "period", "source",
                                                       "value"])):
        t0 = time.perf_counter()
        for rows in data:
            await conn.copy_records_to_table(table, records=rows, columns=columns)
        out.append(time.perf_counter() - t0)
    await conn.execute("DROP TABLE bench_raw")
    await conn.execute("DROP TABLE bench_bare")
    await conn.close()
    return out[0], out[1]


# "indexed" lets the table's own index (indicator_id, period_year, unit_path) narrow the rows to
# the year; "scan" is the plain query a report would write. Both run on the same rows.
RAW_QUERIES = {
    "indexed": ("SELECT indicator_id, SUM(value), COUNT(*) FROM kpi_measurement "
                "WHERE indicator_id IN ({i1}, {i2}) AND period_year = {y} AND period_quarter = {q} "
                "AND unit_path LIKE {like} GROUP BY indicator_id ORDER BY indicator_id"),
    "scan": ("SELECT indicator_id, SUM(value), COUNT(*) FROM kpi_measurement "
             "WHERE {i1} > 0 AND {i2} > 0 AND {y} <> '' AND period_quarter = {q} AND unit_path LIKE {like} "
             "GROUP BY indicator_id ORDER BY indicator_id"),
}


def raw_eval_sqlite(url: str, path: str, period: str, runs: int, ids: tuple[int, int],
                    variant: str) -> tuple[dict[int, float], list[float]]:
    import sqlite3

    con = sqlite3.connect(sqlite_path(url))
    con.execute("ANALYZE")
    sql = RAW_QUERIES[variant].format(i1="?", i2="?", y="?", q="?", like="?")
    times, result = [], {}
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = con.execute(sql, (*ids, period[:4], period, path + "%")).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
        result = {r[0]: r[1] for r in rows}
    con.close()
    return result, times


async def raw_eval_pg(dsn: str, path: str, period: str, runs: int, ids: tuple[int, int],
                      variant: str) -> tuple[dict[int, float], list[float]]:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    sql = RAW_QUERIES[variant].format(i1="$1::int", i2="$2::int", y="$3::text", q="$4", like="$5")
    await conn.execute("ANALYZE kpi_measurement")
    times, result = [], {}
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = await conn.fetch(sql, *ids, period[:4], period, path + "%")
        times.append((time.perf_counter() - t0) * 1000)
        result = {r[0]: r[1] for r in rows}
    await conn.close()
    return result, times


async def indicator_ids(url: str) -> dict[str, int]:
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine

    from services.kpi.models import Indicator

    engine = create_async_engine(url)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(Indicator.code, Indicator.id))).all()
    await engine.dispose()
    return dict(rows)


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def drop_pg(base: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(asyncpg_dsn(base) + "postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


# --- one run on one backend ---------------------------------------------------------------

def run(backend: str, pg_base: str, n_points: int, eval_runs: int, raw_runs: int) -> dict:
    import httpx

    from services.common.tokens import SigningKey

    work = Path(tempfile.mkdtemp(prefix="yunguan-kpi-bench-"))
    procs: list[subprocess.Popen] = []
    pg_name = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{work / 'kpi.db'}"
    else:
        pg_name = f"yunguan_kpi_bench_{secrets.token_hex(4)}"
        url = pg_base + pg_name
    try:
        key = SigningKey.generate()
        jwks_url = serve_jwks(key.public_jwk())
        now = int(time.time())
        token = key.sign({"sub": "client:bench", "client_id": "bench", "name": "bench", "iss": "yunguan-org",
                          "aud": "yunguan", "iat": now, "exp": now + 4 * 3600, "typ": "access",
                          "grants": [{"right": r, "unit_path": "/1/", "mode": "subtree", "held_at": "/1/",
                                      "via": "bench"} for r in ("plan", "view")]})
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

        unit_rows = units()
        paths = {u["id"]: u["path"] for u in unit_rows}
        asyncio.run(prepare(url, unit_rows))

        kpi_port, gw_port = free_port(), free_port()
        env = {**os.environ, "YUNGUAN_DATA_DIR": str(work / "data"), "YUNGUAN_JWKS_URL": jwks_url,
               "YUNGUAN_SERVICE_SECRET": secrets.token_urlsafe(32), "PYTHONPATH": str(ROOT),
               "YUNGUAN_LOG_LEVEL": "WARNING"}
        logs = work / "logs"
        logs.mkdir()
        kpi_env = {**env, "YUNGUAN_KPI_DATABASE_URL": url, "YUNGUAN_PORT": str(kpi_port),
                   "YUNGUAN_RELAY_ENABLED": "false", "YUNGUAN_DEMO": "false"}
        procs.append(subprocess.Popen([PY, "-m", "services.common.run", "kpi"], env=kpi_env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=open(logs / "kpi.log", "w")))
        gw_env = {**env, "YUNGUAN_PORT": str(gw_port), "YUNGUAN_KPI_URL": f"http://127.0.0.1:{kpi_port}",
                  "YUNGUAN_RATE_LIMIT_RPS": "1000000", "YUNGUAN_RATE_LIMIT_BURST": "1000000",
                  "YUNGUAN_UPSTREAM_TIMEOUT": "120"}
        procs.append(subprocess.Popen([PY, "-m", "services.common.run", "gateway"], env=gw_env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=open(logs / "gateway.log", "w")))
        direct, gateway = f"http://127.0.0.1:{kpi_port}", f"http://127.0.0.1:{gw_port}"
        wait_http(direct + "/healthz")
        wait_http(gateway + "/healthz")
        ind_ids = asyncio.run(indicator_ids(url))  # the service seeds its library on start

        all_batches = batches(n_points, teams(unit_rows))
        total = sum(map(len, all_batches))
        bodies = [json.dumps(b).encode() for b in all_batches]
        # the quarter in the middle of the stored days (2025-Q2 for one million points)
        days = sorted({p["period"] for p in all_batches[0] + all_batches[-1]})
        middle = date.fromisoformat(days[0]) + (date.fromisoformat(days[-1]) - date.fromisoformat(days[0])) / 2
        eval_period = f"{middle.year}-Q{(middle.month - 1) // 3 + 1}"

        # (a) ingestion through the gateway
        per_batch = []
        with httpx.Client(timeout=300) as client:
            t0 = time.perf_counter()
            for body in bodies:
                b0 = time.perf_counter()
                r = client.post(gateway + "/api/kpi/measurements/batch", content=body, headers=auth)
                per_batch.append(time.perf_counter() - b0)
                # the counts lead the answer: read them without parsing 10,000 per-item results
                if r.status_code != 200 or created(r.content) != len(json.loads(body)):
                    raise SystemExit(f"batch refused: {r.status_code} {r.text[:500]}")
            service_s = time.perf_counter() - t0

            # where the time goes: six more batches (later days), alternately direct and via the gateway
            last = max(p["period"] for p in all_batches[-1])
            extra = batches(6 * BATCH, teams(unit_rows), date.fromisoformat(last) + timedelta(days=1), seed=8)
            split: dict[str, list[float]] = {"gateway": [], "direct": []}
            for n, b in enumerate(extra):
                name, base = ("direct", direct) if n % 2 else ("gateway", gateway)
                body = json.dumps(b).encode()
                b0 = time.perf_counter()
                r = client.post(base + "/api/kpi/measurements/batch", content=body, headers=auth)
                split[name].append(time.perf_counter() - b0)
                assert r.status_code == 200 and created(r.content) == len(b), r.text[:300]

            if backend == "sqlite":
                raw_s, bare_s = raw_ingest_sqlite(url, all_batches, ind_ids, paths)
            else:
                raw_s, bare_s = asyncio.run(raw_ingest_pg(asyncpg_dsn(url), all_batches, ind_ids, paths))

            # (b) evaluation vs the raw GROUP BY over the same rows
            ids = (ind_ids["sales"], ind_ids["cost"])
            raws = {}
            for variant in RAW_QUERIES:
                raws[variant] = (raw_eval_sqlite(url, paths[EVAL_UNIT], eval_period, raw_runs, ids, variant)
                                 if backend == "sqlite" else
                                 asyncio.run(raw_eval_pg(asyncpg_dsn(url), paths[EVAL_UNIT], eval_period, raw_runs,
                                                         ids, variant)))
            raw, raw_times = raws["indexed"]
            assert raws["scan"][0].keys() == raw.keys() and all(
                math.isclose(raws["scan"][0][k], raw[k], rel_tol=1e-9) for k in raw)
            params = {"unit_id": EVAL_UNIT, "period": eval_period}
            evals: dict[str, list[float]] = {}
            rows = None
            for name, base in (("gateway", gateway), ("direct", direct)):
                for _ in range(10):  # warm-up
                    client.get(base + "/api/kpi/evaluations", params=params, headers=auth)
                times = []
                for _ in range(eval_runs):
                    t0 = time.perf_counter()
                    r = client.get(base + "/api/kpi/evaluations", params=params, headers=auth)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200, r.text
                evals[name] = times
                rows = {x["indicator_code"]: x for x in r.json()["items"]}
            # Each read after a write: the cached answer is stale, so the evaluation is computed
            # afresh from the rollups (a one-point write elsewhere moves the data generation).
            times = []
            for n in range(max(20, eval_runs // 2)):
                poke = [{"indicator_code": "attendance_rate", "unit_id": teams(unit_rows)[-1]["id"],
                         "period": f"2030-01-{n % 28 + 1:02d}", "value": float(n), "source": "bench"}]
                assert client.post(direct + "/api/kpi/measurements/batch", json=poke, headers=auth).status_code == 200
                t0 = time.perf_counter()
                r = client.get(gateway + "/api/kpi/evaluations", params=params, headers=auth)
                times.append((time.perf_counter() - t0) * 1000)
                assert r.status_code == 200, r.text
            evals["fresh"] = times
            assert {x["indicator_code"]: x["actual"] for x in r.json()["items"]} == \
                {k: v["actual"] for k, v in rows.items()}
        sales, cost = raw[ind_ids["sales"]], raw[ind_ids["cost"]]
        for code, expected in (("sales", sales), ("cost", cost), ("cost_expense_ratio", cost / sales * 100)):
            actual = rows[code]["actual"]
            if not math.isclose(actual, expected, rel_tol=1e-9):
                raise SystemExit(f"evaluation differs from the raw GROUP BY: {code} {actual} != {expected}")
        return {"backend": backend, "points": total, "batches": len(all_batches),
                "service_pps": total / service_s, "raw_pps": total / raw_s, "bare_pps": total / bare_s,
                "split_gateway_ms": statistics.median(split["gateway"]) * 1000,
                "split_direct_ms": statistics.median(split["direct"]) * 1000,
                "batch_p50_ms": statistics.median(per_batch) * 1000, "batch_p95_ms": pct(per_batch, 0.95) * 1000,
                "eval_gateway_p50": statistics.median(evals["gateway"]),
                "eval_gateway_p95": pct(evals["gateway"], 0.95),
                "eval_direct_p50": statistics.median(evals["direct"]), "eval_direct_p95": pct(evals["direct"], 0.95),
                "eval_fresh_p50": statistics.median(evals["fresh"]), "eval_fresh_p95": pct(evals["fresh"], 0.95),
                "raw_p50": statistics.median(raw_times), "raw_p95": pct(raw_times, 0.95),
                "scan_p50": statistics.median(raws["scan"][1]), "scan_p95": pct(raws["scan"][1], 0.95),
                "eval_period": eval_period, "sales": sales, "cost": cost}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        if pg_name:
            asyncio.run(drop_pg(pg_base, pg_name))
        shutil.rmtree(work, ignore_errors=True)


def report(r: dict) -> None:
    print(f"\n## {r['backend']}: {r['points']:,} points in {r['batches']} batches of {BATCH:,}")
    print(f"ingest via gateway   {r['service_pps']:>12,.0f} points/s  (batch p50 {r['batch_p50_ms']:.0f} ms, "
          f"p95 {r['batch_p95_ms']:.0f} ms)")
    print(f"  one batch, median of 3: via gateway {r['split_gateway_ms']:.0f} ms, direct {r['split_direct_ms']:.0f} ms")
    print(f"raw driver           {r['raw_pps']:>12,.0f} points/s  (the same rows into a copy of kpi_measurement)")
    print(f"ratio service/raw    {r['service_pps'] / r['raw_pps']:>12.2f}x   (goal >= 0.5x)")
    print(f"bare heap, reference {r['bare_pps']:>12,.0f} points/s  (six columns, no key or index): "
          f"service/bare {r['service_pps'] / r['bare_pps']:.2f}x")
    print(f"evaluation {r['eval_period']} of unit {EVAL_UNIT} (10 teams), sums identical to the raw GROUP BY:")
    print(f"  via gateway        p50 {r['eval_gateway_p50']:7.2f} ms   p95 {r['eval_gateway_p95']:7.2f} ms")
    print(f"  direct             p50 {r['eval_direct_p50']:7.2f} ms   p95 {r['eval_direct_p95']:7.2f} ms")
    print(f"  via gateway, each after a write (computed afresh, no cached answer)"
          f"  p50 {r['eval_fresh_p50']:7.2f} ms   p95 {r['eval_fresh_p95']:7.2f} ms")
    print(f"  raw GROUP BY, indexed  p50 {r['raw_p50']:7.2f} ms   p95 {r['raw_p95']:7.2f} ms")
    print(f"  raw GROUP BY, scan     p50 {r['scan_p50']:7.2f} ms   p95 {r['scan_p95']:7.2f} ms")
    print(f"  ratio gateway p95 / raw p95: indexed {r['eval_gateway_p95'] / r['raw_p95']:.3f}x, "
          f"scan {r['eval_gateway_p95'] / r['scan_p95']:.3f}x   (goal < 0.1x, p95 < 50 ms)")
    print(f"  ratio fresh p95 / raw p95:   indexed {r['eval_fresh_p95'] / r['raw_p95']:.3f}x, "
          f"scan {r['eval_fresh_p95'] / r['scan_p95']:.3f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "all"), default="sqlite")
    parser.add_argument("--pg", default=os.environ.get("YUNGUAN_BENCH_DATABASE_URL",
                                                        "postgresql+asyncpg://yunguan@127.0.0.1:55432/"),
                        help="PostgreSQL base URL ending in '/' (a throw-away database is created there)")
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--eval-runs", type=int, default=200)
    parser.add_argument("--raw-runs", type=int, default=30)
    args = parser.parse_args()
    if not args.pg.endswith("/"):
        args.pg += "/"
    print(f"# {os.cpu_count()} CPUs; client, gateway, kpi service and database share them.")
    for backend in (("sqlite", "postgresql") if args.backend == "all" else (args.backend,)):
        report(run(backend, args.pg, args.points, args.eval_runs, args.raw_runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
