"""Scorecards and assessment runs (考核): indicator items scored from attainment, qualitative items by
the assessor. Only holders of assess over the unit create, score and finalise."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import paginate
from services.common.authz import Principal, Right
from services.common.db import utcnow
from services.common.guards import Allowed, Place, authorize
from services.common.i18n import zh_list
from services.common.periods import period as parse_period
from services.common.problems import Conflict, Invalid
from services.common.scoping import visible_to
from services.kpi.assessments.schemas import (
    AssessmentCreate,
    AssessmentRead,
    FinalizeBody,
    GradeBand,
    Outcome,
    ScorecardCreate,
    ScorecardItem,
    ScorecardRead,
    ScorecardUpdate,
    ScoresUpdate,
)
from services.kpi.assessments.scoring import grade_of, lowest_grade, no_data, score_item, total_of, with_routine
from services.kpi.evaluation.service import evaluate
from services.kpi.events import AssessmentFinalizedData
from services.kpi.indicators.library import Library
from services.kpi.journal import journal
from services.kpi.lookups import unit_or_422
from services.kpi.models import Assessment, OrgUnit, Scorecard
from services.kpi.sanctions.service import propose_from_assessment, scale_outcomes


async def compute(session: AsyncSession, a: Assessment, card: Scorecard, unit: OrgUnit, *, lib: Library) -> None:
    """(Re)compute the indicator items and the total of a draft assessment."""
    codes = {i["indicator_code"] for i in card.items if i["kind"] == "indicator"}
    rows = {r["indicator_code"]: r for r in await evaluate(session, lib=lib, unit=unit, p=parse_period(a.period),
                                                           codes=codes)}
    items: list[dict[str, Any]] = []
    for item in card.items:
        out = {"key": item["key"], "kind": item["kind"], "name": item.get("name", ""), "weight": item["weight"]}
        if item["kind"] == "indicator":
            row = rows.get(item["indicator_code"], {})
            rule = item.get("rule") or {"type": "linear_cap", "cap": 1.2}
            score, vetoed = score_item(rule, row.get("attainment"))
            out.update(indicator_code=item["indicator_code"], rule=rule, actual=row.get("actual"),
                       target=row.get("target"), attainment=row.get("attainment"), score=score, vetoed=vetoed,
                       no_data=row.get("attainment") is None)
        else:
            q = (a.qualitative or {}).get(item["key"])
            out.update(max_score=item.get("max_score", 100), score=None if q is None else q["score"])
        items.append(out)
    a.items = items
    t = total_of(items, a.qualitative or {})
    a.routine = await routine_part(session, a, card, own_total=t.total)
    total = t.total
    if a.routine is not None:
        total, _ = with_routine(t.total, t.vetoed, a.routine["weight"],
                                [r["total"] for r in a.routine["assessments"] if r["total"] is not None])
    a.total, a.vetoed = total, t.vetoed
    if total is None:
        a.grade = None
    else:
        a.grade = lowest_grade(card.grades) if t.vetoed else grade_of(total, card.grades)


async def routine_part(session: AsyncSession, a: Assessment, card: Scorecard, *,
                       own_total: float | None) -> dict[str, Any] | None:
    """An annual assessment's routine part (document 003): the finalised routine assessments of the same
    subject in its year, rolled in by the scorecard's weight. Computed with the draft; a finalised
    assessment keeps what it was finalised with, whatever the weight becomes."""
    weight = float(card.routine_weight or 0)
    if a.kind != "annual" or weight <= 0:
        return None
    year = a.period[:4]
    person = (Assessment.person_id.is_(None) & (Assessment.person_name == (a.person_name or ""))
              if a.person_id is None else Assessment.person_id == a.person_id)
    stmt = (select(Assessment, Scorecard.name).join(Scorecard, Scorecard.id == Assessment.scorecard_id)
            .where(Assessment.kind == "routine", Assessment.status == "finalized",
                   Assessment.unit_id == a.unit_id, Assessment.subject_kind == a.subject_kind,
                   Assessment.period.startswith(year), person)
            .order_by(Assessment.period, Assessment.id))
    if a.id is not None:
        stmt = stmt.where(Assessment.id != a.id)
    rows = (await session.execute(stmt)).all()
    results: list[dict[str, Any]] = [{"id": r.id, "period": r.period, "scorecard_name": name, "total": r.total,
                                      "grade": r.grade} for r, name in rows]
    _, average = with_routine(own_total, False, weight, [r.total for r, _ in rows if r.total is not None])
    return {"weight": weight, "year": year, "assessments": results, "average": average, "own_total": own_total}


def completeness(a: Assessment) -> dict[str, Any]:
    """Which indicator items have no data, and the share of the weight the total was taken over."""
    items = a.items or []
    missing = [i["key"] for i in items if no_data(i)]
    weight = sum(i["weight"] for i in items)
    counted = sum(i["weight"] for i in items if not no_data(i))
    return {"missing": missing, "incomplete": bool(missing),
            "weight_counted": round(counted / weight * 100, 4) if weight else 0.0,
            "incomplete_reason": a.incomplete_reason}


def assessment_data(a: Assessment) -> dict[str, Any]:
    return {"id": a.id, "scorecard_id": a.scorecard_id, "unit_id": a.unit_id, "unit_path": a.unit_path,
            "subject_kind": a.subject_kind, "person_id": a.person_id, "person_name": a.person_name,
            "period": a.period, "kind": a.kind, "status": a.status, "total": a.total, "grade": a.grade,
            "vetoed": a.vetoed, **completeness(a), "outcomes": a.outcomes or [], "items": a.items or [],
            "finalized_by": a.finalized_by,
            "finalized_at": a.finalized_at.isoformat() if a.finalized_at else None, "version": a.version,
            "routine": a.routine}


# --- scorecards ------------------------------------------------------------------------------

def _checked(lib: Library, items: list[ScorecardItem], grades: list[GradeBand],
             outcomes: dict[str, list[Outcome]]) -> tuple[list[dict], list[dict], dict[str, list[dict]]]:
    """A template's parts as stored, after the checks a new and a changed template both pass."""
    keys = set()
    for n, item in enumerate(items):
        if item.key in keys:
            raise Invalid(f"Item key '{item.key}' is used twice.", field=f"items.{n}.key",
                          zh=f"考核项“{item.key}”重复了。")
        keys.add(item.key)
        if item.kind == "indicator":
            if not item.indicator_code or item.indicator_code not in lib.by_code:
                raise Invalid(f"There is no indicator '{item.indicator_code}'.", field=f"items.{n}.indicator_code",
                              zh=f"没有指标“{item.indicator_code}”。")
            if item.rule and item.rule.type == "tiered" and not item.rule.tiers:
                raise Invalid("A tiered rule needs at least one tier.", field=f"items.{n}.rule.tiers",
                              zh="阶梯计分至少需要一档。")
    total = sum(i.weight for i in items)
    if abs(total - 100) > 1e-6:
        raise Invalid(f"The item weights add up to {total:g}; they must add up to 100.", field="items",
                      zh=f"考核项权重合计为 {total:g}%，应为 100%。")
    if not grades:
        raise Invalid("At least one grade band is needed.", field="grades", zh="至少需要一个等级。")
    unknown = sorted(set(outcomes) - {g.grade for g in grades})
    if unknown:
        raise Invalid(f"Outcomes name grades that do not exist: {', '.join(unknown)}.", field="outcomes",
                      zh=f"奖惩中的等级不存在：{zh_list(unknown)}。")
    return ([i.model_dump(exclude_none=True) for i in items], [g.model_dump() for g in grades],
            {k: [o.model_dump() for o in v] for k, v in outcomes.items()})


async def list_scorecards(session: AsyncSession, *, principal: Principal, limit: int,
                          cursor: str | None) -> tuple[list[ScorecardRead], str | None]:
    stmt = select(Scorecard).where(visible_to(principal, "view", Scorecard.unit_path))
    rows, nxt = await paginate(session, stmt, Scorecard.id, limit=limit, cursor=cursor)
    return [ScorecardRead.model_validate(s) for s in rows], nxt


async def create_scorecard(session: AsyncSession, *, principal: Principal, body: ScorecardCreate) -> ScorecardRead:
    unit = await unit_or_422(session, body.unit_id)
    grant = authorize(principal, Place(unit.path, unit.name), Right.assess)
    items, grades, outcomes = _checked(await Library.load(session), body.items, body.grades, body.outcomes)
    card = Scorecard(name=body.name, unit_id=unit.id, unit_path=unit.path, subject_kind=body.subject_kind,
                     items=items, grades=grades, outcomes=outcomes, routine_weight=body.routine_weight,
                     created_by=principal.sub)
    session.add(card)
    await session.flush()
    out = ScorecardRead.model_validate(card)
    await journal.audit(session, actor=principal, action="scorecard.created", subject_type="scorecard",
                        subject_id=card.id, unit_path=unit.path, grant=grant, after=out.model_dump(mode="json"))
    return out


async def update_scorecard(session: AsyncSession, *, scorecard: Allowed[Scorecard],
                           body: ScorecardUpdate) -> ScorecardRead:
    """Drafts are recomputed; finalised assessments keep the items they were scored on."""
    card = scorecard.item
    before = ScorecardRead.model_validate(card)
    lib = await Library.load(session)
    items, grades, outcomes = _checked(lib, before.items if body.items is None else body.items,
                                       before.grades if body.grades is None else body.grades,
                                       before.outcomes if body.outcomes is None else body.outcomes)
    card.items, card.grades, card.outcomes = items, grades, outcomes
    if body.name is not None:
        card.name = body.name
    if body.routine_weight is not None:
        card.routine_weight = body.routine_weight
    drafts = (await session.execute(select(Assessment).where(Assessment.scorecard_id == card.id,
                                                             Assessment.status == "draft"))).scalars().all()
    for a in drafts:
        unit = await session.get(OrgUnit, a.unit_id)
        if unit is not None:
            await compute(session, a, card, unit, lib=lib)
    await session.flush()
    out = ScorecardRead.model_validate(card)
    await journal.audit(session, actor=scorecard.principal, action="scorecard.updated", subject_type="scorecard",
                        subject_id=card.id, unit_path=card.unit_path, grant=scorecard.grant,
                        before=before.model_dump(mode="json"), after=out.model_dump(mode="json"))
    return out


async def delete_scorecard(session: AsyncSession, *, scorecard: Allowed[Scorecard]) -> None:
    """Only a template no assessment was run on."""
    card = scorecard.item
    used = (await session.execute(select(Assessment.id).where(Assessment.scorecard_id == card.id).limit(1))).first()
    if used:
        raise Conflict("Assessments were run on this template; change it instead of deleting it.",
                       zh="此模板已用于考核，不能删除；请改为修改它。")
    before = ScorecardRead.model_validate(card).model_dump(mode="json")
    await session.delete(card)
    await journal.audit(session, actor=scorecard.principal, action="scorecard.deleted", subject_type="scorecard",
                        subject_id=card.id, unit_path=card.unit_path, grant=scorecard.grant, before=before)


# --- assessments -----------------------------------------------------------------------------

async def assessment_reads(session: AsyncSession, rows: list[Assessment]) -> list[AssessmentRead]:
    """Assessments with their template's and unit's names (one query each, whatever the page size)."""
    cards = dict((await session.execute(select(Scorecard.id, Scorecard.name).where(
        Scorecard.id.in_({a.scorecard_id for a in rows})))).all()) if rows else {}
    units = dict((await session.execute(select(OrgUnit.id, OrgUnit.name).where(
        OrgUnit.id.in_({a.unit_id for a in rows})))).all()) if rows else {}
    return [AssessmentRead.model_validate(a).model_copy(update={
        "scorecard_name": cards.get(a.scorecard_id, ""), "unit_name": units.get(a.unit_id, ""),
        **completeness(a)}) for a in rows]


async def assessment_read(session: AsyncSession, a: Assessment) -> AssessmentRead:
    return (await assessment_reads(session, [a]))[0]


async def list_assessments(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                           unit_id: int | None, period: str | None,
                           status: str | None) -> tuple[list[AssessmentRead], str | None]:
    stmt = select(Assessment).where(visible_to(principal, "view", Assessment.unit_path))
    if unit_id is not None:
        stmt = stmt.where(Assessment.unit_id == unit_id)
    if period:
        stmt = stmt.where(Assessment.period == period)
    if status:
        stmt = stmt.where(Assessment.status == status)
    rows, nxt = await paginate(session, stmt, Assessment.id, limit=limit, cursor=cursor)
    return await assessment_reads(session, list(rows)), nxt


async def create_assessment(session: AsyncSession, *, principal: Principal, body: AssessmentCreate) -> AssessmentRead:
    unit = await unit_or_422(session, body.unit_id)
    grant = authorize(principal, Place(unit.path, unit.name), Right.assess)
    card = await session.get(Scorecard, body.scorecard_id)
    if card is None:
        raise Invalid(f"There is no scorecard with id {body.scorecard_id}.", field="scorecard_id",
                      zh=f"没有编号为 {body.scorecard_id} 的考核模板。")
    if card.subject_kind == "person" and body.person_id is None and not body.person_name:
        raise Invalid("This scorecard assesses a person: give person_id or person_name.", field="person_id",
                      zh="该模板考核个人，请填写被考核人。")
    dup = (await session.execute(select(Assessment.id).where(
        Assessment.scorecard_id == card.id, Assessment.unit_id == unit.id, Assessment.period == body.period,
        Assessment.person_id.is_(body.person_id) if body.person_id is None else Assessment.person_id == body.person_id,
        Assessment.person_name == body.person_name))).first()
    if dup:
        raise Conflict(f"This assessment exists already (id {dup[0]}).", assessment_id=dup[0],
                       zh=f"这项考核已存在（编号 {dup[0]}）。")
    a = Assessment(scorecard_id=card.id, unit_id=unit.id, unit_path=unit.path, subject_kind=card.subject_kind,
                   person_id=body.person_id, person_name=body.person_name, period=body.period, kind=body.kind,
                   status="draft", qualitative={}, outcomes=[], created_by=principal.sub)
    await compute(session, a, card, unit, lib=await Library.load(session))
    session.add(a)
    await session.flush()
    out = await assessment_read(session, a)
    await journal.audit(session, actor=principal, action="assessment.created", subject_type="assessment",
                        subject_id=a.id, unit_path=unit.path, grant=grant, after=assessment_data(a))
    return out


async def _editable(session: AsyncSession, a: Assessment) -> tuple[Scorecard, OrgUnit]:
    """A draft assessment's template and unit."""
    if a.status == "finalized":
        raise Conflict("This assessment is finalised; its result can no longer change.",
                       zh="此考核已定稿，结果不能再更改。")
    card = await session.get(Scorecard, a.scorecard_id)
    unit = await session.get(OrgUnit, a.unit_id)
    if unit is None:
        raise Conflict("The assessed unit no longer exists in the org tree.", zh="被考核单位已不在组织树中。")
    assert card is not None  # a template that assessments were run on is never deleted
    return card, unit


async def put_scores(session: AsyncSession, *, assessment: Allowed[Assessment], body: ScoresUpdate) -> AssessmentRead:
    a, principal = assessment.item, assessment.principal
    card, unit = await _editable(session, a)
    items = {i["key"]: i for i in card.items}
    for key, q in body.qualitative.items():
        item = items.get(key)
        if item is None or item["kind"] != "qualitative":
            raise Invalid(f"'{key}' is not a qualitative item of this scorecard.", field=f"qualitative.{key}",
                          zh=f"此考核模板没有定性项“{key}”。")
        if q.score > item.get("max_score", 100):
            raise Invalid(f"'{key}' is scored out of {item.get('max_score', 100):g}.", field=f"qualitative.{key}.score",
                          zh=f"“{item.get('name') or key}”满分为 {item.get('max_score', 100):g}。")
    before = assessment_data(a)
    a.qualitative = {**(a.qualitative or {}), **{k: {**q.model_dump(), "by": principal.sub}
                                                 for k, q in body.qualitative.items()}}
    await compute(session, a, card, unit, lib=await Library.load(session))
    await session.flush()
    out = await assessment_read(session, a)
    await journal.audit(session, actor=principal, action="assessment.scored", subject_type="assessment",
                        subject_id=a.id, unit_path=a.unit_path, grant=assessment.grant, before=before,
                        after=assessment_data(a))
    return out


async def recompute(session: AsyncSession, *, assessment: Allowed[Assessment]) -> AssessmentRead:
    a = assessment.item
    card, unit = await _editable(session, a)
    await compute(session, a, card, unit, lib=await Library.load(session))
    await session.flush()
    return await assessment_read(session, a)


async def finalize(session: AsyncSession, *, assessment: Allowed[Assessment], body: FinalizeBody) -> AssessmentRead:
    """The result, grade and rewards / penalties become immutable; ``kpi.assessment.finalized`` says so."""
    a, principal = assessment.item, assessment.principal
    card, unit = await _editable(session, a)
    lib = await Library.load(session)
    await compute(session, a, card, unit, lib=lib)
    unscored = [i["key"] for i in a.items if i["kind"] == "qualitative" and i.get("score") is None]
    if unscored:
        unscored_names = zh_list(i.get("name") or i["key"] for i in a.items if i["key"] in unscored)
        raise Conflict(f"Score every qualitative item before finalising (missing: {', '.join(unscored)}).",
                       missing=unscored, zh=f"定稿前请为每个定性项评分（尚未评分：{unscored_names}）。")
    gaps = completeness(a)
    names = "、".join(i.get("name") or (lib.by_code[i["indicator_code"]].name if i.get("indicator_code") in lib.by_code
                                         else i["key"]) for i in a.items if i["key"] in gaps["missing"])
    if a.total is None:
        raise Conflict("No item of this assessment has data yet; there is nothing to finalise.",
                       zh="本次考核的各项均无数据，无法定稿。", missing=gaps["missing"])
    reason = body.incomplete_reason.strip()
    if gaps["incomplete"] and not reason:
        raise Invalid(f"Some indicator items have no data ({', '.join(gaps['missing'])}); the total was taken over "
                      f"the others ({gaps['weight_counted']:g} % of the weight). Say why it is finalised as it is.",
                      zh=f"以下指标项无数据：{names}；总分按其余 {gaps['weight_counted']:g}% 的权重折算。"
                         f"定稿前请填写理由。",
                      field="incomplete_reason", missing=gaps["missing"])
    before = assessment_data(a)
    outcomes = ([o.model_dump() for o in body.outcomes] if body.outcomes is not None
                else list((card.outcomes or {}).get(a.grade or "", []))
                or (await scale_outcomes(session, grade=a.grade, subject_kind=a.subject_kind)
                    if a.kind == "annual" else []))
    a.outcomes = outcomes
    a.incomplete_reason = reason if gaps["incomplete"] else None
    a.status, a.finalized_by, a.finalized_at = "finalized", principal.sub, utcnow()
    await session.flush()
    out = await assessment_read(session, a)
    data = assessment_data(a)
    await journal.audit(session, actor=principal, action="assessment.finalized", subject_type="assessment",
                        subject_id=a.id, unit_path=a.unit_path, grant=assessment.grant, before=before, after=data,
                        note=body.note)
    await journal.emit(session, "kpi.assessment.finalized", a.id, AssessmentFinalizedData(**data), a.unit_path)
    # its outcomes become proposed rewards / penalties, for a holder of assess to confirm
    await propose_from_assessment(session, a=a, principal=principal, grant=assessment.grant)
    return out
