"""Kpi's runtime: the kernel's, plus the evaluation cache kpi alone keeps."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.common import generation
from services.common.runtime import Runtime


class KpiRuntime(Runtime):
    @property
    def evaluations(self) -> generation.Cache:
        """Answers of evaluations and series, per data generation (installed at start-up)."""
        cache: generation.Cache = self._state.evaluations
        return cache


def get_kpi_runtime(request: Request) -> KpiRuntime:
    runtime: KpiRuntime = request.app.state.runtime
    return runtime


KpiRuntimeDep = Annotated[KpiRuntime, Depends(get_kpi_runtime)]
