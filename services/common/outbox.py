"""Transactional outbox: a domain event is written in the same transaction as its change.

No event without the change, no change without its event: :func:`record`
only adds a row to the caller's session, so it commits or rolls back with it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, Index
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.db import utcnow


def outbox_model(Base) -> type:
    """The ``outbox_event`` table for a service's declarative base."""

    class OutboxEvent(Base):
        __tablename__ = "outbox_event"
        __table_args__ = (Index("ix_outbox_event_status_seq", "status", "seq"),)

        seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
        id: Mapped[str] = mapped_column(String(36), unique=True)
        type: Mapped[str] = mapped_column(String(120))
        source: Mapped[str] = mapped_column(String(40))
        occurred_at: Mapped[datetime]
        subject: Mapped[str] = mapped_column(String(120), index=True)
        unit_path: Mapped[str | None] = mapped_column(String(500))
        data: Mapped[dict] = mapped_column(JSON)
        status: Mapped[str] = mapped_column(String(20), default="pending")
        attempts: Mapped[int] = mapped_column(Integer, default=0)

    return OutboxEvent


def envelope(event) -> dict[str, Any]:
    """The wire form of an event."""
    return {"id": event.id, "type": event.type, "source": event.source,
            "occurred_at": event.occurred_at.isoformat(), "subject": event.subject,
            "unit_path": event.unit_path, "data": event.data}


async def record(session: AsyncSession, model: type, *, source: str, type: str, subject: Any,
                 data: dict[str, Any], unit_path: str | None = None) -> Any:
    """Add an event to the outbox inside the caller's transaction."""
    event = model(id=str(uuid.uuid4()), type=type, source=source, occurred_at=utcnow(),
                  subject=str(subject), unit_path=unit_path, data=data, status="pending", attempts=0)
    session.add(event)
    return event
