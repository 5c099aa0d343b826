"""Risk's audit chain and outbox (the kernel's Journal, bound to risk's tables and its EMITS)."""

from services.common.journal import Journal
from services.risk.events import EMITS
from services.risk.models import AuditEntry, OutboxEvent

journal = Journal("risk", AuditEntry, OutboxEvent, emits=EMITS)
