"""Fixtures for the gateway tests: signed tokens, echo upstreams, a refusing port, gateways."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from gateway_support import EchoUpstream, serve

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.common.tokens import JwksCache, KeySet, SigningKey

ISSUER = "yunguan-org"
AUDIENCE = "yunguan"


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture(scope="session")
def make_token(signing_key: SigningKey) -> Callable[..., str]:
    def make(sub: str = "1", *, key: SigningKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        body = {"sub": sub, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600, "typ": "access",
                "grants": [{"right": "admin", "unit_path": "/1/", "mode": "subtree", "held_at": "/1/", "via": "p1"}]}
        body.update(claims)
        return (key or signing_key).sign(body)
    return make


@pytest.fixture(scope="session")
def refused_port() -> Iterator[int]:
    """A port bound but never listening: connecting to it is refused, and nobody else takes it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(scope="session")
async def upstreams() -> AsyncIterator[dict[str, tuple[EchoUpstream, str]]]:
    """One echo upstream per service (a gateway may point risk at the refused port instead)."""
    result: dict[str, tuple[EchoUpstream, str]] = {}
    async with contextlib.AsyncExitStack() as stack:
        for name in ("org", "planning", "kpi", "risk"):
            app = EchoUpstream(name)
            result[name] = (app, await stack.enter_async_context(serve(app)))
        yield result


@pytest.fixture
async def start_gateway(upstreams, signing_key, refused_port):
    """Start a gateway (real uvicorn server) with test settings; yields a starter."""
    async with contextlib.AsyncExitStack() as stack:
        async def start(*, risk_down: bool = True, jwks: JwksCache | str | None = "static",
                        **overrides: Any) -> str:
            urls = {f"{name}_url": url for name, (_, url) in upstreams.items()}
            if risk_down:
                urls["risk_url"] = f"http://127.0.0.1:{refused_port}"
            values = {"upstream_timeout": 1.0, "rate_limit_rps": 1000.0, "rate_limit_burst": 1000,
                      "log_level": "WARNING", **urls, **overrides}
            settings = GatewaySettings(**values)
            keys = JwksCache.static(KeySet.of(signing_key)) if jwks == "static" else jwks
            app = create_app(settings, jwks=keys)
            return await stack.enter_async_context(serve(app))
        yield start


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10.0) as c:
        yield c
