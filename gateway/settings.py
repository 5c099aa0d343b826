"""Gateway settings: where the four services live, how long to wait, how much to allow.

Everything comes from the environment with the shared ``YUNGUAN_`` prefix, e.g.
``YUNGUAN_PLANNING_URL=http://planning:8002``, ``YUNGUAN_UPSTREAM_TIMEOUT=30``,
``YUNGUAN_RATE_LIMIT_RPS=100``. The same code runs embedded (all on 127.0.0.1)
and at scale (URLs point at service load balancers); only these values change.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from services.common.settings import ROOT, SERVICE_PORTS, ServiceSettings

UPSTREAMS = ("org", "planning", "kpi", "risk")


def _local(service: str) -> str:
    return f"http://127.0.0.1:{SERVICE_PORTS[service]}"


_DEFAULT_JWKS = f"{_local('org')}/api/org/.well-known/jwks.json"

# Paths a request may reach without a bearer token. Only proxied paths need listing:
# the gateway's own pages (/healthz, /readyz, /metrics, /api/docs, /api/openapi.json,
# the SPA) never ask for one. Exact matches only, so a public prefix can never
# swallow a protected path below it. A ``{name}`` stands for exactly one path segment of letters, digits, - and _
# (single sign-on's endpoints carry the provider's key), as the OpenAPI documents spell those paths. A ``/**``
# entry hands a whole tree to a service that authenticates every request there itself: SCIM 2.0, whose
# identity providers carry org's SCIM tokens, not Yunguan access tokens (org refuses anything else with 401).
DEFAULT_PUBLIC_PATHS: list[str] = [
    "/api/org/auth/token",
    "/api/org/auth/revoke",
    # single sign-on (issue 18): the sign-in page's providers, the browser's round trip through the provider,
    # the provider's back-channel logout, and signing out (which revokes by refresh token, like /auth/revoke)
    "/api/org/auth/providers",
    "/api/org/auth/logout",
    "/api/org/auth/sso/{key}/start",
    "/api/org/auth/sso/{key}/callback",
    "/api/org/auth/sso/{key}/backchannel-logout",
    "/api/org/auth/sso/{key}/free-login",
    "/api/org/.well-known/jwks.json",
    "/api/org/auth/revoked",
    "/api/org/scim/v2/**",
    *[f"/api/{s}/{p}" for s in UPSTREAMS for p in ("openapi.json", "docs", "healthz", "readyz")],
]


class GatewaySettings(ServiceSettings):
    """Settings of the API gateway (port 8000)."""

    service: str = "gateway"

    # org_url, planning_url, kpi_url and risk_url come from ServiceSettings (the same defaults).

    # Time an upstream may stay silent (before its headers, or between body chunks)
    # before the gateway answers 504; per-upstream overrides as {"kpi": 30}.
    upstream_timeout: float = 10.0
    upstream_timeouts: dict[str, float] = Field(default_factory=dict)
    # Kept short so an unreachable host turns into a 503 within 2 s.
    upstream_connect_timeout: float = 1.5
    # Connections kept per upstream; large enough that 64+ concurrent clients never queue.
    upstream_connections: int = 256

    # Per client (token subject, else client IP): up to burst requests in any burst/rps seconds
    # (gateway.ratelimit). rps <= 0 disables it.
    rate_limit_rps: float = 50.0
    rate_limit_burst: int = 100
    # Where the counts live: memory:// (per gateway process) or redis://host:6379/0 (one budget
    # shared by every gateway replica; if it is down, requests pass and a warning is logged).
    rate_limit_storage: str = "memory://"

    # The token endpoint's own limits: attempts per client address, failed password attempts
    # per username (each costs org a deliberately slow hash).
    signin_rate_per_address: float = 0.5
    signin_burst_per_address: int = 20
    signin_failures_per_minute: float = 1.0
    signin_failure_burst: int = 5
    # Proxies (addresses or networks) whose X-Forwarded-For is believed; none by default, so a
    # client cannot name its own address. Behind nginx on the same host: ["127.0.0.1"].
    trusted_proxies: list[str] = Field(default_factory=list)

    public_paths: list[str] = Field(default_factory=lambda: list(DEFAULT_PUBLIC_PATHS))
    spa_dir: Path = ROOT / "frontend" / "dist"

    # Verified tokens remembered (never past their exp) so repeats skip RSA.
    token_cache_size: int = 4096
    # A complete merged OpenAPI document is reused this long; a partial one never.
    openapi_cache_seconds: float = 10.0

    @model_validator(mode="after")
    def _gateway_defaults(self) -> GatewaySettings:
        # The kernel defaults the JWKS URL to org on 127.0.0.1:8001; follow org_url instead
        # when only that was configured.
        if self.jwks_url == _DEFAULT_JWKS and self.org_url.rstrip("/") != _local("org"):
            self.jwks_url = f"{self.org_url.rstrip('/')}/api/org/.well-known/jwks.json"
        return self

    def upstream_urls(self) -> dict[str, str]:
        return {name: getattr(self, f"{name}_url").rstrip("/") for name in UPSTREAMS}

    def timeout_for(self, name: str) -> float:
        return float(self.upstream_timeouts.get(name, self.upstream_timeout))
