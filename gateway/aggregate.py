"""``GET /api/me/inbox`` (我的待办): one call that fans out to the services with the caller's token.

Each part is asked concurrently and independently: a service that is down or slow leaves
its part empty and says so in ``errors``; the rest still arrive.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

PART_TIMEOUT = 3.0

# part → (service, path, params); "{sub}" is the caller's user id
PARTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "pending_approvals": ("planning", "/api/planning/plans/awaiting-me", {"limit": "50"}),
    "my_tasks": ("planning", "/api/planning/tasks", {"mine": "true", "limit": "100"}),
    "open_alerts": ("risk", "/api/risk/alerts", {"mine": "true", "limit": "100"}),
    "my_actions": ("kpi", "/api/kpi/actions", {"owner_id": "{sub}", "limit": "100"}),
}


# part → the component (in the merged OpenAPI document) that describes one of its items
PART_ITEMS: dict[str, str] = {
    "pending_approvals": "planning.PlanRead",
    "my_tasks": "planning.TaskRead",
    "open_alerts": "risk.AlertRead",
    "my_actions": "kpi.ActionRead",
}


def _items_of(part: str) -> Any:
    # the merged document swaps this marker for a $ref to the service's component (see gateway.openapi)
    return Field(default_factory=list, json_schema_extra={"x-yunguan-items": PART_ITEMS[part]})


class InboxRead(BaseModel):
    """我的待办: what waits for the caller, one list per service part, and what could not be fetched."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    pending_approvals: list[dict[str, Any]] = _items_of("pending_approvals")
    my_tasks: list[dict[str, Any]] = _items_of("my_tasks")
    open_alerts: list[dict[str, Any]] = _items_of("open_alerts")
    my_actions: list[dict[str, Any]] = _items_of("my_actions")
    errors: dict[str, str] = Field(default_factory=dict,
                                   description="Part → why it is empty (service down, slow, refused)")
    counts: dict[str, int] = Field(default_factory=dict, description="Part → number of items")


def _items(body: Any) -> list:
    return body["items"] if isinstance(body, dict) and "items" in body else body if isinstance(body, list) else []


async def _part(http: httpx.AsyncClient, base: str, path: str, params: dict[str, str],
                headers: dict[str, str]) -> tuple[list, str | None]:
    try:
        resp = await http.get(base + path, params=params, headers=headers, timeout=PART_TIMEOUT)
    except httpx.TimeoutException:
        return [], "did not answer in time"
    except httpx.HTTPError as exc:
        return [], f"unreachable ({type(exc).__name__})"
    if resp.status_code != 200:
        try:
            detail = resp.json().get("detail") or resp.reason_phrase
        except ValueError:
            detail = resp.reason_phrase
        return [], f"HTTP {resp.status_code}: {detail}"
    return _items(resp.json()), None


async def inbox(http: httpx.AsyncClient, upstreams: dict[str, str], *, authorization: str, sub: str,
                request_id: str = "") -> dict[str, Any]:
    headers = {"authorization": authorization, "x-request-id": request_id} if request_id else \
        {"authorization": authorization}
    names = list(PARTS)
    results = await asyncio.gather(*[
        _part(http, upstreams[PARTS[n][0]], PARTS[n][1],
              {k: v.replace("{sub}", sub) for k, v in PARTS[n][2].items()}, headers) for n in names])
    out: dict[str, Any] = {"errors": {}}
    for name, (items, error) in zip(names, results):
        if name == "open_alerts":
            items = [a for a in items if a.get("status") != "resolved"]
        if name == "my_tasks":
            items = [t for t in items if t.get("status") not in ("done", "cancelled")]
        if name == "my_actions":
            items = [a for a in items if a.get("status") not in ("verified", "closed", "cancelled")]
        out[name] = items
        if error:
            out["errors"][name] = f"{PARTS[name][0]}: {error}"
    out["counts"] = {name: len(out[name]) for name in names}
    return out  # shaped as InboxRead (the tests hold it to that); not re-validated on the hot path
