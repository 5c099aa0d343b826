"""What org does on other services' events: nothing; every other service follows org."""

from __future__ import annotations

from services.common.contracts import Consumer

CONSUMES: list[Consumer] = []
