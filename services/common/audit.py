"""A hash-chained audit log any service can append to and verify.

Each entry's ``hash`` is SHA-256 over the previous entry's hash and the
entry's own canonical JSON, so editing, deleting or reordering any row breaks
the chain from that row on. Appends are serialised (an advisory lock on
PostgreSQL, the write lock on SQLite) so the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.authz import Grant, Principal
from services.common.db import TableMixin, as_utc, utcnow

GENESIS = "0" * 64
_LOCK_KEY = 0x59554E4755414E  # "YUNGUAN": the advisory lock of the audit chain


class AuditEntryMixin(TableMixin):
    """The ``audit_entry`` table: a service's models.py declares ``class AuditEntry(AuditEntryMixin, Base)``."""

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
    grant: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")


def subject_index() -> Index:
    """The index a service's ``AuditEntry`` declares (``__table_args__ = (subject_index(),)``) when it reads one
    subject's entries in order (a record's activity stream), so the read is not a scan of the chain."""
    return Index("ix_audit_entry_subject", "subject_type", "subject_id", "seq")


class ChainEntry(Protocol):
    """What the chain is computed over: a stored entry, or one of an exported copy."""

    seq: int
    at: datetime
    actor: str
    actor_name: str
    action: str
    subject_type: str
    subject_id: str
    unit_path: str | None
    grant: dict[str, Any] | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str
    prev_hash: str
    hash: str
    note: str


def _canonical(entry: ChainEntry) -> bytes:
    at: datetime = as_utc(entry.at)
    payload = {
        "seq": entry.seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor, "actor_name": entry.actor_name, "action": entry.action,
        "subject_type": entry.subject_type, "subject_id": entry.subject_id, "unit_path": entry.unit_path,
        "grant": entry.grant, "before": entry.before, "after": entry.after,
        "request_id": entry.request_id, "note": entry.note,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def entry_hash(prev_hash: str, entry: ChainEntry) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(entry)).hexdigest()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False)) if value is not None else None


Entry = TypeVar("Entry", bound=AuditEntryMixin)


async def append(session: AsyncSession, model: type[Entry], *, actor: Principal | str, action: str,
                 subject_type: str, subject_id: Any, unit_path: str | None = None,
                 grant: Grant | None = None, before: Any = None, after: Any = None,
                 note: str = "", request_id: str = "") -> Entry:
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


async def verify(session: AsyncSession, model: type[AuditEntryMixin], *, batch: int = 1000,
                 anchors: dict[int, str] | None = None) -> dict[str, Any]:
    """Walk the chain; ``{ok, entries}`` or the first broken entry and why.

    ``anchors`` (seq → hash, as org signed them) catch what the chain alone cannot: a cut tail
    (org signed a later entry than the chain now has) and a chain recomputed after an edit (an
    anchored entry's hash differs from the one signed).
    """
    checker = ChainChecker(anchors)
    after = 0
    while True:
        rows = (await session.execute(
            select(model).where(model.seq > after).order_by(model.seq).limit(batch))).scalars().all()
        if not rows:
            return checker.finish()
        for entry in rows:
            broken = checker.check(entry)
            if broken:
                return broken
            after = entry.seq
            session.expunge(entry)


class ChainChecker:
    """One pass over a chain's entries in order (from the database or an exported copy)."""

    def __init__(self, anchors: dict[int, str] | None = None):
        self.anchors = dict(anchors or {})
        self.prev, self.count, self.expected_seq = GENESIS, 0, 1

    def check(self, entry: ChainEntry) -> dict[str, Any] | None:
        def broken(reason: str) -> dict[str, Any]:
            return {"ok": False, "entries": self.count, "broken_at": entry.seq, "reason": reason}

        if entry.seq != self.expected_seq:
            return broken(f"entry {self.expected_seq} is missing")
        if entry.prev_hash != self.prev:
            return broken("the link to the previous entry does not match")
        if entry_hash(self.prev, entry) != entry.hash:
            return broken("the entry was changed after it was written")
        signed = self.anchors.get(entry.seq)
        if signed is not None and signed != entry.hash:
            return broken("the chain was recomputed: this entry's hash is not the one org signed")
        self.prev, self.count, self.expected_seq = entry.hash, self.count + 1, entry.seq + 1
        return None

    def finish(self) -> dict[str, Any]:
        last = self.expected_seq - 1
        beyond = [seq for seq in self.anchors if seq > last]
        if beyond:
            return {"ok": False, "entries": self.count, "broken_at": last + 1,
                    "reason": f"entries after {last} are missing: org signed the chain up to entry {max(beyond)}"}
        result: dict[str, Any] = {"ok": True, "entries": self.count}
        if self.anchors:
            result["anchored_to"] = max(self.anchors)
        return result

