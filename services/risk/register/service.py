"""The register's rules: lifecycle, assessment, response, acceptance sign-off, contingency activation.

Plain async functions over a session; they flush, audit and emit, and never commit. Who may act on a
risk is settled by deps.py before these run (the grant comes in with the risk); checks that depend on
what is sent (the unit a risk moves to, the fields its owner changes) are made here.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import Page, paginate
from services.common.authz import Grant, Principal, Right
from services.common.db import utcnow
from services.common.guards import Allowed
from services.common.i18n import field_label, zh_list
from services.common.problems import Conflict, Forbidden, Invalid
from services.risk.access import OwnerOrAllowed, grant_over, risk_visibility
from services.risk.actions.schemas import ActionRead
from services.risk.events import RiskAssessedData, RiskLevelChangedData
from services.risk.journal import journal
from services.risk.matrix import service as matrices
from services.risk.models import Alert, Assessment, Kri, OrgUnit, Risk, RiskAction
from services.risk.register.schemas import (
    CATEGORY_LABELS,
    AcceptanceCreate,
    AcceptanceRead,
    ActivationCreate,
    AssessmentCreate,
    AssessmentKind,
    AssessmentRead,
    AssessmentResult,
    Category,
    ContingencyPlan,
    RiskCreate,
    RiskRead,
    RiskUpdate,
    ScoreRead,
    Status,
    Strategy,
)
from services.risk.units import given_unit, unit_of, units_by_id

# the SPA's words (frontend/src/locales/zh-CN/risk.json), for Chinese messages
STATUS_ZH = {"identified": "已识别", "assessed": "已评估", "treating": "处置中", "monitoring": "监控中",
             "closed": "已关闭"}

# Where each status may go by an explicit change; "assessed" is also entered by assessing.
TRANSITIONS: dict[str, set[str]] = {
    "identified": {"closed"},
    "assessed": {"treating", "monitoring", "closed"},
    "treating": {"assessed", "monitoring", "closed"},
    "monitoring": {"assessed", "treating", "closed"},
    "closed": {"identified", "assessed"},
}

# Fields a risk's owner may change without holding plan over its unit.
OWNER_FIELDS = {"description", "status", "strategy", "strategy_note", "next_review_date", "contingency_plan"}


def _score(likelihood: int | None, impact: int | None, score: int | None, level: str | None) -> ScoreRead | None:
    if likelihood is None or impact is None or score is None or level is None:
        return None
    return ScoreRead.model_validate({"likelihood": likelihood, "impact": impact, "score": score, "level": level})


def acceptance_valid(risk: Risk, on: date | None = None) -> bool:
    return bool(risk.acceptance_signed_by and risk.acceptance_expires_on
                and risk.acceptance_expires_on >= (on or clock.today()))


def to_read(risk: Risk, unit: OrgUnit | None) -> RiskRead:
    acceptance = None
    if risk.acceptance_signed_by and risk.acceptance_expires_on and risk.acceptance_signed_at:
        acceptance = AcceptanceRead(signed_by=risk.acceptance_signed_by, signed_name=risk.acceptance_signed_name,
                                    signed_at=risk.acceptance_signed_at, expires_on=risk.acceptance_expires_on,
                                    expired=not acceptance_valid(risk), grant=risk.acceptance_grant)
    return RiskRead.model_validate({
        "id": risk.id, "title": risk.title, "description": risk.description, "category": risk.category,
        "category_label": CATEGORY_LABELS.get(risk.category, risk.category), "unit_id": risk.unit_id,
        "unit_path": unit.path if unit else None, "unit_name": unit.name if unit else None,
        "owner_id": risk.owner_id, "plan_id": risk.plan_id, "status": risk.status, "strategy": risk.strategy,
        "strategy_note": risk.strategy_note, "next_review_date": risk.next_review_date,
        "inherent": _score(risk.inherent_likelihood, risk.inherent_impact, risk.inherent_score, risk.inherent_level),
        "residual": _score(risk.residual_likelihood, risk.residual_impact, risk.residual_score, risk.residual_level),
        "current": _score(risk.current_likelihood, risk.current_impact, risk.current_score, risk.current_level),
        "level": risk.current_level, "assessed_at": risk.assessed_at,
        "contingency_plan": ContingencyPlan.model_validate(risk.contingency_plan) if risk.contingency_plan else None,
        "contingency_activated_at": risk.contingency_activated_at, "acceptance": acceptance,
        "created_at": risk.created_at, "updated_at": risk.updated_at, "version": risk.version})


def snapshot(risk: Risk, unit: OrgUnit | None) -> dict[str, Any]:
    return to_read(risk, unit).model_dump(mode="json")


def plain_value(v: Any) -> Any:
    """An enum member as its value (what the columns hold); anything else as it is."""
    return v.value if isinstance(v, Enum) else v


# ---- the register

def register_query(principal: Principal, *, unit: OrgUnit | None = None, category: Category | None = None,
                   status: Status | None = None, level: str | None = None, owner_id: int | None = None,
                   plan_id: int | None = None, strategy: Strategy | None = None, q: str | None = None,
                   review_before: date | None = None) -> Select[Risk]:
    """The risks the principal may see, filtered (the register's list and its Excel export)."""
    stmt = select(Risk).join(OrgUnit, OrgUnit.id == Risk.unit_id).where(risk_visibility(principal))
    if unit is not None:
        stmt = stmt.where(OrgUnit.path.startswith(unit.path, autoescape=True))
    filters: tuple[tuple[Any, Any], ...] = (
        (Risk.category, category), (Risk.status, status), (Risk.current_level, level), (Risk.owner_id, owner_id),
        (Risk.plan_id, plan_id), (Risk.strategy, strategy))
    for col, val in filters:
        if val is not None:
            stmt = stmt.where(col == plain_value(val))
    if q:
        stmt = stmt.where(Risk.title.contains(q, autoescape=True))
    if review_before is not None:
        stmt = stmt.where(Risk.next_review_date <= review_before)
    return stmt


async def list_risks(session: AsyncSession, *, principal: Principal, limit: int, cursor: str | None,
                     unit_id: int | None = None, category: Category | None = None, status: Status | None = None,
                     level: str | None = None, owner_id: int | None = None, plan_id: int | None = None,
                     strategy: Strategy | None = None, q: str | None = None,
                     review_before: date | None = None) -> Page[RiskRead]:
    unit = await given_unit(session, unit_id) if unit_id is not None else None
    stmt = register_query(principal, unit=unit, category=category, status=status, level=level, owner_id=owner_id,
                          plan_id=plan_id, strategy=strategy, q=q, review_before=review_before)
    rows, nxt = await paginate(session, stmt, Risk.id, limit=limit, cursor=cursor)
    units = await units_by_id(session, (r.unit_id for r in rows))
    return Page[RiskRead](items=[to_read(r, units.get(r.unit_id)) for r in rows], next_cursor=nxt)


async def read_risk(session: AsyncSession, *, risk: Risk) -> RiskRead:
    return to_read(risk, await unit_of(session, risk.unit_id))


async def create(session: AsyncSession, *, actor: Principal | str, unit: OrgUnit, grant: Grant | None,
                 fields: dict[str, Any]) -> Risk:
    """A new risk in the unit (status identified), in the audit chain."""
    risk = Risk(**fields, unit_id=unit.id, status="identified",
                created_by=actor.sub if isinstance(actor, Principal) else str(actor))
    session.add(risk)
    await session.flush()
    await journal.audit(session, actor=actor, action="risk.created", subject_type="risk", subject_id=risk.id,
                        unit_path=unit.path, grant=grant, after=snapshot(risk, unit))
    return risk


async def register_risk(session: AsyncSession, *, principal: Principal, body: RiskCreate) -> RiskRead:
    """Register a risk: plan over the unit it belongs to."""
    unit = await given_unit(session, body.unit_id)
    grant = grant_over(principal, unit, (Right.plan,), "register or assess its risks")
    fields = body.model_dump(exclude={"unit_id"})
    fields["category"] = body.category.value
    risk = await create(session, actor=principal, unit=unit, grant=grant, fields=fields)
    return to_read(risk, unit)


def check_treating(risk: Risk) -> None:
    """A high or critical risk enters treating only with a contingency plan (预案)."""
    if risk.strategy is None:
        raise Conflict("Choose a response strategy (avoid, reduce, transfer or accept) before treating the risk.",
                       field="strategy", zh="进入处置前请选择应对策略（规避、降低、转移或接受）。")
    if risk.current_level in matrices.SEVERE and not risk.contingency_plan:
        level_zh = matrices.LEVEL_ZH.get(risk.current_level, risk.current_level)
        raise Conflict(f"This risk is {risk.current_level}: it cannot move to treating without a contingency "
                       "plan (预案: trigger, steps, owner, fallback resources).", field="contingency_plan",
                       zh=f"此风险等级为{level_zh}：须先制定应急预案（触发条件、处置步骤、负责人、备用资源）才能进入处置。")


def check_acceptance(risk: Risk) -> None:
    """Accepting a high or critical risk needs a live sign-off by a holder of veto or plan over its unit."""
    if risk.strategy == "accept" and risk.current_level in matrices.SEVERE and not acceptance_valid(risk):
        level_zh = matrices.LEVEL_ZH.get(risk.current_level, risk.current_level)
        raise Conflict(f"Accepting a {risk.current_level} risk needs a sign-off by a holder of 'veto' or 'plan' "
                       f"over its unit: POST /api/risk/risks/{risk.id}/acceptance with an expiry date.",
                       field="strategy",
                       zh=f"接受{level_zh}风险须由对其单位有否决权或计划权的人员签署风险接受，并注明有效期。")


async def update(session: AsyncSession, *, risk: Risk, changes: dict[str, Any]) -> None:
    """Apply a PATCH: fields first, then the status change with its rules."""
    status = changes.pop("status", None)
    if "contingency_plan" in changes and changes["contingency_plan"] is not None:
        plan = ContingencyPlan.model_validate(changes["contingency_plan"])
        changes["contingency_plan"] = plan.model_dump(mode="json")
    if "strategy" in changes and changes["strategy"] != risk.strategy and risk.strategy == "accept":
        # A new strategy means a new decision: an earlier sign-off does not carry over.
        _clear_acceptance(risk)
    owner_changed = "owner_id" in changes and changes["owner_id"] != risk.owner_id
    for k, v in changes.items():
        setattr(risk, k, v)
    if owner_changed:
        # Alerts still open go to the new owner's inbox.
        for alert in (await session.execute(select(Alert).where(Alert.risk_id == risk.id,
                                                                Alert.status != "resolved"))).scalars():
            alert.owner_id = risk.owner_id
    if "strategy" in changes and changes["strategy"] == "accept":
        check_acceptance(risk)
    if status is not None and status != risk.status:
        allowed = TRANSITIONS.get(risk.status, set())
        if status not in allowed:
            hint = " Assess it first (POST .../assessments)." if risk.status == "identified" else ""
            zh = (f"风险不能从{STATUS_ZH.get(risk.status, risk.status)}变为{STATUS_ZH.get(status, status)}。"
                  + ("请先评估。" if risk.status == "identified" else ""))
            raise Conflict(f"A risk cannot go from {risk.status} to {status}.{hint}", field="status",
                           allowed=sorted(allowed), zh=zh)
        if status == "assessed" and risk.current_level is None:
            raise Conflict("The risk has never been assessed; assess it to make it assessed.", field="status",
                           zh="此风险从未评估；评估后即为已评估。")
        if status == "treating":
            check_treating(risk)
        if status in ("treating", "monitoring"):
            check_acceptance(risk)
        risk.status = status
    elif risk.status == "treating" and "contingency_plan" in changes and changes["contingency_plan"] is None:
        check_treating(risk)
    await session.flush()


async def change_risk(session: AsyncSession, *, allowed: OwnerOrAllowed[Risk], body: RiskUpdate) -> RiskRead:
    """A PATCH of a risk: its owner (no grant) changes only the response; a move needs plan over the new unit."""
    risk, principal = allowed.item, allowed.principal
    unit = await unit_of(session, risk.unit_id)
    changes = {k: plain_value(v) for k, v in body.model_dump(exclude_unset=True).items()}
    if allowed.grant is None:
        beyond = sorted(set(changes) - OWNER_FIELDS)
        if beyond:
            mine = zh_list(field_label(f) for f in sorted(OWNER_FIELDS))
            theirs = zh_list(field_label(f) for f in beyond)
            raise Forbidden(f"As the risk's owner you may change {', '.join(sorted(OWNER_FIELDS))}; changing "
                            f"{', '.join(beyond)} needs the 'plan' right over {unit.name}.", right="plan",
                            unit_path=unit.path,
                            zh=f"作为风险责任人，您可以修改{mine}；修改{theirs}需要对{unit.name}的计划权。")
    for key in ("title", "category", "unit_id"):
        if key in changes and changes[key] is None:
            raise Invalid(f"{key} cannot be emptied.", field=key, zh=f"{field_label(key)}不能清空。")
    new_unit = unit
    if changes.get("unit_id") is not None and changes["unit_id"] != risk.unit_id:
        new_unit = await given_unit(session, changes["unit_id"])
        grant_over(principal, new_unit, (Right.plan,), "move risks into it")
    before = snapshot(risk, unit)
    await update(session, risk=risk, changes=changes)
    after = snapshot(risk, new_unit)
    action = "risk.status.changed" if before["status"] != after["status"] else "risk.updated"
    await journal.audit(session, actor=principal, action=action, subject_type="risk", subject_id=risk.id,
                        unit_path=new_unit.path, grant=allowed.grant, before=before, after=after)
    return to_read(risk, new_unit)


async def delete_risk(session: AsyncSession, *, allowed: Allowed[Risk]) -> None:
    """Only a risk registered by mistake goes (never assessed, no KRIs); any other is closed instead."""
    risk = allowed.item
    unit = await unit_of(session, risk.unit_id)
    has_kri = (await session.execute(select(Kri.id).where(Kri.risk_id == risk.id).limit(1))).first() is not None
    if risk.current_level is not None or has_kri:
        raise Conflict("Only a risk never assessed and without KRIs can be deleted; close this one instead "
                       "(its history stays in the register).", field="status",
                       zh="只有从未评估且没有关键风险指标的风险才能删除；请改为关闭（其历史仍保留在登记册中）。")
    before = snapshot(risk, unit)
    await session.delete(risk)
    await session.flush()
    await journal.audit(session, actor=allowed.principal, action="risk.deleted", subject_type="risk",
                        subject_id=before["id"], unit_path=unit.path, grant=allowed.grant, before=before)


# ---- assessments

def _clear_acceptance(risk: Risk) -> None:
    risk.acceptance_signed_by = risk.acceptance_signed_name = None
    risk.acceptance_signed_at = None
    risk.acceptance_expires_on = None
    risk.acceptance_grant = None


async def assess(session: AsyncSession, *, risk: Risk, unit: OrgUnit, actor: Principal | str, grant: Grant | None,
                 likelihood: int, impact: int, kind: str, note: str = "") -> tuple[Assessment, str | None]:
    """Score the risk under the matrix in force, keep a snapshot of it, emit the events."""
    if risk.status == "closed":
        raise Conflict("The risk is closed; reopen it before assessing it again.", field="status",
                       zh="此风险已关闭；请重新打开后再评估。")
    if kind == "residual" and risk.inherent_level is None:
        raise Conflict("Assess the inherent risk first; residual risk is what remains after the response.",
                       field="kind", zh="请先评估固有风险；剩余风险是采取应对措施后仍存在的风险。")
    m = await matrices.in_force(session)
    score = likelihood * impact
    band = matrices.band_for(m.bands, score)
    who = actor.sub if isinstance(actor, Principal) else str(actor)
    name = actor.name if isinstance(actor, Principal) else ""
    a = Assessment(risk_id=risk.id, kind=kind, likelihood=likelihood, impact=impact, score=score,
                   level=band["level"], level_label=band["label"], matrix_id=m.id, matrix_snapshot=matrices.snapshot(m),
                   note=note, assessed_by=who, assessed_by_name=name, assessed_at=utcnow())
    session.add(a)
    previous, was = risk.current_level, risk.status
    setattr(risk, f"{kind}_likelihood", likelihood)
    setattr(risk, f"{kind}_impact", impact)
    setattr(risk, f"{kind}_score", score)
    setattr(risk, f"{kind}_level", band["level"])
    risk.current_likelihood, risk.current_impact, risk.current_score = likelihood, impact, score
    risk.current_level = band["level"]
    risk.assessed_at = a.assessed_at
    if risk.status == "identified":
        risk.status = "assessed"
    elif (risk.strategy == "accept" and a.level in matrices.SEVERE and not acceptance_valid(risk)
          and risk.status in ("treating", "monitoring")):
        # Accepted while it was lower; now high or critical, it needs a sign-off: back to review.
        risk.status, risk.next_review_date = "assessed", clock.today()
    await session.flush()
    data = RiskAssessedData(
        risk_id=risk.id, assessment_id=a.id, title=risk.title, category=risk.category, unit_id=unit.id,
        unit_path=unit.path, kind=kind, likelihood=likelihood, impact=impact, score=score, level=a.level,
        level_label=a.level_label, previous_level=previous, matrix_id=m.id, owner_id=risk.owner_id,
        plan_id=risk.plan_id, assessed_at=a.assessed_at.isoformat())
    await journal.audit(session, actor=actor, action="risk.assessed", subject_type="risk", subject_id=risk.id,
                        unit_path=unit.path, grant=grant, before={"level": previous, "status": was},
                        after=data.model_dump(include={"assessment_id", "kind", "likelihood", "impact", "score",
                                                       "level"}) | {"status": risk.status},
                        note=note)
    await journal.emit(session, "risk.assessed", risk.id, data, unit.path)
    if previous != a.level:
        changed = RiskLevelChangedData(
            risk_id=risk.id, title=risk.title, unit_id=unit.id, unit_path=unit.path, kind=kind, score=score,
            level=a.level, previous_level=previous, owner_id=risk.owner_id, plan_id=risk.plan_id)
        await journal.emit(session, "risk.level.changed", risk.id, changed, unit.path)
    return a, previous


async def assess_risk(session: AsyncSession, *, allowed: Allowed[Risk], body: AssessmentCreate) -> AssessmentResult:
    risk = allowed.item
    unit = await unit_of(session, risk.unit_id)
    a, previous = await assess(session, risk=risk, unit=unit, actor=allowed.principal, grant=allowed.grant,
                               likelihood=body.likelihood, impact=body.impact, kind=body.kind.value, note=body.note)
    return AssessmentResult.model_validate(AssessmentRead.model_validate(a).model_dump()
                                           | {"previous_level": previous, "level_changed": previous != a.level})


async def list_assessments(session: AsyncSession, *, risk: Risk, kind: AssessmentKind | None, limit: int,
                           cursor: str | None) -> Page[AssessmentRead]:
    stmt = select(Assessment).where(Assessment.risk_id == risk.id)
    if kind is not None:
        stmt = stmt.where(Assessment.kind == kind.value)
    rows, nxt = await paginate(session, stmt, Assessment.id, limit=limit, cursor=cursor)
    return Page[AssessmentRead](items=[AssessmentRead.model_validate(a) for a in rows], next_cursor=nxt)


# ---- acceptance sign-off

async def sign_acceptance(session: AsyncSession, *, allowed: Allowed[Risk], body: AcceptanceCreate) -> RiskRead:
    """Accept the risk until an expiry date, signed by a holder of veto or plan over its unit."""
    risk, actor, grant = allowed.item, allowed.principal, allowed.grant
    unit = await unit_of(session, risk.unit_id)
    if risk.current_level is None:
        raise Conflict("Assess the risk before accepting it.", field="status", zh="请先评估风险，再接受。")
    if risk.status == "closed":
        raise Conflict("The risk is closed.", field="status", zh="此风险已关闭。")
    expires_on = body.expires_on
    if expires_on <= clock.today():
        raise Invalid("The acceptance must expire after today.", field="expires_on", zh="风险接受的有效期须晚于今天。")
    before = snapshot(risk, unit)
    risk.strategy = "accept"
    risk.acceptance_signed_by, risk.acceptance_signed_name = actor.sub, actor.name
    risk.acceptance_signed_at, risk.acceptance_expires_on = utcnow(), expires_on
    risk.acceptance_grant = grant.to_claim()
    risk.status = "monitoring"
    if risk.next_review_date is None or risk.next_review_date > expires_on:
        risk.next_review_date = expires_on
    await session.flush()
    await journal.audit(session, actor=actor, action="risk.acceptance.signed", subject_type="risk",
                        subject_id=risk.id, unit_path=unit.path, grant=grant, before=before,
                        after={"strategy": "accept", "level": risk.current_level, "expires_on": expires_on.isoformat(),
                               "status": risk.status}, note=body.note)
    return to_read(risk, unit)


async def expire_acceptances(session: AsyncSession, *, on: date | None = None) -> list[int]:
    """Acceptances past their expiry return the risk to review (status assessed, review due now)."""
    on = on or clock.today()
    rows = (await session.execute(select(Risk).where(
        Risk.strategy == "accept", Risk.acceptance_expires_on < on,
        Risk.status.in_(("monitoring", "treating"))))).scalars().all()
    for risk in rows:
        unit = await session.get(OrgUnit, risk.unit_id)
        risk.status = "assessed"
        risk.next_review_date = on
        await session.flush()
        expired_on = risk.acceptance_expires_on.isoformat() if risk.acceptance_expires_on else None
        await journal.audit(session, actor="system", action="risk.acceptance.expired", subject_type="risk",
                            subject_id=risk.id, unit_path=unit.path if unit else None,
                            after={"status": "assessed", "expired_on": expired_on,
                                   "signed_by": risk.acceptance_signed_by},
                            note="the signed-off acceptance expired; the risk returns to review")
    return [r.id for r in rows]


# ---- contingency plan

async def activate_contingency(session: AsyncSession, *, allowed: Allowed[Risk],
                               body: ActivationCreate) -> list[ActionRead]:
    """Turn the plan's steps into tracked actions; the activation goes into the audit chain."""
    risk, actor = allowed.item, allowed.principal
    unit = await unit_of(session, risk.unit_id)
    if body.alert_id is not None:
        alert = await session.get(Alert, body.alert_id)
        if alert is None or alert.risk_id != risk.id:
            raise Invalid(f"The alert {body.alert_id} is not an alert on this risk.", field="alert_id",
                          zh=f"预警 {body.alert_id} 不是此风险的预警。")
    if not risk.contingency_plan:
        raise Conflict("This risk has no contingency plan to activate.", field="contingency_plan",
                       zh="此风险没有可启动的应急预案。")
    if risk.status == "closed":
        raise Conflict("The risk is closed.", field="status", zh="此风险已关闭。")
    still_open = (await session.execute(select(RiskAction.id).where(
        RiskAction.risk_id == risk.id, RiskAction.source == "contingency",
        RiskAction.status.in_(("open", "in_progress"))))).first()
    if still_open is not None:
        raise Conflict("The contingency plan is already active: its actions are still open.",
                       zh="应急预案已在执行中：其措施尚未全部完成。")
    plan = ContingencyPlan.model_validate(risk.contingency_plan)
    start = clock.today()
    actions = []
    for step in plan.steps:
        action = RiskAction(risk_id=risk.id, source="contingency", title=step.title,
                            owner_id=step.owner_id or plan.owner_id, due=start + timedelta(days=step.due_in_days),
                            status="open", created_by=actor.sub)
        session.add(action)
        actions.append(action)
    risk.contingency_activated_at, risk.contingency_activated_by = utcnow(), actor.sub
    if risk.status in ("assessed", "monitoring"):
        if risk.strategy is None:
            risk.strategy = "reduce"
        risk.status = "treating"
    await session.flush()
    await journal.audit(session, actor=actor, action="risk.contingency.activated", subject_type="risk",
                        subject_id=risk.id, unit_path=unit.path, grant=allowed.grant,
                        after={"trigger": plan.trigger, "alert_id": body.alert_id, "status": risk.status,
                               "actions": [{"id": a.id, "title": a.title, "owner_id": a.owner_id,
                                            "due": a.due.isoformat() if a.due else None} for a in actions]},
                        note=body.reason)
    return [ActionRead.model_validate(a) for a in actions]
