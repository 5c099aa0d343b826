"""Service-to-service authentication: each service is an org API client.

Org provisions one client per internal service (``svc-<name>``) whose secret is
derived from the deployment's ``YUNGUAN_SERVICE_SECRET``, so nobody has to copy
secrets around. A service gets its access token with the client-credentials
grant and keeps it until shortly before it expires.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from typing import Annotated

import httpx
from fastapi import Depends

from services.common.authz import Principal
from services.common.problems import Forbidden
from services.common.security import CurrentPrincipal

INTERNAL_SERVICES = ("org", "planning", "kpi", "risk")


def client_id_for(service: str) -> str:
    return f"svc-{service}"


def secret_for(service_secret: str, service: str) -> str:
    return hmac.new(service_secret.encode(), f"yunguan-service:{service}".encode(), hashlib.sha256).hexdigest()


def event_signing_secret(service_secret: str, service: str) -> str:
    """The Standard Webhooks secret (``whsec_…``) ``service`` signs its internal event deliveries with.

    Derived like the client secrets, so every service can check every other's signature
    without secrets being copied around, and nobody without the service secret can sign.
    """
    key = hmac.new(service_secret.encode(), f"yunguan-events:{service}".encode(), hashlib.sha256).digest()
    return "whsec_" + base64.b64encode(key).decode()


def service_of(principal: Principal) -> str | None:
    """The internal service a client token belongs to (``svc-kpi`` → ``kpi``), else None."""
    client_id = principal.claims.get("client_id") if principal.kind == "client" else None
    for s in INTERNAL_SERVICES:
        if client_id == client_id_for(s):
            return s
    return None


class ServiceTokens:
    """An access token for this service, fetched from org and renewed before it expires."""

    def __init__(self, *, service: str, service_secret: str, token_url: str, client: httpx.AsyncClient):
        self.service = service
        self._secret = secret_for(service_secret, service)
        self._url = token_url
        self._client = client
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        if self._token and time.monotonic() < self._renew_at:
            return self._token
        async with self._lock:
            if self._token and time.monotonic() < self._renew_at:
                return self._token
            resp = await self._client.post(self._url, data={
                "grant_type": "client_credentials", "client_id": client_id_for(self.service),
                "client_secret": self._secret}, timeout=5.0)
            resp.raise_for_status()
            body = resp.json()
            self._token = body["access_token"]
            self._renew_at = time.monotonic() + max(5.0, body.get("expires_in", 900) * 0.8)
            return self._token

    def invalidate(self) -> None:
        self._token = None


def is_internal_service(principal: Principal) -> bool:
    return service_of(principal) is not None


async def require_internal_service(principal: CurrentPrincipal) -> Principal:
    if not is_internal_service(principal):
        raise Forbidden("Only Yunguan's own services may deliver internal events here.",
                        zh="只有运管系统自身的服务可以向这里投递内部事件。")
    return principal


ServicePrincipal = Annotated[Principal, Depends(require_internal_service)]
