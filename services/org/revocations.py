"""Whose tokens must stop working before they expire: deactivated users, and API clients that
were switched off or deleted while their last tokens may still be unexpired."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import utcnow
from services.common.settings import ServiceSettings
from services.org.models import ApiClient, AuditEntry, User


async def revoked_subjects(session: AsyncSession, settings: ServiceSettings) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for uid, at in (await session.execute(select(User.id, User.updated_at).where(User.active.is_(False)))).all():
        out.append({"sub": str(uid), "since": at})
    for cid, at in (await session.execute(select(ApiClient.client_id, ApiClient.updated_at)
                                          .where(ApiClient.active.is_(False)))).all():
        out.append({"sub": f"client:{cid}", "since": at})
    # a deleted client's tokens live at most one access-token lifetime after it went
    since = utcnow() - timedelta(minutes=settings.access_token_minutes, seconds=60)
    deleted = (await session.execute(select(AuditEntry.before, AuditEntry.at).where(
        AuditEntry.action == "client.deleted", AuditEntry.at > since))).all()
    for before, at in deleted:
        if isinstance(before, dict) and before.get("client_id"):
            out.append({"sub": f"client:{before['client_id']}", "since": at})
    return out
