"""经营驾驶舱's planning part."""

from __future__ import annotations

from fastapi import APIRouter

from services.common.cockpit import CockpitPeriod, CockpitUnit
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.planning.cockpit import service
from services.planning.cockpit.schemas import PlanningCockpit

router = APIRouter(tags=["cockpit"])


@router.get("/cockpit", response_model=PlanningCockpit,
            summary="Plan execution of a unit's subtree for a period: issued plans and their targets, tasks on "
                    "time / overdue / done, plans awaiting approval (view over the unit; default: the highest "
                    "unit the caller views)")
async def get_cockpit(session: Session, principal: CurrentPrincipal, period: CockpitPeriod = None,
                      unit: CockpitUnit = None):
    return await service.cockpit(session, principal=principal, unit=unit, period=period)
