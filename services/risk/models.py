"""Tables of the risk service."""

from services.common.audit import audit_model
from services.common.db import make_base
from services.common.outbox import outbox_model

Base = make_base()
AuditEntry = audit_model(Base)
OutboxEvent = outbox_model(Base)
