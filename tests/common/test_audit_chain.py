"""The hash-chained audit log: appends link, edits and deletions are detected."""

import asyncio

from sqlalchemy import delete, update

from services.common import audit
from services.common.authz import Grant, Principal
from services.common.db import Database
from services.planning.models import AuditEntry


async def _db(databases) -> Database:
    return Database(await databases.fresh("planning"))


async def _append(db: Database, n: int) -> None:
    actor = Principal(sub="7", name="李运营总监")
    for i in range(n):
        async with db.writer() as s:
            await audit.append(s, AuditEntry, actor=actor, action="plan.approved", subject_type="plan",
                               subject_id=i, unit_path="/1/4/",
                               grant=Grant("plan", "/1/", "subtree", "/1/4/", "position:3"),
                               before={"status": "review"}, after={"status": "approved", "amount": 1.5})
            await s.commit()


async def test_an_intact_chain_verifies(databases):
    db = await _db(databases)
    await _append(db, 5)
    async with db.reader() as s:
        assert await audit.verify(s, AuditEntry) == {"ok": True, "entries": 5}
    await db.dispose()


async def test_an_edited_entry_breaks_the_chain_at_that_entry(databases):
    db = await _db(databases)
    await _append(db, 5)
    async with db.writer() as s:
        await s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(after={"status": "vetoed"}))
        await s.commit()
    async with db.reader() as s:
        result = await audit.verify(s, AuditEntry)
    assert result["ok"] is False and result["broken_at"] == 3 and result["entries"] == 2
    await db.dispose()


async def test_a_deleted_entry_is_detected(databases):
    db = await _db(databases)
    await _append(db, 4)
    async with db.writer() as s:
        await s.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
        await s.commit()
    async with db.reader() as s:
        result = await audit.verify(s, AuditEntry)
    assert result["ok"] is False and result["broken_at"] == 3
    await db.dispose()


async def test_concurrent_appends_never_fork_the_chain(databases):
    db = await _db(databases)
    await asyncio.gather(*[_append(db, 3) for _ in range(5)])
    async with db.reader() as s:
        assert await audit.verify(s, AuditEntry) == {"ok": True, "entries": 15}
    await db.dispose()
