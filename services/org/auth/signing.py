"""Org's signing keys: loaded once at start-up, rotated on demand (published before they sign), as JWKS."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import as_utc, utcnow
from services.common.tokens import KeySet, SigningKey
from services.org.models import SigningKeyRecord


class KeyStore:
    """Every key still published for verification, each with the time it was made; the one that signs
    now is the newest whose activation time (made + ``activation_seconds``) has come.

    A rotated key is published (JWKS) at once but signs only after ``activation_seconds``
    (``YUNGUAN_KEY_ACTIVATION_SECONDS``): by then every org replica has reloaded it and every verifier's
    cached JWKS holds it, so no token reaches a verifier that does not know its key yet (no 401s)."""

    def __init__(self, *, activation_seconds: float = 0.0, clock: Callable[[], datetime] = utcnow) -> None:
        self.activation = timedelta(seconds=activation_seconds)
        self.clock = clock
        self.published: list[SigningKey] = []
        self.made: dict[str, datetime] = {}  # kid → when it was made
        self.keyset = KeySet()

    @property
    def active(self) -> SigningKey:
        """The key that signs now (the store is loaded at start-up, before any request): the newest whose
        activation has come, else the oldest published (the very first key signs at once)."""
        if not self.published:
            raise RuntimeError("the signing keys are not loaded yet")
        now = self.clock()
        for key in reversed(self.published):
            if self.made[key.kid] + self.activation <= now:
                return key
        return self.published[0]

    def activates_at(self, kid: str) -> datetime:
        return self.made[kid] + self.activation

    def _publish(self, keys: list[tuple[SigningKey, datetime]]) -> None:
        self.published = [k for k, _ in keys]
        self.made = {k.kid: as_utc(at) for k, at in keys}
        self.keyset = KeySet.of(*self.published)

    async def load(self, session: AsyncSession) -> None:
        rows = (await session.execute(select(SigningKeyRecord).where(SigningKeyRecord.retired_at.is_(None))
                                      .order_by(SigningKeyRecord.created_at))).scalars().all()
        if not rows:
            key = SigningKey.generate()
            made = self.clock()
            session.add(SigningKeyRecord(kid=key.kid, private_pem=key.private_pem(), created_at=made))
            await session.commit()
            self._publish([(key, made)])
        else:
            # Parsing PEM re-checks the RSA key (tens of ms): done here once, never per request.
            self._publish([(SigningKey.from_pem(r.kid, r.private_pem), r.created_at) for r in rows])

    async def reload(self, session: AsyncSession) -> bool:
        """Pick up keys another replica added or retired; only new keys are parsed. True when changed."""
        rows = (await session.execute(select(SigningKeyRecord).where(SigningKeyRecord.retired_at.is_(None))
                                      .order_by(SigningKeyRecord.created_at))).scalars().all()
        known = {k.kid: k for k in self.published}
        if [r.kid for r in rows] == list(known) or not rows:
            return False
        self._publish([(known.get(r.kid) or SigningKey.from_pem(r.kid, r.private_pem), r.created_at) for r in rows])
        return True

    async def rotate(self, session: AsyncSession, *, keep_previous_for: timedelta) -> SigningKey:
        """Publish a new key that signs once its activation time comes; keys older than the one it
        replaces are retired."""
        key = SigningKey.generate()
        made = self.clock()
        session.add(SigningKeyRecord(kid=key.kid, private_pem=key.private_pem(), created_at=made))
        cutoff = made - keep_previous_for - self.activation
        rows = (await session.execute(select(SigningKeyRecord).where(SigningKeyRecord.retired_at.is_(None))
                                      .order_by(SigningKeyRecord.created_at))).scalars().all()
        # A key stays published while tokens it signed may be alive: it is retired only once
        # the key that replaced it has been signing for longer than a token lives.
        for older, newer in itertools.pairwise(rows):
            if as_utc(newer.created_at) < cutoff:
                older.retired_at = made
        await session.flush()
        retired = {r.kid for r in rows if r.retired_at is not None}
        self._publish([(k, self.made[k.kid]) for k in self.published if k.kid not in retired] + [(key, made)])
        return key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk() for k in self.published]}
