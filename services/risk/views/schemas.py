"""Response shapes of the views over the register."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from services.risk.matrix.schemas import Level
from services.risk.register.schemas import RiskRead


class HeatmapCell(BaseModel):
    likelihood: int
    impact: int
    score: int
    level: Level
    count: int
    risks: list[dict[str, Any]]


class HeatmapRead(BaseModel):
    unit_id: int
    unit_path: str
    basis: str
    total: int
    unassessed: int
    cells: list[HeatmapCell]


class ReviewDue(BaseModel):
    risk: RiskRead
    reason: str  # review_date | acceptance_expired


class UnitAlerts(BaseModel):
    unit_id: int
    unit_name: str | None
    unit_path: str
    open: int
    acknowledged: int
    warning: int
    critical: int
