"""``GET /api/me/inbox`` (我的待办): one call that fans out to the services with the caller's token.

Each part is asked concurrently and independently: a service that is down or slow leaves
its part empty and says so in ``errors``; the rest still arrive. Every service decides for
itself what waits on the caller (the token's grants and user id), so a part never holds
what the caller could not open. Items that name an indicator carry its name too
(``indicator_name``, ``indicator_name_en``), looked up in kpi's library with the same token.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

PART_TIMEOUT = 3.0

# One item of a part, as the service answered it (JSON).
Item = dict[str, Any]

# part → (service, path, params); "{sub}" is the caller's user id
PARTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "pending_approvals": ("planning", "/api/planning/plans/awaiting-me", {"limit": "50"}),
    "suggestions_to_answer": ("planning", "/api/planning/inbox/suggestions", {"limit": "100"}),
    "plans_to_rework": ("planning", "/api/planning/inbox/plans-to-rework", {"limit": "100"}),
    "my_tasks": ("planning", "/api/planning/tasks", {"mine": "true", "limit": "100"}),
    "overdue_tasks": ("planning", "/api/planning/inbox/overdue-tasks", {"limit": "100"}),
    "open_alerts": ("risk", "/api/risk/alerts", {"mine": "true", "limit": "100"}),
    "risk_actions": ("risk", "/api/risk/inbox/actions", {"limit": "100"}),
    "my_actions": ("kpi", "/api/kpi/actions", {"owner_id": "{sub}", "limit": "100"}),
    "audit_steps": ("kpi", "/api/kpi/audits/awaiting-me", {}),
    # process optimisation projects: my projects' stage, evaluations I may pass, reviews due
    "improvement_steps": ("planning", "/api/planning/inbox/improvement-steps", {"limit": "100"}),
    "proposals_to_review": ("planning", "/api/planning/inbox/proposals-to-review", {"limit": "100"}),
    "rewards_to_grant": ("planning", "/api/planning/inbox/rewards-to-grant", {"limit": "100"}),
    # inspections assigned to a position I hold, not yet submitted
    "inspections_to_do": ("kpi", "/api/kpi/inspections", {"mine": "true", "open": "true", "limit": "100"}),
    "sanctions_to_confirm": ("kpi", "/api/kpi/sanctions/to-confirm", {"limit": "100"}),
    # training (issue 20): plans waiting on the caller's guide right; certificates of theirs or their units expiring
    "training_to_approve": ("org", "/api/org/training/plans", {"awaiting_me": "true"}),
    "certifications_expiring": ("org", "/api/org/training/certifications", {"expiring": "true"}),
}

# part → the component (in the merged OpenAPI document) that describes one of its items
PART_ITEMS: dict[str, str] = {
    "pending_approvals": "planning.PlanRead",
    "suggestions_to_answer": "planning.SuggestionToAnswer",
    "plans_to_rework": "planning.PlanToRework",
    "my_tasks": "planning.TaskRead",
    "overdue_tasks": "planning.TaskRead",
    "open_alerts": "risk.AlertRead",
    "risk_actions": "risk.MyActionRead",
    "my_actions": "kpi.ActionRead",
    "audit_steps": "kpi.AuditRead",
    "improvement_steps": "planning.ImprovementStepWaiting",
    "proposals_to_review": "planning.ProposalRead",
    "rewards_to_grant": "planning.ProposalRead",
    "inspections_to_do": "kpi.InspectionRead",
    "sanctions_to_confirm": "kpi.SanctionRead",
    "training_to_approve": "org.TrainingPlanRead",
    "certifications_expiring": "org.CertificationRead",
}

# parts whose items name an indicator by code: the gateway adds its names
NAMED_PARTS = ("open_alerts", "my_actions")
INDICATORS = ("kpi", "/api/kpi/indicators", {"limit": "200"})

# statuses of tasks, alerts and actions that wait on nobody any more
FINISHED = ("done", "cancelled", "resolved", "verified", "closed")


def _items_of(part: str) -> Any:
    # the merged document swaps this marker for a $ref to the service's component (see gateway.openapi)
    return Field(default_factory=list, json_schema_extra={"x-yunguan-items": PART_ITEMS[part]})


class InboxRead(BaseModel):
    """我的待办: what waits for the caller, one list per part, and what could not be fetched."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    pending_approvals: list[dict[str, Any]] = _items_of("pending_approvals")
    suggestions_to_answer: list[dict[str, Any]] = _items_of("suggestions_to_answer")
    plans_to_rework: list[dict[str, Any]] = _items_of("plans_to_rework")
    my_tasks: list[dict[str, Any]] = _items_of("my_tasks")
    overdue_tasks: list[dict[str, Any]] = _items_of("overdue_tasks")
    open_alerts: list[dict[str, Any]] = _items_of("open_alerts")
    risk_actions: list[dict[str, Any]] = _items_of("risk_actions")
    my_actions: list[dict[str, Any]] = _items_of("my_actions")
    audit_steps: list[dict[str, Any]] = _items_of("audit_steps")
    improvement_steps: list[dict[str, Any]] = _items_of("improvement_steps")
    proposals_to_review: list[dict[str, Any]] = _items_of("proposals_to_review")
    rewards_to_grant: list[dict[str, Any]] = _items_of("rewards_to_grant")
    inspections_to_do: list[dict[str, Any]] = _items_of("inspections_to_do")
    sanctions_to_confirm: list[dict[str, Any]] = _items_of("sanctions_to_confirm")
    training_to_approve: list[dict[str, Any]] = _items_of("training_to_approve")
    certifications_expiring: list[dict[str, Any]] = _items_of("certifications_expiring")
    errors: dict[str, str] = Field(default_factory=dict,
                                   description="Part → why it is empty (service down, slow, refused)")
    counts: dict[str, int] = Field(default_factory=dict, description="Part → number of items")


def _items(body: Any) -> list[Any]:
    return body["items"] if isinstance(body, dict) and "items" in body else body if isinstance(body, list) else []


class Why(str):
    """Why a part is missing, as ``ask`` says it; a service's refusal also keeps its status and Problem Details
    (``status`` 0 when the service never answered), so an aggregation refused by every part can pass it on."""

    status: int = 0
    problem: dict[str, Any] | None = None

    @classmethod
    def refused(cls, status: int, detail: str, problem: dict[str, Any] | None) -> Why:
        why = cls(f"HTTP {status}: {detail}")
        why.status, why.problem = status, problem
        return why


def headers_for(authorization: str, request_id: str = "") -> dict[str, str]:
    """The headers a fan-out forwards: the caller's bearer token, and the request id when there is one."""
    return {"authorization": authorization, "x-request-id": request_id} if request_id else \
        {"authorization": authorization}


async def ask(http: httpx.AsyncClient, base: str, path: str, params: dict[str, str],
              headers: dict[str, str], *, seconds: float = PART_TIMEOUT) -> tuple[Any, Why | None]:
    """One part of a fan-out: the service's JSON answer, or ``None`` and why not (down, slow, refused) — a part
    that fails never fails the whole answer."""
    try:
        resp = await http.get(base + path, params=params, headers=headers, timeout=seconds)
    except httpx.TimeoutException:
        return None, Why("did not answer in time")
    except httpx.HTTPError as exc:
        return None, Why(f"unreachable ({type(exc).__name__})")
    if resp.status_code != 200:
        try:
            problem = resp.json()
            detail = problem.get("detail") or resp.reason_phrase
        except (ValueError, AttributeError):
            problem, detail = None, resp.reason_phrase
        return None, Why.refused(resp.status_code, detail, problem if isinstance(problem, dict) else None)
    try:
        return resp.json(), None
    except ValueError:
        return None, Why("answered something that is not JSON")


async def _part(http: httpx.AsyncClient, base: str, path: str, params: dict[str, str],
                headers: dict[str, str]) -> tuple[list[Any], str | None]:
    body, error = await ask(http, base, path, params, headers)
    return ([], error) if error else (_items(body), None)


def _keep(part: str, out: dict[str, Any]) -> Callable[[Item], bool]:
    """Which of a part's items still wait on the caller (the services list some that no longer do)."""
    if part == "pending_approvals":  # a returned plan is in plans_to_rework, with the reason
        return lambda p: p.get("status") != "returned"
    if part == "my_tasks":  # an overdue one is in overdue_tasks
        overdue = {t.get("id") for t in out["overdue_tasks"] if isinstance(t, dict)}
        return lambda t: t.get("status") not in FINISHED and t.get("id") not in overdue
    return lambda item: item.get("status") not in FINISHED


def _name_indicators(items: list[Item], library: dict[Any, Item]) -> list[Item]:
    out = []
    for item in items:
        found = library.get(item.get("indicator_code") or "", {})
        out.append({**item, "indicator_name": found.get("name"), "indicator_name_en": found.get("name_en")})
    return out


async def inbox(http: httpx.AsyncClient, upstreams: dict[str, str], *, authorization: str, sub: str,
                request_id: str = "") -> dict[str, Any]:
    headers = headers_for(authorization, request_id)
    names = list(PARTS)
    asks = [(PARTS[n][0], PARTS[n][1], {k: v.replace("{sub}", sub) for k, v in PARTS[n][2].items()}) for n in names]
    results = await asyncio.gather(*[_part(http, upstreams[svc], path, params, headers)
                                     for svc, path, params in [*asks, INDICATORS]])
    indicators, _ = results.pop()  # without the library, codes stay and names are null
    library = {i.get("code"): i for i in indicators if isinstance(i, dict)}
    out: dict[str, Any] = {name: items for name, (items, _) in zip(names, results, strict=True)}
    out["errors"] = {name: f"{PARTS[name][0]}: {error}"
                     for name, (_, error) in zip(names, results, strict=True) if error}
    for name in names:
        keep = _keep(name, out)
        out[name] = [item for item in out[name] if isinstance(item, dict) and keep(item)]
        if name in NAMED_PARTS:
            out[name] = _name_indicators(out[name], library)
    out["counts"] = {name: len(out[name]) for name in names}
    return out  # shaped as InboxRead (the tests hold it to that); not re-validated on the hot path
