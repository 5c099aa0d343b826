"""Org's signing keys: loaded once at start-up, rotated on demand, published as JWKS."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import utcnow
from services.common.tokens import KeySet, SigningKey
from services.org.models import SigningKeyRecord


class KeyStore:
    """The active signing key plus every key still published for verification."""

    def __init__(self) -> None:
        self._active: SigningKey | None = None
        self.published: list[SigningKey] = []
        self.keyset = KeySet()

    @property
    def active(self) -> SigningKey:
        """The key that signs now (the store is loaded at start-up, before any request)."""
        if self._active is None:
            raise RuntimeError("the signing keys are not loaded yet")
        return self._active

    async def load(self, session: AsyncSession) -> None:
        rows = (await session.execute(select(SigningKeyRecord).where(SigningKeyRecord.retired_at.is_(None))
                                      .order_by(SigningKeyRecord.created_at))).scalars().all()
        if not rows:
            key = SigningKey.generate()
            session.add(SigningKeyRecord(kid=key.kid, private_pem=key.private_pem()))
            await session.commit()
            self.published = [key]
        else:
            # Parsing PEM re-checks the RSA key (tens of ms): done here once, never per request.
            self.published = [SigningKey.from_pem(r.kid, r.private_pem) for r in rows]
        self._active = self.published[-1]
        self.keyset = KeySet.of(*self.published)

    async def reload(self, session: AsyncSession) -> bool:
        """Pick up keys another replica added or retired; only new keys are parsed. True when changed."""
        rows = (await session.execute(select(SigningKeyRecord).where(SigningKeyRecord.retired_at.is_(None))
                                      .order_by(SigningKeyRecord.created_at))).scalars().all()
        known = {k.kid: k for k in self.published}
        if [r.kid for r in rows] == list(known) or not rows:
            return False
        self.published = [known.get(r.kid) or SigningKey.from_pem(r.kid, r.private_pem) for r in rows]
        self._active = self.published[-1]
        self.keyset = KeySet.of(*self.published)
        return True

    async def rotate(self, session: AsyncSession, *, keep_previous_for: timedelta) -> SigningKey:
        """Make a new key the signer; keys older than the previous one are retired."""
        key = SigningKey.generate()
        session.add(SigningKeyRecord(kid=key.kid, private_pem=key.private_pem()))
        cutoff = utcnow() - keep_previous_for
        rows = (await session.execute(select(SigningKeyRecord).where(SigningKeyRecord.retired_at.is_(None))
                                      .order_by(SigningKeyRecord.created_at))).scalars().all()
        # A key stays published while tokens it signed may be alive: it is retired only once
        # the key that replaced it has been signing for longer than a token lives.
        for older, newer in itertools.pairwise(rows):
            if newer.created_at < cutoff:
                older.retired_at = utcnow()
        await session.flush()
        retired = {r.kid for r in rows if r.retired_at is not None}
        self.published = [k for k in self.published if k.kid not in retired] + [key]
        self._active = key
        self.keyset = KeySet.of(*self.published)
        return key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk() for k in self.published]}

