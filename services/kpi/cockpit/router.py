"""经营驾驶舱's kpi part."""

from __future__ import annotations

from fastapi import APIRouter

from services.common.cockpit import CockpitPeriod, CockpitUnit
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.kpi.cockpit import service
from services.kpi.cockpit.schemas import KpiCockpit

router = APIRouter(tags=["cockpit"])


@router.get("/cockpit", response_model=KpiCockpit,
            summary="KPI attainment (on target / warning / off) with data completeness, open 整改 actions and budget "
                    "execution of a unit's subtree for a period (view over the unit; default: the highest unit "
                    "the caller views)")
async def get_cockpit(session: Session, principal: CurrentPrincipal, period: CockpitPeriod = None,
                      unit: CockpitUnit = None):
    return await service.cockpit(session, principal=principal, unit=unit, period=period)
