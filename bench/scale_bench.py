"""Scale curve: the most used reads through the gateway as the demo company grows 1x, 10x, 100x (PostgreSQL).

    .venv/bin/python bench/scale_bench.py --pg postgresql+asyncpg://yunguan@127.0.0.1:5432/
    .venv/bin/python bench/scale_bench.py --pg ... --sizes 1,10 --requests 20     # quicker

One run, one machine, one set of databases (``scale_<service>``, dropped first and at the end unless
``--keep``):
  1. migrates every service and starts the whole product as ``tools.stack`` does, with the demo
     company (华东燃气有限公司: 13 units, 137 people);
  2. for each size, stops the services, grows the company by bulk inserts through the services' own
     tables (SQLAlchemy Core over each model's table, so the models' defaults apply; ``COPY`` for
     the measurements), starts them again (kpi rebuilds its rollups from the points, every service
     re-syncs its org read-model from org), and times each read below through the gateway with a
     real token, sequentially from 127.0.0.1 (``--requests`` timed reads after 3 untimed ones);
  3. prints one table: endpoint, p50/p95 per size, and p95 at the largest size over p95 at 1x.

Growth: 1x is 130 units (the demo's 13 and 9 branches shaped like it); each further branch adds 13
units (a branch, 3 departments, 9 sections), 20 people with positions (a head per unit, 7
specialists), 13 annual plans with 2 targets and 2 tasks each, 13 x 5 KPI targets, 9 x 5 x 12 x 2
monthly measurements (≈1.08 M points at 100x), 13 risks, a KRI with an open alert. The branches hang
under the company root, beside the demo's own units, so a department's answers do not grow.

Callers: ``market_mgr`` (市场部经理, one department: 3 units) and ``gm`` (总经理, the whole company: its
answers legitimately grow where they list or aggregate the company).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import free_port  # noqa: E402
from tools.stack import SERVICES, Stack  # noqa: E402

PREFIX = "scale_"
UNITS_PER_BRANCH = 13
DEMO_PASSWORD = "Demo@2026"
KPI_CODES = ("sales", "cost", "profit", "cost_expense_ratio", "market_share")
MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
SOURCES = ("erp", "pos")


# --------------------------------------------------------------------------------------------- growth

def branch_shape(k: int, first_id: int, root_id: int) -> list[dict[str, Any]]:
    """Branch ``k``: 13 units with ids from ``first_id`` (a branch, 3 departments, 3 sections each)."""
    nid = first_id
    branch = {"id": nid, "parent_id": root_id, "name": f"第{k}分公司", "code": f"B{k}", "kind": "branch",
              "path": f"/{root_id}/{nid}/"}
    units = [branch]
    nid += 1
    for d in range(3):
        dept = {"id": nid, "parent_id": branch["id"], "name": f"第{k}分公司{d + 1}部", "code": f"B{k}-D{d}",
                "kind": "department", "path": f"{branch['path']}{nid}/"}
        units.append(dept)
        nid += 1
        for s in range(3):
            units.append({"id": nid, "parent_id": dept["id"], "name": f"第{k}分公司{d + 1}部{s + 1}科",
                          "code": f"B{k}-D{d}-S{s}", "kind": "section", "path": f"{dept['path']}{nid}/"})
            nid += 1
    return units


async def _max_id(conn, table) -> int:
    from sqlalchemy import func, select
    return int((await conn.execute(select(func.coalesce(func.max(table.c.id), 0)))).scalar_one())


async def _insert(conn, table, rows: list[dict[str, Any]], chunk: int = 5000) -> None:
    for i in range(0, len(rows), chunk):
        await conn.execute(table.insert(), rows[i:i + chunk])


async def _reset_sequences(conn, tables) -> None:
    from sqlalchemy import text
    for t in tables:
        await conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                                f"(SELECT COALESCE(MAX(id), 1) FROM {t.name}))"))


async def grow(urls: dict[str, str], first_branch: int, last_branch: int) -> dict[str, int]:
    """Add branches ``first_branch .. last_branch - 1`` to every service's database."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine

    from services.kpi import models as km
    from services.org import models as om
    from services.planning import models as pm
    from services.risk import models as rm

    n = last_branch - first_branch
    if n <= 0:
        return {}
    counts: dict[str, int] = {}
    engines = {s: create_async_engine(u) for s, u in urls.items()}
    try:
        # ---- org: units, people, positions, assignments
        async with engines["org"].begin() as conn:
            units_t, positions_t, users_t, assignments_t, roles_t = (
                om.Unit.__table__, om.Position.__table__, om.User.__table__, om.Assignment.__table__,
                om.Role.__table__)
            roles = dict((await conn.execute(select(roles_t.c.key, roles_t.c.id))).all())
            root_id = (await conn.execute(select(units_t.c.id).where(units_t.c.parent_id.is_(None)))).scalar_one()
            pw_hash = (await conn.execute(select(users_t.c.password_hash)
                                          .where(users_t.c.username == "gm"))).scalar_one()
            uid, pid = await _max_id(conn, units_t) + 1, await _max_id(conn, positions_t) + 1
            aid = await _max_id(conn, assignments_t) + 1
            usid = await _max_id(conn, users_t) + 1
            units, positions, people, assignments = [], [], [], []
            heads: dict[int, int] = {}  # unit id -> its head's user id
            for k in range(first_branch, last_branch):
                shape = branch_shape(k, uid, root_id)
                uid += len(shape)
                units += shape
                staff = [(u, {"branch": "branch_general_manager", "department": "department_manager",
                              "section": "supervisor"}[u["kind"]], True) for u in shape]
                staff += [(shape[4 + (i % 9)], "specialist", False) for i in range(7)]
                for j, (unit, role, head) in enumerate(staff):
                    people.append({"id": usid, "username": f"b{k}u{j}", "display_name": f"第{k}分公司员工{j}",
                                   "email": f"b{k}u{j}@hdgas.example", "password_hash": pw_hash})
                    positions.append({"id": pid, "unit_id": unit["id"], "role_id": roles[role],
                                      "title": f"{unit['name']}{'负责人' if head else '专员'}", "heads_unit": head})
                    assignments.append({"id": aid, "user_id": usid, "position_id": pid, "start_date": date(2026, 1, 1)})
                    if head:
                        heads[unit["id"]] = usid
                    usid, pid, aid = usid + 1, pid + 1, aid + 1
            await _insert(conn, units_t, units)
            await _insert(conn, users_t, people)
            await _insert(conn, positions_t, positions)
            await _insert(conn, assignments_t, assignments)
            await _reset_sequences(conn, [units_t, users_t, positions_t, assignments_t])
            counts.update(units=len(units), users=len(people))
        read_model = [{**u, "version": 1, "synced_at": datetime.now(UTC)} for u in units]
        by_id = {u["id"]: u for u in units}

        # ---- planning: read-model, annual plans with targets and tasks
        async with engines["planning"].begin() as conn:
            await _insert(conn, pm.OrgUnit.__table__, read_model)
            plans_t, plan_targets_t, tasks_t = pm.Plan.__table__, pm.PlanTarget.__table__, pm.PlanTask.__table__
            plid, ptid = await _max_id(conn, plans_t) + 1, await _max_id(conn, plan_targets_t) + 1
            tkid = await _max_id(conn, tasks_t) + 1
            plans, targets, tasks, plan_of = [], [], [], {}
            for u in units:
                plan_of[u["id"]] = plid
                plans.append({"id": plid, "unit_id": u["id"], "period": "2026", "kind": "annual",
                              "title": f"{u['name']}2026年度运营计划", "parent_plan_id": plan_of.get(u["parent_id"]),
                              "status": "issued", "revision": 1, "in_force_revision": 1, "created_by": "system",
                              "issued_at": datetime(2026, 1, 5, tzinfo=UTC)})
                for code, value in (("sales", 1200.0), ("cost", 800.0)):
                    targets.append({"id": ptid, "plan_id": plid, "indicator_code": code, "value": value,
                                    "unit": "万元"})
                    ptid += 1
                for t, due in enumerate((date(2026, 6, 30), date(2026, 12, 31))):
                    tasks.append({"id": tkid, "plan_id": plid, "title": f"{u['name']}重点工作{t + 1}",
                                  "owner_id": heads[u["id"]], "owner_name": "", "unit_id": u["id"], "due": due,
                                  "status": "in_progress", "progress": 40.0,
                                  # told when it fell due, long ago: no burst of overdue notices after a start
                                  "overdue_notified_at": datetime(2026, 7, 1, tzinfo=UTC) if t == 0 else None})
                    tkid += 1
                plid += 1
            await _insert(conn, plans_t, plans)
            await _insert(conn, plan_targets_t, targets)
            await _insert(conn, tasks_t, tasks)
            await _reset_sequences(conn, [plans_t, plan_targets_t, tasks_t])
            counts.update(plans=len(plans), tasks=len(tasks))

        # ---- kpi: read-model, targets, measurements (COPY), rollups rebuilt by kpi when it starts
        async with engines["kpi"].begin() as conn:
            await _insert(conn, km.OrgUnit.__table__, read_model)
            indicators_t, targets_t, points_t = km.Indicator.__table__, km.Target.__table__, km.Measurement.__table__
            ind = dict((await conn.execute(select(indicators_t.c.code, indicators_t.c.id)
                                           .where(indicators_t.c.code.in_(KPI_CODES)))).all())
            tid = await _max_id(conn, targets_t) + 1
            targets = []
            for u in units:
                for code in KPI_CODES:
                    targets.append({"id": tid, "indicator_id": ind[code], "unit_id": u["id"], "unit_path": u["path"],
                                    "period": "2026", "value": 1000.0, "source": "manual", "updated_by": "bench"})
                    tid += 1
            await _insert(conn, targets_t, targets)
            await _reset_sequences(conn, [targets_t])
            mid = await _max_id(conn, points_t) + 1
            now = datetime.now(UTC)
            points = []
            for u in units:
                if u["kind"] != "section":
                    continue
                for code in KPI_CODES:
                    for month in MONTHS:
                        q = f"2026-Q{(int(month[5:]) - 1) // 3 + 1}"
                        for src in SOURCES:
                            points.append((mid, ind[code], u["id"], u["path"], month, "2026", q, month, src,
                                           float(50 + (mid % 97)), 1.0, now, "bench"))
                            mid += 1
            raw = await conn.get_raw_connection()
            cols = ["id", "indicator_id", "unit_id", "unit_path", "period", "period_year", "period_quarter",
                    "period_month", "source", "value", "weight", "measured_at", "recorded_by"]
            await raw.driver_connection.copy_records_to_table(points_t.name, records=points, columns=cols)
            await _reset_sequences(conn, [points_t])
            await conn.execute(km.Rollup.__table__.delete())  # kpi rebuilds them from the points on start
            counts.update(kpi_targets=len(targets), measurements=len(points))

        # ---- risk: read-model, one risk per unit, a KRI and an open alert per branch
        async with engines["risk"].begin() as conn:
            await _insert(conn, rm.OrgUnit.__table__, read_model)
            risks_t, kris_t, alerts_t = rm.Risk.__table__, rm.Kri.__table__, rm.Alert.__table__
            rid, kid = await _max_id(conn, risks_t) + 1, await _max_id(conn, kris_t) + 1
            alid = await _max_id(conn, alerts_t) + 1
            risks, kris, alerts = [], [], []
            for i, u in enumerate(units):
                lik, imp = 1 + i % 5, 1 + (i // 5) % 5
                score = lik * imp
                level = "high" if score >= 12 else "medium" if score >= 6 else "low"
                risks.append({"id": rid, "title": f"{u['name']}供应中断风险", "category": "supply_chain",
                              "unit_id": u["id"], "owner_id": heads[u["id"]], "status": "assessed",
                              "inherent_likelihood": lik, "inherent_impact": imp, "inherent_score": score,
                              "inherent_level": level, "current_likelihood": lik, "current_impact": imp,
                              "current_score": score, "current_level": level, "created_by": "bench"})
                if u["kind"] == "branch":
                    kris.append({"id": kid, "risk_id": rid, "indicator_code": "order_delay_days", "unit_id": u["id"],
                                 "warning": 3.0, "critical": 5.0, "direction": "above", "last_value": 6.0,
                                 "last_level": "critical", "last_period": "2026-11"})
                    alerts.append({"id": alid, "kri_id": kid, "risk_id": rid, "unit_id": u["id"],
                                   "unit_path": by_id[u["id"]]["path"], "owner_id": heads[u["id"]],
                                   "indicator_code": "order_delay_days", "level": "critical", "value": 6.0,
                                   "threshold": 5.0, "period": "2026-11", "source": "kri", "status": "open"})
                    kid, alid = kid + 1, alid + 1
                rid += 1
            await _insert(conn, risks_t, risks)
            await _insert(conn, kris_t, kris)
            await _insert(conn, alerts_t, alerts)
            await _reset_sequences(conn, [risks_t, kris_t, alerts_t])
            counts.update(risks=len(risks), alerts=len(alerts))
        for conn_engine, table in (("kpi", "kpi_measurement"), ("kpi", "kpi_target"), ("org", "unit"),
                                   ("org", "assignment"), ("planning", "plan"), ("risk", "risk")):
            async with engines[conn_engine].connect() as conn:
                from sqlalchemy import text
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text(f"ANALYZE {table}"))
    finally:
        for e in engines.values():
            await e.dispose()
    return counts


# --------------------------------------------------------------------------------------------- reads

def sign_in(client: httpx.Client, username: str) -> str:
    r = client.post("/api/org/auth/token", data={"grant_type": "password", "username": username,
                                                 "password": DEMO_PASSWORD})
    r.raise_for_status()
    return r.json()["access_token"]


def reads(ids: dict[str, int]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(label, caller, path, query) — the caller ``market_mgr`` (one department) or ``gm`` (the company)."""
    mkt, root, plan = ids["mkt"], ids["root"], ids["mkt_plan"]
    out: list[tuple[str, str, str, dict[str, Any]]] = []
    for who, unit in (("market_mgr", mkt), ("gm", root)):
        out += [
            ("me", who, "/api/org/me", {}),
            ("inbox", who, "/api/me/inbox", {}),
            ("plan list", who, "/api/planning/plans", {"limit": 100}),
            ("plan detail", who, f"/api/planning/plans/{plan}", {}),
            ("plans awaiting me", who, "/api/planning/plans/awaiting-me", {}),
            ("task list", who, "/api/planning/tasks", {"limit": 100}),
            ("consolidation", who, "/api/planning/consolidation", {"unit_id": unit, "period": "2026"}),
            ("KPI evaluation (subtree)", who, "/api/kpi/evaluations", {"unit_id": unit, "period": "2026"}),
            ("KPI series", who, "/api/kpi/series", {"indicator_code": "sales", "unit_id": unit,
                                                    "from": "2026-01", "to": "2026-12"}),
            ("KPI targets", who, "/api/kpi/targets", {"limit": 100}),
            ("risk register", who, "/api/risk/risks", {"limit": 50}),
            ("heat map", who, "/api/risk/heatmap", {"unit_id": unit}),
            ("alerts", who, "/api/risk/alerts", {"limit": 100}),
            ("org tree", who, "/api/org/units/tree", {}),
            ("people of a unit", who, "/api/org/users", {"unit_id": mkt, "limit": 500}),
        ]
    return out


def timed(fn, n: int) -> list[float]:
    for _ in range(3):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p * (len(xs) - 1)))]


def measure(gateway: str, n: int) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    with httpx.Client(base_url=gateway, timeout=120) as client:
        tokens = {who: sign_in(client, who) for who in ("market_mgr", "gm")}
        me = client.get("/api/org/units", params={"limit": 500},
                        headers={"authorization": f"Bearer {tokens['gm']}"}).json()["items"]
        ids = {"root": next(u["id"] for u in me if u["parent_id"] is None),
               "mkt": next(u["id"] for u in me if u["code"] == "MKT")}
        plans = client.get("/api/planning/plans", params={"unit_id": ids["mkt"], "limit": 10},
                           headers={"authorization": f"Bearer {tokens['market_mgr']}"}).json()["items"]
        ids["mkt_plan"] = plans[0]["id"]
        form = {"grant_type": "password", "username": "market_mgr", "password": DEMO_PASSWORD}
        xs = timed(lambda: client.post("/api/org/auth/token", data=form), max(5, n // 3))
        results["sign-in (password)|market_mgr"] = {"p50": statistics.median(xs), "p95": pct(xs, 0.95), "bytes": 0}
        for label, who, path, query in reads(ids):
            headers = {"authorization": f"Bearer {tokens[who]}"}
            size = {"b": 0}

            errors: list[str] = []

            def one(path=path, query=query, headers=headers, size=size, errors=errors) -> None:
                r = client.get(path, params=query, headers=headers)
                if r.status_code != 200:  # counted and shown (a 504 is a read slower than the gateway waits)
                    errors.append(f"{r.status_code}")
                size["b"] = len(r.content)

            xs = timed(one, n)
            results[f"{label}|{who}"] = {"p50": statistics.median(xs), "p95": pct(xs, 0.95), "bytes": size["b"],
                                         "errors": len(errors)}
            if errors:
                print(f"  {label} as {who}: {len(errors)} answers were not 200: {sorted(set(errors))}", flush=True)
            print(f"  {label:<26} {who:<11} p50 {results[f'{label}|{who}']['p50']:7.1f} ms  "
                  f"p95 {results[f'{label}|{who}']['p95']:7.1f} ms  {size['b']:>9,} B", flush=True)
    return results


# --------------------------------------------------------------------------------------------- tokens

def token_sizes(gateway: str, urls: dict[str, str]) -> dict[str, int]:
    """Access-token bytes for a user holding 1 and 20 positions (supervisor posts on 20 sections)."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine

    from services.org import models as om

    async def give_positions() -> None:
        engine = create_async_engine(urls["org"])
        try:
            async with engine.begin() as conn:
                units_t, positions_t, users_t, assignments_t, roles_t = (
                    om.Unit.__table__, om.Position.__table__, om.User.__table__,
                    om.Assignment.__table__, om.Role.__table__)
                uid = (await conn.execute(select(users_t.c.id).where(users_t.c.username == "b1u0"))).scalar_one()
                sup = (await conn.execute(select(roles_t.c.id).where(roles_t.c.key == "supervisor"))).scalar_one()
                sections = (await conn.execute(select(units_t.c.id)
                                               .where(units_t.c.kind == "section", units_t.c.code.like("B%"))
                                               .order_by(units_t.c.id).limit(19))).scalars().all()
                pid, aid = await _max_id(conn, positions_t) + 1, await _max_id(conn, assignments_t) + 1
                await _insert(conn, positions_t, [{"id": pid + i, "unit_id": s, "role_id": sup, "title": "兼任主管",
                                         "heads_unit": True} for i, s in enumerate(sections)])
                await _insert(conn, assignments_t, [{"id": aid + i, "user_id": uid, "position_id": pid + i,
                                         "start_date": date(2026, 1, 1)} for i in range(len(sections))])
                await _reset_sequences(conn, [positions_t, assignments_t])
        finally:
            await engine.dispose()

    from services.common.authz import Principal, grants_claims
    from services.common.tokens import SigningKey

    with httpx.Client(base_url=gateway, timeout=60) as client:
        one = sign_in(client, "b1u1")
        asyncio.run(give_positions())
        twenty = sign_in(client, "b1u0")
    # The same claims in both encodings, signed with a key of org's size (RS256, 2048 bits): the size before
    # (version 1) and after (version 2) whatever org is configured to write.
    key = SigningKey.generate()
    out = {"issued by org, 1 position (department manager)": len(one), "issued by org, 20 positions": len(twenty)}
    for label, token in (("1 position", one), ("20 positions", twenty)):
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        grants = Principal.from_claims(claims).grants
        base = {k: v for k, v in claims.items() if k not in ("grants", "g", "gv")}
        for version in (1, 2):
            out[f"{label}, {len(grants)} grants, version {version}"] = len(key.sign({**base,
                                                                                   **grants_claims(grants, version)}))
    return out


# --------------------------------------------------------------------------------------------- run

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", required=True, help="postgresql+asyncpg://user@host:port/ (a server you may create "
                                                "databases on)")
    ap.add_argument("--sizes", default="1,10,100", help="growth factors, ascending (1x = 10 branches, 130 units)")
    ap.add_argument("--requests", type=int, default=30, help="timed reads per endpoint and caller")
    ap.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    from services.common.settings import service_database_url

    data = Path(tempfile.mkdtemp(prefix="yunguan-scale-"))
    urls = {s: service_database_url(args.pg, s, data, PREFIX) for s in SERVICES}
    drop_databases(args.pg)
    ports = {name: free_port() for name in [*SERVICES, "gateway"]}
    env = {"YUNGUAN_DEMO": "1", "YUNGUAN_DATA_DIR": str(data), "YUNGUAN_DATABASE_URL": args.pg,
           "YUNGUAN_DATABASE_PREFIX": PREFIX, "YUNGUAN_LOG_LEVEL": "WARNING",
           "YUNGUAN_PUBLIC_URL": f"http://127.0.0.1:{ports['gateway']}",
           # sequential reads and a few dozen sign-ins from one address: the gateway's limits stay on, set
           # above what the bench sends
           "YUNGUAN_RATE_LIMIT_RPS": "10000", "YUNGUAN_RATE_LIMIT_BURST": "10000",
           "YUNGUAN_SIGNIN_RATE_PER_ADDRESS": "1000", "YUNGUAN_SIGNIN_BURST_PER_ADDRESS": "1000"}
    stack = Stack(env=env, ports=ports, log_dir=data / "logs")
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; data {data}", flush=True)
    table: dict[int, dict[str, dict[str, Any]]] = {}
    grown: dict[int, dict[str, int]] = {}
    branches = 0
    tokens: dict[str, int] = {}
    try:
        stack.migrate()
        stack.start_all()
        asyncio.run(stack.wait_ready(timeout=120))
        asyncio.run(wait_demo_seeded(urls))
        for size in sizes:
            stack.stop_all()
            t0 = time.monotonic()
            target = 10 * size - 1  # the demo's own 13 units count as one branch
            grown[size] = asyncio.run(grow(urls, branches + 1, target + 1))
            branches = target
            print(f"{size}x: grown by {grown[size]} in {time.monotonic() - t0:.0f} s; starting", flush=True)
            stack.start_all()
            asyncio.run(stack.wait_ready(timeout=600))
            wait_read_models(gateway, (branches + 1) * UNITS_PER_BRANCH)
            print(f"{size}x: {counts_line(urls)}; load average {os.getloadavg()[0]:.1f}", flush=True)
            table[size] = measure(gateway, args.requests)
        tokens = token_sizes(gateway, urls)
    finally:
        stack.stop_all()
        if not args.keep:
            drop_databases(args.pg)
    report(sizes, table, tokens)
    return 0


def wait_read_models(gateway: str, units: int, timeout: float = 600) -> None:
    """Wait until kpi has rebuilt its rollups and every read-model knows every unit (explicit checks)."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=gateway, timeout=60) as client:
        token = sign_in(client, "gm")
        while time.monotonic() < deadline:
            r = client.get("/api/org/units", params={"limit": 1}, headers={"authorization": f"Bearer {token}"})
            if r.status_code == 200:
                return
            time.sleep(0.5)
    raise SystemExit("the services did not come up")


async def wait_demo_seeded(urls: dict[str, str], within: float = 300) -> None:
    """The services seed their demo data in the background once their read-models know org's units: wait
    until every demo table below has rows and the counts hold still across two looks."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    watched = (("planning", "plan"), ("planning", "proposal"), ("planning", "improvement_project"),
               ("kpi", "kpi_measurement"), ("kpi", "kpi_target"), ("risk", "risk"),
               ("risk", "risk_alert"))
    engines = {s: create_async_engine(u) for s, u in urls.items()}
    deadline, last = time.monotonic() + within, None
    try:
        while time.monotonic() < deadline:
            now = []
            for svc, table in watched:
                async with engines[svc].connect() as c:
                    now.append((await c.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
            if all(now) and now == last:
                return
            last = now
            await asyncio.sleep(2)
    finally:
        for e in engines.values():
            await e.dispose()
    raise SystemExit(f"the demo data was not seeded within {within:.0f} s: {last}")


def counts_line(urls: dict[str, str]) -> str:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    async def count() -> str:
        parts = []
        for svc, table in (("org", "unit"), ("org", "user_account"), ("planning", "plan"), ("planning", "plan_task"),
                           ("kpi", "kpi_target"), ("kpi", "kpi_measurement"), ("kpi", "kpi_rollup"), ("risk", "risk"),
                           ("risk", "risk_alert"), ("planning", "org_unit"), ("kpi", "org_unit"), ("risk", "org_unit")):
            e = create_async_engine(urls[svc])
            async with e.connect() as c:
                parts.append(f"{svc}.{table} {(await c.execute(text(f'SELECT count(*) FROM {table}'))).scalar_one():,}")
            await e.dispose()
        return ", ".join(parts)

    return asyncio.run(count())


def drop_databases(base: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(base)

    async def drop() -> None:
        conn = await asyncpg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                                     database="postgres")
        try:
            for s in SERVICES:
                await conn.execute(f'DROP DATABASE IF EXISTS "{PREFIX}{s}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


def report(sizes: list[int], table: dict[int, dict[str, dict[str, Any]]], tokens: dict[str, int]) -> None:
    if not table:
        return
    first, last = sizes[0], sizes[-1]
    head = "| endpoint | caller | " + " | ".join(f"p50 / p95 {s}x (ms)" for s in sizes if s in table)
    head += f" | p95 {last}x / {first}x | answer bytes {first}x → {last}x |"
    print("\n" + head)
    print("|" + "---|" * (head.count("|") - 1))
    for key in table[first]:
        label, who = key.split("|")
        cells = [f"{table[s][key]['p50']:.1f} / {table[s][key]['p95']:.1f}" for s in sizes if s in table]
        ratio = table[last][key]["p95"] / table[first][key]["p95"] if last in table else float("nan")
        grown = table[last][key]["bytes"] if last in table else 0
        print(f"| {label} | {who} | " + " | ".join(cells)
              + f" | {ratio:.2f}x | {table[first][key]['bytes']:,} → {grown:,} |")
    for k, v in tokens.items():
        print(f"token, {k}: {v:,} bytes")


if __name__ == "__main__":
    sys.exit(main())
