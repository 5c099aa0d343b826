"""Kpi's runtime: the kernel's, plus the evaluation cache kpi alone keeps."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends

from services.common import generation
from services.common.runtime import Runtime, RuntimeDep


class KpiRuntime(Runtime):
    @property
    def evaluations(self) -> generation.Cache:
        """Answers of evaluations and series, per data generation (installed at start-up)."""
        cache: generation.Cache = self._state.evaluations
        return cache


def get_kpi_runtime(rt: RuntimeDep) -> KpiRuntime:
    """The app's runtime, which ``create_app`` builds as a :class:`KpiRuntime`."""
    return cast(KpiRuntime, rt)


KpiRuntimeDep = Annotated[KpiRuntime, Depends(get_kpi_runtime)]
