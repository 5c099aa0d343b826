"""``GET /api/me/search`` (全局搜索): one query asked of every service at once with the caller's token.

Each service answers only what the caller's grants let them see (its own ``/search``), so the gateway
merges without filtering. The query is checked here first, with the services' own rules
(``services.common.search.parse_query``), so a bad query is one 422 rather than four. A service that is
down or slow leaves its kinds out and is named in ``errors``; the answer is partial, never a 5xx.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from pydantic import BaseModel, Field

from gateway.aggregate import ask, headers_for
from services.common.search import SearchHit, SearchQuery

SEARCH_TIMEOUT = 2.0  # a search box waits less than an inbox

# service → its search path, in the order its kinds are listed
SOURCES: dict[str, str] = {
    "planning": "/api/planning/search",
    "kpi": "/api/kpi/search",
    "risk": "/api/risk/search",
    "org": "/api/org/search",
}
# the order the SPA groups hits in (kinds a service adds later go last, in its order)
KINDS = ("plan", "task", "indicator", "action", "finding", "risk", "alert", "person", "unit")


class MeSearchRead(BaseModel):
    """全局搜索: hits from every service grouped by kind, best first, and the services that did not answer."""

    query: str = Field(description="The query as it was matched (NFKC, case folded, trimmed)")
    terms: list[str] = Field(description="Its words; every one must match")
    groups: dict[str, list[SearchHit]] = Field(default_factory=dict,
                                               description="Kind → hits (plan, task, indicator, action, finding, "
                                                           "risk, alert, person, unit)")
    counts: dict[str, int] = Field(default_factory=dict, description="Kind → number of hits")
    errors: dict[str, str] = Field(default_factory=dict,
                                   description="Service → why its kinds are missing (down, slow, refused)")
    partial: bool = Field(False, description="Some service did not answer: the groups are incomplete")


async def search(http: httpx.AsyncClient, upstreams: dict[str, str], *, authorization: str, query: SearchQuery,
                 q: str, limit: int, request_id: str = "", seconds: float = SEARCH_TIMEOUT) -> dict[str, Any]:
    headers = headers_for(authorization, request_id)
    params = {"q": q, "limit": str(limit)}
    names = [name for name in SOURCES if name in upstreams]
    answers = await asyncio.gather(*[ask(http, upstreams[name], SOURCES[name], params, headers, seconds=seconds)
                                     for name in names])
    groups: dict[str, list[Any]] = {}
    errors: dict[str, str] = {}
    for name, (body, error) in zip(names, answers, strict=True):
        found = body.get("groups") if isinstance(body, dict) else None
        if error or not isinstance(found, dict):
            errors[name] = error or "answered something that is not a search result"
            continue
        for kind, hits in found.items():
            if isinstance(hits, list):
                groups.setdefault(kind, []).extend(h for h in hits if isinstance(h, dict))
    ordered = {kind: groups[kind] for kind in sorted(groups, key=lambda k: (KINDS.index(k) if k in KINDS
                                                                             else len(KINDS), k))}
    return {"query": query.text, "terms": list(query.terms), "groups": ordered,
            "counts": {kind: len(hits) for kind, hits in ordered.items()}, "errors": errors, "partial": bool(errors)}
