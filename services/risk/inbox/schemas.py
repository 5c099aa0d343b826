"""Response shape of the inbox."""

from __future__ import annotations

from services.risk.actions.schemas import ActionRead


class MyActionRead(ActionRead):
    """An action with the risk it belongs to, so the reader knows where to do it."""

    risk_title: str
    unit_id: int
