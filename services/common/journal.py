"""Recording what happened in a service: its audit chain and its outbox, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import audit, outbox
from services.common.authz import Grant, Principal


class Journal:
    """One service's audit log and event outbox, written together with the change they describe."""

    def __init__(self, service: str, audit_model: type, outbox_model: type):
        self.service = service
        self.audit_model = audit_model
        self.outbox_model = outbox_model

    async def audit(self, session: AsyncSession, *, actor: Principal | str, action: str, subject_type: str,
                    subject_id: Any, unit_path: str | None = None, grant: Grant | None = None, before: Any = None,
                    after: Any = None, note: str = "", request: Request | None = None,
                    request_id: str = "") -> Any:
        rid = request.headers.get("x-request-id", "") if request is not None else request_id
        return await audit.append(session, self.audit_model, actor=actor, action=action, subject_type=subject_type,
                                  subject_id=subject_id, unit_path=unit_path, grant=grant, before=before,
                                  after=after, note=note, request_id=rid)

    async def emit(self, session: AsyncSession, type: str, subject: Any, data: dict[str, Any],
                   unit_path: str | None = None) -> Any:
        return await outbox.record(session, self.outbox_model, source=self.service, type=type, subject=subject,
                                   data=data, unit_path=unit_path)
