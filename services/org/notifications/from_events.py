"""What other services' events mean for people: who is told what, and which watches open and close.

Each handler runs in the transaction that records the event as processed (services.common.events_api), so a
redelivered event notifies no one twice; every notification's dedupe key starts with the event's id.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.db import as_utc, utcnow
from services.common.i18n import RIGHTS_ZH
from services.org.events import (
    ActionView,
    AlertRaisedView,
    AuditView,
    CommentMentionedView,
    ImprovementReviewDueView,
    InspectionView,
    PlanCopiedView,
    PlanSignerAddedView,
    PlanSignerDueView,
    PlanStepView,
    PlanTransferredView,
    PlanWithdrawnView,
    ProposalDecidedView,
    ProposalRewardedView,
    ProposalView,
    TaskCompletedView,
    TaskDispatchedView,
    TaskOverdueView,
    WaitingStageView,
)
from services.org.notifications.compose import Note, kind_of, render
from services.org.notifications.recipients import (
    display_name,
    heads_of,
    holders,
    position_holders,
    unit_names,
    user_id_of,
    user_names,
)
from services.org.notifications.service import notify
from services.org.reminders.watches import close_watches, narrow_watch, open_watch

LEVELS_ZH = {"warning": "预警", "critical": "严重"}


def occurred(event: dict[str, Any]) -> datetime:
    """When the event happened (aware; the envelope's time is UTC)."""
    return as_utc(datetime.fromisoformat(event["occurred_at"])) if event.get("occurred_at") else utcnow()


def _note(event: dict[str, Any], topic: str, fields: dict[str, Any], *, link: str, subject_type: str,
          subject_id: Any, unit_id: int | None, audience: str = "") -> Note:
    return Note(kind=kind_of(topic), topic=topic, dedupe=f"{event['id']}{':' + audience if audience else ''}",
                text=render(topic, fields), link=link, subject_type=subject_type, subject_id=str(subject_id),
                unit_id=unit_id, event_id=event["id"])


def _limit_text(days: int | None) -> tuple[str, str]:
    if days is None:
        return "", ""
    return f"（时限 {days} 个工作日）", f" (limit: {days} working days)"


# --- plans ---------------------------------------------------------------------------------------------------


async def on_plan_step(session: AsyncSession, event: dict[str, Any]) -> None:
    """A plan moved in its approval flow: the stage it waits on now opens a watch and its holders are told;
    a decision tells the submitter; the plan's unit's group robots hear both."""
    step = PlanStepView.model_validate(event["data"])
    topic = event["type"]
    if topic in PLAN_CONTROLS:
        return  # each control tells only whom it names (on_plan_control)
    if topic == "planning.plan.countersigned":
        # one 会签 signature: the stage still waits, on fewer people (each was told when it opened); its
        # reminders, 催办 and escalation go to those still to sign
        if step.waiting is not None and step.waiting.pending_signers:
            await narrow_watch(session, _stage_watch(step, step.waiting), _ids(step.waiting.pending_signers))
        return
    unit = (await unit_names(session, {step.unit_id})).get(step.unit_id, "")
    link = f"/plans/{step.plan_id}"
    fields: dict[str, Any] = {"unit": unit, "title": step.title, "period": step.period, "comment": step.comment,
                              "actor": await display_name(session, step.actor)}
    await close_watches(session, f"approval:plan:{step.plan_id}:")
    if step.waiting is not None:
        w = step.waiting
        limit_zh, limit_en = _limit_text(w.time_limit_days)
        fields |= {"stage": w.name, "limit_zh": limit_zh, "limit_en": limit_en,
                   "right": RIGHTS_ZH.get(w.right, w.right)}
        await open_watch(
            session, key=_stage_watch(step, w), kind="approval",
            policy_kind="approval", subject_type="plan", subject_id=str(step.plan_id),
            title=f"{unit}《{step.title}》· {w.name}", link=link, unit_id=step.unit_id, started_at=occurred(event),
            limit_days=w.time_limit_days, holder_right=w.right, holder_unit_path=w.unit_path,
            holder_held_at=w.held_at, holder_user_ids=_ids(w.pending_signers), requester=step.submitted_by)
        waiting_on = ([int(s) for s in w.pending_signers if s.isdigit()] if w.pending_signers
                      else await holders(session, w.right, w.unit_path, w.held_at))
        if topic not in ("planning.plan.submitted", "planning.plan.stage_advanced"):
            topic = "planning.plan.stage_advanced"
        note = _note(event, topic, fields, link=link, subject_type="plan", subject_id=step.plan_id,
                     unit_id=step.unit_id)
        await notify(session, note, waiting_on, robots_for_unit=step.unit_id)
        return
    if topic in ("planning.plan.submitted", "planning.plan.stage_advanced"):
        return  # nothing waits (a flow without stages): nobody to tell
    submitter = user_id_of(step.submitted_by)
    note = _note(event, topic, fields, link=link, subject_type="plan", subject_id=step.plan_id, unit_id=step.unit_id)
    await notify(session, note, [submitter] if submitter else [], robots_for_unit=step.unit_id)


# The approval controls' events (issue 23): each tells only the people it names; the stage's watch follows.
PLAN_CONTROLS = ("planning.plan.withdrawn", "planning.plan.transferred", "planning.plan.signer_added",
                 "planning.plan.signer_due", "planning.plan.copied")


def _stage_watch(step: PlanStepView, stage: WaitingStageView) -> str:
    """The watch key of the stage a plan's revision waits on."""
    return f"approval:plan:{step.plan_id}:r{step.revision}:s{stage.index}"


def _ids(subjects: list[str]) -> list[int]:
    return [u for u in (user_id_of(s) for s in subjects) if u is not None]


async def on_plan_control(session: AsyncSession, event: dict[str, Any]) -> None:
    """Withdrawn: the watch closes and whoever it waited on hears it. Transferred: the transferee is told
    (待您审批) and a 或签 stage's watch is on them now. Signer added or due: the person who must act is told.
    Copied: the copied are told (抄送给您)."""
    topic = event["type"]
    step = PlanStepView.model_validate(event["data"])
    unit = (await unit_names(session, {step.unit_id})).get(step.unit_id, "")
    link = f"/plans/{step.plan_id}"
    fields: dict[str, Any] = {"unit": unit, "title": step.title, "period": step.period, "comment": step.comment,
                              "actor": await display_name(session, step.actor)}
    people: list[int] = []
    stage = step.waiting
    if topic == "planning.plan.withdrawn":
        left = PlanWithdrawnView.model_validate(event["data"]).left
        await close_watches(session, f"approval:plan:{step.plan_id}:")
        stage = left
        if left is not None:
            people = (_ids(left.pending_signers) if left.pending_signers
                      else await holders(session, left.right, left.unit_path, left.held_at))
    elif topic == "planning.plan.transferred":
        moved = PlanTransferredView.model_validate(event["data"])
        people, fields["reason"] = _ids([moved.to_user]), moved.reason
        w = step.waiting
        if w is not None:
            signers = _ids(w.pending_signers)
            only = signers if len(signers) == 1 else []
            await open_watch(
                session, key=_stage_watch(step, w), kind="approval",
                policy_kind="approval", subject_type="plan", subject_id=str(step.plan_id),
                title=f"{unit}《{step.title}》· {w.name}", link=link, unit_id=step.unit_id,
                started_at=occurred(event), limit_days=w.time_limit_days, holder_right=w.right,
                holder_unit_path=w.unit_path, holder_held_at=w.held_at, holder_user_id=only[0] if only else None,
                holder_user_ids=signers if len(signers) > 1 else (), requester=step.submitted_by)
    elif topic == "planning.plan.signer_added":
        added = PlanSignerAddedView.model_validate(event["data"])
        people = _ids([added.user_id])
        before = added.position == "before"
        fields |= {"heading_zh": "征求您的意见" if added.advisory else "待您审批",
                   "heading_en": "Your opinion is asked" if added.advisory else "Awaiting your approval",
                   "how_zh": ("在其审批前" if before else "在其审批后") + ("提出意见" if added.advisory else "审批"),
                   "how_en": ("before them" if before else "after them")
                   + (", for your opinion" if added.advisory else "")}
    elif topic == "planning.plan.signer_due":
        people = _ids(PlanSignerDueView.model_validate(event["data"]).to_users)
    elif topic == "planning.plan.copied":
        people = _ids(PlanCopiedView.model_validate(event["data"]).user_ids)
    limit_zh, limit_en = _limit_text(stage.time_limit_days if stage else None)
    fields |= {"stage": stage.name if stage else "", "limit_zh": limit_zh, "limit_en": limit_en}
    note = _note(event, topic, fields, link=link, subject_type="plan", subject_id=step.plan_id, unit_id=step.unit_id)
    await notify(session, note, people)


# --- tasks ---------------------------------------------------------------------------------------------------


async def on_task_dispatched(session: AsyncSession, event: dict[str, Any]) -> None:
    """调度: the task's owner hears of it, and the task is watched to its due date."""
    t = TaskDispatchedView.model_validate(event["data"])
    owner_names = await user_names(session, {t.owner_id} if t.owner_id else set())
    fields = {"title": t.title or f"#{t.task_id}", "due": t.due or "—", "comment": t.comment,
              "owner": owner_names.get(t.owner_id or 0, "")}
    link = "/plans/tasks"
    if t.owner_id and t.due:
        await open_watch(session, key=f"task:{t.task_id}", kind="task", policy_kind="planning.task",
                         subject_type="task", subject_id=str(t.task_id), title=t.title or f"#{t.task_id}", link=link,
                         unit_id=t.unit_id, started_at=occurred(event), due_on=date.fromisoformat(t.due),
                         holder_user_id=t.owner_id)
    note = _note(event, "planning.task.dispatched", fields, link=link, subject_type="task", subject_id=t.task_id,
                 unit_id=t.unit_id)
    await notify(session, note, [t.owner_id] if t.owner_id else [])


async def on_task_overdue(session: AsyncSession, event: dict[str, Any]) -> None:
    """The owner is told the task is late; the watch (opened now if the task was never dispatched) escalates."""
    t = TaskOverdueView.model_validate(event["data"])
    link = "/plans/tasks"
    if t.owner_id:
        await open_watch(session, key=f"task:{t.task_id}", kind="task", policy_kind="planning.task",
                         subject_type="task", subject_id=str(t.task_id), title=t.title, link=link, unit_id=t.unit_id,
                         started_at=occurred(event), due_on=date.fromisoformat(t.due), holder_user_id=t.owner_id)
    note = _note(event, "planning.task.overdue", {"title": t.title, "due": t.due}, link=link, subject_type="task",
                 subject_id=t.task_id, unit_id=t.unit_id)
    await notify(session, note, [t.owner_id] if t.owner_id else [])


async def on_task_completed(session: AsyncSession, event: dict[str, Any]) -> None:
    await close_watches(session, f"task:{TaskCompletedView.model_validate(event['data']).task_id}")


# --- improvement actions (整改) --------------------------------------------------------------------------------


async def on_action(session: AsyncSession, event: dict[str, Any]) -> None:
    """An action's owner hears of it and it is watched to its due date; done, its raiser is asked to verify;
    verified, the watch closes; cancelled (its finding withdrawn), the watch closes and the owner is told."""
    a = ActionView.model_validate(event["data"])
    topic = event["type"]
    unit = (await unit_names(session, {a.unit_id})).get(a.unit_id, "")
    fields = {"title": a.title, "due": a.due, "unit": unit, "owner": a.owner_name}
    link = "/kpi/actions"
    key = f"action:{a.id}"
    if topic in ("kpi.action.created", "kpi.action.overdue") and a.owner_id:
        await open_watch(session, key=key, kind="task", policy_kind="kpi.action", subject_type="action",
                         subject_id=str(a.id), title=a.title, link=link, unit_id=a.unit_id, started_at=occurred(event),
                         due_on=date.fromisoformat(a.due[:10]), holder_user_id=a.owner_id, requester=a.raised_by)
    if topic in ("kpi.action.completed", "kpi.action.verified", "kpi.action.cancelled"):
        await close_watches(session, key)
    if topic == "kpi.action.verified":
        return
    to = user_id_of(a.raised_by) if topic == "kpi.action.completed" else a.owner_id
    note = _note(event, topic, fields, link=link, subject_type="action", subject_id=a.id, unit_id=a.unit_id)
    await notify(session, note, [to] if to else [])


# --- risk alerts -----------------------------------------------------------------------------------------------


async def on_alert_raised(session: AsyncSession, event: dict[str, Any]) -> None:
    """A KRI alert reaches the responsible unit's heads and the risk's owner, and the unit's group robots."""
    a = AlertRaisedView.model_validate(event["data"])
    unit = (await unit_names(session, {a.unit_id})).get(a.unit_id, "")
    fields = {"risk": a.risk_title, "unit": unit, "indicator": a.indicator_code, "period": a.period,
              "value": f"{a.value:g}", "threshold": f"{a.threshold:g}", "level": a.level,
              "level_zh": LEVELS_ZH.get(a.level, a.level)}
    note = _note(event, "risk.alert.raised", fields, link=f"/risk/{a.risk_id}", subject_type="alert",
                 subject_id=a.alert_id, unit_id=a.unit_id)
    people = await heads_of(session, a.unit_id) + ([a.owner_id] if a.owner_id else [])
    await notify(session, note, people, robots_for_unit=a.unit_id)



# --- supervision and improvement (issue 19) --------------------------------------------------------------------
# Inspections and audits wait on people with a due date (watched like an action, under its SLA policy for the
# reminder and escalation days); proposals and project reviews are told, not watched (they carry no limit).

SUPERVISION_POLICY = "kpi.action"
DECISIONS = {"adopt": ("采纳", "adopted"), "partly": ("部分采纳", "partly adopted"), "decline": ("不采纳", "declined")}


async def on_inspection(session: AsyncSession, event: dict[str, Any]) -> None:
    """Scheduled: whoever holds the inspector position today is told, and each is watched to the due date (a
    vacant position is watched with nobody on it, so its unit's heads hear when it is late); submitted or
    cancelled: the watches close."""
    i = InspectionView.model_validate(event["data"])
    prefix = f"inspection:{i.id}:"
    await close_watches(session, prefix)
    if event["type"] != "kpi.inspection.scheduled":
        return
    people, position_path = await position_holders(session, i.inspector_position_id)
    unit = (await unit_names(session, {i.unit_id})).get(i.unit_id, "")
    link = f"/kpi/inspections/{i.id}"
    title = f"{unit}·{i.template_name}"
    on_watch: list[int | None] = list(people) or [None]
    for holder in on_watch:
        await open_watch(session, key=f"{prefix}{'u' + str(holder) if holder else 'vacant'}", kind="task",
                         policy_kind=SUPERVISION_POLICY, subject_type="inspection", subject_id=str(i.id), title=title,
                         link=link, unit_id=i.unit_id, started_at=occurred(event),
                         due_on=date.fromisoformat(i.due[:10]), holder_user_id=holder, holder_held_at=position_path)
    fields = {"unit": unit, "template": i.template_name, "position": i.inspector_title, "due": i.due[:10]}
    note = _note(event, "kpi.inspection.scheduled", fields, link=link, subject_type="inspection", subject_id=i.id,
                 unit_id=i.unit_id)
    await notify(session, note, people)


async def _audited_responders(session: AsyncSession, a: AuditView) -> list[int]:
    """Who answers a draft report: holders of plan over the first audited unit, never the audit team."""
    team = {a.leader_id, *a.member_ids}
    return [u for u in await holders(session, "plan", a.unit_path) if u not in team]


async def on_audit(session: AsyncSession, event: dict[str, Any]) -> None:
    """Noticed: the heads of every audited unit hear of it. Draft issued: the first audited unit's planners are
    asked to respond, watched to ``response_due``. Responded or finalised: that watch closes; finalised, the
    same planners hear the final report is out."""
    a = AuditView.model_validate(event["data"])
    topic = event["type"]
    names = await unit_names(session, set(a.unit_ids) | {a.unit_id})
    fields: dict[str, Any] = {
        "title": a.title, "topic": a.topic, "unit": names.get(a.unit_id, ""), "leader": a.leader_name,
        "units": "、".join(names.get(u, "") for u in a.unit_ids), "period_start": a.period_start[:10],
        "period_end": a.period_end[:10], "planned_start": a.planned_start[:10], "planned_end": a.planned_end[:10],
        "due_zh": f"于 {a.response_due[:10]} 前" if a.response_due else "尽快",
        "due_en": f" by {a.response_due[:10]}" if a.response_due else ""}
    link = f"/kpi/audits/{a.id}"
    key = f"audit:{a.id}:response"
    if topic in ("kpi.audit.responded", "kpi.audit.finalised"):
        await close_watches(session, key)
    if topic == "kpi.audit.noticed":
        people = []
        for unit_id in a.unit_ids:
            people += [u for u in await heads_of(session, unit_id) if u not in people]
    elif topic in ("kpi.audit.draft_issued", "kpi.audit.finalised"):
        people = await _audited_responders(session, a)
    else:
        return
    if topic == "kpi.audit.draft_issued" and a.response_due:
        await open_watch(session, key=key, kind="task", policy_kind=SUPERVISION_POLICY, subject_type="audit",
                         subject_id=str(a.id), title=f"{a.title} · 审计意见反馈", link=link, unit_id=a.unit_id,
                         started_at=occurred(event), due_on=date.fromisoformat(a.response_due[:10]),
                         holder_right="plan", holder_unit_path=a.unit_path, requester=str(a.leader_id))
    note = _note(event, topic, fields, link=link, subject_type="audit", subject_id=a.id, unit_id=a.unit_id)
    await notify(session, note, people)


async def _proposal_fields(session: AsyncSession, p: ProposalView) -> dict[str, Any]:
    unit = (await unit_names(session, {p.unit_id})).get(p.unit_id, "")
    proposer = await display_name(session, p.proposer) if p.proposer else ""
    return {"title": p.title, "unit": unit, "proposer": proposer or "匿名员工", "proposer_en": proposer or "Someone",
            "stage": p.waiting.name if p.waiting else ""}


async def _tell_reviewers(session: AsyncSession, event: dict[str, Any], p: ProposalView, topic: str) -> None:
    """The holders of the waiting stage's right over its unit (never the named proposer: nobody reviews their
    own proposal)."""
    if p.waiting is None:
        return
    w = p.waiting
    proposer = user_id_of(p.proposer)
    people = [u for u in await holders(session, w.right, w.unit_path, w.held_at) if u != proposer]
    note = _note(event, topic, await _proposal_fields(session, p), link=f"/proposals/{p.proposal_id}",
                 subject_type="proposal", subject_id=p.proposal_id, unit_id=p.unit_id)
    await notify(session, note, people)


async def _tell_proposer(session: AsyncSession, event: dict[str, Any], p: ProposalView, topic: str,
                         extra: dict[str, Any]) -> None:
    """The proposer, when the event names one: an anonymous proposal names nobody, and nobody is told."""
    proposer = user_id_of(p.proposer)
    if proposer is None:
        return
    note = _note(event, topic, await _proposal_fields(session, p) | extra, link=f"/proposals/{p.proposal_id}",
                 subject_type="proposal", subject_id=p.proposal_id, unit_id=p.unit_id)
    await notify(session, note, [proposer])


async def on_proposal_submitted(session: AsyncSession, event: dict[str, Any]) -> None:
    """A proposal waits on its first review stage: that stage's holders are told."""
    await _tell_reviewers(session, event, ProposalView.model_validate(event["data"]), "planning.proposal.submitted")


async def on_proposal_decided(session: AsyncSession, event: dict[str, Any]) -> None:
    """Passed on to another stage: its holders are told; decided for good: the proposer (when named) is told."""
    p = ProposalDecidedView.model_validate(event["data"])
    if not p.final:
        await _tell_reviewers(session, event, p, "planning.proposal.advanced")
        return
    zh, en = DECISIONS.get(p.decision, (p.decision, p.decision))
    await _tell_proposer(session, event, p, "planning.proposal.decided",
                         {"decision_zh": zh, "decision_en": en, "reason": p.reason})


async def on_proposal_rewarded(session: AsyncSession, event: dict[str, Any]) -> None:
    """The proposer (when named) hears of the reward."""
    p = ProposalRewardedView.model_validate(event["data"])
    parts_zh = [f"{p.points} 分"] if p.points else []
    parts_en = [f"{p.points} points"] if p.points else []
    if p.amount:
        parts_zh.append(f"奖金 {p.amount:g} 元")
        parts_en.append(f"{p.amount:g} yuan")
    await _tell_proposer(session, event, p, "planning.proposal.rewarded", {
        "level": p.level_name, "reward_zh": f"（{'，'.join(parts_zh)}）" if parts_zh else "",
        "reward_en": f" ({', '.join(parts_en)})" if parts_en else ""})


async def on_improvement_review_due(session: AsyncSession, event: dict[str, Any]) -> None:
    """A project's periodic review date came without a review: its owner is told."""
    r = ImprovementReviewDueView.model_validate(event["data"])
    unit = (await unit_names(session, {r.unit_id})).get(r.unit_id, "")
    note = _note(event, "planning.improvement.review_due", {"title": r.title, "unit": unit, "due": r.due[:10]},
                 link=f"/improvement/projects/{r.project_id}", subject_type="improvement_project",
                 subject_id=r.project_id, unit_id=r.unit_id)
    await notify(session, note, [r.owner_id] if r.owner_id else [])


# --- comments on records (issue 23) -----------------------------------------------------------------------------

RECORD_NAMES = {"plan": ("计划", "plan"), "task": ("任务", "task"), "proposal": ("合理化建议", "proposal"),
                "action": ("整改措施", "action"), "finding": ("发现问题", "finding"), "risk": ("风险", "risk")}


async def on_comment_mentioned(session: AsyncSession, event: dict[str, Any]) -> None:
    """Each person a comment mentions is told, with the record's link (once, however often it is delivered).
    The producer let only people who may see the record be mentioned: the notification grants nothing."""
    c = CommentMentionedView.model_validate(event["data"])
    zh, en = RECORD_NAMES.get(c.record_kind, (c.record_kind, c.record_kind))
    fields = {"author": c.author_name, "title": c.title, "excerpt": c.excerpt, "record_zh": zh, "record_en": en}
    note = _note(event, "comment.mentioned", fields, link=c.link, subject_type=c.record_kind,
                 subject_id=c.record_id, unit_id=_unit_id(c.unit_path))
    await notify(session, note, c.mentioned)


def _unit_id(unit_path: str) -> int | None:
    last = unit_path.strip("/").split("/")[-1]
    return int(last) if last.isdigit() else None
