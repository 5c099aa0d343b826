"""Org's audit chain and outbox (the kernel's Journal, bound to org's tables)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common import audit
from services.common.authz import Grant, Principal
from services.common.journal import Journal
from services.org.models import AuditEntry, OutboxEvent

journal = Journal("org", AuditEntry, OutboxEvent)


async def audit_change(session: AsyncSession, *, actor: Principal | str, action: str, subject_type: str,
                       subject_id: Any, unit_path: str | None = None, grant: Grant | None = None,
                       before: Any = None, after: Any = None, note: str = "", request_id: str = "") -> None:
    await audit.append(session, AuditEntry, actor=actor, action=action, subject_type=subject_type,
                       subject_id=subject_id, unit_path=unit_path, grant=grant, before=before, after=after,
                       note=note, request_id=request_id)


emit = journal.emit
