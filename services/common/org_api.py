"""What a service asks org over HTTP, with its own service token: who holds a right over a unit."""

from __future__ import annotations

from typing import Any

from services.common.runtime import Runtime

HOLDERS_PATH = "/api/org/authz/holders"


async def holders(rt: Runtime, right: str, unit_id: int, *, held_in_unit_id: int | None = None) -> list[dict[str, Any]]:
    """The users holding ``right`` over the unit (in a position of ``held_in_unit_id`` when given):
    org's ``/authz/holders`` answer, ``[{"id", "display_name", …}]``."""
    params: dict[str, Any] = {"right": right, "unit_id": unit_id}
    if held_in_unit_id is not None:
        params["held_in_unit_id"] = held_in_unit_id
    resp = await rt.call("org", "GET", HOLDERS_PATH, params=params)
    resp.raise_for_status()
    found: list[dict[str, Any]] = resp.json()
    return found


AUDIENCE_PATH = "/api/org/authz/audience"


async def audience(rt: Runtime, unit_id: int, *, right: str = "view", also: list[int] | None = None,
                   ) -> list[dict[str, Any]]:
    """Who may see a unit's records: the holders of ``right`` over it and the people in ``also`` (a record's
    owner, proposer…), each with their positions: org's ``/authz/audience`` answer,
    ``[{"id", "username", "display_name", "positions": [{"title", "unit_id", "unit_name"}]}]``."""
    params: dict[str, Any] = {"right": right, "unit_id": unit_id}
    if also:
        params["user_id"] = also
    resp = await rt.call("org", "GET", AUDIENCE_PATH, params=params)
    resp.raise_for_status()
    found: list[dict[str, Any]] = resp.json()
    return found
