"""Org's audit chain and outbox (the kernel's Journal, bound to org's tables)."""

from __future__ import annotations

from services.common.journal import Journal
from services.org.models import AuditEntry, OutboxEvent

journal = Journal("org", AuditEntry, OutboxEvent)

audit_change = journal.audit
emit = journal.emit
