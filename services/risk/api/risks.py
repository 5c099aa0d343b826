"""The risk register: risks, their assessments, response, acceptance sign-off, contingency plan, actions."""

from __future__ import annotations

from datetime import date
from enum import Enum

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.db import Session, utcnow
from services.common.i18n import field_label, zh_list
from services.common.org_units import load_unit
from services.common.problems import Conflict, Forbidden, Invalid
from services.common.security import CurrentPrincipal
from services.risk import register
from services.risk.api.deps import (
    ValidAction,
    ValidRisk,
    is_owner,
    require_any,
    require_plan,
    require_view,
    risk_visibility,
    unit_of,
)
from services.risk.journal import journal
from services.risk.models import Alert, Assessment, Kri, OrgUnit, Risk, RiskAction
from services.risk.schemas import (
    AcceptanceCreate,
    ActionCreate,
    ActionRead,
    ActionUpdate,
    ActivationCreate,
    AssessmentCreate,
    AssessmentKind,
    AssessmentRead,
    AssessmentResult,
    Category,
    Level,
    RiskCreate,
    RiskRead,
    RiskUpdate,
    Status,
    Strategy,
)

router = APIRouter(tags=["risks"])

# Fields a risk's owner may change without holding plan over its unit.
OWNER_FIELDS = {"description", "status", "strategy", "strategy_note", "next_review_date", "contingency_plan"}


def risk_etag(risk: Risk) -> str:
    return etag("risk", risk.id, risk.version)


async def units_by_id(session, ids) -> dict[int, OrgUnit]:
    ids = set(ids)
    if not ids:
        return {}
    return {u.id: u for u in (await session.execute(select(OrgUnit).where(OrgUnit.id.in_(ids)))).scalars()}


def register_query(principal, *, unit: OrgUnit | None = None, category=None, status=None, level=None,
                   owner_id=None, plan_id=None, strategy=None, q=None, review_before=None):
    stmt = select(Risk).join(OrgUnit, OrgUnit.id == Risk.unit_id).where(risk_visibility(principal))
    if unit is not None:
        stmt = stmt.where(OrgUnit.path.startswith(unit.path, autoescape=True))
    for col, val in ((Risk.category, category), (Risk.status, status), (Risk.current_level, level),
                     (Risk.owner_id, owner_id), (Risk.plan_id, plan_id), (Risk.strategy, strategy)):
        if val is not None:
            stmt = stmt.where(col == (val.value if hasattr(val, "value") else val))
    if q:
        stmt = stmt.where(Risk.title.contains(q, autoescape=True))
    if review_before is not None:
        stmt = stmt.where(Risk.next_review_date <= review_before)
    return stmt


@router.get("/risks", response_model=Page[RiskRead], summary="The register: risks you may see, filtered")
async def list_risks(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                     cursor: str | None = CursorParam,
                     unit_id: int | None = Query(None, description="Only this unit's subtree"),
                     category: Category | None = None, status: Status | None = None, level: Level | None = None,
                     owner_id: int | None = None, plan_id: int | None = None, strategy: Strategy | None = None,
                     q: str | None = Query(None, max_length=200, description="Words in the title"),
                     review_before: date | None = Query(None, description="Next review on or before this date")):
    unit = await load_unit(session, OrgUnit, unit_id) if unit_id is not None else None
    stmt = register_query(principal, unit=unit, category=category, status=status, level=level, owner_id=owner_id,
                          plan_id=plan_id, strategy=strategy, q=q, review_before=review_before)
    rows, nxt = await paginate(session, stmt, Risk.id, limit=limit, cursor=cursor)
    units = await units_by_id(session, (r.unit_id for r in rows))
    return Page[RiskRead](items=[register.to_read(r, units.get(r.unit_id)) for r in rows], next_cursor=nxt)


@router.post("/risks", response_model=RiskRead, status_code=201, summary="Register a risk (plan over the unit)")
async def create_risk(body: RiskCreate, session: Session, principal: CurrentPrincipal, request: Request,
                      response: Response):
    unit = await load_unit(session, OrgUnit, body.unit_id)
    grant = require_plan(principal, unit)
    fields = body.model_dump(exclude={"unit_id"})
    fields["category"] = body.category.value
    risk = await register.create(session, actor=principal, unit=unit, grant=grant, fields=fields, request=request)
    set_etag(response, risk_etag(risk))
    return register.to_read(risk, unit)


@router.get("/risks/{risk_id}", response_model=RiskRead)
async def get_risk(risk: ValidRisk, session: Session, principal: CurrentPrincipal, response: Response):
    unit = await unit_of(session, risk.unit_id)
    require_view(principal, risk, unit)
    set_etag(response, risk_etag(risk))
    return register.to_read(risk, unit)


@router.patch("/risks/{risk_id}", response_model=RiskRead,
              summary="Change a risk: fields, status, strategy, contingency plan (If-Match)")
async def update_risk(risk: ValidRisk, body: RiskUpdate, session: Session, principal: CurrentPrincipal,
                      request: Request, response: Response):
    unit = await unit_of(session, risk.unit_id)
    changes = {k: v.value if isinstance(v, Enum) else v for k, v in body.model_dump(exclude_unset=True).items()}
    grant = None
    if principal.can("plan", unit.path):
        grant = require_plan(principal, unit, "change its risks")
    elif is_owner(principal, risk.owner_id):
        beyond = sorted(set(changes) - OWNER_FIELDS)
        if beyond:
            raise Forbidden(f"As the risk's owner you may change {', '.join(sorted(OWNER_FIELDS))}; changing "
                            f"{', '.join(beyond)} needs the 'plan' right over {unit.name}.", right="plan",
                            unit_path=unit.path,
                            zh=f"作为风险责任人，您可以修改{zh_list(field_label(f) for f in sorted(OWNER_FIELDS))}；修改{zh_list(field_label(f) for f in beyond)}需要对{unit.name}的计划权。")
    else:
        require_view(principal, risk, unit)
        require_plan(principal, unit, "change its risks")
    check_if_match(request, risk_etag(risk))
    for key in ("title", "category", "unit_id"):
        if key in changes and changes[key] is None:
            raise Invalid(f"{key} cannot be emptied.", field=key, zh=f"{field_label(key)}不能清空。")
    new_unit = unit
    if changes.get("unit_id") is not None and changes["unit_id"] != risk.unit_id:
        new_unit = await load_unit(session, OrgUnit, changes["unit_id"])
        require_plan(principal, new_unit, "move risks into it")
    before = register.snapshot(risk, unit)
    await register.update(session, risk=risk, changes=changes)
    after = register.snapshot(risk, new_unit)
    action = "risk.status.changed" if before["status"] != after["status"] else "risk.updated"
    await journal.audit(session, actor=principal, action=action, subject_type="risk", subject_id=risk.id,
                        unit_path=new_unit.path, grant=grant, before=before, after=after, request=request)
    set_etag(response, risk_etag(risk))
    return register.to_read(risk, new_unit)


@router.delete("/risks/{risk_id}", status_code=204,
               summary="Delete a risk registered by mistake (never assessed, no KRIs); otherwise close it")
async def delete_risk(risk: ValidRisk, session: Session, principal: CurrentPrincipal, request: Request):
    unit = await unit_of(session, risk.unit_id)
    grant = require_plan(principal, unit, "delete its risks")
    check_if_match(request, risk_etag(risk))
    has_kri = (await session.execute(select(Kri.id).where(Kri.risk_id == risk.id).limit(1))).first() is not None
    if risk.current_level is not None or has_kri:
        raise Conflict("Only a risk never assessed and without KRIs can be deleted; close this one instead "
                       "(its history stays in the register).", field="status",
                       zh="只有从未评估且没有关键风险指标的风险才能删除；请改为关闭（其历史仍保留在登记册中）。")
    before = register.snapshot(risk, unit)
    await session.delete(risk)
    await session.flush()
    await journal.audit(session, actor=principal, action="risk.deleted", subject_type="risk", subject_id=before["id"],
                        unit_path=unit.path, grant=grant, before=before, request=request)
    return Response(status_code=204)


# ---- assessments

@router.post("/risks/{risk_id}/assessments", response_model=AssessmentResult, status_code=201,
             summary="Assess a risk: likelihood × impact → score and level (plan over the unit)")
async def assess_risk(risk: ValidRisk, body: AssessmentCreate, session: Session, principal: CurrentPrincipal,
                      request: Request, response: Response):
    unit = await unit_of(session, risk.unit_id)
    grant = require_plan(principal, unit)
    check_if_match(request, risk_etag(risk))
    a, previous = await register.assess(session, risk=risk, unit=unit, actor=principal, grant=grant,
                                        likelihood=body.likelihood, impact=body.impact, kind=body.kind.value,
                                        note=body.note, request=request)
    set_etag(response, risk_etag(risk))
    return AssessmentResult(**AssessmentRead.model_validate(a).model_dump(), previous_level=previous,
                            level_changed=previous != a.level)


@router.get("/risks/{risk_id}/assessments", response_model=Page[AssessmentRead], summary="Assessment history")
async def list_assessments(risk: ValidRisk, session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                           cursor: str | None = CursorParam, kind: AssessmentKind | None = None):
    require_view(principal, risk, await unit_of(session, risk.unit_id))
    stmt = select(Assessment).where(Assessment.risk_id == risk.id)
    if kind is not None:
        stmt = stmt.where(Assessment.kind == kind.value)
    rows, nxt = await paginate(session, stmt, Assessment.id, limit=limit, cursor=cursor)
    return Page[AssessmentRead](items=[AssessmentRead.model_validate(a) for a in rows], next_cursor=nxt)


# ---- acceptance sign-off and contingency plan

@router.post("/risks/{risk_id}/acceptance", response_model=RiskRead,
             summary="Sign off accepting the risk until an expiry date (veto or plan over the unit)")
async def sign_acceptance(risk: ValidRisk, body: AcceptanceCreate, session: Session, principal: CurrentPrincipal,
                          request: Request, response: Response):
    unit = await unit_of(session, risk.unit_id)
    grant = require_any(principal, ("veto", "plan"), unit, "sign off accepting its risks")
    check_if_match(request, risk_etag(risk))
    await register.sign_acceptance(session, risk=risk, unit=unit, actor=principal, grant=grant,
                                   expires_on=body.expires_on, note=body.note, request=request)
    set_etag(response, risk_etag(risk))
    return register.to_read(risk, unit)


@router.post("/risks/{risk_id}/contingency/activate", response_model=list[ActionRead], status_code=201,
             summary="Activate the contingency plan: its steps become tracked actions (dispatch or plan)")
async def activate_contingency(risk: ValidRisk, body: ActivationCreate, session: Session,
                               principal: CurrentPrincipal, request: Request):
    unit = await unit_of(session, risk.unit_id)
    grant = require_any(principal, ("dispatch", "plan"), unit, "activate its contingency plans")
    if body.alert_id is not None:
        alert = await session.get(Alert, body.alert_id)
        if alert is None or alert.risk_id != risk.id:
            raise Invalid(f"The alert {body.alert_id} is not an alert on this risk.", field="alert_id",
                          zh=f"预警 {body.alert_id} 不是此风险的预警。")
    actions = await register.activate_contingency(session, risk=risk, unit=unit, actor=principal, grant=grant,
                                                  reason=body.reason, alert_id=body.alert_id, request=request)
    return [ActionRead.model_validate(a) for a in actions]


# ---- actions (measures and contingency steps)

@router.get("/risks/{risk_id}/actions", response_model=Page[ActionRead], summary="The risk's tracked actions")
async def list_actions(risk: ValidRisk, session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                       cursor: str | None = CursorParam, status: str | None = Query(None),
                       source: str | None = Query(None, pattern="^(measure|contingency)$")):
    require_view(principal, risk, await unit_of(session, risk.unit_id))
    stmt = select(RiskAction).where(RiskAction.risk_id == risk.id)
    if status:
        stmt = stmt.where(RiskAction.status == status)
    if source:
        stmt = stmt.where(RiskAction.source == source)
    rows, nxt = await paginate(session, stmt, RiskAction.id, limit=limit, cursor=cursor)
    return Page[ActionRead](items=[ActionRead.model_validate(a) for a in rows], next_cursor=nxt)


@router.post("/risks/{risk_id}/actions", response_model=ActionRead, status_code=201,
             summary="Add a response measure (措施) as a tracked action (plan over the unit, or the owner)")
async def create_action(risk: ValidRisk, body: ActionCreate, session: Session, principal: CurrentPrincipal,
                        request: Request, response: Response):
    unit = await unit_of(session, risk.unit_id)
    grant = None if is_owner(principal, risk.owner_id) else require_plan(principal, unit, "add measures")
    if risk.status == "closed":
        raise Conflict("The risk is closed.", field="status", zh="此风险已关闭。")
    action = RiskAction(risk_id=risk.id, source="measure", title=body.title, owner_id=body.owner_id, due=body.due,
                        note=body.note, status="open", created_by=principal.sub)
    session.add(action)
    await session.flush()
    await journal.audit(session, actor=principal, action="action.created", subject_type="action",
                        subject_id=action.id, unit_path=unit.path, grant=grant,
                        after=ActionRead.model_validate(action).model_dump(mode="json"), request=request)
    set_etag(response, etag("action", action.id, action.version))
    return action


@router.get("/actions/{action_id}", response_model=ActionRead)
async def get_action(action: ValidAction, session: Session, principal: CurrentPrincipal, response: Response):
    risk = await session.get(Risk, action.risk_id)
    require_view(principal, risk, await unit_of(session, risk.unit_id))
    set_etag(response, etag("action", action.id, action.version))
    return action


@router.patch("/actions/{action_id}", response_model=ActionRead,
              summary="Update an action: progress, done (its owner, the risk's owner, or plan over the unit)")
async def update_action(action: ValidAction, body: ActionUpdate, session: Session, principal: CurrentPrincipal,
                        request: Request, response: Response):
    risk = await session.get(Risk, action.risk_id)
    unit = await unit_of(session, risk.unit_id)
    grant = None
    if not (is_owner(principal, action.owner_id) or is_owner(principal, risk.owner_id)):
        grant = require_any(principal, ("plan", "dispatch"), unit, "update its risk actions")
    check_if_match(request, etag("action", action.id, action.version))
    changes = body.model_dump(exclude_unset=True)
    if "title" in changes and changes["title"] is None:
        raise Invalid("title cannot be emptied.", field="title", zh="风险名称不能清空。")
    if "status" in changes and changes["status"] is None:
        raise Invalid("status cannot be emptied.", field="status", zh="状态不能清空。")
    before = ActionRead.model_validate(action).model_dump(mode="json")
    for k, v in changes.items():
        setattr(action, k, v.value if hasattr(v, "value") else v)
    if "status" in changes:
        action.completed_at = utcnow() if action.status in ("done", "cancelled") else None
    await session.flush()
    await journal.audit(session, actor=principal, action="action.updated", subject_type="action",
                        subject_id=action.id, unit_path=unit.path, grant=grant, before=before,
                        after=ActionRead.model_validate(action).model_dump(mode="json"), request=request)
    set_etag(response, etag("action", action.id, action.version))
    return action
