"""Recording what happened in a service: its audit chain and its outbox, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import audit, outbox
from services.common.audit import AuditEntryMixin
from services.common.authz import Grant, Principal
from services.common.contracts import Emits, EventData, payload
from services.common.observability import current_request_id
from services.common.outbox import OutboxEventMixin


class Journal:
    """One service's audit log and event outbox, written together with the change they describe."""

    def __init__(self, service: str, audit_model: type[AuditEntryMixin], outbox_model: type[OutboxEventMixin],
                 emits: Emits | None = None):
        self.service = service
        self.audit_model = audit_model
        self.outbox_model = outbox_model
        self.emits = emits  # the service's EMITS (events.py); None until the service declares them

    async def audit(self, session: AsyncSession, *, actor: Principal | str, action: str, subject_type: str,
                    subject_id: Any, unit_path: str | None = None, grant: Grant | None = None, before: Any = None,
                    after: Any = None, note: str = "", request: Request | None = None,
                    request_id: str = "") -> AuditEntryMixin:
        # ``request`` is no longer needed (the id comes from the request context); kept until every caller drops it
        rid = request_id or current_request_id()
        return await audit.append(session, self.audit_model, actor=actor, action=action, subject_type=subject_type,
                                  subject_id=subject_id, unit_path=unit_path, grant=grant, before=before,
                                  after=after, note=note, request_id=rid)

    async def emit(self, session: AsyncSession, type: str, subject: Any, data: EventData | dict[str, Any],
                   unit_path: str | None = None) -> OutboxEventMixin:
        """Record an event in the outbox; its ``data`` is the model EMITS declares for ``type``."""
        if isinstance(data, EventData):
            if self.emits is None:
                raise LookupError(f"{self.service} declares no EMITS")
            data = payload(self.emits, type, data)
        return await outbox.record(session, self.outbox_model, source=self.service, type=type, subject=subject,
                                   data=data, unit_path=unit_path)
