"""Views over the register: the heat map, reviews due, open alerts by unit."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query
from sqlalchemy import func, or_, select

from services.common.api import CursorParam, LimitParam, Page, paginate
from services.common.db import Session
from services.common.org_units import load_unit
from services.common.security import CurrentPrincipal
from services.risk import matrix as matrices
from services.risk import register
from services.risk.api.deps import risk_visibility
from services.risk.api.risks import units_by_id
from services.risk.api.warnings import alert_visibility
from services.risk.models import Alert, OrgUnit, Risk
from services.risk.schemas import HeatmapCell, HeatmapRead, ReviewDue, UnitAlerts

router = APIRouter(tags=["views"])

BASES = {
    "current": (Risk.current_likelihood, Risk.current_impact),
    "inherent": (Risk.inherent_likelihood, Risk.inherent_impact),
    "residual": (Risk.residual_likelihood, Risk.residual_impact),
}


@router.get("/heatmap", response_model=HeatmapRead,
            summary="Likelihood × impact counts over a unit's subtree, with the risks behind each cell")
async def heatmap(session: Session, principal: CurrentPrincipal,
                  unit_id: int = Query(description="The unit whose subtree is mapped"),
                  basis: str = Query("current", pattern="^(current|inherent|residual)$",
                                     description="current: the latest assessment of each risk; inherent or "
                                                 "residual: the latest of that kind"),
                  include_closed: bool = False):
    unit = await load_unit(session, OrgUnit, unit_id)
    principal.require("view", unit.path, what=f"the unit {unit.name}")
    lk, ik = BASES[basis]
    stmt = (select(Risk, OrgUnit.path).join(OrgUnit, OrgUnit.id == Risk.unit_id)
            .where(OrgUnit.path.startswith(unit.path, autoescape=True), risk_visibility(principal))
            .order_by(Risk.id))
    if not include_closed:
        stmt = stmt.where(Risk.status != "closed")
    m = await matrices.in_force(session)
    cells: dict[tuple[int, int], list[dict]] = {(l, i): [] for l in range(1, 6) for i in range(1, 6)}
    total = unassessed = 0
    for risk, path in (await session.execute(stmt)).all():
        total += 1
        l, i = getattr(risk, lk.key), getattr(risk, ik.key)
        if l is None or i is None:
            unassessed += 1
            continue
        cells[(l, i)].append({"id": risk.id, "title": risk.title, "unit_id": risk.unit_id, "unit_path": path,
                              "status": risk.status, "level": getattr(risk, f"{basis}_level"),
                              "owner_id": risk.owner_id})
    out = [HeatmapCell(likelihood=l, impact=i, score=l * i, level=matrices.band_for(m.bands, l * i)["level"],
                       count=len(rs), risks=rs) for (l, i), rs in sorted(cells.items())]
    return HeatmapRead(unit_id=unit.id, unit_path=unit.path, basis=basis, total=total, unassessed=unassessed,
                       cells=out)


@router.get("/reviews/due", response_model=Page[ReviewDue],
            summary="Risks whose review is due by a date, or whose signed-off acceptance has lapsed")
async def reviews_due(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                      cursor: str | None = CursorParam, on: date | None = Query(None, description="Default today"),
                      unit_id: int | None = Query(None, description="Only this unit's subtree")):
    on = on or register.today()
    lapsed = (Risk.strategy == "accept") & (Risk.acceptance_expires_on < on)
    stmt = (select(Risk).join(OrgUnit, OrgUnit.id == Risk.unit_id)
            .where(risk_visibility(principal), Risk.status != "closed",
                   or_(Risk.next_review_date <= on, lapsed)))
    if unit_id is not None:
        unit = await load_unit(session, OrgUnit, unit_id)
        stmt = stmt.where(OrgUnit.path.startswith(unit.path, autoescape=True))
    rows, nxt = await paginate(session, stmt, Risk.id, limit=limit, cursor=cursor)
    units = await units_by_id(session, (r.unit_id for r in rows))
    items = []
    for r in rows:
        reason = ("acceptance_expired" if r.strategy == "accept" and r.acceptance_expires_on
                  and r.acceptance_expires_on < on else "review_date")
        items.append(ReviewDue(risk=register.to_read(r, units.get(r.unit_id)), reason=reason))
    return Page[ReviewDue](items=items, next_cursor=nxt)


@router.get("/alerts/by-unit", response_model=list[UnitAlerts], summary="Open alerts counted per unit")
async def alerts_by_unit(session: Session, principal: CurrentPrincipal,
                         unit_id: int | None = Query(None, description="Only this unit's subtree")):
    stmt = (select(OrgUnit.id, OrgUnit.name, OrgUnit.path, Alert.status, Alert.level, func.count(Alert.id))
            .join(OrgUnit, OrgUnit.id == Alert.unit_id)
            .where(alert_visibility(principal, mine=False), Alert.status != "resolved")
            .group_by(OrgUnit.id, OrgUnit.name, OrgUnit.path, Alert.status, Alert.level))
    if unit_id is not None:
        unit = await load_unit(session, OrgUnit, unit_id)
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
