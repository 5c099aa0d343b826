"""Events the planning service consumes (and, as they are declared, emits)."""

from __future__ import annotations

from services.common.contracts import Consumer
from services.planning.consumers import on_followup_requested

CONSUMES = [
    Consumer("kpi.followup.requested", on_followup_requested),
]
