"""A record's activity stream tells its audit entries as sentences in the caller's language, from a whitelist of
actions; what a template does not pick of an entry's before/after never reaches the caller."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services.common import audit, i18n
from services.common.activity import (
    Activity,
    Template,
    Words,
    actor_words,
    note,
    paren,
    tell,
    vocabulary,
)
from services.common.authz import Principal
from services.common.db import Database
from services.common.records import Record, RecordKind, RecordKinds
from services.planning.activity.service import ACTIVITY as PLANNING_ACTIVITY
from services.planning.activity.service import CATALOGUE as PLANNING_OWN
from services.planning.models import AuditEntry
from services.risk.activity.service import CATALOGUE as RISK

PLANNING = PLANNING_ACTIVITY.catalogue  # planning's actions with comments and files
PLAN = Words("计划", "plan")


@dataclass
class Entry:
    action: str
    actor: str = "7"
    actor_name: str = "张三"
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""
    seq: int = 1
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


def told(entry: Entry, lang: str = i18n.ZH, catalogue=PLANNING, **kw):
    return tell(entry, catalogue, record_name=PLAN, lang=lang, **kw)  # type: ignore[arg-type]


OPS = {"key": "ops_review", "name": "运营管理部汇总审核", "name_en": "Operations review and consolidation"}


def test_an_approval_names_the_approver_and_the_stage_in_chinese_and_english():
    entry = Entry("plan.approve", before={"status": "submitted"},
                  after={"status": "submitted", "stage_index": 1, "stage": OPS}, note="同意，按期下达")
    zh = told(entry)
    assert zh.sentence == "张三 批准了计划（运营管理部汇总审核）"
    assert (zh.kind, zh.quote, zh.status_to) == ("decision", "同意，按期下达", None)  # the stage moved, not the status
    en = told(entry, i18n.EN)
    assert en.sentence == "张三 approved the plan (Operations review and consolidation)"
    assert en.quote == "同意，按期下达"


def test_a_final_approval_says_the_status_it_moved_between_in_the_services_words():
    entry = Entry("plan.approve", before={"status": "submitted"}, after={"status": "approved", "stage_index": None})
    zh, en = told(entry), told(entry, i18n.EN)
    assert (zh.sentence, zh.status_from, zh.status_to) == ("张三 批准了计划", "已提交", "已批准")
    assert (en.status_from, en.status_to) == ("Submitted", "Approved")


def test_a_submission_says_where_it_goes():
    entry = Entry("plan.submit", actor_name="王经理", before={"status": "draft"},
                  after={"status": "submitted", "stage": OPS})
    assert told(entry).sentence == "王经理 提交了计划，待运营管理部汇总审核"
    assert told(entry, i18n.EN).sentence == "王经理 submitted the plan for Operations review and consolidation"


def test_approval_controls_read_with_their_stage_and_the_note_the_controls_write():
    transfer = Entry("plan.transfer", actor_name="李运营总监", before={"status": "submitted"},
                     after={"status": "submitted", "stage": OPS}, note="转办给王副总监：出差一周")
    said = told(transfer)
    assert (said.sentence, said.quote, said.status_to) == ("李运营总监 转办了审批（运营管理部汇总审核）",
                                                           "转办给王副总监：出差一周", None)
    withdraw = told(Entry("plan.withdraw", before={"status": "submitted"}, after={"status": "draft"}, note="补充数据"))
    assert (withdraw.sentence, withdraw.status_from, withdraw.status_to) == ("张三 撤回了计划", "已提交", "草稿")
    assert told(Entry("plan.opinion", after={"stage": OPS}, note="建议分季度考核")).kind == "comment"


def test_comments_and_files_use_the_shared_layout():
    said = told(Entry("comment.added", actor_name="王五", after={"comment_id": 3, "excerpt": "预算  偏高\n请复核",
                                                              "reply_to": None}))
    assert (said.kind, said.sentence, said.quote) == ("comment", "王五 发表了评论", "预算 偏高 请复核")
    reply = told(Entry("comment.added", after={"comment_id": 4, "excerpt": "已改", "reply_to": 3}), i18n.EN)
    assert reply.sentence == "张三 replied to a comment"
    upload = Entry("attachment.added", actor_name="李四",
                   after={"attachment_id": 9, "name": "预算表.xlsx", "size": 25600, "content_type": "application/x"})
    assert told(upload).sentence == "李四 上传了附件《预算表.xlsx》（25 KB）"
    assert told(upload).kind == "file"
    assert told(upload, i18n.EN).sentence == "李四 attached “预算表.xlsx” (25 KB)"
    assert told(Entry("comment.deleted", after={"comment_id": 3})).quote is None


def test_an_unknown_action_is_told_generically_without_its_before_and_after():
    entry = Entry("plan.archived", before={"status": "issued", "secret": "工资表"},
                  after={"status": "closed", "salary": 12345, "excerpt": "内部意见"}, note="仅限管理层")
    zh, en = told(entry), told(entry, i18n.EN)
    assert (zh.kind, zh.sentence) == ("other", "张三 执行了操作 plan.archived")
    assert en.sentence == "张三 did plan.archived"
    for said in (zh, en):
        assert said.quote is None and said.status_from is None and said.status_to is None
        shown = " ".join(str(v) for v in vars(said).values())
        for hidden in ("工资表", "12345", "内部意见", "仅限管理层", "closed", "已关闭"):
            assert hidden not in shown


def test_a_known_action_shows_only_the_fields_its_template_picks():
    # a risk's snapshot holds far more than its activity says (the owner's id, the description, …)
    entry = Entry("risk.updated", before={"status": "identified", "description": "客户流失到竞争对手",
                                          "owner_id": 42},
                  after={"status": "identified", "description": "核心客户流失", "owner_id": 43}, note="excel import")
    said = tell(entry, RISK, record_name=Words("风险", "risk"), lang=i18n.ZH)  # type: ignore[arg-type]
    assert said.sentence == "张三 修改了风险" and said.quote is None
    assert "核心客户" not in str(vars(said)) and "43" not in str(vars(said))


def test_a_risk_assessment_says_level_and_scores():
    entry = Entry("risk.assessed", before={"level": None},
                  after={"kind": "inherent", "likelihood": 4, "impact": 5, "score": 20, "level": "critical"})
    said = tell(entry, RISK, record_name=Words("风险", "risk"), lang=i18n.ZH)  # type: ignore[arg-type]
    assert said.sentence == "张三 评估了固有风险：重大（可能性 4 × 影响 5）"
    en = tell(entry, RISK, record_name=Words("风险", "risk"), lang=i18n.EN)  # type: ignore[arg-type]
    assert en.sentence == "张三 assessed the inherent risk: Critical (likelihood 4 × impact 5)"


def test_actors_are_named_never_by_a_bare_id():
    assert actor_words("7", "张三").zh == "张三"
    assert actor_words("system", "").zh == "系统" and actor_words("system", "").en == "System"
    assert actor_words("client:svc-kpi", "svc-kpi").zh == "系统"
    assert actor_words("client:erp", "").zh == "外部系统"
    assert actor_words("12", "").zh == "一位用户"  # a user whose name the token did not carry
    assert actor_words("12", "赵六", hidden={"12"}).zh == "匿名"
    # a comment the anonymous proposer wrote is kept without a name, and told as 匿名 (to themselves too)
    said = told(Entry("comment.added", actor="12", actor_name="", after={"comment_id": 1, "excerpt": "补充一点",
                                                                        "anonymous": True}))
    assert (said.actor_name, said.sentence) == ("匿名", "匿名 发表了评论")
    # a reviewer's decision on an anonymous proposal names the reviewer (the proposal is anonymous, not they)
    decided = told(Entry("proposal.decided", actor_name="王经理", after={"anonymous": True, "status": "adopted"}))
    assert decided.actor_name == "王经理" and decided.sentence.startswith("王经理 ")


def test_long_quotes_are_clipped_and_words_helpers_read_well():
    said = told(Entry("plan.return", before={"status": "submitted"}, after={"status": "returned"}, note="改" * 500))
    assert said.quote is not None and len(said.quote) == 200 and said.quote.endswith("…")
    assert paren(Words("", "")) == Words("", "")
    assert told(Entry("attachment.added", after={"name": "a.pdf", "size": "x"})).sentence.endswith("《a.pdf》")
    assert vocabulary({"a": "甲"}, {})["a"] == Words("甲", "a")
    assert Template("other", "{actor}", "{actor}", quote=note).kind == "other"


async def test_a_records_page_reads_its_own_entries_in_order_with_a_cursor(databases):
    """Stored entries: another record's and another kind's are absent; the cursor pages newest first (or oldest
    first); a comment deleted later keeps no excerpt."""
    db = Database(await databases.fresh("planning"))
    zhang = Principal(sub="7", name="张三")

    async def resolve(_session, _principal, record_id):
        return Record("planning", "plan", record_id, "/1/", "计划", "/plans/1", "plan")

    kinds = RecordKinds("planning", {"plan": RecordKind("计划", "plan", resolve)})
    activity = Activity(AuditEntry, kinds, PLANNING_OWN)
    async with db.writer() as s:
        for i, (action, subject, after) in enumerate([
                ("plan.created", ("plan", 1), {"title": "A"}),
                ("plan.created", ("plan", 2), {"title": "B"}),
                ("task.progressed", ("task", 1), {"progress": 50}),
                ("comment.added", ("plan", 1), {"comment_id": 5, "excerpt": "删掉的话"}),
                ("comment.added", ("plan", 1), {"comment_id": 6, "excerpt": "留下的话"}),
                ("comment.deleted", ("plan", 1), {"comment_id": 5}),
                ("plan.submit", ("plan", 1), {"status": "submitted"})]):
            await audit.append(s, AuditEntry, actor=zhang, action=action, subject_type=subject[0],
                               subject_id=subject[1], after=after, before={"status": "draft"}, note=str(i))
        await s.commit()
    record = await resolve(None, None, 1)
    token = i18n.language.set(i18n.ZH)
    try:
        async with db.reader() as s:
            first = await activity.page(s, record, limit=3, cursor=None)
            rest = await activity.page(s, record, limit=3, cursor=first.next_cursor)
            oldest = await activity.page(s, record, limit=10, cursor=None, order="asc")
    finally:
        i18n.language.reset(token)
    assert [e.action for e in first.items] == ["plan.submit", "comment.deleted", "comment.added"]
    assert [e.action for e in rest.items] == ["comment.added", "plan.created"] and rest.next_cursor is None
    assert [e.action for e in oldest.items] == ["plan.created", "comment.added", "comment.added", "comment.deleted",
                                                "plan.submit"]
    quotes = [e.quote for e in oldest.items if e.action == "comment.added"]
    assert quotes == [None, "留下的话"]
    assert all(e.actor_name == "张三" for e in oldest.items)
    await db.dispose()
