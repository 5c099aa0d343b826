"""Org's audit chain and outbox (the kernel's Journal, bound to org's tables and its EMITS)."""

from __future__ import annotations

from services.common.journal import Journal
from services.org.events import EMITS
from services.org.models import AuditEntry, OutboxEvent

journal = Journal("org", AuditEntry, OutboxEvent, emits=EMITS)

# Recording an event as org's services do (tests/flows writes org's events with it, outside a request).
emit = journal.emit
