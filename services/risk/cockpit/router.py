"""经营驾驶舱's risk part."""

from __future__ import annotations

from fastapi import APIRouter

from services.common.cockpit import CockpitPeriod, CockpitUnit
from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.risk.cockpit import service
from services.risk.cockpit.schemas import RiskCockpit

router = APIRouter(tags=["cockpit"])


@router.get("/cockpit", response_model=RiskCockpit,
            summary="The top risks by score and the open alerts by level of a unit's subtree (view over the unit; "
                    "default: the highest unit the caller views)")
async def get_cockpit(session: Session, principal: CurrentPrincipal, period: CockpitPeriod = None,
                      unit: CockpitUnit = None):
    return await service.cockpit(session, principal=principal, unit=unit, period=period)
