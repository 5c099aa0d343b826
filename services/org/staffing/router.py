"""人员编制: people against plan per unit (view over the unit reads; planned headcount comes only from plans)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from services.common.api import Page
from services.common.db import Session
from services.common.files import XLSX, download_response
from services.common.security import CurrentPrincipal
from services.org.deps import UnitToView
from services.org.staffing import service
from services.org.staffing.schemas import MeasureCreate, MeasureRead, StaffingRead, VacancyRead

router = APIRouter(prefix="/staffing", tags=["staffing"])

PeriodQuery = Query(None, max_length=10, description="A year, quarter or month (2026, 2026-Q4, 2026-12); this month "
                                                     "when not given")


@router.get("", response_model=StaffingRead,
            summary="People against plan for a unit and the units below it: planned headcount (from plans), actual "
                    "headcount, vacancies and the spare-staff ratio 备员率 (view over the unit)")
async def get_staffing(unit: UnitToView, session: Session, period: str | None = PeriodQuery):
    return await service.staffing_of(session, unit=unit, period_text=period)


@router.get("/vacancies", response_model=Page[VacancyRead],
            summary="Positions in the unit and below it nobody holds today (view over the unit)")
async def list_vacancies(unit: UnitToView, session: Session):
    return await service.vacancies_of(session, unit=unit)


@router.get("/export.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}},
            summary="人员编制表: the people against plan and the vacant positions as a workbook (view over the unit)")
async def export_staffing(unit: UnitToView, session: Session, period: str | None = PeriodQuery):
    content = await service.export_staffing(session, unit=unit, period_text=period)
    return download_response(content, f"人员编制表-{unit.item.name}.xlsx", fallback="staffing")


@router.post("/measurements", response_model=MeasureRead,
             summary="Measure the unit's people against plan now: org.staffing.measured for every unit whose "
                     "numbers changed (plan over the unit)")
async def measure_staffing(body: MeasureCreate, session: Session, principal: CurrentPrincipal):
    return await service.measure_now(session, principal=principal, body=body)
