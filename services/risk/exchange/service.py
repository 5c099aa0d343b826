"""The register out to Excel and back in; an import is all or nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Grant, Principal, Right
from services.common.guards import Place, authorize
from services.common.problems import Problem
from services.risk.exchange import sheet
from services.risk.exchange.schemas import ImportResult
from services.risk.journal import journal
from services.risk.matrix import service as matrices
from services.risk.models import OrgUnit, Risk
from services.risk.register import service as register
from services.risk.register.schemas import Category, Status
from services.risk.units import given_unit, units_by_id

MAX_BYTES = 5 * 1024 * 1024

# The columns an import writes into a risk (the rest are read-only or go through an assessment).
IMPORTED_FIELDS = ("title", "description", "category", "owner_id", "plan_id", "strategy", "strategy_note",
                   "next_review_date")


async def export_register(session: AsyncSession, *, principal: Principal, unit_id: int | None,
                          category: Category | None, status: Status | None) -> bytes:
    """The risks the principal may see, filtered, as a workbook."""
    unit = await given_unit(session, unit_id) if unit_id is not None else None
    stmt = register.register_query(principal, unit=unit, category=category, status=status).order_by(Risk.id)
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
    return sheet.write_register(rows)


def _refused(status: int, detail: str, zh: str | None, errors: list[dict[str, Any]]) -> Problem:
    if status == 403:
        return Problem(detail, status=403, slug="forbidden", title="Forbidden", errors=errors, zh=zh)
    return Problem(detail, status=422, slug="validation-error", title="Validation error", errors=errors, zh=zh)


async def import_register(session: AsyncSession, *, principal: Principal, content: bytes) -> ImportResult:
    """Create or update risks from a workbook (at most MAX_BYTES; ``content`` may hold one byte more, to tell).

    Every row is checked before anything is written: one error, or one row about a unit the caller may
    not plan for, refuses the whole file with every error found.
    """
    if len(content) > MAX_BYTES:
        raise Problem(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", status=413,
                      slug="payload-too-large", title="Payload too large",
                      zh=f"文件超过 {MAX_BYTES // (1024 * 1024)} MB。")
    try:
        # parsed off the event loop: a large file must not stall every other request
        rows, errors = await asyncio.to_thread(sheet.read_register, content)
    except sheet.SheetError as exc:
        raise _refused(422, str(exc), exc.zh, [{"field": "file", "message": str(exc)}]) from exc
    if not rows and not errors:
        raise _refused(422, "The sheet holds no risks.", "表中没有风险。", [{"field": "file", "message": "no rows"}])

    units = {u.code: u for u in (await session.execute(select(OrgUnit))).scalars()}
    ids = [r["id"] for r in rows if "id" in r]
    existing = {r.id: r for r in (await session.execute(select(Risk).where(Risk.id.in_(ids))))
                .scalars()} if ids else {}
    units_by = {u.id: u for u in units.values()}
    m = await matrices.in_force(session)
    denied: list[dict[str, Any]] = []
    plans: list[tuple[dict[str, Any], OrgUnit, Risk | None]] = []
    for row in rows:
        n = row["_row"]

        def err(key: str, message: str, into: list[dict[str, Any]] = errors, n: int = n) -> None:
            into.append({"row": n, "column": sheet.HEADER_OF[key], "field": key, "message": message})

        unit = units.get(row["unit_code"]) if row.get("unit_code") else None
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
        raise _refused(403, f"{len(denied)} row(s) concern units you may not plan for; nothing was imported.",
                       f"有 {len(denied)} 行涉及您没有计划权的单位；未导入任何数据。",
                       sorted(denied + errors, key=lambda e: e["row"]))
    if errors:
        errors.sort(key=lambda e: e["row"])
        first = errors[0]
        more = len(errors) - 1
        raise _refused(422, f"Row {first['row']}, {first['column']}: {first['message']}"
                            + (f" (and {more} more)" if more else "") + "; nothing was imported.",
                       f"第 {first['row']} 行“{first['column']}”有误" + (f"（另有 {more} 处）" if more else "")
                       + "；未导入任何数据。", errors)

    created = updated = 0
    touched: list[int] = []
    for row, unit, risk in plans:
        grant = authorize(principal, Place(unit.path, what=f"the unit {unit.name}"), Right.plan)
        values = {k: row[k] for k in IMPORTED_FIELDS if k in row}
        if risk is None:
            risk = await register.create(session, actor=principal, unit=unit, grant=grant, fields=values)
            await _assess_if_changed(session, row, risk, unit, principal, grant)
            created += 1
        else:
            # Score first: the strategy column was checked against the level the row gives.
            await _assess_if_changed(session, row, risk, unit, principal, grant)
            before = register.snapshot(risk, units_by.get(risk.unit_id))
            await register.update(session, risk=risk, changes=values | {"unit_id": unit.id})
            await journal.audit(session, actor=principal, action="risk.updated", subject_type="risk",
                                subject_id=risk.id, unit_path=unit.path, grant=grant, before=before,
                                after=register.snapshot(risk, unit), note="excel import")
            updated += 1
        touched.append(risk.id)
    return ImportResult(created=created, updated=updated, risk_ids=touched)


async def _assess_if_changed(session: AsyncSession, row: dict[str, Any], risk: Risk, unit: OrgUnit,
                             principal: Principal, grant: Grant) -> None:
    if "likelihood" not in row or "impact" not in row or risk.status == "closed":
        return
    if (risk.inherent_likelihood, risk.inherent_impact) != (row["likelihood"], row["impact"]):
        await register.assess(session, risk=risk, unit=unit, actor=principal, grant=grant,
                              likelihood=row["likelihood"], impact=row["impact"], kind="inherent",
                              note="excel import")
