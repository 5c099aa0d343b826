"""The kpi service's audit chain and outbox; every event it records is declared in ``events.EMITS``."""

from services.common.journal import Journal
from services.kpi.events import EMITS
from services.kpi.models import AuditEntry, OutboxEvent

journal = Journal("kpi", AuditEntry, OutboxEvent, emits=EMITS)
