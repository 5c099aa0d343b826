"""Audit anchors, org's side: sign a chain's head, record it in org's own chain, list them."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.anchoring import ANCHOR_TYPE
from services.common.audit_api import require_admin
from services.common.authz import Principal
from services.common.problems import Conflict, Forbidden
from services.common.service_auth import is_internal_service, service_of
from services.org.anchors.schemas import AnchorCreate, AnchorList
from services.org.auth.signing import KeyStore
from services.org.journal import journal
from services.org.models import AuditEntry
from services.org.runtime import OrgRuntime

ACTION = "audit.anchored"


async def anchors_of(session: AsyncSession, service: str | None = None) -> list[dict[str, Any]]:
    stmt = select(AuditEntry).where(AuditEntry.action == ACTION).order_by(AuditEntry.seq)
    if service:
        stmt = stmt.where(AuditEntry.subject_id == service)
    return [{**(e.after or {}), "at": e.at} for e in (await session.execute(stmt)).scalars()]


async def record(session: AsyncSession, *, keys: KeyStore, issuer: str, actor: Principal | str, service: str, seq: int,
                 hash_: str) -> dict[str, Any]:
    """Sign ``service``'s head (seq, hash) unless it would contradict an earlier anchor."""
    last = (await session.execute(select(AuditEntry.after).where(
        AuditEntry.action == ACTION, AuditEntry.subject_id == service).order_by(AuditEntry.seq.desc()).limit(1))
    ).scalar_one_or_none()
    if last:
        if seq < last["seq"]:
            raise Conflict(f"The {service} audit chain went back from entry {last['seq']} to {seq}: "
                           "entries were removed.",
                           zh=f"{service} 的审计链从第 {last['seq']} 条退回到第 {seq} 条：有记录被删除。")
        if seq == last["seq"]:
            if hash_ != last["hash"]:
                raise Conflict(f"Entry {seq} of the {service} audit chain is not the one signed before: the chain "
                               "was rewritten.", zh=f"{service} 审计链第 {seq} 条与先前签署的不一致：审计链被改写。")
            return last
    claims = {"iss": issuer, "typ": ANCHOR_TYPE, "service": service, "seq": seq, "hash": hash_,
              "iat": int(time.time())}
    anchor = {"service": service, "seq": seq, "hash": hash_, "anchor": keys.active.sign(claims)}
    await journal.audit(session, actor=actor, action=ACTION, subject_type="audit_chain", subject_id=service,
                        after=anchor)
    return anchor


async def sign_head(session: AsyncSession, rt: OrgRuntime, *, principal: Principal,
                    body: AnchorCreate) -> dict[str, Any]:
    """A Yunguan service's head, signed (the router lets only Yunguan's services through)."""
    service = service_of(principal)
    if service is None:
        raise Forbidden("Only Yunguan's own services may have their audit chain anchored.",
                        zh="只有运管系统自身的服务可以锚定其审计链。")
    return await record(session, keys=rt.keys, issuer=rt.settings.token_issuer, actor=principal, service=service,
                        seq=body.seq, hash_=body.hash)


async def read_anchors(session: AsyncSession, *, principal: Principal, service: str | None) -> AnchorList:
    """The anchors of one service's chain (or of all), for an administrator or a Yunguan service."""
    if not is_internal_service(principal):
        require_admin(principal)
    return AnchorList.model_validate({"items": await anchors_of(session, service)})
