"""Two replicas of everything on one PostgreSQL, nginx round-robin in front, and one replica of each killed
with SIGKILL in the middle of the load (tests/support/replicas.py).

Proves, through the gateway's nginx front, while a load loop runs: the cross-service chain still completes
(an issued plan becomes kpi targets; a measurement crossing a KRI's warning raises a risk alert that waits
in the right inbox), every event reaches every consuming service exactly once (each delivery to a service
is delivered and its event is in that service's processed_event, once; nothing is processed that was not
sent) and the only 5xx answers are requests that were in flight on a killed process (nginx's log: the
upstream tried and the request's time span).

PostgreSQL only: SQLite files are one machine's, not a shared database.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from services.common.settings import service_database_url
from tests.support import BACKEND, DEMO_IDS, PG_BASE
from tests.support.replicas import SERVICES, ReplicatedStack, replicated

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(BACKEND != "postgresql", reason="replicas share one PostgreSQL server")]


async def eventually(probe, *, timeout: float = 30.0, what: str = "the other service never caught up"):  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.2)


class Load:
    """Clients reading and writing through the gateway until told to stop; every answer's status counted.
    The writes (kpi improvement actions) are events org consumes, so events cross while replicas die."""

    def __init__(self, http: httpx.AsyncClient, who: dict[str, str], owner_id: int, workers: int = 6):
        self.http, self.who, self.owner_id, self.workers = http, who, owner_id, workers
        self.statuses: Counter[int] = Counter()
        self.actions_created = 0
        self.stop = asyncio.Event()
        self.answered = asyncio.Condition()
        self.tasks: list[asyncio.Task] = []

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    async def reached(self, count: int) -> None:
        """Until the load has had ``count`` answers in all."""
        async with self.answered:
            await self.answered.wait_for(lambda: self.total >= count)

    async def worker(self, n: int) -> None:
        reads = ["/api/planning/plans", "/api/kpi/targets", "/api/risk/alerts", "/api/org/me", "/api/org/units"]
        i = 0
        while not self.stop.is_set():
            i += 1
            try:
                if i % 4 == 0:
                    r = await self.http.post("/api/kpi/actions", headers=self.who, json={
                        "title": f"负载整改 {n}-{i}", "unit_id": DEMO_IDS["MKT-RES"], "owner_id": self.owner_id,
                        "owner_name": "刘", "due": (date.today() + timedelta(days=30)).isoformat()})
                    if r.status_code == 201:
                        self.actions_created += 1
                else:
                    r = await self.http.get(reads[i % len(reads)], headers=self.who)
                self.statuses[r.status_code] += 1
            except httpx.HTTPError as exc:  # the edge itself never goes away; count it all the same
                self.statuses[type(exc).__name__] += 1  # type: ignore[index]
            async with self.answered:
                self.answered.notify_all()

    async def __aenter__(self) -> Load:
        self.tasks = [asyncio.create_task(self.worker(n)) for n in range(self.workers)]
        return self

    async def finish(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks)

    async def __aexit__(self, *exc) -> None:
        await self.finish()


async def database_rows(stack: ReplicatedStack, sql: str) -> dict[str, list[tuple]]:
    out = {}
    for svc in SERVICES:
        url = service_database_url(PG_BASE, svc, stack.workdir, stack.env["YUNGUAN_DATABASE_PREFIX"])
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as conn:
                out[svc] = [tuple(r) for r in (await conn.execute(text(sql))).all()]
        finally:
            await engine.dispose()
    return out


@pytest.fixture
async def stack(tmp_path):
    async with replicated(tmp_path) as s:
        yield s


async def test_killing_one_replica_of_each_mid_load_loses_and_duplicates_nothing(stack):
    async with httpx.AsyncClient(base_url=stack.url("gateway"), timeout=30) as http:
        async def sign_in(user):
            r = await http.post("/api/org/auth/token",
                                data={"grant_type": "password", "username": user, "password": "Demo@2026"})
            assert r.status_code == 200, r.text
            return {"Authorization": f"Bearer {r.json()['access_token']}", "Accept-Language": "zh-CN"}

        mgr, ops, gm, analyst = [await sign_in(u) for u in ("market_mgr", "ops_director", "gm", "analyst")]
        analyst_id = (await http.get("/api/org/me", headers=analyst)).json()["user"]["id"]

        async def synced():
            for s in ("planning", "kpi", "risk"):
                r = await http.get(f"/api/{s}/org-units", headers=ops)
                if r.status_code != 200 or len(r.json()["items"]) < 13:
                    return False
            return True

        await eventually(synced, what="the org read-models never filled")

        async with Load(http, mgr, analyst_id) as load:
            # 1. 市场部's plan is written and submitted while the load runs on every replica
            plan = await http.post("/api/planning/plans", headers=mgr, json={
                "unit_id": DEMO_IDS["MKT"], "period": "2027", "title": "市场部2027年度运营计划",
                "targets": [{"indicator_code": "sales", "value": 31000, "unit": "万元"}]})
            assert plan.status_code == 201, plan.text
            plan_id = plan.json()["id"]
            assert (await http.post(f"/api/planning/plans/{plan_id}/submit", headers=mgr,
                                    json={"comment": "请审核"})).status_code == 200
            await load.reached(60)  # the load runs a while on all replicas before any dies

            # 2. one replica of each service and of the gateway dies, mid-load, without warning
            for app in [*SERVICES, "gateway"]:
                stack.kill(stack.replicas[app][0])
                await load.reached(load.total + 5)

            # 3. the chain completes on the survivors
            for who, action in ((ops, "approve"), (gm, "approve"), (gm, "issue")):
                r = await http.post(f"/api/planning/plans/{plan_id}/{action}", headers=who, json={"comment": action})
                assert r.status_code == 200, r.text
            risk = await http.post("/api/risk/risks", headers=ops, json={
                "title": "客户满意度下滑", "category": "market", "unit_id": DEMO_IDS["OPS-CS"]})
            assert risk.status_code == 201, risk.text
            kri = await http.post("/api/risk/kris", headers=ops, json={
                "risk_id": risk.json()["id"], "indicator_code": "customer_satisfaction",
                "unit_id": DEMO_IDS["OPS-CS"], "unit": "%", "warning": 85, "critical": 80, "direction": "below"})
            assert kri.status_code == 201, kri.text
            for period, value in (("2027-01", 90), ("2027-02", 83)):
                batch = await http.post("/api/kpi/measurements/batch", headers=ops, json=[
                    {"indicator_code": "customer_satisfaction", "unit_id": DEMO_IDS["OPS-CS"], "period": period,
                     "value": value, "source": "crm"}])
                assert batch.status_code == 200, batch.text
            await load.reached(load.total + 60)  # and a while on the survivors
            await load.finish()

        async def kpi_targets():
            r = await http.get("/api/kpi/targets", headers=mgr, params={"unit_id": DEMO_IDS["MKT"], "period": "2027"})
            return [(t["indicator_code"], t["value"]) for t in r.json()["items"]] if r.status_code == 200 else []

        assert await eventually(kpi_targets) == [("sales", 31000.0)]

        async def inbox_alerts():
            r = await http.get("/api/me/inbox", headers=ops)
            return r.json()["open_alerts"] if r.status_code == 200 else []

        alerts = await eventually(inbox_alerts, what="the alert never reached the inbox")
        assert [(a["indicator_code"], a["level"]) for a in alerts] == [("customer_satisfaction", "warning")]

        # every delivery to a service has arrived (the killed relays' leases expired and were taken over)
        async def undelivered():
            return await database_rows(stack, "SELECT 'delivery', target, status, attempts, last_error FROM delivery "
                                              "WHERE target LIKE 'service:%' AND status <> 'delivered' UNION ALL "
                                              "SELECT 'outbox', type, status, attempts, '' FROM outbox_event "
                                              "WHERE status <> 'dispatched'")

        async def drained():
            return all(rows == [] for rows in (await undelivered()).values())

        try:
            await eventually(drained, timeout=45)
        except AssertionError:
            pytest.fail(f"left undelivered: {await undelivered()}")

    # exactly once: what each service was sent is what it processed, each event once
    sent = await database_rows(stack, "SELECT event_id, target FROM delivery WHERE target LIKE 'service:%'")
    processed = await database_rows(stack, "SELECT event_id, source FROM processed_event")
    for target in SERVICES:
        to_target = Counter(eid for src in SERVICES for eid, t in sent[src] if t == f"service:{target}")
        assert [e for e, n in to_target.items() if n > 1] == [], f"an event was fanned out twice to {target}"
        got = Counter(eid for eid, _ in processed[target])
        assert set(got) == set(to_target), f"{target} processed {set(got) ^ set(to_target)} differently from sent"
        assert max(got.values(), default=1) == 1
    events = sum(len(v) for v in sent.values())
    assert events > 20, f"only {events} service deliveries: the load made too few events to prove anything"
    # org applied each kpi action the load created (kpi.action.created) exactly once
    created = (await database_rows(stack, "SELECT count(*) FROM outbox_event WHERE type = 'kpi.action.created'"))
    assert created["kpi"][0][0] >= load.actions_created > 0
    attempts = await database_rows(stack, "SELECT count(*) FROM delivery_attempt WHERE NOT ok")

    # 5xx only for requests in flight on a killed process
    explained, unexplained = stack.unexplained_errors()
    assert unexplained == [], unexplained
    client_5xx = sum(n for s, n in load.statuses.items() if isinstance(s, int) and s >= 500)
    edge_5xx = [e for e in explained if e.front == "gateway"]
    assert client_5xx <= len(edge_5xx)
    assert not [s for s in load.statuses if not isinstance(s, int)], load.statuses
    ok = sum(n for s, n in load.statuses.items() if isinstance(s, int) and s < 400)
    assert ok > 100, load.statuses
    print(f"\nreplicas: {sum(load.statuses.values())} load requests {dict(load.statuses)}; {events} service "
          f"deliveries; failed attempts {[(s, r[0][0]) for s, r in attempts.items()]}; 5xx in flight on killed "
          f"processes {len(explained)} (at the edge {len(edge_5xx)})")
