"""The comment rules every service shares (services/common/comments.py), on planning's table and journal with
a record as a resolver would give it and a clock the test holds: threads one level deep, the author's edit window
(15 minutes by default, YUNGUAN_COMMENT_EDIT_MINUTES), versions that keep two edits from losing one another, and
the mention tokens."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from services.common.authz import Principal
from services.common.comments import (
    CommentCreate,
    CommentUpdate,
    RecordComments,
    edit_window,
    excerpt,
    mention_ids,
    plain,
)
from services.common.db import Database
from services.common.problems import Conflict, Forbidden, PreconditionFailed, Unavailable
from services.common.records import Record
from services.planning.journal import journal
from services.planning.models import AuditEntry, Comment

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
RECORD = Record(service="planning", kind="plan", id=7, unit_path="/1/6/", title="市场部2027年度运营计划",
                link="/plans/7", subject_type="plan")
ZHANG = Principal(sub="4", name="张市场部经理")
LI = Principal(sub="3", name="李运营总监")
comments = RecordComments(Comment, journal)


@pytest.fixture
async def db(databases):
    database = Database(await databases.fresh("planning"))
    yield database
    await database.dispose()


async def add(db, who=ZHANG, text="请各位看看第三季度目标。", reply_to=None, at=T0):
    async with db.writer() as s:
        out = await comments.add(s, None, record=RECORD, principal=who,  # type: ignore[arg-type]
                                 body=CommentCreate(body=text, reply_to=reply_to), now=at)
        await s.commit()
    return out


async def listed(db, reader=LI, at=T0):
    async with db.reader() as s:
        return await comments.threads(s, record=RECORD, reader=reader, now=at)


async def test_a_reply_to_a_reply_joins_the_thread_of_its_root_and_threads_read_oldest_first(db):
    first = await add(db, text="第一条")
    await add(db, who=LI, text="第二条", at=T0 + timedelta(minutes=1))
    reply = await add(db, who=LI, text="回复第一条", reply_to=first.id, at=T0 + timedelta(minutes=2))
    reply_to_reply = await add(db, text="回复那条回复", reply_to=reply.id, at=T0 + timedelta(minutes=3))
    assert reply.parent_id == first.id and reply_to_reply.parent_id == first.id

    threads = await listed(db)
    assert [t.body for t in threads] == ["第一条", "第二条"]
    assert [r.body for r in threads[0].replies] == ["回复第一条", "回复那条回复"]
    assert threads[1].replies == []


async def test_the_author_edits_within_the_window_and_not_after_it(db):
    c = await add(db)
    assert c.editable_until == T0 + timedelta(minutes=15) and edit_window() == timedelta(minutes=15)
    async with db.writer() as s:
        edited = await comments.edit(s, None, record=RECORD, principal=ZHANG, comment_id=c.id,  # type: ignore[arg-type]
                                     version=1, body=CommentUpdate(body="改：请看第四季度。"),
                                     now=T0 + timedelta(minutes=14, seconds=59))
        await s.commit()
    assert edited.body == "改：请看第四季度。" and edited.version == 2 and edited.edited_at is not None

    async with db.writer() as s:
        with pytest.raises(Conflict) as late:
            await comments.edit(s, None, record=RECORD, principal=ZHANG, comment_id=c.id,  # type: ignore[arg-type]
                                version=2, body=CommentUpdate(body="再改"), now=T0 + timedelta(minutes=15))
    assert "15 分钟内修改" in (late.value.zh or "")
    # the reader past the window is offered no edit
    [thread] = await listed(db, reader=ZHANG, at=T0 + timedelta(minutes=16))
    assert thread.editable_until is None and thread.body == "改：请看第四季度。"


async def test_the_window_follows_the_setting(db, monkeypatch):
    monkeypatch.setenv("YUNGUAN_COMMENT_EDIT_MINUTES", "2")
    c = await add(db)
    async with db.writer() as s:
        with pytest.raises(Conflict):
            await comments.delete(s, record=RECORD, principal=ZHANG, comment_id=c.id, version=1,
                                  now=T0 + timedelta(minutes=2))


async def test_nobody_but_the_author_edits_or_deletes_a_comment(db):
    c = await add(db)
    admin = Principal(sub="1", name="系统管理员")
    for who in (LI, admin):
        async with db.writer() as s:
            with pytest.raises(Forbidden) as refused:
                await comments.delete(s, record=RECORD, principal=who, comment_id=c.id, version=1, now=T0)
        assert "其他人（包括管理员）都不能删除" in (refused.value.zh or "")
    assert (await listed(db))[0].deleted is False


async def test_of_two_edits_of_the_same_version_the_second_is_refused_not_lost(db):
    c = await add(db)
    async with db.writer() as s:
        await comments.edit(s, None, record=RECORD, principal=ZHANG, comment_id=c.id,  # type: ignore[arg-type]
                            version=1, body=CommentUpdate(body="甲的修改"), now=T0 + timedelta(minutes=1))
        await s.commit()
    async with db.writer() as s:
        with pytest.raises(PreconditionFailed) as stale:
            await comments.edit(s, None, record=RECORD, principal=ZHANG, comment_id=c.id,  # type: ignore[arg-type]
                                version=1, body=CommentUpdate(body="乙的修改"), now=T0 + timedelta(minutes=1))
    assert stale.value.extra["current_etag"] == f'"comment-{c.id}-v2"'
    [thread] = await listed(db)
    assert thread.body == "甲的修改" and thread.version == 2


async def test_a_deleted_comment_keeps_its_place_without_its_text_and_is_audited_on_the_record(db):
    c = await add(db, text="要删除的话")
    await add(db, who=LI, text="它的回复", reply_to=c.id, at=T0 + timedelta(minutes=1))
    async with db.writer() as s:
        await comments.delete(s, record=RECORD, principal=ZHANG, comment_id=c.id, version=1,
                              now=T0 + timedelta(minutes=2))
        await s.commit()
    [thread] = await listed(db)
    assert thread.deleted and thread.body == "" and thread.mentions == []
    assert [r.body for r in thread.replies] == ["它的回复"]
    async with db.reader() as s:
        entries = (await s.execute(select(AuditEntry).where(AuditEntry.subject_type == "plan",
                                                            AuditEntry.subject_id == "7")
                                   .order_by(AuditEntry.seq))).scalars().all()
    assert [e.action for e in entries] == ["comment.added", "comment.added", "comment.deleted"]
    assert entries[0].after == {"comment_id": c.id, "excerpt": "要删除的话", "reply_to": None}
    assert entries[1].after["reply_to"] == c.id
    assert entries[2].before["excerpt"] == "要删除的话" and entries[2].after["excerpt"] == ""


def test_mention_tokens_are_read_as_people_and_shown_as_names():
    text = "@[李运营总监](user:3) 请审阅，@[王总经理](user:2) 知悉；再次 @[李运营总监](user:3)"
    assert mention_ids(text) == {3: "李运营总监", 2: "王总经理"}
    assert plain(text) == "@李运营总监 请审阅，@王总经理 知悉；再次 @李运营总监"
    assert mention_ids("邮件 a@b.com 与 @[未闭合(user:3)") == {}
    assert len(excerpt("长" * 200)) == 80 and excerpt("长" * 200).endswith("…")


class OrgDown:
    """A runtime whose calls to org fail as a refused connection does."""

    async def call(self, *args, **kwargs):
        raise httpx.ConnectError("connection refused")


async def test_a_mention_while_org_cannot_answer_is_refused_as_unavailable_and_nothing_is_stored(db):
    async with db.writer() as s:
        with pytest.raises(Unavailable) as down:
            await comments.add(s, OrgDown(), record=RECORD, principal=ZHANG,  # type: ignore[arg-type]
                               body=CommentCreate(body="@[李运营总监](user:3) 请看"), now=T0)
    assert down.value.status == 503 and "稍后重试" in (down.value.zh or "")
    assert await listed(db) == []


async def test_two_edits_of_one_version_at_once_one_wins_and_the_other_is_refused(db):
    c = await add(db)

    async def edit(text: str) -> str:
        try:
            async with db.writer() as s:
                await comments.edit(s, None, record=RECORD, principal=ZHANG,  # type: ignore[arg-type]
                                    comment_id=c.id, version=1, body=CommentUpdate(body=text),
                                    now=T0 + timedelta(minutes=1))
                await s.commit()
            return "saved"
        except PreconditionFailed:
            return "refused"

    outcomes = await asyncio.gather(edit("甲的修改"), edit("乙的修改"))
    assert sorted(outcomes) == ["refused", "saved"]
    [thread] = await listed(db)
    assert thread.version == 2
    assert thread.body == ("甲的修改" if outcomes[0] == "saved" else "乙的修改")
