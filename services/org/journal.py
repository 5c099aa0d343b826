"""Recording what happened: the audit chain and the outbox, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common import audit, outbox
from services.common.authz import Grant, Principal
from services.org.models import AuditEntry, OutboxEvent

SOURCE = "org"


async def audit_change(session: AsyncSession, *, actor: Principal | str, action: str, subject_type: str,
                       subject_id: Any, unit_path: str | None = None, grant: Grant | None = None,
                       before: Any = None, after: Any = None, note: str = "", request_id: str = "") -> None:
    await audit.append(session, AuditEntry, actor=actor, action=action, subject_type=subject_type,
                       subject_id=subject_id, unit_path=unit_path, grant=grant, before=before, after=after,
                       note=note, request_id=request_id)


async def emit(session: AsyncSession, type: str, subject: Any, data: dict[str, Any],
               unit_path: str | None = None) -> None:
    await outbox.record(session, OutboxEvent, source=SOURCE, type=type, subject=subject, data=data,
                        unit_path=unit_path)
