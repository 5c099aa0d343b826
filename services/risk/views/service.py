"""Views over the register: the heat map, reviews due, open alerts by unit."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import Page, paginate
from services.common.authz import Principal, Right
from services.common.guards import Place, authorize
from services.risk.access import alert_visibility, risk_visibility
from services.risk.matrix import service as matrices
from services.risk.models import Alert, OrgUnit, Risk
from services.risk.register.service import to_read
from services.risk.units import given_unit, units_by_id
from services.risk.views.schemas import HeatmapCell, HeatmapRead, ReviewDue, UnitAlerts

# The likelihood and impact a heat map places each risk by.
BASES = {
    "current": ("current_likelihood", "current_impact"),
    "inherent": ("inherent_likelihood", "inherent_impact"),
    "residual": ("residual_likelihood", "residual_impact"),
}


async def heatmap(session: AsyncSession, *, principal: Principal, unit_id: int, basis: str,
                  include_closed: bool) -> HeatmapRead:
    """Likelihood × impact counts over a unit's subtree (view over the unit), with the risks behind each cell."""
    unit = await given_unit(session, unit_id)
    authorize(principal, Place(unit.path, what=f"the unit {unit.name}"), Right.view)
    likelihood_of, impact_of = BASES[basis]
    stmt = (select(Risk, OrgUnit.path).join(OrgUnit, OrgUnit.id == Risk.unit_id)
            .where(OrgUnit.path.startswith(unit.path, autoescape=True), risk_visibility(principal))
            .order_by(Risk.id))
    if not include_closed:
        stmt = stmt.where(Risk.status != "closed")
    m = await matrices.in_force(session)
    cells: dict[tuple[int, int], list[dict[str, Any]]] = {
        (likelihood, impact): [] for likelihood in range(1, 6) for impact in range(1, 6)}
    total = unassessed = 0
    for risk, path in (await session.execute(stmt)).all():
        total += 1
        likelihood, impact = getattr(risk, likelihood_of), getattr(risk, impact_of)
        if likelihood is None or impact is None:
            unassessed += 1
            continue
        cells[(likelihood, impact)].append({"id": risk.id, "title": risk.title, "unit_id": risk.unit_id,
                                            "unit_path": path, "status": risk.status,
                                            "level": getattr(risk, f"{basis}_level"), "owner_id": risk.owner_id})
    out = [HeatmapCell.model_validate({"likelihood": likelihood, "impact": impact, "score": likelihood * impact,
                                       "level": matrices.band_for(m.bands, likelihood * impact)["level"],
                                       "count": len(rs), "risks": rs})
           for (likelihood, impact), rs in sorted(cells.items())]
    return HeatmapRead(unit_id=unit.id, unit_path=unit.path, basis=basis, total=total, unassessed=unassessed,
                       cells=out)


async def reviews_due(session: AsyncSession, *, principal: Principal, on: date | None, unit_id: int | None,
                      limit: int, cursor: str | None) -> Page[ReviewDue]:
    """Risks whose review is due by a date (today by default), or whose signed-off acceptance has lapsed."""
    on = on or clock.today()
    lapsed = (Risk.strategy == "accept") & (Risk.acceptance_expires_on < on)
    stmt = (select(Risk).join(OrgUnit, OrgUnit.id == Risk.unit_id)
            .where(risk_visibility(principal), Risk.status != "closed",
                   or_(Risk.next_review_date <= on, lapsed)))
    if unit_id is not None:
        unit = await given_unit(session, unit_id)
        stmt = stmt.where(OrgUnit.path.startswith(unit.path, autoescape=True))
    rows, nxt = await paginate(session, stmt, Risk.id, limit=limit, cursor=cursor)
    units = await units_by_id(session, (r.unit_id for r in rows))
    items = []
    for r in rows:
        reason = ("acceptance_expired" if r.strategy == "accept" and r.acceptance_expires_on
                  and r.acceptance_expires_on < on else "review_date")
        items.append(ReviewDue(risk=to_read(r, units.get(r.unit_id)), reason=reason))
    return Page[ReviewDue](items=items, next_cursor=nxt)


async def alerts_by_unit(session: AsyncSession, *, principal: Principal, unit_id: int | None) -> list[UnitAlerts]:
    """Open (and acknowledged) alerts counted per unit, by status and level."""
    stmt = (select(OrgUnit.id, OrgUnit.name, OrgUnit.path, Alert.status, Alert.level, func.count(Alert.id))
            .join(OrgUnit, OrgUnit.id == Alert.unit_id)
            .where(alert_visibility(principal, mine=False), Alert.status != "resolved")
            .group_by(OrgUnit.id, OrgUnit.name, OrgUnit.path, Alert.status, Alert.level))
    if unit_id is not None:
        unit = await given_unit(session, unit_id)
        stmt = stmt.where(OrgUnit.path.startswith(unit.path, autoescape=True))
    by_unit: dict[int, UnitAlerts] = {}
    for uid, name, path, status, level, n in (await session.execute(stmt)).all():
        row = by_unit.setdefault(uid, UnitAlerts(unit_id=uid, unit_name=name, unit_path=path, open=0,
                                                 acknowledged=0, warning=0, critical=0))
        if status == "open":
            row.open += n
        else:
            row.acknowledged += n
        if level == "critical":
            row.critical += n
        else:
            row.warning += n
    return sorted(by_unit.values(), key=lambda r: r.unit_path)
