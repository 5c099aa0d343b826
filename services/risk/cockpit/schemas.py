"""risk's part of 经营驾驶舱: the top risks by score and the open alerts by level."""

from __future__ import annotations

from pydantic import BaseModel, Field

from services.common.cockpit import CockpitScope


class RiskRow(BaseModel):
    id: int
    title: str
    unit_id: int
    unit_name: str
    score: int | None
    level: str | None = Field(description="low | medium | high | critical (the current assessment)")
    status: str


class RisksTile(BaseModel):
    open: int = Field(description="Risks of the subtree not closed")
    by_level: dict[str, int] = Field(description="Open risks per current level (unassessed ones under 'none')")
    top: list[RiskRow] = Field(description="The highest current scores, at most five")
    drill: str


class AlertsTile(BaseModel):
    open: int = Field(description="Alerts open or acknowledged, not resolved")
    by_level: dict[str, int] = Field(description="warning | critical → count")
    drill: str
    critical_drill: str


class RiskCockpit(BaseModel):
    scope: CockpitScope
    risks: RisksTile
    alerts: AlertsTile
