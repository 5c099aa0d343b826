"""The risk register and its alerts for the cockpit: counted in SQL over the subtree, the top rows loaded."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.cockpit import TOP_N, cockpit_asked, drill
from services.common.scoping import visible_to
from services.risk.cockpit.schemas import AlertsTile, RiskCockpit, RiskRow, RisksTile
from services.risk.models import Alert, OrgUnit, Risk

ACTIVE_ALERT = ("open", "acknowledged")


async def cockpit(session: AsyncSession, *, principal: Principal, unit: int | None,
                  period: str | None) -> RiskCockpit:
    """Risks and alerts are as they stand now; the period is echoed so the parts of one answer agree."""
    asked = await cockpit_asked(session, OrgUnit, principal, unit=unit, period=period)
    root = asked.unit
    here = OrgUnit.path.startswith(root.path, autoescape=True) & visible_to(principal, "view", OrgUnit.path)

    live = here & (Risk.status != "closed")
    levels = {(lv or "none"): n for lv, n in await session.execute(
        select(Risk.current_level, func.count()).join(OrgUnit, OrgUnit.id == Risk.unit_id).where(live)
        .group_by(Risk.current_level))}
    top = (await session.execute(
        select(Risk, OrgUnit.name).join(OrgUnit, OrgUnit.id == Risk.unit_id)
        .where(live, Risk.current_score.is_not(None))
        .order_by(Risk.current_score.desc(), Risk.id).limit(TOP_N))).all()

    alerts: dict[str, int] = dict((await session.execute(
        select(Alert.level, func.count()).join(OrgUnit, OrgUnit.id == Alert.unit_id)
        .where(here, Alert.status.in_(ACTIVE_ALERT)).group_by(Alert.level))).all())

    return RiskCockpit(
        scope=asked.scope,
        risks=RisksTile(open=sum(levels.values()), by_level=levels,
                        top=[RiskRow(id=r.id, title=r.title, unit_id=r.unit_id, unit_name=name,
                                     score=r.current_score, level=r.current_level, status=r.status)
                             for r, name in top],
                        drill=drill("/risk", unit_id=root.id)),
        alerts=AlertsTile(open=sum(alerts.values()), by_level=alerts,
                          drill=drill("/risk/alerts", unit_id=root.id, status="active"),
                          critical_drill=drill("/risk/alerts", unit_id=root.id, status="active", level="critical")),
    )
