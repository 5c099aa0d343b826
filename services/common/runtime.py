"""What a running service has: its settings, database, HTTP client, tokens and relay, typed.

The app factory (:mod:`services.common.app`) starts these things and keeps them on the
app's state; everything else reaches them through :class:`Runtime`: routers through the
``RuntimeDep`` dependency, start-up hooks and periodic jobs as their argument. A service
with things of its own (org's key store and password hasher) subclasses it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import httpx
from fastapi import Depends, FastAPI, Request

if TYPE_CHECKING:
    from services.common.db import Database
    from services.common.observability import Metrics
    from services.common.relay import Relay, TokenSource
    from services.common.revocation import Revocations
    from services.common.settings import ServiceSettings
    from services.common.tokens import JwksCache


class Runtime:
    """Typed access to one running service's parts."""

    def __init__(self, app: FastAPI):
        self._state = app.state

    @property
    def settings(self) -> ServiceSettings:
        settings: ServiceSettings = self._state.settings
        return settings

    @property
    def service(self) -> str:
        return self.settings.service

    @property
    def db(self) -> Database:
        db: Database = self._state.db
        return db

    @property
    def http(self) -> httpx.AsyncClient:
        client: httpx.AsyncClient = self._state.http
        return client

    @property
    def service_tokens(self) -> TokenSource:
        tokens: TokenSource = self._state.service_tokens
        return tokens

    @property
    def jwks(self) -> JwksCache:
        jwks: JwksCache = self._state.jwks
        return jwks

    @property
    def revocations(self) -> Revocations | None:
        revocations: Revocations | None = getattr(self._state, "revocations", None)
        return revocations

    @property
    def relay(self) -> Relay | None:
        relay: Relay | None = getattr(self._state, "relay", None)
        return relay

    @property
    def metrics(self) -> Metrics:
        metrics: Metrics = self._state.metrics
        return metrics

    def provide(self, **parts: Any) -> None:
        """Install or replace parts at start-up (org verifies and issues its own tokens from memory)."""
        for name, part in parts.items():
            setattr(self._state, name, part)

    def wake_relay(self) -> None:
        """Recorded events are waiting: let the relay deliver them now rather than at its next poll."""
        if self.relay is not None:
            self.relay.wake.set()

    async def call(self, service: str, method: str, path: str, *, params: dict[str, Any] | None = None,
                   json: Any = None, authorization: str | None = None) -> httpx.Response:
        """Call another service over HTTP, as the caller (``authorization``) or else as this service."""
        if authorization is None:
            authorization = f"Bearer {await self.service_tokens.token()}"
        return await self.http.request(method, f"{self.settings.service_url(service)}{path}", params=params,
                                       json=json, headers={"authorization": authorization})


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


R = TypeVar("R", bound=Runtime)


def narrowed(runtime: Runtime, cls: type[R]) -> R:
    """The runtime as the subclass the service's app was built with (``runtime_class=cls``)."""
    if not isinstance(runtime, cls):
        raise TypeError(f"this service runs with a {cls.__name__}, not a {type(runtime).__name__}")
    return runtime


def runtime_dependency(cls: type[R]) -> Callable[..., R]:
    """A dependency giving a service its own runtime class:
    ``OrgRuntimeDep = Annotated[OrgRuntime, Depends(runtime_dependency(OrgRuntime))]``."""

    def get(runtime: RuntimeDep) -> R:
        return narrowed(runtime, cls)

    get.__name__ = f"get_{cls.__name__}"
    return get
