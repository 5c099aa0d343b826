"""Test servers for the gateway tests: an echo upstream and an in-process uvicorn runner.

Upstreams are tiny raw-ASGI apps served by uvicorn in the test's event loop (port 0), so
a test can hand them asyncio events: that is how the streaming tests prove that bytes
move before a whole body exists. Nothing here is a mock: every request crosses sockets.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs

# Real uvicorn servers on free ports are shared with the other suites.
from tests.support import serve  # noqa: F401  (re-exported for the gateway fixtures)


class EchoUpstream:
    """A service stand-in that answers with what it received (and a few special paths)."""

    def __init__(self, name: str):
        self.name = name
        self.requests: list[dict[str, Any]] = []
        self.events: dict[str, asyncio.Event] = {}
        self.jwks: dict[str, Any] = {"keys": []}

    def event(self, key: str) -> asyncio.Event:
        return self.events.setdefault(key, asyncio.Event())

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        path = scope["path"]
        query = {k: v[0] for k, v in parse_qs(scope["query_string"].decode()).items()}
        self.requests.append({"path": path, "headers": scope["headers"]})
        if path == "/readyz":
            return await _json(send, 200, {"status": "ready", "service": self.name,
                                           "checks": {"database": "ok", "migrations": "ok"}})
        if path == f"/api/{self.name}/openapi.json":
            return await _json(send, 200, openapi_doc(self.name))
        if path == "/api/org/.well-known/jwks.json":
            return await _json(send, 200, self.jwks)
        if path.endswith("/slow"):
            await asyncio.sleep(float(query.get("seconds", "5")))
            return await _json(send, 200, {"slow": True})
        if path.endswith("/download"):
            return await self._download(send, int(query["size"]), query.get("gate"))
        if path.endswith("/upload"):
            return await self._upload(receive, send, query.get("gate"))
        if path.endswith("/cookie"):
            return await _json(send, 200, {"cookie": _header(scope, b"cookie")},
                               extra=[(b"set-cookie", b"session=secret; Path=/")])
        if path.endswith("/created"):
            return await _json(send, 201, {"created": True},
                               extra=[(b"location", b"/api/x/1"), (b"x-custom", b"kept"),
                                      (b"etag", b'"thing-1-v1"')])
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        if path == "/api/org/auth/token" and b"password=wrong" in body:
            # org's answer to a wrong password (RFC 6749 §5.2)
            return await _json(send, 400, {"error": "invalid_grant"})
        await _json(send, 200, {
            "upstream": self.name, "method": scope["method"], "path": path,
            "raw_path": scope.get("raw_path", b"").decode("latin-1"),
            "query": scope["query_string"].decode("latin-1"),
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]],
            "body": body.decode("utf-8", "replace"),
        })

    async def _download(self, send, size: int, gate: str | None) -> None:
        # No Content-Length: the body goes out chunked, as a generated stream would.
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream")]})
        chunk = 256 * 1024
        sent = 0
        while sent < size:
            n = min(chunk, size - sent)
            await send({"type": "http.response.body", "body": _pattern(sent, n), "more_body": True})
            sent += n
            if gate and sent == n:
                # Wait until the client has seen the first bytes *through the gateway*.
                await asyncio.wait_for(self.event(gate).wait(), timeout=5)
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _upload(self, receive, send, gate: str | None) -> None:
        digest = hashlib.sha256()
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            digest.update(chunk)
            size += len(chunk)
            if gate and chunk:
                self.event(gate).set()  # the first bytes have arrived
            if not message.get("more_body"):
                break
        await _json(send, 200, {"size": size, "sha256": digest.hexdigest()})


def _pattern(offset: int, n: int) -> bytes:
    block = bytes(range(256)) * 1024
    start = offset % 256
    data = (block[start:] + block)[: n]
    while len(data) < n:
        data += block
    return data[:n]


def _header(scope, name: bytes) -> str | None:
    for k, v in scope["headers"]:
        if k == name:
            return v.decode("latin-1")
    return None


async def _json(send, status: int, payload: Any, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(payload).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})


def openapi_doc(service: str) -> dict[str, Any]:
    """A small FastAPI-like document whose component names clash across services."""
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Yunguan {service}", "version": "0.1.0"},
        "paths": {
            "/healthz": {"get": {"operationId": "healthz_healthz_get", "tags": ["operations"],
                                 "responses": {"200": {"description": "ok"}}}},
            f"/api/{service}/things": {"get": {
                "operationId": f"list_things_api_{service}_things_get", "tags": ["things"],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Page_Thing_"}}}},
                    "422": {"description": "invalid", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}}}},
            f"/api/{service}/openapi.json": {"get": {"operationId": "openapi_self",
                                                     "responses": {"200": {"description": "ok"}}}},
        },
        "components": {"schemas": {
            "Thing": {"type": "object", "properties": {"name": {"type": "string"}, "service": {"const": service}}},
            "Page_Thing_": {"type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}},
            "HTTPValidationError": {"type": "object"},
        }},
        "tags": [{"name": "things", "description": f"{service} things"}],
    }

