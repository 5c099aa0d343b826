"""Event contracts: what a service emits and what it consumes.

Each service declares

- in ``events.py``, ``EMITS``: every event type it records, mapped to the pydantic model of the
  event's ``data`` (its :class:`~services.common.journal.Journal` refuses to record an undeclared
  type or a payload of another model), and the views (:class:`EventView`) of the events of others
  it reads; the service's modules import these models to record events;
- in ``consumers.py``, ``CONSUMES``: a :class:`Consumer` per event pattern it handles, with its
  handler and view. The handlers call into the concepts' services, which record through the
  journal, so they live apart from the models: nothing imports in a circle.

``tests/events/test_contracts.py`` holds every consumer's model against its producer's, and
``docs/events.md`` (the event catalogue) is generated from the declarations
(``python -m tools.event_catalogue``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.subscriptions import matches

# A consumer's handler: the session of the inbound-event transaction and the event's envelope
# (``{"id", "type", "source", "occurred_at", "subject", "unit_path", "data"}``).
Handler = Callable[[AsyncSession, dict[str, Any]], Awaitable[None]]


class EventData(BaseModel):
    """The ``data`` of an event as its producer records it: exactly these fields, nothing else."""

    model_config = ConfigDict(extra="forbid")


class EventView(BaseModel):
    """The fields of an event's ``data`` a consumer reads; whatever else the producer sends is ignored."""

    model_config = ConfigDict(extra="ignore")


Emits = Mapping[str, type[EventData]]


@dataclass(frozen=True)
class Consumer:
    """One kind of event a service handles: ``pattern`` (``org.unit.*`` matches every unit event),
    the handler, and ``reads``, the view of ``data`` the handler relies on (None: it reads no data)."""

    pattern: str
    handler: Handler
    reads: type[EventView] | None = None
    summary: str = ""

    def matches(self, event_type: str) -> bool:
        return matches(self.pattern, event_type)


def payload(emits: Emits, event_type: str, data: EventData) -> dict[str, Any]:
    """The JSON form of ``data`` for ``event_type``, checked against the declaration."""
    declared = emits.get(event_type)
    if declared is None:
        raise LookupError(f"{event_type} is not declared in this service's EMITS")
    if type(data) is not declared:
        raise TypeError(f"{event_type} carries {declared.__name__}, not {type(data).__name__}")
    return data.model_dump(mode="json")
