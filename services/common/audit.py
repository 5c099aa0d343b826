"""A hash-chained audit log any service can append to and verify.

Each entry's ``hash`` is SHA-256 over the previous entry's hash and the
entry's own canonical JSON, so editing, deleting or reordering any row breaks
the chain from that row on. Appends are serialised (an advisory lock on
PostgreSQL, the write lock on SQLite) so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Text, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.authz import Grant, Principal
from services.common.db import as_utc, utcnow

GENESIS = "0" * 64
_LOCK_KEY = 0x59554E4755414E  # "YUNGUAN": the advisory lock of the audit chain


def audit_model(Base) -> type:
    """The ``audit_entry`` table for a service's declarative base."""

    class AuditEntry(Base):
        __tablename__ = "audit_entry"

        id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
        seq: Mapped[int] = mapped_column(BigInteger, unique=True)
        at: Mapped[datetime]
        actor: Mapped[str] = mapped_column(String(120))
        actor_name: Mapped[str] = mapped_column(String(200), default="")
        action: Mapped[str] = mapped_column(String(120), index=True)
        subject_type: Mapped[str] = mapped_column(String(60))
        subject_id: Mapped[str] = mapped_column(String(120))
        unit_path: Mapped[str | None] = mapped_column(String(500))
        grant: Mapped[dict | None] = mapped_column(JSON)
        before: Mapped[dict | None] = mapped_column(JSON)
        after: Mapped[dict | None] = mapped_column(JSON)
        request_id: Mapped[str] = mapped_column(String(64), default="")
        prev_hash: Mapped[str] = mapped_column(String(64))
        hash: Mapped[str] = mapped_column(String(64))
        note: Mapped[str] = mapped_column(Text, default="")

    return AuditEntry


def _canonical(entry) -> bytes:
    at: datetime = as_utc(entry.at)
    payload = {
        "seq": entry.seq, "at": at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "actor": entry.actor, "actor_name": entry.actor_name, "action": entry.action,
        "subject_type": entry.subject_type, "subject_id": entry.subject_id, "unit_path": entry.unit_path,
        "grant": entry.grant, "before": entry.before, "after": entry.after,
        "request_id": entry.request_id, "note": entry.note,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(prev_hash: str, entry) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(entry)).hexdigest()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False)) if value is not None else None


async def append(session: AsyncSession, model: type, *, actor: Principal | str, action: str,
                 subject_type: str, subject_id: Any, unit_path: str | None = None,
                 grant: Grant | None = None, before: Any = None, after: Any = None,
                 note: str = "", request_id: str = "") -> Any:
    """Append one entry to the chain inside the caller's transaction."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = (await session.execute(select(model.seq, model.hash).order_by(model.seq.desc()).limit(1))).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    if isinstance(actor, Principal):
        actor_id, actor_name = actor.sub, actor.name
    else:
        actor_id, actor_name = str(actor), ""
    entry = model(seq=seq, at=utcnow(), actor=actor_id, actor_name=actor_name, action=action,
                  subject_type=subject_type, subject_id=str(subject_id), unit_path=unit_path,
                  grant=grant.to_claim() if grant else None, before=_jsonable(before), after=_jsonable(after),
                  request_id=request_id, note=note, prev_hash=prev, hash="")
    entry.hash = entry_hash(prev, entry)
    session.add(entry)
    await session.flush()
    return entry


async def verify(session: AsyncSession, model: type, *, batch: int = 1000) -> dict[str, Any]:
    """Walk the chain; ``{ok, entries}`` or the first broken entry and why."""
    prev, count, expected_seq, after = GENESIS, 0, 1, 0
    while True:
        rows = (await session.execute(
            select(model).where(model.seq > after).order_by(model.seq).limit(batch))).scalars().all()
        if not rows:
            return {"ok": True, "entries": count}
        for entry in rows:
            if entry.seq != expected_seq:
                return {"ok": False, "entries": count, "broken_at": entry.seq,
                        "reason": f"entry {expected_seq} is missing"}
            if entry.prev_hash != prev:
                return {"ok": False, "entries": count, "broken_at": entry.seq,
                        "reason": "the link to the previous entry does not match"}
            if entry_hash(prev, entry) != entry.hash:
                return {"ok": False, "entries": count, "broken_at": entry.seq,
                        "reason": "the entry was changed after it was written"}
            prev, count, expected_seq, after = entry.hash, count + 1, entry.seq + 1, entry.seq
            session.expunge(entry)
