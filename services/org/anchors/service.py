"""Org's side of the audit anchors: sign a chain's head, record it in org's own chain, list them."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.anchoring import ANCHOR_TYPE
from services.common.authz import Principal
from services.common.problems import Conflict
from services.org.journal import audit_change
from services.org.models import AuditEntry

ACTION = "audit.anchored"


async def anchors_of(session: AsyncSession, service: str | None = None) -> list[dict[str, Any]]:
    stmt = select(AuditEntry).where(AuditEntry.action == ACTION).order_by(AuditEntry.seq)
    if service:
        stmt = stmt.where(AuditEntry.subject_id == service)
    return [{**e.after, "at": e.at} for e in (await session.execute(stmt)).scalars()]


async def record(session: AsyncSession, *, keys, issuer: str, actor: Principal | str, service: str, seq: int,
                 hash_: str) -> dict[str, Any]:
    """Sign ``service``'s head (seq, hash) unless it would contradict an earlier anchor."""
    last = (await session.execute(select(AuditEntry.after).where(
        AuditEntry.action == ACTION, AuditEntry.subject_id == service).order_by(AuditEntry.seq.desc()).limit(1))
    ).scalar_one_or_none()
    if last:
        if seq < last["seq"]:
            raise Conflict(f"The {service} audit chain went back from entry {last['seq']} to {seq}: "
                           "entries were removed.", zh=f"{service} 的审计链从第 {last['seq']} 条退回到第 {seq} 条：有记录被删除。")
        if seq == last["seq"]:
            if hash_ != last["hash"]:
                raise Conflict(f"Entry {seq} of the {service} audit chain is not the one signed before: the chain "
                               "was rewritten.", zh=f"{service} 审计链第 {seq} 条与先前签署的不一致：审计链被改写。")
            return last
    claims = {"iss": issuer, "typ": ANCHOR_TYPE, "service": service, "seq": seq, "hash": hash_,
              "iat": int(time.time())}
    anchor = {"service": service, "seq": seq, "hash": hash_, "anchor": keys.active.sign(claims)}
    await audit_change(session, actor=actor, action=ACTION, subject_type="audit_chain", subject_id=service,
                       after=anchor)
    return anchor
