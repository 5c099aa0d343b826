"""Recording what happened in a service: its audit chain and its outbox, in the caller's transaction."""

from __future__ import annotations

from typing import Any

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
                 emits: Emits):
        self.service = service
        self.audit_model = audit_model
        self.outbox_model = outbox_model
        self.emits = emits  # the service's EMITS (events.py)

    async def audit(self, session: AsyncSession, *, actor: Principal | str, action: str, subject_type: str,
                    subject_id: Any, unit_path: str | None = None, grant: Grant | None = None, before: Any = None,
                    after: Any = None, note: str = "", request_id: str = "") -> AuditEntryMixin:
        """Append to the audit chain; the request id is the current request's unless one is given."""
        rid = request_id or current_request_id()
        return await audit.append(session, self.audit_model, actor=actor, action=action, subject_type=subject_type,
                                  subject_id=subject_id, unit_path=unit_path, grant=grant, before=before,
                                  after=after, note=note, request_id=rid)

    async def emit(self, session: AsyncSession, type: str, subject: Any, data: EventData,
                   unit_path: str | None = None) -> OutboxEventMixin:
        """Record an event in the outbox; its ``data`` is the model EMITS declares for ``type``."""
        return await outbox.record(session, self.outbox_model, source=self.service, type=type, subject=subject,
                                   data=payload(self.emits, type, data), unit_path=unit_path)
