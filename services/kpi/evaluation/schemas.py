"""Response bodies of evaluations and series."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class BenchmarkRef(BaseModel):
    value: float
    source: str
    as_of: date
    period: str


class EvaluationRow(BaseModel):
    indicator_code: str
    name: str
    name_en: str
    category: str
    unit: str
    direction: str
    aggregation: str
    derived: bool
    actual: float | None
    target: float | None
    target_period: str | None = None
    target_prorated: bool = False
    attainment: float | None
    status: str | None
    level: str | None
    warning: float | None = None
    critical: float | None = None
    previous: float | None
    previous_period: str
    change_previous: float | None
    last_year: float | None
    last_year_period: str
    change_last_year: float | None
    benchmark: BenchmarkRef | None
    completeness: Completeness


class MissingUnit(BaseModel):
    unit_id: int
    name: str


class Completeness(BaseModel):
    """How complete the period's data is: units reported / units expected (the unit's direct children
    and the unit itself; expected = with data for the period, the previous one or the same one last year)."""

    reported: int
    expected: int
    missing: list[MissingUnit] = Field(description="The expected units without data for the period")


EvaluationRow.model_rebuild()


class EvaluationPage(BaseModel):
    items: list[EvaluationRow]
    next_cursor: str | None = None
    unit_id: int
    unit_path: str
    period: str


class SeriesPoint(BaseModel):
    period: str
    actual: float | None
    target: float | None


class SeriesRead(BaseModel):
    indicator_code: str
    unit_id: int
    kind: str
    items: list[SeriesPoint]
