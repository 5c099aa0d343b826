"""Staffing's request and response bodies: people against plan per unit, vacancies, measuring now."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from services.common.api import RequestBody


class StaffingRow(BaseModel):
    """One unit's people against plan (its numbers cover the unit and every unit below it)."""

    unit_id: int
    unit_name: str
    unit_code: str
    unit_kind: str
    parent_id: int | None = Field(description="The parent unit, null for the unit asked about")
    depth: int = Field(description="0 for the unit asked about, 1 for its sub-units, …")
    planned: float | None = Field(description="Planned headcount (人) from plans in force; null: no plan covers it")
    plan_period: str | None = Field(description="The period of the unit's own plan the number comes from; null "
                                                "when it is the sum of its sub-units' plans, or there is none")
    covered_by: int | None = Field(description="The nearest unit above whose own plan covers this unit (its people "
                                               "count there), or null")
    actual: int = Field(description="People holding a position in the unit or below it")
    vacancies: int = Field(description="Positions in the unit or below it nobody holds")
    spare_ratio: float | None = Field(description="备员率 (actual − planned) ÷ planned, in percent")


class StaffingRead(BaseModel):
    unit_id: int
    period: str
    as_of: date = Field(description="The day whose holders are counted (today, or the period's last day if past)")
    target_ratio: float = Field(description="The spare-staff ratio the documents ask, in percent")
    rows: list[StaffingRow] = Field(description="The unit first, then its sub-units depth first")


class VacancyRead(BaseModel):
    position_id: int
    title: str
    role_name: str
    unit_id: int
    unit_name: str
    vacant_since: date | None = Field(description="The day after its last holder left; null: never held")


class MeasureCreate(RequestBody):
    unit_id: int = Field(description="Measure this unit and every unit below it (and the units above it) now")


class MeasureRead(BaseModel):
    period: str = Field(description="The month measured")
    units: int = Field(description="Units measured")
    changed: int = Field(description="Units whose numbers changed: one org.staffing.measured each")
