"""The register's rules: lifecycle, assessment, response, acceptance sign-off, contingency activation.

Plain async functions over a session; they flush, audit and emit, and never commit.
Authorisation (which grant allows the caller) is decided by the routers and passed in.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Grant, Principal
from services.common.db import utcnow
from services.common.problems import Conflict, Invalid
from services.risk import matrix as matrices
from services.risk.journal import journal
from services.risk.models import Alert, Assessment, OrgUnit, Risk, RiskAction
from services.risk.schemas import CATEGORY_LABELS, AcceptanceRead, ContingencyPlan, RiskRead, ScoreRead

# Where each status may go by an explicit change; "assessed" is also entered by assessing.
# the SPA's words (frontend/src/locales/zh-CN/risk.json), for Chinese messages
STATUS_ZH = {"identified": "已识别", "assessed": "已评估", "treating": "处置中", "monitoring": "监控中", "closed": "已关闭"}

TRANSITIONS: dict[str, set[str]] = {
    "identified": {"closed"},
    "assessed": {"treating", "monitoring", "closed"},
    "treating": {"assessed", "monitoring", "closed"},
    "monitoring": {"assessed", "treating", "closed"},
    "closed": {"identified", "assessed"},
}


def today() -> date:
    return utcnow().date()


def _score(l: int | None, i: int | None, s: int | None, level: str | None) -> ScoreRead | None:
    if l is None or i is None or s is None or level is None:
        return None
    return ScoreRead(likelihood=l, impact=i, score=s, level=level)


def acceptance_valid(risk: Risk, on: date | None = None) -> bool:
    return bool(risk.acceptance_signed_by and risk.acceptance_expires_on and risk.acceptance_expires_on >= (on or today()))


def to_read(risk: Risk, unit: OrgUnit | None) -> RiskRead:
    acceptance = None
    if risk.acceptance_signed_by and risk.acceptance_expires_on and risk.acceptance_signed_at:
        acceptance = AcceptanceRead(signed_by=risk.acceptance_signed_by, signed_name=risk.acceptance_signed_name,
                                    signed_at=risk.acceptance_signed_at, expires_on=risk.acceptance_expires_on,
                                    expired=not acceptance_valid(risk), grant=risk.acceptance_grant)
    return RiskRead(
        id=risk.id, title=risk.title, description=risk.description, category=risk.category,
        category_label=CATEGORY_LABELS.get(risk.category, risk.category), unit_id=risk.unit_id,
        unit_path=unit.path if unit else None, unit_name=unit.name if unit else None, owner_id=risk.owner_id,
        plan_id=risk.plan_id, status=risk.status, strategy=risk.strategy, strategy_note=risk.strategy_note,
        next_review_date=risk.next_review_date,
        inherent=_score(risk.inherent_likelihood, risk.inherent_impact, risk.inherent_score, risk.inherent_level),
        residual=_score(risk.residual_likelihood, risk.residual_impact, risk.residual_score, risk.residual_level),
        current=_score(risk.current_likelihood, risk.current_impact, risk.current_score, risk.current_level),
        level=risk.current_level, assessed_at=risk.assessed_at,
        contingency_plan=ContingencyPlan.model_validate(risk.contingency_plan) if risk.contingency_plan else None,
        contingency_activated_at=risk.contingency_activated_at, acceptance=acceptance,
        created_at=risk.created_at, updated_at=risk.updated_at, version=risk.version)


def snapshot(risk: Risk, unit: OrgUnit | None) -> dict[str, Any]:
    return to_read(risk, unit).model_dump(mode="json")


async def create(session: AsyncSession, *, actor: Principal | str, unit: OrgUnit, grant: Grant | None,
                 fields: dict[str, Any], request: Request | None = None) -> Risk:
    risk = Risk(**fields, unit_id=unit.id, status="identified",
                created_by=actor.sub if isinstance(actor, Principal) else str(actor))
    session.add(risk)
    await session.flush()
    await journal.audit(session, actor=actor, action="risk.created", subject_type="risk", subject_id=risk.id,
                        unit_path=unit.path, grant=grant, after=snapshot(risk, unit), request=request)
    return risk


def check_treating(risk: Risk) -> None:
    """A high or critical risk enters treating only with a contingency plan (预案)."""
    if risk.strategy is None:
        raise Conflict("Choose a response strategy (avoid, reduce, transfer or accept) before treating the risk.",
                       field="strategy", zh="进入处置前请选择应对策略（规避、降低、转移或接受）。")
    if risk.current_level in matrices.SEVERE and not risk.contingency_plan:
        raise Conflict(f"This risk is {risk.current_level}: it cannot move to treating without a contingency "
                       "plan (预案: trigger, steps, owner, fallback resources).", field="contingency_plan",
                       zh=f"此风险等级为{matrices.LEVEL_ZH.get(risk.current_level, risk.current_level)}：须先制定应急预案（触发条件、处置步骤、负责人、备用资源）才能进入处置。")


def check_acceptance(risk: Risk) -> None:
    """Accepting a high or critical risk needs a live sign-off by a holder of veto or plan over its unit."""
    if risk.strategy == "accept" and risk.current_level in matrices.SEVERE and not acceptance_valid(risk):
        raise Conflict(f"Accepting a {risk.current_level} risk needs a sign-off by a holder of 'veto' or 'plan' "
                       f"over its unit: POST /api/risk/risks/{risk.id}/acceptance with an expiry date.",
                       field="strategy",
                       zh=f"接受{matrices.LEVEL_ZH.get(risk.current_level, risk.current_level)}风险须由对其单位有否决权或计划权的人员签署风险接受，并注明有效期。")


async def update(session: AsyncSession, *, risk: Risk, changes: dict[str, Any]) -> None:
    """Apply a PATCH: fields first, then the status change with its rules."""
    status = changes.pop("status", None)
    if "contingency_plan" in changes and changes["contingency_plan"] is not None:
        changes["contingency_plan"] = ContingencyPlan.model_validate(changes["contingency_plan"]).model_dump(mode="json")
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
            raise Conflict(f"A risk cannot go from {risk.status} to {status}.{hint}", field="status",
                           allowed=sorted(allowed),
                           zh=f"风险不能从{STATUS_ZH.get(risk.status, risk.status)}变为{STATUS_ZH.get(status, status)}。" + ("请先评估。" if risk.status == "identified" else ""))
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


def _clear_acceptance(risk: Risk) -> None:
    risk.acceptance_signed_by = risk.acceptance_signed_name = None
    risk.acceptance_signed_at = None
    risk.acceptance_expires_on = None
    risk.acceptance_grant = None


async def assess(session: AsyncSession, *, risk: Risk, unit: OrgUnit, actor: Principal | str, grant: Grant | None,
                 likelihood: int, impact: int, kind: str, note: str = "",
                 request: Request | None = None) -> tuple[Assessment, str | None]:
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
    previous = risk.current_level
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
        risk.status, risk.next_review_date = "assessed", today()
    await session.flush()
    data = {"risk_id": risk.id, "assessment_id": a.id, "title": risk.title, "category": risk.category,
            "unit_id": unit.id, "unit_path": unit.path, "kind": kind, "likelihood": likelihood, "impact": impact,
            "score": score, "level": a.level, "level_label": a.level_label, "previous_level": previous,
            "matrix_id": m.id, "owner_id": risk.owner_id, "plan_id": risk.plan_id,
            "assessed_at": a.assessed_at.isoformat()}
    await journal.audit(session, actor=actor, action="risk.assessed", subject_type="risk", subject_id=risk.id,
                        unit_path=unit.path, grant=grant, before={"level": previous},
                        after={k: data[k] for k in ("assessment_id", "kind", "likelihood", "impact", "score", "level")},
                        note=note, request=request)
    await journal.emit(session, "risk.assessed", risk.id, data, unit.path)
    if previous != a.level:
        await journal.emit(session, "risk.level.changed", risk.id,
                           {k: data[k] for k in ("risk_id", "title", "unit_id", "unit_path", "kind", "score",
                                                 "level", "previous_level", "owner_id", "plan_id")}, unit.path)
    return a, previous


async def sign_acceptance(session: AsyncSession, *, risk: Risk, unit: OrgUnit, actor: Principal, grant: Grant,
                          expires_on: date, note: str, request: Request | None = None) -> None:
    if risk.current_level is None:
        raise Conflict("Assess the risk before accepting it.", field="status", zh="请先评估风险，再接受。")
    if risk.status == "closed":
        raise Conflict("The risk is closed.", field="status", zh="此风险已关闭。")
    if expires_on <= today():
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
                               "status": risk.status}, note=note, request=request)


async def expire_acceptances(session: AsyncSession, *, on: date | None = None) -> list[int]:
    """Acceptances past their expiry return the risk to review (status assessed, review due now)."""
    on = on or today()
    rows = (await session.execute(select(Risk).where(
        Risk.strategy == "accept", Risk.acceptance_expires_on < on, Risk.status.in_(("monitoring", "treating"))))).scalars().all()
    for risk in rows:
        unit = await session.get(OrgUnit, risk.unit_id)
        risk.status = "assessed"
        risk.next_review_date = on
        await session.flush()
        await journal.audit(session, actor="system", action="risk.acceptance.expired", subject_type="risk",
                            subject_id=risk.id, unit_path=unit.path if unit else None,
                            after={"status": "assessed", "expired_on": risk.acceptance_expires_on.isoformat(),
                                   "signed_by": risk.acceptance_signed_by},
                            note="the signed-off acceptance expired; the risk returns to review")
    return [r.id for r in rows]


async def activate_contingency(session: AsyncSession, *, risk: Risk, unit: OrgUnit, actor: Principal | str,
                               grant: Grant | None, reason: str, alert_id: int | None,
                               request: Request | None = None) -> list[RiskAction]:
    """Turn the plan's steps into tracked actions; the activation goes into the audit chain."""
    if not risk.contingency_plan:
        raise Conflict("This risk has no contingency plan to activate.", field="contingency_plan", zh="此风险没有可启动的应急预案。")
    if risk.status == "closed":
        raise Conflict("The risk is closed.", field="status", zh="此风险已关闭。")
    still_open = (await session.execute(select(RiskAction.id).where(
        RiskAction.risk_id == risk.id, RiskAction.source == "contingency",
        RiskAction.status.in_(("open", "in_progress"))))).first()
    if still_open is not None:
        raise Conflict("The contingency plan is already active: its actions are still open.", zh="应急预案已在执行中：其措施尚未全部完成。")
    plan = ContingencyPlan.model_validate(risk.contingency_plan)
    start = today()
    who = actor.sub if isinstance(actor, Principal) else str(actor)
    actions = []
    for step in plan.steps:
        action = RiskAction(risk_id=risk.id, source="contingency", title=step.title,
                            owner_id=step.owner_id or plan.owner_id, due=start + timedelta(days=step.due_in_days),
                            status="open", created_by=who)
        session.add(action)
        actions.append(action)
    risk.contingency_activated_at, risk.contingency_activated_by = utcnow(), who
    if risk.status in ("assessed", "monitoring"):
        if risk.strategy is None:
            risk.strategy = "reduce"
        risk.status = "treating"
    await session.flush()
    await journal.audit(session, actor=actor, action="risk.contingency.activated", subject_type="risk",
                        subject_id=risk.id, unit_path=unit.path, grant=grant,
                        after={"trigger": plan.trigger, "alert_id": alert_id, "status": risk.status,
                               "actions": [{"id": a.id, "title": a.title, "owner_id": a.owner_id,
                                            "due": a.due.isoformat()} for a in actions]},
                        note=reason, request=request)
    return actions
