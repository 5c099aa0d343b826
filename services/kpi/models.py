"""Tables of the kpi service."""

from services.common.audit import audit_model
from services.common.db import make_base
from services.common.org_units import org_unit_model
from services.common.outbox import event_tables

Base = make_base()
AuditEntry = audit_model(Base)
events = event_tables(Base)
OutboxEvent = events.outbox
OrgUnit = org_unit_model(Base)
