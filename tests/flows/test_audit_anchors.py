"""Org signs every audit chain's head; a cut tail or a chain recomputed after an edit is then found,
by each service's verify endpoint and offline from an export, the anchors and org's JWKS."""

import asyncio
import contextlib
import json
import time

import httpx
import pytest
from sqlalchemy import delete, select, update

from services.common import audit
from services.common.anchoring import main as verify_offline
from services.common.db import Database
from services.common.service_auth import secret_for
from services.common.settings import DEMO_SERVICE_SECRET
from services.org.app import create_app as org_app
from services.planning.app import create_app as planning_app
from services.planning.models import AuditEntry
from tests.flows.test_org_read_model import sign_in_http
from tests.org.conftest import seeded
from tests.support import bearer, free_port, serve, settings


@pytest.fixture
async def org_and_planning(databases):
    ports = {s: free_port() for s in ("org", "planning")}
    urls = {f"{s}_url": f"http://127.0.0.1:{p}" for s, p in ports.items()}
    common = {**urls, "relay_enabled": True, "audit_anchor_seconds": 0.2,
              "jwks_url": f"{urls['org_url']}/api/org/.well-known/jwks.json"}
    planning_db = await databases.fresh("planning")
    org = org_app(settings("org", await databases.fresh("org", seeded), demo=True, **common))
    planning = planning_app(settings("planning", planning_db, **common))
    async with contextlib.AsyncExitStack() as stack:
        await stack.enter_async_context(serve(org, port=ports["org"]))
        await stack.enter_async_context(serve(planning, port=ports["planning"]))
        db = Database(planning_db)
        yield urls["org_url"], urls["planning_url"], db
        await db.dispose()


async def write_entries(db: Database, n: int) -> None:
    async with db.writer() as s:
        for i in range(n):
            await audit.append(s, AuditEntry, actor="7", action="plan.edited", subject_type="plan", subject_id=i)
        await s.commit()


async def head(db: Database) -> int:
    async with db.reader() as s:
        return (await s.execute(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))).scalar_one()


async def wait_for_anchor(http, org, admin, seq: int) -> list[dict]:
    deadline = time.monotonic() + 20
    while True:
        items = (await http.get(f"{org}/api/org/audit/anchors", params={"service": "planning"},
                                headers=admin)).json()["items"]
        if items and items[-1]["seq"] == seq:
            return items
        assert time.monotonic() < deadline, items
        await asyncio.sleep(0.05)


async def test_a_cut_tail_and_a_recomputed_chain_are_found_against_orgs_anchors(org_and_planning, tmp_path):
    org, planning, db = org_and_planning
    async with httpx.AsyncClient(timeout=10) as http:
        admin = bearer((await sign_in_http(http, org, "admin"))["access_token"])
        await write_entries(db, 5)
        anchors = await wait_for_anchor(http, org, admin, await head(db))
        verified = (await http.get(f"{planning}/api/planning/audit/verify", headers=admin)).json()
        assert verified["ok"] and verified["anchored_to"] == 5 and verified["anchors"] >= 1

        # offline, from an export
        entries = (await http.get(f"{planning}/api/planning/audit", params={"limit": 200}, headers=admin)).json()
        jwks = (await http.get(f"{org}/api/org/.well-known/jwks.json")).json()
        for name, data in (("entries", entries), ("anchors", {"items": anchors}), ("jwks", jwks)):
            (tmp_path / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False))
        files = [f"--{n}={tmp_path / (n + '.json')}" for n in ("entries", "anchors", "jwks")]
        assert verify_offline(files) == 0

        # someone with the database cuts the last two entries: the chain alone still holds
        async with db.writer() as s:
            await s.execute(delete(AuditEntry).where(AuditEntry.seq > 3))
            await s.commit()
        async with db.reader() as s:
            assert (await audit.verify(s, AuditEntry))["ok"]
        found = (await http.get(f"{planning}/api/planning/audit/verify", headers=admin)).json()
        assert (found["ok"], found["broken_at"]) == (False, 4)
        assert "missing" in found["reason"]
        cut = [e for e in entries["items"] if e["seq"] <= 3]
        (tmp_path / "entries.json").write_text(json.dumps({"items": cut}, ensure_ascii=False))
        assert verify_offline(files) == 1
        # and org refuses to sign the shorter chain as if nothing happened
        await asyncio.sleep(0.5)
        assert (await http.get(f"{org}/api/org/audit/anchors", params={"service": "planning"},
                               headers=admin)).json()["items"][-1]["seq"] == 5


async def test_an_edit_hidden_by_recomputing_every_hash_is_found(org_and_planning):
    org, planning, db = org_and_planning
    async with httpx.AsyncClient(timeout=10) as http:
        admin = bearer((await sign_in_http(http, org, "admin"))["access_token"])
        await write_entries(db, 4)
        await wait_for_anchor(http, org, admin, await head(db))
        # rewrite entry 2 and recompute the chain from there, as a careful forger would
        async with db.writer() as s:
            await s.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor="someone-else"))
            prev = (await s.execute(select(AuditEntry.hash).where(AuditEntry.seq == 1))).scalar_one()
            for entry in (await s.execute(select(AuditEntry).where(AuditEntry.seq >= 2)
                                          .order_by(AuditEntry.seq))).scalars():
                entry.prev_hash = prev
                entry.hash = prev = audit.entry_hash(prev, entry)
            await s.commit()
        async with db.reader() as s:
            assert (await audit.verify(s, AuditEntry))["ok"]  # the chain alone cannot tell
        found = (await http.get(f"{planning}/api/planning/audit/verify", headers=admin)).json()
        assert (found["ok"], found["broken_at"]) == (False, 4)
        assert "recomputed" in found["reason"]


async def test_org_refuses_an_anchor_that_contradicts_an_earlier_one(org_and_planning):
    org, _planning, _db = org_and_planning
    async with httpx.AsyncClient(timeout=10) as http:
        token = await http.post(f"{org}/api/org/auth/token", data={
            "grant_type": "client_credentials", "client_id": "svc-planning",
            "client_secret": secret_for(DEMO_SERVICE_SECRET, "planning")})
        svc = bearer(token.json()["access_token"])
        first = await http.post(f"{org}/api/org/audit/anchors", json={"seq": 10, "hash": "a" * 64}, headers=svc)
        assert first.status_code == 200, first.text
        back = await http.post(f"{org}/api/org/audit/anchors", json={"seq": 9, "hash": "b" * 64}, headers=svc)
        assert back.status_code == 409 and "removed" in back.json()["detail"]
        rewritten = await http.post(f"{org}/api/org/audit/anchors", json={"seq": 10, "hash": "c" * 64}, headers=svc)
        assert rewritten.status_code == 409 and "rewritten" in rewritten.json()["detail"]
        admin = bearer((await sign_in_http(http, org, "admin"))["access_token"])
        # an ordinary user cannot plant anchors
        assert (await http.post(f"{org}/api/org/audit/anchors", json={"seq": 11, "hash": "d" * 64},
                                headers=admin)).status_code == 403
