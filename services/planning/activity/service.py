"""The activity streams (动态) of planning's records: plans, their tasks and proposals (合理化建议).

A plan's stream is the plan's own entries (its decisions, edits, weekly reports, comments and files); each
task has its own (progress reports, dispatches, comments, files), shown where the task is discussed.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.activity import (
    Activity,
    ActivityEntryRead,
    Catalogue,
    Facts,
    Fill,
    Order,
    Quote,
    Template,
    Words,
    note,
    paren,
    same,
    text_of,
    vocabulary,
    word,
)
from services.common.api import Page
from services.common.authz import Principal
from services.common.records import Record
from services.planning.models import AuditEntry, Proposal
from services.planning.proposals.service import DECISION_ZH
from services.planning.proposals.service import STATUS_ZH as PROPOSAL_STATUS_ZH
from services.planning.records import RECORDS
from services.planning.vocabulary import STATUS_ZH

# the SPA's words (frontend/src/locales/en-US/plans.json, proposals.json)
PLAN_STATUS = vocabulary(STATUS_ZH, {
    "draft": "Draft", "submitted": "Submitted", "returned": "Returned", "approved": "Approved", "issued": "Issued",
    "published": "Published", "vetoed": "Vetoed", "closed": "Closed"})
TASK_STATUS = vocabulary(
    {"not_started": "未开始", "in_progress": "进行中", "done": "已完成", "blocked": "受阻", "cancelled": "已取消"},
    {"not_started": "Not started", "in_progress": "In progress", "done": "Done", "blocked": "Blocked",
     "cancelled": "Cancelled"})
PROPOSAL_STATUS = vocabulary(PROPOSAL_STATUS_ZH, {
    "in_review": "In review", "adopted": "Adopted", "partly": "Partly adopted", "declined": "Declined",
    "implemented": "Implemented", "rewarded": "Rewarded"})
DECISION = vocabulary(DECISION_ZH, {"adopt": "adopted", "partly": "partly adopted", "decline": "declined"})


def _stage(f: Facts) -> Words:
    stage = f.after("stage")
    if not isinstance(stage, dict) or not stage.get("name"):
        return Words("", "")
    name = str(stage["name"])
    return Words(name, str(stage.get("name_en") or name))


def _stage_done(f: Facts) -> Mapping[str, Words]:
    """The stage acted on: 「…批准了计划（运营管理部汇总审核）」."""
    return {"stage": paren(_stage(f))}


def _stage_next(f: Facts) -> Mapping[str, Words]:
    """The stage a submission goes to: 「…提交了计划，待运营管理部汇总审核」."""
    stage = _stage(f)
    return {"stage": Words(f"，待{stage.zh}" if stage.zh else "", f" for {stage.en}" if stage.en else "")}


def _week(f: Facts) -> Mapping[str, Words]:
    return {"week": same(f.text("week"))}


def _progress(f: Facts) -> Mapping[str, Words]:
    return {"progress": same(f.text("progress") or "0")}


def _dispatch(f: Facts) -> Mapping[str, Words]:
    owner, due = f.text("owner_name"), f.text("due")
    zh = "，".join(x for x in (f"责任人 {owner}" if owner else "", f"期限 {due}" if due else "") if x)
    en = ", ".join(x for x in (f"owner {owner}" if owner else "", f"due {due}" if due else "") if x)
    return {"what": Words(f"：{zh}" if zh else "", f": {en}" if en else "")}


def _decided(f: Facts) -> Mapping[str, Words]:
    decision = word(DECISION, f.after("decision"))
    return {"decision": Words(f"：{decision.zh}" if decision.zh else "", f": {decision.en}" if decision.en else "")}


def _decision(zh: str, en: str, fill: Fill = _stage_done, quote: Quote = note) -> Template:
    return Template("decision", zh, en, fill=fill, quote=quote, status=PLAN_STATUS)


CATALOGUE: Catalogue = {
    # plans (the approval workflow's actions are plan.<action>; services/planning/approvals/workflow.py)
    "plan.created": Template("edit", "{actor} 创建了计划", "{actor} created the plan"),
    "plan.edited": Template("edit", "{actor} 修改了计划内容", "{actor} edited the plan"),
    "plan.submit": _decision("{actor} 提交了计划{stage}", "{actor} submitted the plan{stage}", fill=_stage_next),
    "plan.approve": _decision("{actor} 批准了计划{stage}", "{actor} approved the plan{stage}"),
    "plan.countersign": _decision("{actor} 会签了计划{stage}", "{actor} countersigned the plan{stage}"),
    "plan.return": _decision("{actor} 退回了计划{stage}", "{actor} returned the plan{stage}"),
    "plan.veto": _decision("{actor} 否决了计划", "{actor} vetoed the plan"),
    "plan.issue": _decision("{actor} 下达了计划", "{actor} issued the plan"),
    "plan.publish": _decision("{actor} 公示了计划", "{actor} published the plan"),
    "plan.revise": _decision("{actor} 发起了计划调整", "{actor} started a revision of the plan"),
    "plan.balance": _decision("{actor} 综合平衡调整了计划目标", "{actor} balanced the plan's targets"),
    "plan.answer_suggestion": _decision("{actor} 答复了建议", "{actor} answered a suggestion"),
    "plan.suggest": Template("comment", "{actor} 提出了建议", "{actor} made a suggestion", quote=note),
    "plan.guide": Template("comment", "{actor} 给出了指导意见", "{actor} gave guidance", quote=note),
    # approval controls (issue 23)
    "plan.withdraw": _decision("{actor} 撤回了计划", "{actor} withdrew the plan"),
    "plan.transfer": _decision("{actor} 转办了审批{stage}", "{actor} transferred the approval{stage}"),
    "plan.add_signer": _decision("{actor} 加签{stage}", "{actor} added a signer{stage}"),
    "plan.cc": Template("other", "{actor} 抄送了计划", "{actor} copied the plan to others", quote=note),
    "plan.sign_added": _decision("{actor} 作为加签人签署了计划{stage}",
                                 "{actor} signed the plan as an added signer{stage}"),
    "plan.opinion": Template("comment", "{actor} 作为加签人提出了意见{stage}", "{actor} gave an opinion as an added "
                             "signer{stage}", fill=_stage_done, quote=note),
    # tracking
    "plan.reported": Template("edit", "{actor} 提交了 {week} 周进展报告", "{actor} reported progress for {week}",
                              fill=_week),
    "meeting.decided": Template("decision", "{actor} 在周例会上作出决定", "{actor} recorded a meeting decision",
                                quote=text_of("text")),
    # tasks
    "task.progressed": Template("edit", "{actor} 报告了进度 {progress}%", "{actor} reported {progress}% progress",
                                fill=_progress, quote=note, status=TASK_STATUS),
    "task.dispatched": Template("decision", "{actor} 调度了任务{what}", "{actor} dispatched the task{what}",
                                fill=_dispatch, quote=note),
    # proposals (合理化建议)
    "proposal.submitted": Template("decision", "{actor} 提交了合理化建议", "{actor} submitted the proposal",
                                   status=PROPOSAL_STATUS),
    "proposal.decided": Template("decision", "{actor} 评审了合理化建议{decision}", "{actor} reviewed the proposal"
                                 "{decision}", fill=_decided, quote=text_of("reason"), status=PROPOSAL_STATUS),
    "proposal.benefit_recorded": Template("edit", "{actor} 登记了实施效益", "{actor} recorded the benefit",
                                          quote=text_of("benefit"), status=PROPOSAL_STATUS),
    "proposal.rewarded": Template("decision", "{actor} 给予了奖励", "{actor} granted a reward",
                                  quote=text_of("note"), status=PROPOSAL_STATUS),
}

ACTIVITY = Activity(AuditEntry, RECORDS, CATALOGUE)


def _hidden(record: Record, principal: Principal) -> tuple[str, ...]:
    """An anonymous proposal's proposer is 匿名 to everyone but themselves, here as on its page."""
    item = record.item
    if isinstance(item, Proposal) and item.anonymous and item.proposer != principal.sub:
        return (item.proposer,)
    return ()


async def activity(session: AsyncSession, *, record: Record, principal: Principal, limit: int, cursor: str | None,
                   order: Order) -> Page[ActivityEntryRead]:
    return await ACTIVITY.page(session, record, limit=limit, cursor=cursor, order=order,
                               hidden=_hidden(record, principal))
