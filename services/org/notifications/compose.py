"""What a notification says: the kinds people choose channels for, the note itself, and the
zh-CN / en wording of every topic (one table, so a translator finds them in one place)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from services.common.i18n import EN, ZH

# The kinds a person (and the company's default) chooses channels for.
KINDS = ("approval", "task", "alert", "mention", "digest")
KIND_NAMES = {"approval": ("审批", "Approvals"), "task": ("任务与整改", "Tasks and actions"),
              "alert": ("风险预警", "Risk alerts"), "mention": ("评论中@我", "Mentions in comments"),
              "digest": ("待办汇总", "Digests")}
# Channels a person chooses among; in_app is always on (the notification centre cannot be turned off).
CHANNELS = ("in_app", "email")
BUILT_IN_DEFAULTS: dict[str, list[str]] = {"approval": ["in_app", "email"], "task": ["in_app", "email"],
                                           "alert": ["in_app", "email"], "mention": ["in_app", "email"],
                                           "digest": ["in_app", "email"]}

Text = dict[str, tuple[str, str]]  # language → (title, body)


@dataclass(frozen=True)
class Note:
    """One notification before it has recipients: what it is, what it says, where it leads."""

    kind: str
    topic: str
    dedupe: str  # with the recipient, what makes it once: the event id, or reminder:<watch>
    text: Text
    link: str = ""
    subject_type: str = ""
    subject_id: str = ""
    unit_id: int | None = None
    event_id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def title(self, language: str) -> str:
        return self.text.get(language, self.text[ZH])[0]

    def body(self, language: str) -> str:
        return self.text.get(language, self.text[ZH])[1]


# topic → (kind, {language: (title template, body template)}); the templates are str.format templates
# over the fields each handler passes (missing fields show as empty).
TEMPLATES: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "planning.plan.submitted": ("approval", {
        ZH: ("待您审批：{unit}《{title}》",
             "{actor}提交了{unit}的计划《{title}》（{period}），等待“{stage}”环节审批{limit_zh}。"),
        EN: ("Awaiting your approval: {unit} “{title}”",
             "{actor} submitted {unit}'s plan “{title}” ({period}); it waits on the stage “{stage}”{limit_en}."),
    }),
    "planning.plan.stage_advanced": ("approval", {
        ZH: ("待您审批：{unit}《{title}》",
             "计划《{title}》（{period}）已通过上一环节，等待“{stage}”环节审批{limit_zh}。"),
        EN: ("Awaiting your approval: {unit} “{title}”",
             "The plan “{title}” ({period}) passed the previous stage and waits on “{stage}”{limit_en}."),
    }),
    "planning.plan.approved": ("approval", {
        ZH: ("已审批通过：《{title}》", "{unit}的计划《{title}》（{period}）已通过全部审批环节，等待下达。"),
        EN: ("Approved: “{title}”", "{unit}'s plan “{title}” ({period}) passed every stage and waits to be issued."),
    }),
    "planning.plan.returned": ("approval", {
        ZH: ("已退回修改：《{title}》", "{actor}退回了{unit}的计划《{title}》（{period}）：{comment}"),
        EN: ("Returned for changes: “{title}”", "{actor} returned {unit}'s plan “{title}” ({period}): {comment}"),
    }),
    "planning.plan.vetoed": ("approval", {
        ZH: ("已否决：《{title}》", "{actor}否决了{unit}的计划《{title}》（{period}）：{comment}"),
        EN: ("Vetoed: “{title}”", "{actor} vetoed {unit}'s plan “{title}” ({period}): {comment}"),
    }),
    "planning.plan.revision_vetoed": ("approval", {
        ZH: ("计划调整被否决：《{title}》", "{actor}否决了《{title}》的调整，原版本继续有效：{comment}"),
        EN: ("Revision vetoed: “{title}”", "{actor} vetoed the revision of “{title}”; the version in force stays: "
             "{comment}"),
    }),
    "planning.plan.issued": ("approval", {
        ZH: ("已下达：{unit}《{title}》", "{unit}的计划《{title}》（{period}）已下达执行。"),
        EN: ("Issued: {unit} “{title}”", "{unit}'s plan “{title}” ({period}) is issued and in force."),
    }),
    # a revision (计划调整) in force: without a template here every planning.plan.revised failed in org (issue 20)
    "planning.plan.revised": ("approval", {
        ZH: ("调整已生效：{unit}《{title}》", "{unit}的计划《{title}》（{period}）的调整已下达执行。"),
        EN: ("Revision in force: {unit} “{title}”", "The revision of {unit}'s plan “{title}” ({period}) is in force."),
    }),
    # approval controls (issue 23)
    "planning.plan.withdrawn": ("approval", {
        ZH: ("已撤回：{unit}《{title}》",
             "{actor}撤回了{unit}的计划《{title}》（{period}），“{stage}”环节无需再审批。{comment}"),
        EN: ("Withdrawn: {unit} “{title}”", "{actor} withdrew {unit}'s plan “{title}” ({period}); the stage “{stage}” "
             "no longer waits on you. {comment}"),
    }),
    "planning.plan.transferred": ("approval", {
        ZH: ("待您审批：{unit}《{title}》", "{actor}将{unit}的计划《{title}》（{period}）“{stage}”环节的审批转办给您"
             "{limit_zh}。转办原因：{reason}"),
        EN: ("Awaiting your approval: {unit} “{title}”", "{actor} handed you the approval of {unit}'s plan “{title}” "
             "({period}) at the stage “{stage}”{limit_en}. Reason: {reason}"),
    }),
    "planning.plan.signer_added": ("approval", {
        ZH: ("{heading_zh}：{unit}《{title}》", "{actor}在{unit}的计划《{title}》（{period}）“{stage}”环节加签了您"
             "（{how_zh}）。{comment}"),
        EN: ("{heading_en}: {unit} “{title}”", "{actor} added you to the stage “{stage}” of {unit}'s plan “{title}” "
             "({period}) ({how_en}). {comment}"),
    }),
    "planning.plan.signer_due": ("approval", {
        ZH: ("待您审批：{unit}《{title}》",
             "{unit}的计划《{title}》（{period}）“{stage}”环节现在等待您审批{limit_zh}。"),
        EN: ("Awaiting your approval: {unit} “{title}”", "{unit}'s plan “{title}” ({period}) now waits on you at "
             "the stage “{stage}”{limit_en}."),
    }),
    "planning.plan.copied": ("approval", {
        ZH: ("抄送给您：{unit}《{title}》",
             "{actor}将{unit}的计划《{title}》（{period}）抄送给您，供您知悉。{comment}"),
        EN: ("Copied to you: {unit} “{title}”", "{actor} copied you on {unit}'s plan “{title}” ({period}) for your "
             "information. {comment}"),
    }),
    "planning.task.dispatched": ("task", {
        ZH: ("任务调度：{title}", "任务“{title}”已调度：负责人{owner}，截止日期 {due}。{comment}"),
        EN: ("Task dispatched: {title}", "The task “{title}” was dispatched: owner {owner}, due {due}. {comment}"),
    }),
    "planning.task.overdue": ("task", {
        ZH: ("任务已逾期：{title}", "任务“{title}”的截止日期 {due} 已过，尚未完成，请尽快处理并汇报进展。"),
        EN: ("Task overdue: {title}", "The task “{title}” was due {due} and is not finished: act and report "
             "progress."),
    }),
    "kpi.action.created": ("task", {
        ZH: ("新的整改措施：{title}", "{unit}的整改措施“{title}”由您负责，截止日期 {due}。"),
        EN: ("New action: {title}", "You own {unit}'s action “{title}”, due {due}."),
    }),
    "kpi.action.overdue": ("task", {
        ZH: ("整改措施已逾期：{title}", "{unit}的整改措施“{title}”截止日期 {due} 已过，尚未完成。"),
        EN: ("Action overdue: {title}", "{unit}'s action “{title}” was due {due} and is not finished."),
    }),
    "kpi.action.completed": ("task", {
        ZH: ("整改措施已完成，待验证：{title}", "{owner}完成了{unit}的整改措施“{title}”，请验证效果。"),
        EN: ("Action done, to verify: {title}", "{owner} finished {unit}'s action “{title}”: verify its effect."),
    }),
    "kpi.action.cancelled": ("task", {
        ZH: ("整改措施已撤销：{title}", "{unit}的整改措施“{title}”已撤销，无需再办理。"),
        EN: ("Action cancelled: {title}", "{unit}'s action “{title}” was cancelled: nothing more to do."),
    }),
    "risk.alert.raised": ("alert", {
        ZH: ("风险预警（{level_zh}）：{risk}", "{unit}：指标 {indicator} 在 {period} 为 {value}，越过{level_zh}阈值 "
             "{threshold}（风险“{risk}”）。"),
        EN: ("Risk alert ({level}): {risk}", "{unit}: {indicator} is {value} for {period}, past the {level} "
             "threshold {threshold} (risk “{risk}”)."),
    }),
    # Supervision and improvement (issue 19): inspections, special audits, proposals, process optimisation.
    "kpi.inspection.scheduled": ("task", {
        ZH: ("待您检查：{unit}·{template}",
             "您任职的“{position}”岗位须于 {due} 前完成对{unit}的实地检查（{template}）。"),
        EN: ("Inspection for you: {unit} · {template}", "As “{position}” you are to inspect {unit} ({template}) by "
             "{due}."),
    }),
    "kpi.audit.noticed": ("task", {
        ZH: ("审计通知：{title}", "专项审计“{title}”（{topic}，审计期间 {period_start} 至 {period_end}）将于 "
             "{planned_start} 至 {planned_end} 对{units}开展，审计组长{leader}。请做好配合准备。"),
        EN: ("Audit notice: {title}", "The special audit “{title}” ({topic}, covering {period_start} to {period_end}) "
             "will examine {units} from {planned_start} to {planned_end}, led by {leader}. Please prepare."),
    }),
    "kpi.audit.draft_issued": ("task", {
        ZH: ("待您反馈审计意见：{title}", "专项审计“{title}”的审计报告征求意见稿已出具，请{unit}{due_zh}对每项审计发现"
             "逐项反馈意见（认可或提出异议）。"),
        EN: ("Your response is awaited: {title}", "The draft report of the special audit “{title}” is out: {unit} is "
             "asked to accept or dispute each finding{due_en}."),
    }),
    "kpi.audit.finalised": ("task", {
        ZH: ("审计报告终稿已出具：{title}",
             "专项审计“{title}”的审计报告终稿已出具，请{unit}按终稿认定的审计发现落实整改。"),
        EN: ("Final audit report out: {title}", "The final report of the special audit “{title}” is out: {unit} is to "
             "rectify the findings it keeps."),
    }),
    "planning.proposal.submitted": ("approval", {
        ZH: ("待您评审合理化建议：{title}", "{proposer}向{unit}提出合理化建议“{title}”，等待“{stage}”环节评审。"),
        EN: ("Proposal to review: {title}", "{proposer_en} proposed “{title}” to {unit}; it waits on the review stage "
             "“{stage}”."),
    }),
    # planning.proposal.decided at a stage before the last: the proposal moved on to the next stage
    "planning.proposal.advanced": ("approval", {
        ZH: ("待您评审合理化建议：{title}", "合理化建议“{title}”（{unit}）已通过上一环节评审，等待“{stage}”环节评审。"),
        EN: ("Proposal to review: {title}", "The proposal “{title}” ({unit}) passed the previous review stage and "
             "waits on “{stage}”."),
    }),
    "planning.proposal.decided": ("approval", {
        ZH: ("合理化建议评审结果：{title}", "您提出的合理化建议“{title}”评审结果：{decision_zh}。{reason}"),
        EN: ("Your proposal was decided: {title}", "Your proposal “{title}”: {decision_en}. {reason}"),
    }),
    "planning.proposal.rewarded": ("approval", {
        ZH: ("合理化建议获奖：{title}", "您提出的合理化建议“{title}”获评{level}{reward_zh}。"),
        EN: ("Your proposal was rewarded: {title}", "Your proposal “{title}” was granted “{level}”{reward_en}."),
    }),
    "planning.improvement.review_due": ("task", {
        ZH: ("流程优化项目待评审：{title}",
             "{unit}的流程优化项目“{title}”定期评审日期 {due} 已到，请组织评审并记录结论。"),
        EN: ("Project review due: {title}", "{unit}'s process optimisation project “{title}” was due for its periodic "
             "review on {due}: review it and record the outcome."),
    }),
    # Comments on records (issue 23): someone was mentioned (@) in a comment on a record they may see.
    "comment.mentioned": ("mention", {
        ZH: ("{author}在《{title}》的评论中提到了您", "{author}在{record_zh}《{title}》的评论中提到了您：{excerpt}"),
        EN: ("{author} mentioned you in a comment on “{title}”",
             "{author} mentioned you in a comment on the {record_en} “{title}”: {excerpt}"),
    }),
    # Reminders, escalation and 催办 (services.org.reminders): the note's kind is the watch's (approval or task),
    # the kind given here is only the usual one.
    "notify.reminder": ("approval", {
        ZH: ("即将到期：{title}", "“{title}”将于 {deadline_zh} 到期（{left_zh}），请及时处理。"),
        EN: ("Due soon: {title}", "“{title}” is due by {deadline_en} ({left_en}): please act on it."),
    }),
    "notify.escalation": ("approval", {
        ZH: ("已超时，请督办：{title}", "“{title}”自 {since} 起等待{waiting_on}处理，已超过时限（{deadline_zh}），"
             "请督促办理。"),
        EN: ("Overdue, please follow up: {title}", "“{title}” has waited on {waiting_on_en} since {since} and is "
             "past its deadline ({deadline_en}): please follow it up."),
    }),
    "notify.overdue": ("approval", {
        ZH: ("已超时：{title}", "“{title}”已超过时限（{deadline_zh}），已告知{escalated_to}。请尽快处理。"),
        EN: ("Overdue: {title}", "“{title}” is past its deadline ({deadline_en}); {escalated_to_en} has been told. "
             "Please act on it now."),
    }),
    "notify.urge": ("approval", {
        ZH: ("催办：{title}", "{actor}催办“{title}”（时限 {deadline_zh}，{left_zh}）。{comment}"),
        EN: ("{actor} is chasing: {title}", "{actor} asks you to act on “{title}” (due by {deadline_en}, "
             "{left_en}). {comment}"),
    }),
    # Digests (services.org.reminders.digests): the bodies are built line by line there.
    "notify.digest": ("digest", {
        ZH: ("我的待办（{day}）：{count} 项{overdue_zh}", "{lines_zh}"),
        EN: ("My to-dos ({day}): {count}{overdue_en}", "{lines_en}"),
    }),
    "notify.digest.weekly": ("digest", {
        ZH: ("本周待办（{week}）：{count} 项{overdue_zh}", "{lines_zh}"),
        EN: ("This week's to-dos ({week}): {count}{overdue_en}", "{lines_en}"),
    }),
    "notify.digest.meeting": ("digest", {
        ZH: ("运营例会议程（{week}）",
             "每周运营工作例会将于 {meeting_day}（{weekday_zh}）召开，请提前查看议程并准备本单位的汇报。"),
        EN: ("Weekly meeting agenda ({week})", "The weekly operations meeting is on {meeting_day}: review the agenda "
             "and prepare your unit's report."),
    }),
    # Training (services.org.training, issue 20): told directly by org, which owns the plans and certificates.
    "org.training.submitted": ("approval", {
        ZH: ("待您审批：{unit}{year}年度培训计划",
             "{actor}提交了{unit}的培训计划《{title}》，请审批（批准或退回并说明理由）。"),
        EN: ("Awaiting your approval: {unit}'s {year} training plan", "{actor} submitted {unit}'s training plan "
             "“{title}”: approve it or return it with a reason."),
    }),
    "org.training.planned": ("approval", {
        ZH: ("培训计划已批准：《{title}》", "{actor}批准了{unit}的培训计划《{title}》：{reason}"),
        EN: ("Training plan approved: “{title}”", "{actor} approved {unit}'s training plan “{title}”: {reason}"),
    }),
    "org.training.plan_returned": ("approval", {
        ZH: ("培训计划已退回：《{title}》", "{actor}退回了{unit}的培训计划《{title}》：{reason}"),
        EN: ("Training plan returned: “{title}”", "{actor} returned {unit}'s training plan “{title}”: {reason}"),
    }),
    "org.certification.expiring": ("task", {
        ZH: ("证书即将到期：{person}《{name}》",
             "{unit}{person}的证书《{name}》（编号 {number}）将于 {expires_on} 到期，"
             "还剩 {days} 天，请及时安排复训或换证。"),
        EN: ("Certificate expiring: {person}'s “{name}”", "{person} ({unit}): the certificate “{name}” (no. {number}) "
             "expires on {expires_on}, in {days} days; arrange its renewal."),
    }),
    "org.certification.expired": ("task", {
        ZH: ("证书已过期：{person}《{name}》", "{unit}{person}的证书《{name}》（编号 {number}）已于 {expires_on} 到期，"
             "请尽快复训或换证。"),
        EN: ("Certificate expired: {person}'s “{name}”", "{person} ({unit}): the certificate “{name}” (no. {number}) "
             "expired on {expires_on}; renew it now."),
    }),
}


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def render(topic: str, fields: Mapping[str, Any], templates: Mapping[str, tuple[str, Text]] = TEMPLATES) -> Text:
    """The topic's title and body in every language, filled from ``fields``."""
    _kind, by_language = templates[topic]
    values = _Blank(fields)
    return {lang: (title.format_map(values).strip(), body.format_map(values).strip())
            for lang, (title, body) in by_language.items()}


def kind_of(topic: str) -> str:
    return TEMPLATES[topic][0]
