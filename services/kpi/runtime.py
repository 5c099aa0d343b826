"""Kpi's runtime: the kernel's, plus the evaluation cache kpi alone keeps."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from services.common import generation
from services.common.runtime import Runtime, runtime_dependency


class KpiRuntime(Runtime):
    @property
    def evaluations(self) -> generation.Cache:
        """Answers of evaluations and series, per data generation (installed at start-up)."""
        cache: generation.Cache = self._state.evaluations
        return cache


KpiRuntimeDep = Annotated[KpiRuntime, Depends(runtime_dependency(KpiRuntime))]
