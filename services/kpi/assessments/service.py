"""Assessment runs (考核): indicator items scored from attainment, qualitative items by the assessor."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.periods import period as parse_period
from services.kpi import evaluation, scoring
from services.kpi.aggregate import Library
from services.kpi.models import Assessment, Scorecard


async def compute(session: AsyncSession, a: Assessment, card: Scorecard, unit, *, lib: Library) -> None:
    """(Re)compute the indicator items and the total of a draft assessment."""
    codes = {i["indicator_code"] for i in card.items if i["kind"] == "indicator"}
    rows = {r["indicator_code"]: r for r in await evaluation.evaluate(session, lib=lib, unit=unit,
                                                                    p=parse_period(a.period), codes=codes)}
    items: list[dict[str, Any]] = []
    for item in card.items:
        out = {"key": item["key"], "kind": item["kind"], "name": item.get("name", ""), "weight": item["weight"]}
        if item["kind"] == "indicator":
            row = rows.get(item["indicator_code"], {})
            rule = item.get("rule") or {"type": "linear_cap", "cap": 1.2}
            score, vetoed = scoring.score_item(rule, row.get("attainment"))
            out.update(indicator_code=item["indicator_code"], rule=rule, actual=row.get("actual"),
                       target=row.get("target"), attainment=row.get("attainment"), score=score, vetoed=vetoed,
                       no_data=row.get("attainment") is None)
        else:
            q = (a.qualitative or {}).get(item["key"])
            out.update(max_score=item.get("max_score", 100), score=None if q is None else q["score"])
        items.append(out)
    a.items = items
    t = scoring.total_of(items, a.qualitative or {})
    a.total, a.vetoed = t.total, t.vetoed
    if t.total is None:
        a.grade = None
    else:
        a.grade = scoring.lowest_grade(card.grades) if t.vetoed else scoring.grade_of(t.total, card.grades)


def completeness(a: Assessment) -> dict[str, Any]:
    """Which indicator items have no data, and the share of the weight the total was taken over."""
    items = a.items or []
    missing = [i["key"] for i in items if scoring.no_data(i)]
    weight = sum(i["weight"] for i in items)
    counted = sum(i["weight"] for i in items if not scoring.no_data(i))
    return {"missing": missing, "incomplete": bool(missing),
            "weight_counted": round(counted / weight * 100, 4) if weight else 0.0,
            "incomplete_reason": a.incomplete_reason}


def assessment_data(a: Assessment) -> dict[str, Any]:
    return {"id": a.id, "scorecard_id": a.scorecard_id, "unit_id": a.unit_id, "unit_path": a.unit_path,
            "subject_kind": a.subject_kind, "person_id": a.person_id, "person_name": a.person_name,
            "period": a.period, "kind": a.kind, "status": a.status, "total": a.total, "grade": a.grade,
            "vetoed": a.vetoed, **completeness(a), "outcomes": a.outcomes or [], "items": a.items or [],
            "finalized_by": a.finalized_by,
            "finalized_at": a.finalized_at.isoformat() if a.finalized_at else None, "version": a.version}
