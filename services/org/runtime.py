"""Org's runtime: the kernel's, plus the signing key store and the password hasher org alone has."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.common.runtime import Runtime
from services.org.passwords import Passwords
from services.org.signing import KeyStore


class OrgRuntime(Runtime):
    @property
    def keys(self) -> KeyStore:
        keys: KeyStore = self._state.keys
        return keys

    @property
    def passwords(self) -> Passwords:
        passwords: Passwords = self._state.passwords
        return passwords


def get_org_runtime(request: Request) -> OrgRuntime:
    runtime: OrgRuntime = request.app.state.runtime
    return runtime


OrgRuntimeDep = Annotated[OrgRuntime, Depends(get_org_runtime)]
