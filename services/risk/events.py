"""Events the risk service consumes (and, as they are declared, emits)."""

from __future__ import annotations

from services.common.contracts import Consumer
from services.risk.warnings import on_threshold_crossed

CONSUMES = [
    Consumer("kpi.threshold.crossed", on_threshold_crossed),
]
