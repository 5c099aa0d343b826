"""Risk's audit chain and outbox (the kernel's Journal, bound to risk's tables)."""

from services.common.journal import Journal
from services.risk.models import AuditEntry, OutboxEvent

journal = Journal("risk", AuditEntry, OutboxEvent)
