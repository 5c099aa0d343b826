"""``GET /api/me/cockpit`` (经营驾驶舱): one round trip for the SPA, fanned out to planning, kpi and risk.

Each service answers ``GET /api/<svc>/cockpit?period=&unit=`` for one unit's subtree and decides
itself whether the caller may see it (``services.common.cockpit``). The parts are asked at once, each
with a timeout; a part that does not come back is null and named in ``errors`` while the others
arrive. When every part refuses the same way (the caller may not view the unit, the period is
malformed), the answer is that refusal, as the services gave it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from gateway.aggregate import PART_TIMEOUT, Why, ask, headers_for

# part → (service, path); the part is named after its service
PARTS: dict[str, str] = {"planning": "/api/planning/cockpit", "kpi": "/api/kpi/cockpit",
                         "risk": "/api/risk/cockpit"}
# part → the component (in the merged OpenAPI document) that describes it
PART_SCHEMAS: dict[str, str] = {"planning": "planning.PlanningCockpit", "kpi": "kpi.KpiCockpit",
                                "risk": "risk.RiskCockpit"}
PART_MARKER = "x-yunguan-part"
FORWARDED = ("period", "unit")


def _part(name: str, description: str) -> Any:
    return Field(default=None, description=description, json_schema_extra={PART_MARKER: PART_SCHEMAS[name]})


class CockpitRead(BaseModel):
    """经营驾驶舱: each service's part for one unit's subtree and period, and what could not be fetched."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)

    scope: dict[str, Any] | None = Field(default=None, description="The unit and period answered for "
                                                                   "(from the first part that came back)")
    planning: dict[str, Any] | None = _part("planning", "Plan execution: issued plans, tasks, approvals")
    kpi: dict[str, Any] | None = _part("kpi", "KPI attainment and completeness, 整改, budget execution")
    risk: dict[str, Any] | None = _part("risk", "Top risks, open alerts")
    errors: dict[str, str] = Field(default_factory=dict, description="Part → why it is null (service down, slow)")


def refusal(errors: dict[str, Why]) -> Why | None:
    """The refusal every part gave alike (same 4xx status), else None: a partial answer is still an answer."""
    statuses = {why.status for why in errors.values()}
    if len(errors) != len(PARTS) or len(statuses) != 1:
        return None
    first = next(iter(errors.values()))
    return first if 400 <= first.status < 500 and first.problem is not None else None


async def cockpit(http: httpx.AsyncClient, upstreams: dict[str, str], *, authorization: str,
                  params: dict[str, str], request_id: str = "", language: str = "",
                  seconds: float = PART_TIMEOUT) -> tuple[dict[str, Any], Why | None]:
    """The parts (shaped as ``CockpitRead``), or the refusal all of them gave (in the caller's language,
    which is passed on for that)."""
    headers = headers_for(authorization, request_id) | ({"accept-language": language} if language else {})
    asked = {k: v for k, v in params.items() if k in FORWARDED}
    names = list(PARTS)
    results = await asyncio.gather(*[ask(http, upstreams[name], PARTS[name], asked, headers, seconds=seconds)
                                     for name in names])
    errors = {name: why for name, (_, why) in zip(names, results, strict=True) if why is not None}
    if (refused := refusal(errors)) is not None:
        return {}, refused
    out: dict[str, Any] = {name: (body if isinstance(body, dict) else None)
                           for name, (body, _) in zip(names, results, strict=True)}
    out["scope"] = next((out[n]["scope"] for n in names if out[n] and "scope" in out[n]), None)
    out["errors"] = {name: f"{name}: {why}" for name, why in errors.items()}
    return out, None
