"""The kpi service's audit chain and outbox."""

from services.common.journal import Journal
from services.kpi.models import AuditEntry, OutboxEvent

journal = Journal("kpi", AuditEntry, OutboxEvent)
