"""Planning's audit chain and event outbox, written in the caller's transaction."""

from __future__ import annotations

from services.common.journal import Journal
from services.planning.events import EMITS
from services.planning.models import AuditEntry, OutboxEvent

journal = Journal("planning", AuditEntry, OutboxEvent, emits=EMITS)
