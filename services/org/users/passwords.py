"""Password hashing with Argon2id (memory-hard), via argon2-cffi."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from services.common.i18n import Bilingual
from services.common.problems import TooManyRequests


class Passwords:
    """Argon2id hashing, at most ``max_concurrent`` at a time.

    Each hash is deliberately slow (~0.3 s and 64 MiB by default), so a burst of sign-ins could
    otherwise queue on the threads until callers time out (504s at the gateway). A caller that
    cannot get a slot within ``queue_seconds`` gets a 429 with Retry-After instead.
    """

    def __init__(self, *, time_cost: int, memory_kib: int, max_concurrent: int = 2, queue_seconds: float = 2.0):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._slots = asyncio.Semaphore(max(1, max_concurrent))
        self._queue_seconds = queue_seconds
        # Verified against when the username is unknown, so both paths cost the same time.
        self._dummy = self._hasher.hash("yunguan-no-such-user")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def needs_rehash(self, hashed: str) -> bool:
        return self._hasher.check_needs_rehash(hashed)

    def verify(self, hashed: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(hashed or self._dummy, password) and hashed is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def _bounded(self, fn, *args):
        try:
            if self._slots.locked():
                async with asyncio.timeout(self._queue_seconds):
                    await self._slots.acquire()
            else:
                await self._slots.acquire()
        except TimeoutError:
            raise TooManyRequests("Too many sign-ins are being checked at once; try again in a moment.",
                                  zh="同时登录的人太多，请稍后再试。", retry_after=1) from None
        try:
            # Argon2 is deliberately slow; keep it off the event loop.
            return await asyncio.to_thread(fn, *args)
        finally:
            self._slots.release()

    async def hash_async(self, password: str) -> str:
        return await self._bounded(self.hash, password)

    async def verify_async(self, hashed: str | None, password: str) -> bool:
        return await self._bounded(self.verify, hashed, password)


def check_strength(password: str) -> str | None:
    """A reason the password is too weak, or None."""
    if len(password) < 8:
        return Bilingual("the password must have at least 8 characters", "密码至少 8 位")
    classes = sum(any(f(c) for c in password) for f in (str.islower, str.isupper, str.isdigit,
                                                          lambda c: not c.isalnum()))
    if classes < 3:
        return Bilingual("the password must mix at least three of: lower case, upper case, digits, symbols",
                         "密码须包含小写字母、大写字母、数字、符号中的至少三类")
    return None
