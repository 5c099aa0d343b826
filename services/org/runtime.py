"""Org's runtime: the kernel's, plus the signing key store, the password hasher and the dispatcher of
outgoing messages org alone has."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.common.runtime import Runtime, runtime_dependency
from services.org.auth.signing import KeyStore
from services.org.channels.dispatcher import Dispatcher
from services.org.users.passwords import Passwords


class OrgRuntime(Runtime):
    @property
    def keys(self) -> KeyStore:
        keys: KeyStore = self._state.keys
        return keys

    @property
    def passwords(self) -> Passwords:
        passwords: Passwords = self._state.passwords
        return passwords

    @property
    def dispatcher(self) -> Dispatcher:
        dispatcher: Dispatcher = self._state.dispatcher
        return dispatcher


OrgRuntimeDep = Annotated[OrgRuntime, Depends(runtime_dependency(OrgRuntime))]
