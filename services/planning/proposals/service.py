"""Improvement proposals (合理化建议): any signed-in person proposes an improvement to the unit owning a
process; the company's review flow decides it stage by stage (adopt, partly 部分采纳, decline with a
reason); an adopted one starts a process optimisation project; its benefit is recorded after
implementation (the project's owner, or a holder of 'plan' over the unit), and a holder of 'assess'
over the unit grants a reward by the company's scale (points and/or money in 元).

Anonymous proposals (when the company allows them): the proposer is never shown to anyone else, nor
written into events or the audit entries' data; they still see their own as theirs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from openpyxl import Workbook
from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import Page, etag, paginate
from services.common.audit_api import require_admin
from services.common.authz import Grant, Principal, Right
from services.common.db import utcnow
from services.common.guards import Place, authorize
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.common.scoping import visible_to
from services.common.sheets import Column, add_table, workbook_bytes
from services.planning.approvals.stages import Requirement, requirement
from services.planning.events import ProposalDecidedData, ProposalRewardedData, ProposalSubmittedData, WaitingStage
from services.planning.improvement.service import start_project
from services.planning.journal import journal
from services.planning.models import ImprovementProject, OrgUnit, Proposal, ProposalSettings, ProposalStep
from services.planning.proposals.schemas import (
    BenefitBody,
    DecisionBody,
    ProposalCreate,
    ProposalDetail,
    ProposalRead,
    ProposalSettingsUpdate,
    ProposalStageRead,
    ProposalStepRead,
    RewardBody,
)
from services.planning.units import Units, load_units, unknown_unit

DEFAULT_STAGES: list[dict[str, Any]] = [
    {"key": "unit_review", "name": "责任单位评审", "right": "plan", "over": "unit"}]
DEFAULT_REWARDS: list[dict[str, Any]] = [
    {"key": "first", "name": "一等奖", "points": 100, "amount": 2000.0},
    {"key": "second", "name": "二等奖", "points": 50, "amount": 800.0},
    {"key": "third", "name": "三等奖", "points": 20, "amount": 300.0},
    {"key": "encourage", "name": "鼓励奖", "points": 5, "amount": None},
]
DEFAULT_CATEGORIES = ["安全生产", "降本增效", "客户服务", "流程管理", "技术改进", "其他"]

OPEN_AFTER_DECISION = ("adopted", "partly")
STATUS_ZH = {"in_review": "评审中", "adopted": "已采纳", "partly": "部分采纳", "declined": "未采纳",
             "implemented": "已实施", "rewarded": "已奖励"}
DECISION_ZH = {"adopt": "采纳", "partly": "部分采纳", "decline": "不采纳"}
ANONYMOUS_ZH = "匿名"
REVIEW_SCAN = 500  # proposals in review looked at for one person's inbox


def proposal_etag(proposal: Proposal) -> str:
    return etag("proposal", proposal.id, proposal.version)


def settings_etag(row: ProposalSettings) -> str:
    return etag("proposal-settings", row.id, row.version)


# --- company settings -------------------------------------------------------------------------


async def company_settings(session: AsyncSession) -> ProposalSettings:
    """The company's settings; the defaults (one stage: 'plan' over the owning unit) until an admin
    changes them."""
    row = (await session.execute(select(ProposalSettings).order_by(ProposalSettings.id).limit(1))).scalar_one_or_none()
    if row is None:
        row = ProposalSettings(allow_anonymous=False, stages=DEFAULT_STAGES, reward_levels=DEFAULT_REWARDS,
                               categories=DEFAULT_CATEGORIES, updated_by="")
        session.add(row)
        await session.flush()
    return row


def _unique(keys: Sequence[str], what: str, what_zh: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise Invalid(f"The {what} key '{key}' is used twice.", field=what,
                          zh=f"{what_zh}“{key}”重复了。")
        seen.add(key)


async def update_settings(session: AsyncSession, *, principal: Principal, body: ProposalSettingsUpdate,
                          precondition: Callable[[str], None]) -> ProposalSettings:
    """Change the settings (admin over the company); proposals in review keep the stages they started with."""
    require_admin(principal)
    row = await company_settings(session)
    precondition(settings_etag(row))
    before = {"allow_anonymous": row.allow_anonymous, "stages": row.stages, "reward_levels": row.reward_levels,
              "categories": row.categories}
    changes = body.model_dump(exclude_unset=True)
    if changes.get("allow_anonymous") is not None:
        row.allow_anonymous = bool(changes["allow_anonymous"])
    if body.stages is not None:
        _unique([s.key for s in body.stages], "stages", "评审环节")
        row.stages = [s.model_dump() for s in body.stages]
    if body.reward_levels is not None:
        _unique([level.key for level in body.reward_levels], "reward_levels", "奖励等级")
        for level in body.reward_levels:
            if level.points is None and level.amount is None:
                raise Invalid(f"Reward level '{level.name}' needs points, an amount in 元, or both.",
                              field="reward_levels", zh=f"奖励等级“{level.name}”须设积分或奖金（元），或两者都设。")
        row.reward_levels = [level.model_dump() for level in body.reward_levels]
    if body.categories is not None:
        row.categories = [c.strip() for c in body.categories if c.strip()]
    row.updated_by = principal.name or principal.sub
    await session.flush()
    grant = next((g for g in principal.grants if g.right == Right.admin), None)
    await journal.audit(session, actor=principal, action="proposal.settings.updated", subject_type="proposal_settings",
                        subject_id=row.id, grant=grant, before=before,
                        after={"allow_anonymous": row.allow_anonymous, "stages": row.stages,
                               "reward_levels": row.reward_levels, "categories": row.categories})
    return row


# --- reading ----------------------------------------------------------------------------------


def _stage_requirement(proposal: Proposal, index: int, units: Units) -> Requirement:
    return requirement(proposal.stages[index], unit_path=units.path(proposal.unit_id),
                       kinds_by_path=units.kinds_by_path, paths_by_code=units.paths_by_code)


def _stage_read(proposal: Proposal, index: int, units: Units) -> ProposalStageRead:
    stage, req = proposal.stages[index], _stage_requirement(proposal, index, units)
    return ProposalStageRead(index=index, key=stage["key"], name=stage["name"], right=stage["right"],
                     over=stage.get("over", "unit"), unit_path=req.unit_path)


def _is_mine(proposal: Proposal, principal: Principal) -> bool:
    return proposal.proposer == principal.sub


def _hidden(proposal: Proposal, principal: Principal) -> bool:
    """Whether the proposer must not be named to this caller."""
    return proposal.anonymous and not _is_mine(proposal, principal)


def _can(proposal: Proposal, principal: Principal, units: Units, project_owner: int | None) -> list[Any]:
    path = units.path(proposal.unit_id)
    mine = _is_mine(proposal, principal)
    can: list[Any] = []
    if proposal.status == "in_review" and proposal.stage_index is not None and not mine \
            and _stage_requirement(proposal, proposal.stage_index, units).met_by(principal):
        can.append("decide")
    if proposal.status in (*OPEN_AFTER_DECISION, "implemented") and (
            principal.can(Right.plan, path) or (project_owner is not None and project_owner == principal.user_id)):
        can.append("record_benefit")
    if proposal.status == "implemented" and not mine and principal.can(Right.assess, path):
        can.append("reward")
    return can


def proposal_read(proposal: Proposal, principal: Principal, units: Units,
                  project_owner: int | None = None) -> ProposalRead:
    unit = units.by_id.get(proposal.unit_id)
    read = ProposalRead.model_validate(proposal)
    hidden = _hidden(proposal, principal)
    waiting = _stage_read(proposal, proposal.stage_index, units) \
        if proposal.status == "in_review" and proposal.stage_index is not None else None
    return read.model_copy(update={
        "unit_name": unit.name if unit else "", "mine": _is_mine(proposal, principal), "waiting": waiting,
        "proposer": None if hidden else proposal.proposer,
        "proposer_name": ANONYMOUS_ZH if hidden else proposal.proposer_name,
        "can": _can(proposal, principal, units, project_owner)})


def proposal_not_found(proposal_id: int) -> NotFound:
    return NotFound(f"There is no proposal with id {proposal_id}.", zh=f"没有编号为 {proposal_id} 的合理化建议。")


async def require_visible(session: AsyncSession, proposal: Proposal, principal: Principal, units: Units) -> None:
    """Its proposer, holders of 'view' over its unit and the owner of the project it started see a
    proposal; others are told there is none."""
    if _is_mine(proposal, principal) or principal.can(Right.view, units.path(proposal.unit_id)):
        return
    owner = await _project_owner(session, proposal)
    if owner is None or owner != principal.user_id:
        raise proposal_not_found(proposal.id)


async def _project_owner(session: AsyncSession, proposal: Proposal) -> int | None:
    if proposal.project_id is None:
        return None
    project = await session.get(ImprovementProject, proposal.project_id)
    return project.owner_id if project is not None else None


async def get_proposal(session: AsyncSession, *, principal: Principal, proposal: Proposal) -> ProposalDetail:
    units = await load_units(session)
    await require_visible(session, proposal, principal, units)
    return await _detail(session, proposal, principal, units)


async def _detail(session: AsyncSession, proposal: Proposal, principal: Principal, units: Units) -> ProposalDetail:
    rows = (await session.execute(select(ProposalStep).where(ProposalStep.proposal_id == proposal.id)
                                  .order_by(ProposalStep.id))).scalars().all()
    hidden = _hidden(proposal, principal)
    steps = [ProposalStepRead.model_validate(s).model_copy(
        update={"actor_name": ANONYMOUS_ZH} if hidden and s.actor == proposal.proposer else {}) for s in rows]
    read = proposal_read(proposal, principal, units, await _project_owner(session, proposal))
    return ProposalDetail(**read.model_dump(), steps=steps,
                          stages=[_stage_read(proposal, i, units) for i in range(len(proposal.stages))])


def _list_query(principal: Principal, *, mine: bool, status: str | None, unit_id: int | None,
                category: str | None, q: str | None) -> Select[Any]:
    stmt = select(Proposal).join(OrgUnit, OrgUnit.id == Proposal.unit_id)
    if mine:
        stmt = stmt.where(Proposal.proposer == principal.sub)
    else:
        owned = select(ImprovementProject.id).where(ImprovementProject.owner_id == principal.user_id) \
            if principal.user_id is not None else None
        stmt = stmt.where(or_(Proposal.proposer == principal.sub, visible_to(principal, "view", OrgUnit.path),
                              *([Proposal.project_id.in_(owned)] if owned is not None else [])))
    if status is not None:
        stmt = stmt.where(Proposal.status == status)
    if category is not None:
        stmt = stmt.where(Proposal.category == category)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Proposal.title.ilike(like), Proposal.problem.ilike(like),
                              Proposal.suggestion.ilike(like)))
    return stmt


async def list_proposals(session: AsyncSession, *, principal: Principal, mine: bool, status: str | None,
                         unit_id: int | None, category: str | None, q: str | None, limit: int,
                         cursor: str | None) -> Page[ProposalRead]:
    """The proposals the caller may see (their own, and those of units they hold 'view' over), newest
    last (by id, for the cursor); ``unit_id``: that unit's subtree."""
    units = await load_units(session)
    stmt = _list_query(principal, mine=mine, status=status, unit_id=unit_id, category=category, q=q)
    if unit_id is not None:
        stmt = stmt.where(OrgUnit.path.startswith(units.path(unit_id), autoescape=True))
    rows, nxt = await paginate(session, stmt, Proposal.id, limit=limit, cursor=cursor)
    return Page[ProposalRead](items=[proposal_read(p, principal, units) for p in rows], next_cursor=nxt)


EXPORT_COLUMNS = [Column("编号", 8), Column("标题", 30), Column("责任单位", 16), Column("类别", 12),
                  Column("提出人", 12), Column("提交时间", 18), Column("状态", 10), Column("存在问题", 40),
                  Column("改进建议", 40), Column("预期效益", 30), Column("评审结论", 10), Column("评审意见", 30),
                  Column("评审人", 12), Column("流程优化项目", 12), Column("实际效益", 30),
                  Column("效益金额（元）", 14), Column("奖励等级", 10), Column("奖励积分", 10),
                  Column("奖金（元）", 12), Column("奖励说明", 24)]


async def export_register(session: AsyncSession, *, principal: Principal, status: str | None, unit_id: int | None,
                          category: str | None, q: str | None) -> bytes:
    """The proposal register (合理化建议台账) the caller may see, filtered, as a workbook; anonymous
    proposers stay anonymous."""
    units = await load_units(session)
    stmt = _list_query(principal, mine=False, status=status, unit_id=unit_id, category=category, q=q)
    if unit_id is not None:
        stmt = stmt.where(OrgUnit.path.startswith(units.path(unit_id), autoescape=True))
    rows = []
    for p in (await session.execute(stmt.order_by(Proposal.id))).scalars():
        unit = units.by_id.get(p.unit_id)
        rows.append([p.id, p.title, unit.name if unit else "", p.category or "",
                     ANONYMOUS_ZH if _hidden(p, principal) else p.proposer_name,
                     p.created_at.strftime("%Y-%m-%d %H:%M"), STATUS_ZH.get(p.status, p.status), p.problem,
                     p.suggestion, p.expected_benefit, DECISION_ZH.get(p.decision or "", ""), p.decision_reason,
                     p.decided_by_name, p.project_id, p.benefit, p.benefit_amount, p.reward_name, p.reward_points,
                     p.reward_amount, p.reward_note])
    wb = Workbook()
    add_table(wb, "合理化建议台账", EXPORT_COLUMNS, rows, first=True)
    return workbook_bytes(wb)


# --- submitting -------------------------------------------------------------------------------


def _waiting(proposal: Proposal, units: Units) -> WaitingStage | None:
    if proposal.status != "in_review" or proposal.stage_index is None:
        return None
    stage = _stage_read(proposal, proposal.stage_index, units)
    return WaitingStage(index=stage.index, key=stage.key, name=stage.name, right=stage.right,
                        unit_path=stage.unit_path, held_at=None, signers="any", time_limit_days=None,
                        pending_signers=[])


def _event_fields(proposal: Proposal, units: Units, actor: Principal) -> dict[str, Any]:
    anonymous_actor = proposal.anonymous and actor.sub == proposal.proposer
    return {"proposal_id": proposal.id, "title": proposal.title, "unit_id": proposal.unit_id,
            "unit_path": units.path(proposal.unit_id), "category": proposal.category,
            "anonymous": proposal.anonymous, "proposer": None if proposal.anonymous else proposal.proposer,
            "status": proposal.status, "actor": None if anonymous_actor else actor.sub,
            "waiting": _waiting(proposal, units)}


def _audit_data(proposal: Proposal) -> dict[str, Any]:
    """What the audit chain keeps of a proposal: never its anonymous proposer."""
    data = {"title": proposal.title, "unit_id": proposal.unit_id, "category": proposal.category,
            "anonymous": proposal.anonymous, "status": proposal.status, "stage_index": proposal.stage_index,
            "decision": proposal.decision, "project_id": proposal.project_id}
    if not proposal.anonymous:
        data["proposer"] = proposal.proposer
    return data


async def submit(session: AsyncSession, *, principal: Principal, body: ProposalCreate) -> ProposalDetail:
    """Any signed-in person proposes; it waits on the first stage of the company's review flow."""
    if principal.kind != "user":
        raise Forbidden("Proposals are made by people, not by company systems.", zh="合理化建议须由员工本人提出。")
    units = await load_units(session)
    if body.unit_id not in units.by_id:
        raise unknown_unit(body.unit_id)
    settings = await company_settings(session)
    if body.anonymous and not settings.allow_anonymous:
        raise Invalid("The company does not allow anonymous proposals.", field="anonymous",
                      zh="公司未开启匿名建议，请署名提交。")
    proposal = Proposal(title=body.title.strip(), problem=body.problem, suggestion=body.suggestion,
                        expected_benefit=body.expected_benefit, unit_id=body.unit_id,
                        category=(body.category or "").strip() or None, anonymous=body.anonymous,
                        proposer=principal.sub, proposer_name=principal.name, status="in_review",
                        stages=list(settings.stages or DEFAULT_STAGES), stage_index=0)
    session.add(proposal)
    await session.flush()
    session.add(ProposalStep(proposal_id=proposal.id, action="submit", actor=principal.sub,
                             actor_name=principal.name, comment=""))
    await session.flush()
    await journal.audit(session, actor=principal, action="proposal.submitted", subject_type="proposal",
                        subject_id=proposal.id, unit_path=units.path(proposal.unit_id), after=_audit_data(proposal))
    await journal.emit(session, "planning.proposal.submitted", f"proposal:{proposal.id}",
                       ProposalSubmittedData(**_event_fields(proposal, units, principal)),
                       unit_path=units.path(proposal.unit_id))
    return await _detail(session, proposal, principal, units)


# --- deciding ---------------------------------------------------------------------------------


def _in_state(proposal: Proposal, allowed_states: Sequence[str], doing: str, doing_zh: str) -> None:
    if proposal.status not in allowed_states:
        now = STATUS_ZH.get(proposal.status, proposal.status)
        raise Conflict(f"A proposal that is {proposal.status} cannot be {doing}.", status_now=proposal.status,
                       zh=f"该建议当前为“{now}”，不能{doing_zh}。")


def _not_own(proposal: Proposal, principal: Principal, doing_zh: str) -> None:
    if _is_mine(proposal, principal):
        raise Forbidden("Nobody decides on or rewards their own proposal.", zh=f"不能{doing_zh}自己提出的建议。")


async def _start_project(session: AsyncSession, *, principal: Principal, grant: Grant, proposal: Proposal,
                         units: Units, body: DecisionBody) -> int:
    """The process optimisation project an adopted proposal starts (owned by the decider unless named)."""
    unit = units.by_id[proposal.unit_id]
    owner_id = body.project_owner_id if body.project_owner_id is not None else principal.user_id
    owner_name = body.project_owner_name if body.project_owner_id is not None else principal.name
    project = await start_project(
        session, principal=principal, grant=grant, unit=unit, title=proposal.title,
        description=f"存在问题：{proposal.problem}\n改进建议：{proposal.suggestion}"
                    + (f"\n评审意见：{body.reason}" if body.reason else ""),
        owner_id=owner_id, owner_name=owner_name or "",
        origin_links=[{"ref": f"planning:proposal:{proposal.id}", "title": proposal.title}])
    return int(project.id)


async def decide(session: AsyncSession, *, principal: Principal, proposal: Proposal,
                 body: DecisionBody) -> ProposalDetail:
    """The stage's decision. Adopt or partly at a stage before the last passes the proposal on; at the
    last stage it is the decision and starts a project; decline ends it at any stage."""
    units = await load_units(session)
    await require_visible(session, proposal, principal, units)
    _in_state(proposal, ("in_review",), "decided", "评审")
    assert proposal.stage_index is not None
    req = _stage_requirement(proposal, proposal.stage_index, units)
    grant = authorize(principal, Place(req.unit_path, what=units.by_id[proposal.unit_id].name
                                       if req.unit_path == units.path(proposal.unit_id) else "this unit"), req.right)
    _not_own(proposal, principal, "评审")
    reason = body.reason.strip()
    if body.decision != "adopt" and not reason:
        raise Invalid("Give the reason for deciding partly or declining.", field="reason",
                      zh="部分采纳或不采纳时须填写理由。")
    stage = proposal.stages[proposal.stage_index]
    before = _audit_data(proposal)
    last = proposal.stage_index == len(proposal.stages) - 1
    final = last or body.decision == "decline"
    session.add(ProposalStep(proposal_id=proposal.id, action=body.decision, stage_key=stage["key"],
                             stage_name=stage["name"], actor=principal.sub, actor_name=principal.name,
                             comment=reason, grant=grant.to_claim()))
    if final:
        proposal.status = {"adopt": "adopted", "partly": "partly", "decline": "declined"}[body.decision]
        proposal.stage_index = None
        proposal.decision, proposal.decision_reason = body.decision, reason
        proposal.decided_by, proposal.decided_by_name, proposal.decided_at = principal.sub, principal.name, utcnow()
        if body.decision != "decline":
            proposal.project_id = await _start_project(session, principal=principal, grant=grant, proposal=proposal,
                                                       units=units, body=body)
    else:
        proposal.stage_index += 1
    await session.flush()
    path = units.path(proposal.unit_id)
    await journal.audit(session, actor=principal, action="proposal.decided", subject_type="proposal",
                        subject_id=proposal.id, unit_path=path, grant=grant, before=before,
                        after={**_audit_data(proposal), "stage": stage["key"], "reason": reason})
    await journal.emit(session, "planning.proposal.decided", f"proposal:{proposal.id}",
                       ProposalDecidedData(**_event_fields(proposal, units, principal), decision=body.decision,
                                           reason=reason, final=final, project_id=proposal.project_id),
                       unit_path=path)
    return await _detail(session, proposal, principal, units)


# --- benefit and reward -----------------------------------------------------------------------


async def record_benefit(session: AsyncSession, *, principal: Principal, proposal: Proposal,
                         body: BenefitBody) -> ProposalDetail:
    """The actual benefit after implementation: by the project's owner or a holder of 'plan' over the unit
    (again, to correct it, until the reward is granted)."""
    units = await load_units(session)
    await require_visible(session, proposal, principal, units)
    path = units.path(proposal.unit_id)
    owner = await _project_owner(session, proposal)
    grant: Grant | None = None
    if owner is None or owner != principal.user_id:
        grant = authorize(principal, Place(path, what=units.by_id[proposal.unit_id].name), Right.plan)
    _in_state(proposal, (*OPEN_AFTER_DECISION, "implemented"), "given a benefit", "登记效益")
    before = {"benefit": proposal.benefit, "benefit_amount": proposal.benefit_amount, "status": proposal.status}
    proposal.benefit, proposal.benefit_amount = body.benefit.strip(), body.benefit_amount
    proposal.benefit_by_name, proposal.benefit_at, proposal.status = principal.name, utcnow(), "implemented"
    session.add(ProposalStep(proposal_id=proposal.id, action="benefit", actor=principal.sub,
                             actor_name=principal.name, comment=proposal.benefit,
                             grant=grant.to_claim() if grant else None))
    await session.flush()
    await journal.audit(session, actor=principal, action="proposal.benefit_recorded", subject_type="proposal",
                        subject_id=proposal.id, unit_path=path, grant=grant, before=before,
                        after={"benefit": proposal.benefit, "benefit_amount": proposal.benefit_amount,
                               "status": proposal.status, "as_project_owner": grant is None})
    return await _detail(session, proposal, principal, units)


async def grant_reward(session: AsyncSession, *, principal: Principal, proposal: Proposal,
                       body: RewardBody) -> ProposalDetail:
    """A reward by the company's scale, granted by a holder of 'assess' (考核权) over the unit."""
    units = await load_units(session)
    await require_visible(session, proposal, principal, units)
    path = units.path(proposal.unit_id)
    grant = authorize(principal, Place(path, what=units.by_id[proposal.unit_id].name), Right.assess)
    _not_own(proposal, principal, "奖励")
    _in_state(proposal, ("implemented",), "rewarded (record its benefit first)", "奖励（须先登记实施效益）")
    settings = await company_settings(session)
    level = next((lv for lv in settings.reward_levels if lv["key"] == body.level), None)
    if level is None:
        raise Invalid(f"The company's reward scale has no level '{body.level}'.", field="level",
                      zh=f"公司奖励标准中没有等级“{body.level}”。")
    proposal.reward_level, proposal.reward_name = level["key"], level["name"]
    proposal.reward_points, proposal.reward_amount = level.get("points"), level.get("amount")
    proposal.reward_note, proposal.rewarded_by_name, proposal.rewarded_at = body.note.strip(), principal.name, utcnow()
    proposal.status = "rewarded"
    session.add(ProposalStep(proposal_id=proposal.id, action="reward", actor=principal.sub,
                             actor_name=principal.name, comment=f"{level['name']} {proposal.reward_note}".strip(),
                             grant=grant.to_claim()))
    await session.flush()
    await journal.audit(session, actor=principal, action="proposal.rewarded", subject_type="proposal",
                        subject_id=proposal.id, unit_path=path, grant=grant,
                        after={**_audit_data(proposal), "level": level["key"], "points": level.get("points"),
                               "amount": level.get("amount"), "note": proposal.reward_note})
    await journal.emit(session, "planning.proposal.rewarded", f"proposal:{proposal.id}",
                       ProposalRewardedData(**_event_fields(proposal, units, principal), level=level["key"],
                                            level_name=level["name"], points=level.get("points"),
                                            amount=level.get("amount")),
                       unit_path=path)
    return await _detail(session, proposal, principal, units)


# --- what waits on someone --------------------------------------------------------------------


async def proposals_to_review(session: AsyncSession, *, principal: Principal, limit: int) -> list[ProposalRead]:
    """Proposals in review whose current stage the caller may decide (never their own), oldest first."""
    units = await load_units(session)
    stmt = (select(Proposal).where(Proposal.status == "in_review", Proposal.proposer != principal.sub)
            .order_by(Proposal.created_at, Proposal.id).limit(REVIEW_SCAN))
    out = []
    for p in (await session.execute(stmt)).scalars():
        if p.stage_index is not None and p.unit_id in units.by_id \
                and _stage_requirement(p, p.stage_index, units).met_by(principal):
            out.append(proposal_read(p, principal, units))
            if len(out) >= limit:
                break
    return out


async def rewards_to_grant(session: AsyncSession, *, principal: Principal, limit: int) -> list[ProposalRead]:
    """Implemented proposals (benefit recorded) in units the caller holds 'assess' over, not yet rewarded."""
    units = await load_units(session)
    stmt = (select(Proposal).join(OrgUnit, OrgUnit.id == Proposal.unit_id)
            .where(Proposal.status == "implemented", Proposal.proposer != principal.sub,
                   visible_to(principal, "assess", OrgUnit.path))
            .order_by(Proposal.benefit_at, Proposal.id).limit(limit))
    return [proposal_read(p, principal, units) for p in (await session.execute(stmt)).scalars()]

