"""Revoked subjects: tokens of a deactivated user or a revoked API client stop working within
``revocation_refresh_seconds`` everywhere, not at their ``exp``.

Org publishes the list (``GET /api/org/auth/revoked``, like a certificate revocation list);
every service and the gateway keep a copy, refreshed in the background, and refuse tokens whose
subject is on it. When org cannot be reached the last list received stays in force.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

log = logging.getLogger("yunguan.revocation")

REVOKED_PATH = "/api/org/auth/revoked"


class Revocations:
    """The subjects whose tokens are refused, kept fresh by :meth:`run_forever`."""

    def __init__(self, fetch: Callable[[], Awaitable[list[dict[str, Any]]]] | None, *, refresh_seconds: float = 15.0):
        self._fetch = fetch
        self.refresh_seconds = refresh_seconds
        self._subjects: frozenset[str] = frozenset()
        self.loaded = False

    @classmethod
    def from_url(cls, url: str, client: httpx.AsyncClient, **kw: Any) -> Revocations:
        async def fetch() -> list[dict[str, Any]]:
            resp = await client.get(url, timeout=5.0)
            resp.raise_for_status()
            subjects: list[dict[str, Any]] = resp.json()["subjects"]
            return subjects

        return cls(fetch, **kw)

    @classmethod
    def static(cls, subjects: list[str] | None = None) -> Revocations:
        out = cls(None)
        out._subjects, out.loaded = frozenset(subjects or ()), True
        return out

    def revoked(self, subject: str) -> bool:
        return subject in self._subjects

    async def refresh(self) -> None:
        if self._fetch is None:
            return
        entries = await self._fetch()
        self._subjects = frozenset(str(e["sub"]) for e in entries)
        self.loaded = True

    async def run_forever(self) -> None:
        failing = False
        while True:
            try:
                await self.refresh()
                failing = False
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # org down: keep the last list, say so once
                if not failing:
                    log.warning("revocation list not refreshed: %s", exc)
                failing = True
            await asyncio.sleep(self.refresh_seconds)
