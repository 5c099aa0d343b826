"""Request bodies in the kernel's pure ASGI middleware (the control-character guard, Idempotency-Key).

A middleware that must see a body before the app does reads it whole with :func:`read_body`, then
hands the app a ``receive`` that gives the same body again (:func:`replaying`).
"""

from __future__ import annotations

from starlette.types import Message, Receive


async def read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None when the client disconnected first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that first gives ``body`` (already read) as one message, then what ``receive`` gives."""
    pending: bytes | None = body

    async def replay() -> Message:
        nonlocal pending
        if pending is not None:
            message, pending = {"type": "http.request", "body": pending, "more_body": False}, None
            return message
        return await receive()

    return replay
