"""The company's working-day calendar: anyone signed in reads it; administrators override days."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Response

from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.org.calendar import service
from services.org.calendar.schemas import CalendarDayBody, CalendarDayRead, CalendarYear
from services.org.deps import AdminPrincipal

router = APIRouter(tags=["calendar"])


@router.get("/calendar", response_model=CalendarYear,
            summary="A year's holidays, 调休 workdays and the company's overrides")
async def get_year(session: Session, principal: CurrentPrincipal,
                   year: int | None = Query(None, ge=2000, le=2100, description="Default: this year")):
    return await service.year_of(session, year)


@router.put("/calendar/days/{day}", response_model=CalendarDayRead,
            summary="Make a date a working day or a day off for the company (admin over the company)")
async def set_day(day: date, body: CalendarDayBody, session: Session, admin: AdminPrincipal):
    return await service.set_day(session, admin, day, body)


@router.delete("/calendar/days/{day}", status_code=204, response_class=Response,
               summary="Drop the company's override of a date (admin over the company)")
async def remove_day(day: date, session: Session, admin: AdminPrincipal):
    await service.remove_day(session, admin, day)
