"""Excel import and export of the register; an import is all or nothing."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from sqlalchemy import select

from services.common.db import Session
from services.common.org_units import load_unit
from services.common.problems import Forbidden, Problem
from services.common.security import CurrentPrincipal
from services.risk import excel, register
from services.risk import matrix as matrices
from services.risk.api.risks import register_query, units_by_id
from services.risk.journal import journal
from services.risk.models import OrgUnit, Risk
from services.risk.schemas import Category, ImportResult, Status

router = APIRouter(tags=["import and export"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024


@router.get("/risks/export", summary="The register as an Excel sheet (the risks you may see)",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
async def export_register(session: Session, principal: CurrentPrincipal,
                          unit_id: int | None = Query(None, description="Only this unit's subtree"),
                          category: Category | None = None, status: Status | None = None):
    unit = await load_unit(session, OrgUnit, unit_id) if unit_id is not None else None
    stmt = register_query(principal, unit=unit, category=category, status=status).order_by(Risk.id)
    risks = (await session.execute(stmt)).scalars().all()
    units = await units_by_id(session, (r.unit_id for r in risks))
    rows = []
    for r in risks:
        u = units.get(r.unit_id)
        rows.append({"id": r.id, "title": r.title, "description": r.description, "category": r.category,
                     "unit_code": u.code if u else None, "unit_name": u.name if u else None, "owner_id": r.owner_id,
                     "plan_id": r.plan_id, "likelihood": r.inherent_likelihood, "impact": r.inherent_impact,
                     "score": r.inherent_score, "level": r.inherent_level,
                     "residual_likelihood": r.residual_likelihood, "residual_impact": r.residual_impact,
                     "residual_level": r.residual_level, "strategy": r.strategy, "strategy_note": r.strategy_note,
                     "status": r.status, "next_review_date": r.next_review_date})
    name = quote("风险登记表.xlsx")
    return Response(excel.write_register(rows), media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename=risk-register.xlsx; filename*=UTF-8''{name}"})


@router.post("/risks/import", response_model=ImportResult,
             summary="Create or update risks from an Excel sheet; any error refuses the whole file")
async def import_register(request: Request, session: Session, principal: CurrentPrincipal,
                          file: UploadFile = File(description="An .xlsx in the export's layout")):
    if not any(g.right == "plan" for g in principal.grants):  # before the file is even read
        raise Forbidden("Importing risks needs the plan right (计划权) over the units in the sheet.",
                        zh="导入风险需要对表中单位有计划权。", right="plan")
    content = await file.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise Problem(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", status=413,
                      slug="payload-too-large", title="Payload too large", zh=f"文件超过 {MAX_BYTES // (1024 * 1024)} MB。")
    try:
        # parsed off the event loop: a large file must not stall every other request
        rows, errors = await asyncio.to_thread(excel.read_register, content)
    except excel.SheetError as exc:
        raise Problem(str(exc), status=422, slug="validation-error", title="Validation error",
                      errors=[{"field": "file", "message": str(exc)}], zh=exc.zh) from exc
    if not rows and not errors:
        raise Problem("The sheet holds no risks.", status=422, slug="validation-error", title="Validation error",
                      errors=[{"field": "file", "message": "no rows"}], zh="表中没有风险。")

    units = {u.code: u for u in (await session.execute(select(OrgUnit))).scalars()}
    ids = [r["id"] for r in rows if "id" in r]
    existing = {r.id: r for r in (await session.execute(select(Risk).where(Risk.id.in_(ids))))
                .scalars()} if ids else {}
    units_by = {u.id: u for u in units.values()}
    m = await matrices.in_force(session)
    denied: list[dict] = []
    plans: list[tuple[dict, OrgUnit, Risk | None]] = []
    for row in rows:
        n = row["_row"]

        def err(key: str, message: str, into: list = errors) -> None:
            into.append({"row": n, "column": excel.HEADER_OF[key], "field": key, "message": message})

        unit = units.get(row.get("unit_code")) if row.get("unit_code") else None
        if row.get("unit_code") and unit is None:
            err("unit_code", f"there is no unit with the code '{row['unit_code']}'")
        risk = None
        if "id" in row:
            risk = existing.get(row["id"])
            if risk is None:
                err("id", f"there is no risk {row['id']}; leave the column empty to register a new one")
            elif risk.unit_id in units_by and not principal.can("plan", units_by[risk.unit_id].path):
                err("id", f"you need the 'plan' right over {units_by[risk.unit_id].name} to change this risk", denied)
        if unit is not None and not principal.can("plan", unit.path):
            err("unit_code", f"you need the 'plan' right over {unit.name} ({unit.path}) to register its risks",
                denied)
        if row.get("strategy") == "accept":
            level = (matrices.band_for(m.bands, row["likelihood"] * row["impact"])["level"]
                     if "likelihood" in row and "impact" in row else risk.current_level if risk else None)
            if level in matrices.SEVERE:
                err("strategy", f"accepting a {level} risk needs a sign-off (POST /risks/{{id}}/acceptance), "
                                "not an import")
        if unit is not None:
            plans.append((row, unit, risk))
    if denied:
        raise Problem(f"{len(denied)} row(s) concern units you may not plan for; nothing was imported.",
                      status=403, slug="forbidden", title="Forbidden", errors=sorted(denied + errors,
                                                                                     key=lambda e: e["row"]),
                                                                                     zh=f"有 {len(denied)} 行涉及您没有计划权的单位；未导入任何数据。")
    if errors:
        errors.sort(key=lambda e: e["row"])
        first = errors[0]
        raise Problem(f"Row {first['row']}, {first['column']}: {first['message']}"
                      + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "") + "; nothing was imported.",
                      status=422, slug="validation-error", title="Validation error", errors=errors,
                      zh=f"第 {first['row']} 行“{first['column']}”有误" + (f"（另有 {len(errors) - 1} 处）" if len(errors) > 1 else "") + "；未导入任何数据。")

    created = updated = 0
    touched: list[int] = []
    fields = ("title", "description", "category", "owner_id", "plan_id", "strategy", "strategy_note",
              "next_review_date")
    for row, unit, risk in plans:
        grant = principal.require("plan", unit.path, what=f"the unit {unit.name}")
        values = {k: row[k] for k in fields if k in row}
        if risk is None:
            risk = await register.create(session, actor=principal, unit=unit, grant=grant, fields=values,
                                         request=request)
            await _assess_if_changed(session, row, risk, unit, principal, grant, request)
            created += 1
        else:
            # Score first: the strategy column was checked against the level the row gives.
            await _assess_if_changed(session, row, risk, unit, principal, grant, request)
            before = register.snapshot(risk, units_by.get(risk.unit_id))
            await register.update(session, risk=risk, changes=values | {"unit_id": unit.id})
            await journal.audit(session, actor=principal, action="risk.updated", subject_type="risk",
                                subject_id=risk.id, unit_path=unit.path, grant=grant, before=before,
                                after=register.snapshot(risk, unit), note="excel import", request=request)
            updated += 1
        touched.append(risk.id)
    return ImportResult(created=created, updated=updated, risk_ids=touched)


async def _assess_if_changed(session, row, risk: Risk, unit: OrgUnit, principal, grant, request) -> None:
    if "likelihood" not in row or "impact" not in row or risk.status == "closed":
        return
    if (risk.inherent_likelihood, risk.inherent_impact) != (row["likelihood"], row["impact"]):
        await register.assess(session, risk=risk, unit=unit, actor=principal, grant=grant,
                              likelihood=row["likelihood"], impact=row["impact"], kind="inherent",
                              note="excel import", request=request)
