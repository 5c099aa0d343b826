"""Password hashing with Argon2id (memory-hard), via argon2-cffi."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from services.common.i18n import Bilingual


class Passwords:
    def __init__(self, *, time_cost: int, memory_kib: int):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
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

    async def hash_async(self, password: str) -> str:
        # Argon2 is deliberately slow; keep it off the event loop.
        return await asyncio.to_thread(self.hash, password)

    async def verify_async(self, hashed: str | None, password: str) -> bool:
        return await asyncio.to_thread(self.verify, hashed, password)


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
