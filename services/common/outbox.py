"""Transactional outbox and the tables that carry events out of a service.

A domain event is written in the same transaction as its change (:func:`record`
only adds a row to the caller's session): no event without the change, no change
without its event. The relay later fans each event out into one ``delivery`` per
subscriber (another service or a webhook) and keeps a log of every attempt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from services.common.db import TableMixin, utcnow
from services.common.tracing import current_trace_fields

_BIGINT = BigInteger().with_variant(Integer, "sqlite")


class OutboxEventMixin(TableMixin):
    """An event written with its change, waiting to be fanned out (``outbox_event``)."""

    __tablename__ = "outbox_event"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (Index("ix_outbox_event_status_seq", "status", "seq"),)

    seq: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime]
    subject: Mapped[str] = mapped_column(String(120), index=True)
    unit_path: Mapped[str | None] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending: not yet fanned out to subscribers; dispatched: deliveries exist
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    dispatched_at: Mapped[datetime | None]
    # The W3C trace context of the request that recorded the event (None when tracing is off): its
    # deliveries, and the consumers' handling of it, continue that trace (services.common.tracing).
    traceparent: Mapped[str | None] = mapped_column(String(55))
    tracestate: Mapped[str | None] = mapped_column(String(512))


class WebhookSubscriptionMixin(TableMixin):
    """A company system's webhook (``webhook_subscription``), optimistic-locked by ``version``."""

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)  # patterns such as "planning.plan.*"
    secret: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


class DeliveryMixin(TableMixin):
    """One event on its way to one subscriber (``delivery``)."""

    __tablename__ = "delivery"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (Index("ix_delivery_due", "status", "next_attempt_at"),
                Index("ix_delivery_order", "target", "subject", "event_seq"))

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    event_seq: Mapped[int] = mapped_column(_BIGINT, ForeignKey("outbox_event.seq"), index=True)
    event_id: Mapped[str] = mapped_column(String(36))
    subject: Mapped[str] = mapped_column(String(120))
    # "service:kpi" or "webhook:12"; order is kept per (target, subject)
    target: Mapped[str] = mapped_column(String(60))
    webhook_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_subscription.id", ondelete="SET NULL"),
                                                   index=True)
    url: Mapped[str] = mapped_column(String(2000))
    # pending → delivered, or parked after too many failures (an admin may retry it)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class DeliveryAttemptMixin(TableMixin):
    """One try of a delivery (``delivery_attempt``)."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(_BIGINT, ForeignKey("delivery.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    latency_ms: Mapped[float] = mapped_column(default=0.0)
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str] = mapped_column(Text, default="")


class ProcessedEventMixin(TableMixin):
    """Events this service has applied, so a redelivery changes nothing (``processed_event``)."""

    __tablename__ = "processed_event"

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(40))
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class EventTables:
    """A service's five event tables, declared in its models.py from the mixins above."""

    outbox: type[OutboxEventMixin]
    delivery: type[DeliveryMixin]
    attempt: type[DeliveryAttemptMixin]
    webhook: type[WebhookSubscriptionMixin]
    processed: type[ProcessedEventMixin]


def envelope(event: OutboxEventMixin) -> dict[str, Any]:
    """The wire form of an event."""
    return {"id": event.id, "type": event.type, "source": event.source,
            "occurred_at": event.occurred_at.isoformat(), "subject": event.subject,
            "unit_path": event.unit_path, "data": event.data}


Event = TypeVar("Event", bound=OutboxEventMixin)


async def record(session: AsyncSession, model: type[Event], *, source: str, type: str, subject: Any,
                 data: dict[str, Any], unit_path: str | None = None) -> Event:
    """Add an event to the outbox inside the caller's transaction."""
    event = model(id=str(uuid.uuid4()), type=type, source=source, occurred_at=utcnow(),
                  subject=str(subject), unit_path=unit_path, data=data, status="pending", attempts=0,
                  **current_trace_fields())
    session.add(event)
    # Tells the session dependency to wake the relay once this transaction commits.
    session.info["events_recorded"] = True
    await notify_relays(session, source)
    return event


def outbox_channel(service: str) -> str:
    """The PostgreSQL channel on which ``service``'s relays hear of new outbox rows."""
    return f"yunguan_outbox_{service}"


async def notify_relays(session: AsyncSession, service: str) -> None:
    """On PostgreSQL, wake every replica's relay when this transaction commits (``pg_notify`` is
    transactional: delivered at commit, dropped at rollback); once per transaction is enough."""
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if transaction is None or session.info.get("relays_notified") is transaction:
        return
    await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": outbox_channel(service)})
    session.info["relays_notified"] = transaction
