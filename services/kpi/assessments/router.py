"""Scorecards and assessments: only holders of assess over the unit create, score and finalise."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.db import Session, utcnow
from services.common.i18n import zh_list
from services.common.problems import Conflict, Invalid, NotFound
from services.common.scoping import visible_to
from services.common.security import CurrentPrincipal
from services.kpi import assessments as domain
from services.kpi.aggregate import Library
from services.kpi.api.deps import audit, unit_or_422
from services.kpi.journal import journal
from services.kpi.models import Assessment, OrgUnit, Scorecard
from services.kpi.schemas import (
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

router = APIRouter(tags=["assessments"])


@router.get("/scorecards", response_model=Page[ScorecardRead], summary="Scorecard templates (view over their unit)")
async def list_scorecards(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                          cursor: str | None = CursorParam):
    stmt = select(Scorecard).where(visible_to(principal, "view", Scorecard.unit_path))
    rows, nxt = await paginate(session, stmt, Scorecard.id, limit=limit, cursor=cursor)
    return Page[ScorecardRead](items=[ScorecardRead.model_validate(s) for s in rows], next_cursor=nxt)


@router.get("/scorecards/{scorecard_id}", response_model=ScorecardRead)
async def get_scorecard(scorecard_id: int, session: Session, principal: CurrentPrincipal, response: Response):
    card = await session.get(Scorecard, scorecard_id)
    if card is None:
        raise NotFound(f"There is no scorecard with id {scorecard_id}.", zh=f"没有编号为 {scorecard_id} 的考核模板。")
    principal.require("view", card.unit_path, what="this scorecard's unit")
    set_etag(response, etag("scorecard", card.id, card.version))
    return card


def _checked(lib: Library, items: list[ScorecardItem], grades: list[GradeBand],
             outcomes: dict[str, list[Outcome]]) -> tuple[list[dict], list[dict], dict[str, list[dict]]]:
    """A template's parts as stored, after the checks a new and a changed template both pass."""
    keys = set()
    for n, item in enumerate(items):
        if item.key in keys:
            raise Invalid(f"Item key '{item.key}' is used twice.", field=f"items.{n}.key", zh=f"考核项“{item.key}”重复了。")
        keys.add(item.key)
        if item.kind == "indicator":
            if not item.indicator_code or item.indicator_code not in lib.by_code:
                raise Invalid(f"There is no indicator '{item.indicator_code}'.", field=f"items.{n}.indicator_code",
                              zh=f"没有指标“{item.indicator_code}”。")
            if item.rule and item.rule.type == "tiered" and not item.rule.tiers:
                raise Invalid("A tiered rule needs at least one tier.", field=f"items.{n}.rule.tiers", zh="阶梯计分至少需要一档。")
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


@router.post("/scorecards", response_model=ScorecardRead, status_code=201,
             summary="Create a scorecard template (assess over its unit); weights add up to 100")
async def create_scorecard(body: ScorecardCreate, request: Request, response: Response, session: Session,
                           principal: CurrentPrincipal):
    unit = await unit_or_422(session, body.unit_id)
    grant = principal.require("assess", unit.path, what=unit.name)
    items, grades, outcomes = _checked(await Library.load(session), body.items, body.grades, body.outcomes)
    card = Scorecard(name=body.name, unit_id=unit.id, unit_path=unit.path, subject_kind=body.subject_kind,
                     items=items, grades=grades, outcomes=outcomes, created_by=principal.sub)
    session.add(card)
    await session.flush()
    out = ScorecardRead.model_validate(card)
    await audit(session, request, principal, "scorecard.created", "scorecard", card.id, unit_path=unit.path,
                grant=grant, after=out.model_dump(mode="json"))
    set_etag(response, etag("scorecard", card.id, card.version))
    return out


async def _card_to_change(session, request, principal, scorecard_id: int) -> tuple[Scorecard, Any]:
    card = await session.get(Scorecard, scorecard_id)
    if card is None:
        raise NotFound(f"There is no scorecard with id {scorecard_id}.", zh=f"没有编号为 {scorecard_id} 的考核模板。")
    grant = principal.require("assess", card.unit_path, what="this scorecard's unit")
    check_if_match(request, etag("scorecard", card.id, card.version))
    return card, grant


@router.patch("/scorecards/{scorecard_id}", response_model=ScorecardRead,
              summary="Change a template (assess over its unit; If-Match). Draft assessments are recomputed; "
                      "finalised ones keep the items they were scored on")
async def update_scorecard(scorecard_id: int, body: ScorecardUpdate, request: Request, response: Response,
                           session: Session, principal: CurrentPrincipal):
    card, grant = await _card_to_change(session, request, principal, scorecard_id)
    before = ScorecardRead.model_validate(card)
    lib = await Library.load(session)
    items, grades, outcomes = _checked(lib, before.items if body.items is None else body.items,
                                       before.grades if body.grades is None else body.grades,
                                       before.outcomes if body.outcomes is None else body.outcomes)
    card.items, card.grades, card.outcomes = items, grades, outcomes
    if body.name is not None:
        card.name = body.name
    drafts = (await session.execute(select(Assessment).where(Assessment.scorecard_id == card.id,
                                                             Assessment.status == "draft"))).scalars().all()
    for a in drafts:
        unit = await session.get(OrgUnit, a.unit_id)
        if unit is not None:
            await domain.compute(session, a, card, unit, lib=lib)
    await session.flush()
    out = ScorecardRead.model_validate(card)
    await audit(session, request, principal, "scorecard.updated", "scorecard", card.id, unit_path=card.unit_path,
                grant=grant, before=before.model_dump(mode="json"), after=out.model_dump(mode="json"))
    set_etag(response, etag("scorecard", card.id, card.version))
    return out


@router.delete("/scorecards/{scorecard_id}", status_code=204,
               summary="Delete a template no assessment uses (assess over its unit; If-Match)")
async def delete_scorecard(scorecard_id: int, request: Request, session: Session, principal: CurrentPrincipal):
    card, grant = await _card_to_change(session, request, principal, scorecard_id)
    used = (await session.execute(select(Assessment.id).where(Assessment.scorecard_id == card.id).limit(1))).first()
    if used:
        raise Conflict("Assessments were run on this template; change it instead of deleting it.",
                       zh="此模板已用于考核，不能删除；请改为修改它。")
    before = ScorecardRead.model_validate(card).model_dump(mode="json")
    await session.delete(card)
    await audit(session, request, principal, "scorecard.deleted", "scorecard", scorecard_id,
                unit_path=card.unit_path, grant=grant, before=before)
    return Response(status_code=204)


async def _load(session, assessment_id: int) -> Assessment:
    a = await session.get(Assessment, assessment_id)
    if a is None:
        raise NotFound(f"There is no assessment with id {assessment_id}.", zh=f"没有编号为 {assessment_id} 的考核。")
    return a


async def _reads(session, rows: list[Assessment]) -> list[AssessmentRead]:
    """Assessments with their template's and unit's names (one query each, whatever the page size)."""
    cards = dict((await session.execute(select(Scorecard.id, Scorecard.name).where(
        Scorecard.id.in_({a.scorecard_id for a in rows})))).all()) if rows else {}
    units = dict((await session.execute(select(OrgUnit.id, OrgUnit.name).where(
        OrgUnit.id.in_({a.unit_id for a in rows})))).all()) if rows else {}
    return [AssessmentRead.model_validate(a).model_copy(update={
        "scorecard_name": cards.get(a.scorecard_id, ""), "unit_name": units.get(a.unit_id, ""),
        **domain.completeness(a)}) for a in rows]


async def _read(session, a: Assessment, response: Response | None = None) -> AssessmentRead:
    if response is not None:
        set_etag(response, etag("assessment", a.id, a.version))
    return (await _reads(session, [a]))[0]


@router.get("/assessments", response_model=Page[AssessmentRead], summary="Assessments (view over their unit)")
async def list_assessments(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                           cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                           period: str | None = Query(None), status: str | None = Query(None)):
    stmt = select(Assessment).where(visible_to(principal, "view", Assessment.unit_path))
    if unit_id is not None:
        stmt = stmt.where(Assessment.unit_id == unit_id)
    if period:
        stmt = stmt.where(Assessment.period == period)
    if status:
        stmt = stmt.where(Assessment.status == status)
    rows, nxt = await paginate(session, stmt, Assessment.id, limit=limit, cursor=cursor)
    return Page[AssessmentRead](items=await _reads(session, rows), next_cursor=nxt)


@router.get("/assessments/{assessment_id}", response_model=AssessmentRead)
async def get_assessment(assessment_id: int, session: Session, principal: CurrentPrincipal, response: Response):
    a = await _load(session, assessment_id)
    principal.require("view", a.unit_path, what="this assessment's unit")
    return await _read(session, a, response)


@router.post("/assessments", response_model=AssessmentRead, status_code=201,
             summary="Start an assessment of a unit or person for a period (assess over the unit)")
async def create_assessment(body: AssessmentCreate, request: Request, response: Response, session: Session,
                            principal: CurrentPrincipal):
    unit = await unit_or_422(session, body.unit_id)
    grant = principal.require("assess", unit.path, what=unit.name)
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
    await domain.compute(session, a, card, unit, lib=await Library.load(session))
    session.add(a)
    await session.flush()
    out = await _read(session, a, response)
    await audit(session, request, principal, "assessment.created", "assessment", a.id, unit_path=unit.path,
                grant=grant, after=domain.assessment_data(a))
    return out


async def _editable(session, request, principal, assessment_id: int):
    a = await _load(session, assessment_id)
    grant = principal.require("assess", a.unit_path, what="this assessment's unit")
    check_if_match(request, etag("assessment", a.id, a.version))
    if a.status == "finalized":
        raise Conflict("This assessment is finalised; its result can no longer change.", zh="此考核已定稿，结果不能再更改。")
    card = await session.get(Scorecard, a.scorecard_id)
    unit = await session.get(OrgUnit, a.unit_id)
    if unit is None:
        raise Conflict("The assessed unit no longer exists in the org tree.", zh="被考核单位已不在组织树中。")
    return a, grant, card, unit


@router.put("/assessments/{assessment_id}/scores", response_model=AssessmentRead,
            summary="Score qualitative items (assess over the unit; If-Match)")
async def put_scores(assessment_id: int, body: ScoresUpdate, request: Request, response: Response,
                     session: Session, principal: CurrentPrincipal):
    a, grant, card, unit = await _editable(session, request, principal, assessment_id)
    items = {i["key"]: i for i in card.items}
    for key, q in body.qualitative.items():
        item = items.get(key)
        if item is None or item["kind"] != "qualitative":
            raise Invalid(f"'{key}' is not a qualitative item of this scorecard.", field=f"qualitative.{key}",
                          zh=f"此考核模板没有定性项“{key}”。")
        if q.score > item.get("max_score", 100):
            raise Invalid(f"'{key}' is scored out of {item.get('max_score', 100):g}.", field=f"qualitative.{key}.score",
                          zh=f"“{item.get('name') or key}”满分为 {item.get('max_score', 100):g}。")
    before = domain.assessment_data(a)
    a.qualitative = {**(a.qualitative or {}), **{k: {**q.model_dump(), "by": principal.sub}
                                                 for k, q in body.qualitative.items()}}
    await domain.compute(session, a, card, unit, lib=await Library.load(session))
    await session.flush()
    out = await _read(session, a, response)
    await audit(session, request, principal, "assessment.scored", "assessment", a.id, unit_path=a.unit_path,
                grant=grant, before=before, after=domain.assessment_data(a))
    return out


@router.post("/assessments/{assessment_id}/recompute", response_model=AssessmentRead,
             summary="Recompute indicator scores from the latest data (draft only)")
async def recompute(assessment_id: int, request: Request, response: Response, session: Session,
                    principal: CurrentPrincipal):
    a, grant, card, unit = await _editable(session, request, principal, assessment_id)
    await domain.compute(session, a, card, unit, lib=await Library.load(session))
    await session.flush()
    return await _read(session, a, response)


@router.post("/assessments/{assessment_id}/finalize", response_model=AssessmentRead,
             summary="Finalise: the result, grade and rewards / penalties become immutable (assess; If-Match)")
async def finalize(assessment_id: int, body: FinalizeBody, request: Request, response: Response, session: Session,
                   principal: CurrentPrincipal):
    a, grant, card, unit = await _editable(session, request, principal, assessment_id)
    lib = await Library.load(session)
    await domain.compute(session, a, card, unit, lib=lib)
    unscored = [i["key"] for i in a.items if i["kind"] == "qualitative" and i.get("score") is None]
    if unscored:
        raise Conflict(f"Score every qualitative item before finalising (missing: {', '.join(unscored)}).",
                       missing=unscored,
                       zh=f"定稿前请为每个定性项评分（尚未评分：{zh_list(i.get('name') or i['key'] for i in a.items if i['key'] in unscored)}）。")
    gaps = domain.completeness(a)
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
    before = domain.assessment_data(a)
    outcomes = ([o.model_dump() for o in body.outcomes] if body.outcomes is not None
                else list((card.outcomes or {}).get(a.grade, [])))
    a.outcomes = outcomes
    a.incomplete_reason = reason if gaps["incomplete"] else None
    a.status, a.finalized_by, a.finalized_at = "finalized", principal.sub, utcnow()
    await session.flush()
    out = await _read(session, a, response)
    data = domain.assessment_data(a)
    await audit(session, request, principal, "assessment.finalized", "assessment", a.id, unit_path=a.unit_path,
                grant=grant, before=before, after=data, note=body.note)
    await journal.emit(session, "kpi.assessment.finalized", a.id, data, a.unit_path)
    return out
