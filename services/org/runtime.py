"""Org's runtime: the kernel's, plus the signing key store and the password hasher org alone has."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.common.runtime import Runtime, RuntimeDep
from services.org.auth.signing import KeyStore
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


def org_runtime(runtime: Runtime) -> OrgRuntime:
    """The runtime the kernel hands org's hooks and jobs: org's app is built with ``runtime_class=OrgRuntime``."""
    if not isinstance(runtime, OrgRuntime):
        raise TypeError(f"org runs with an OrgRuntime, not a {type(runtime).__name__}")
    return runtime


def get_org_runtime(runtime: RuntimeDep) -> OrgRuntime:
    return org_runtime(runtime)


OrgRuntimeDep = Annotated[OrgRuntime, Depends(get_org_runtime)]
