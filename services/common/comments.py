"""Comments and @mentions on records (plans, tasks, proposals, risks, 整改 actions, findings), the same in every
service: each maps :class:`CommentMixin` in its models.py and serves :func:`services.common.comments_api.
comments_router` over its :class:`RecordComments`.

- Threads one level deep: a reply to a reply joins the thread of the comment it answers (its root).
- The author edits or deletes their comment within ``YUNGUAN_COMMENT_EDIT_MINUTES`` (15 by default) of posting
  it; after that it stands (409), and nobody else, administrators included, edits or deletes it (403).
  A deleted comment keeps its place in the thread without its text («该评论已删除»).
- Edits and deletions name the version they change (``If-Match: "comment-<id>-v<version>"``): of two edits of
  the same version, the second is refused (412), never silently lost.
- Mentions are written in the text as ``@[name](user:ID)``. A mention grants nothing: only people who may
  already see the record (holders of ``view`` over its unit, and its participants) may be mentioned; naming
  anyone else refuses the whole comment (422 naming them). Each newly mentioned person is told through the
  outbox (``<service>.comment.mentioned``), which org turns into a notification.
- Everything is written to the service's audit chain on the record (``comment.added|edited|deleted``), which the
  record's activity stream reads.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from services.common import org_api
from services.common.api import RequestBody, etag
from services.common.authz import Principal
from services.common.contracts import EventData
from services.common.db import TableMixin, as_utc, utcnow
from services.common.i18n import InvalidValue, zh_list
from services.common.journal import Journal
from services.common.problems import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed, Unavailable
from services.common.records import Record
from services.common.runtime import Runtime

MAX_BODY = 4000
EXCERPT = 80
DELETED_ZH = "该评论已删除"
ANONYMOUS_AUTHOR_ZH = "匿名提案人"
EDIT_MINUTES_ENV = "YUNGUAN_COMMENT_EDIT_MINUTES"
DEFAULT_EDIT_MINUTES = 15
# @[张三](user:12): the name shown, and who is meant
MENTION = re.compile(r"@\[([^\]\n]{1,100})\]\(user:(\d{1,12})\)")


def edit_window() -> timedelta:
    """How long after posting its author may edit or delete a comment (``YUNGUAN_COMMENT_EDIT_MINUTES``)."""
    raw = os.environ.get(EDIT_MINUTES_ENV, "")
    minutes = int(raw) if raw.strip().isdigit() else DEFAULT_EDIT_MINUTES
    return timedelta(minutes=minutes)


class CommentMixin(TableMixin):
    """The ``record_comment`` table: a service's models.py declares ``class Comment(CommentMixin, Base)``."""

    __tablename__ = "record_comment"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        # one Index object per service's table
        return (Index("ix_record_comment_record", "record_kind", "record_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    record_kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    # the thread's root: null for a top-level comment (threads are one level deep)
    parent_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    author: Mapped[str] = mapped_column(String(120))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # [{"user_id": 12, "name": "张三"}], as org named them when the comment was written
    mentions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)


# --- what the API reads and accepts ------------------------------------------------------------------------------


def _text(value: str) -> str:
    if not value.strip():
        raise InvalidValue("A comment must say something.", "评论内容不能为空。")
    if len(value) > MAX_BODY:
        raise InvalidValue(f"A comment is at most {MAX_BODY} characters.", f"评论内容不能超过 {MAX_BODY} 个字符。")
    return value


class CommentCreate(RequestBody):
    body: str = Field(description=f"The text (at most {MAX_BODY} characters); mentions as @[name](user:ID)")
    reply_to: int | None = Field(None, description="The comment answered; a reply joins the thread of its root")

    _body = field_validator("body")(_text)


class CommentUpdate(RequestBody):
    body: str = Field(description="The new text; people newly mentioned in it are told")

    _body = field_validator("body")(_text)


class MentionRead(BaseModel):
    user_id: int
    name: str


class CommentRead(BaseModel):
    """A comment as its reader sees it; ``version`` is what an edit or deletion sends back as If-Match."""

    id: int
    parent_id: int | None = Field(description="The thread's root; null for a top-level comment")
    author: str | None = Field(description="Who wrote it (token subject); null when the author is anonymous to "
                                           "the reader (a proposer on their anonymous proposal)")
    author_name: str
    mine: bool
    body: str = Field(description="Empty once deleted")
    mentions: list[MentionRead]
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    version: int
    editable_until: datetime | None = Field(description="Until when the reader may edit or delete it (their own "
                                                        "comment, not deleted, within the window); null otherwise")
    replies: list[CommentRead] = Field(default_factory=list, description="Replies, oldest first (top level only)")


class Mentionable(BaseModel):
    """Someone a comment on the record may mention: they may already see it."""

    user_id: int
    name: str
    username: str
    units: list[str] = Field(description="The units of the positions they hold")
    positions: list[str] = Field(description="The titles of the positions they hold")


class CommentMentionedData(EventData):
    """A comment on a record mentioned people (each told once; an edit tells only those newly mentioned)."""

    record_kind: str = Field(description="plan | task | proposal | action | finding | risk")
    record_id: int
    title: str = Field(description="The record's title")
    link: str = Field(description="Where the SPA shows the record")
    unit_path: str = Field(description="The record's unit")
    comment_id: int
    author: str | None = Field(description="Who wrote it (token subject); null when anonymous (a proposer on their "
                                           "anonymous proposal)")
    author_name: str = Field(description="The author's name, or 匿名提案人")
    excerpt: str = Field(description=f"The comment's start (at most {EXCERPT} characters), mentions as @name")
    mentioned: list[int] = Field(description="The user ids mentioned (never the author)")


# --- the rules ---------------------------------------------------------------------------------------------------


def mention_ids(text: str) -> dict[int, str]:
    """The people a text mentions, ``{user_id: name as written}``, in the order first mentioned."""
    found: dict[int, str] = {}
    for name, uid in MENTION.findall(text):
        found.setdefault(int(uid), name)
    return found


def plain(text: str) -> str:
    """The text as read aloud: each mention as @name."""
    return MENTION.sub(lambda m: f"@{m.group(1)}", text)


def excerpt(text: str) -> str:
    flat = " ".join(plain(text).split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT - 1] + "…"


def comment_etag(comment: CommentMixin) -> str:
    return etag("comment", comment.id, comment.version)


# Who, if anyone, is anonymous on a record: the token subject whose name nobody else may read (a proposer on
# their anonymous proposal). None: everyone is named.
AnonymousOf = Callable[[Record], str | None]


def _nobody(_record: Record) -> str | None:
    return None


@dataclass(frozen=True)
class Audience:
    """Who may be mentioned on a record: ``{user_id: Mentionable}``."""

    people: dict[int, Mentionable]


class RecordComments:
    """One service's comments: its table, its journal, and who is anonymous on which record."""

    def __init__(self, model: type[CommentMixin], journal: Journal, *, anonymous: AnonymousOf = _nobody) -> None:
        self.model = model
        self.journal = journal
        self.anonymous = anonymous
        self.event_type = f"{journal.service}.comment.mentioned"

    # --- reading ---

    def _hidden(self, record: Record, comment: CommentMixin, reader: Principal) -> bool:
        anonymous = self.anonymous(record)
        return anonymous is not None and comment.author == anonymous and reader.sub != anonymous

    def read(self, record: Record, comment: CommentMixin, reader: Principal, *, now: datetime | None = None,
             replies: Sequence[CommentRead] = ()) -> CommentRead:
        """The comment as ``reader`` sees it."""
        now = now or utcnow()
        hidden = self._hidden(record, comment, reader)
        deleted = comment.deleted_at is not None
        mine = comment.author == reader.sub
        until = as_utc(comment.created_at) + edit_window()
        return CommentRead(
            id=comment.id, parent_id=comment.parent_id, author=None if hidden else comment.author,
            author_name=ANONYMOUS_AUTHOR_ZH if hidden else comment.author_name, mine=mine,
            body="" if deleted else comment.body,
            mentions=[] if deleted else [MentionRead(**m) for m in comment.mentions or []],
            created_at=comment.created_at, edited_at=comment.edited_at, deleted=deleted, version=comment.version,
            editable_until=until if mine and not deleted and now < until else None, replies=list(replies))

    async def threads(self, session: AsyncSession, *, record: Record, reader: Principal,
                   now: datetime | None = None) -> list[CommentRead]:
        """The record's threads, oldest first, each with its replies oldest first."""
        m = self.model
        rows = (await session.execute(select(m).where(m.record_kind == record.kind, m.record_id == record.id)
                                      .order_by(m.id))).scalars().all()
        replies: dict[int, list[CommentRead]] = {}
        for c in rows:
            if c.parent_id is not None:
                replies.setdefault(c.parent_id, []).append(self.read(record, c, reader, now=now))
        return [self.read(record, c, reader, now=now, replies=replies.get(c.id, ()))
                for c in rows if c.parent_id is None]

    async def audience(self, rt: Runtime, *, record: Record, reader: Principal) -> Audience:
        """Everyone who may already see the record, as org knows them: holders of view over its unit and its
        participants (never an anonymous proposer, to anyone but themselves)."""
        anonymous = self.anonymous(record)
        participants = [int(p) for p in record.participants if p.isdigit() and (p != anonymous or p == reader.sub)]
        unit_id = int(record.unit_path.strip("/").split("/")[-1])
        try:
            found = await org_api.audience(rt, unit_id, also=participants)
        except httpx.HTTPError as exc:  # org down or refusing: nothing is stored, the writer may try again
            raise Unavailable("Org could not say who may see this record; try again shortly.",
                              zh="暂时无法向组织服务核对可提及的人员，请稍后重试。") from exc
        people = {}
        for person in found:
            if anonymous is not None and str(person["id"]) == anonymous and reader.sub != anonymous:
                continue
            positions = person.get("positions") or []
            people[int(person["id"])] = Mentionable(
                user_id=int(person["id"]), name=person["display_name"], username=person["username"],
                units=list(dict.fromkeys(p["unit_name"] for p in positions)),
                positions=[p["title"] for p in positions])
        return Audience(people)

    async def mentionable(self, rt: Runtime, *, record: Record, reader: Principal, q: str | None,
                          limit: int) -> list[Mentionable]:
        """Who a comment by ``reader`` on the record may mention (never the reader), matching ``q`` in their
        name, username, unit or position."""
        everyone = (await self.audience(rt, record=record, reader=reader)).people.values()
        needle = (q or "").strip().lower()
        return [p for p in everyone
                if str(p.user_id) != reader.sub and (not needle or any(
                    needle in s.lower() for s in (p.name, p.username, *p.units, *p.positions)))][:limit]

    # --- writing ---

    def _author(self, record: Record, principal: Principal) -> tuple[str | None, str]:
        if self.anonymous(record) == principal.sub:
            return None, ANONYMOUS_AUTHOR_ZH
        return principal.sub, principal.name

    async def _mentions(self, rt: Runtime, *, record: Record, principal: Principal,
                        text: str) -> tuple[str, list[dict[str, Any]]]:
        """The text with each mention named as org names them, and the mentions; 422 naming whoever may not
        see the record."""
        wanted = mention_ids(text)
        if not wanted:
            return text, []
        people = (await self.audience(rt, record=record, reader=principal)).people
        outside = [name for uid, name in wanted.items() if uid not in people]
        if outside:
            raise Invalid(f"Only people who may already see this record can be mentioned, and a mention gives "
                          f"nobody access; not: {', '.join(outside)}.", field="body", not_allowed=outside,
                          zh=f"只能提及已有权查看此记录的人，提及不会授予任何权限；以下人员无权查看：{zh_list(outside)}。")
        named = MENTION.sub(lambda m: f"@[{people[int(m.group(2))].name}](user:{m.group(2)})", text)
        return named, [{"user_id": uid, "name": people[uid].name} for uid in wanted]

    async def _tell(self, session: AsyncSession, *, record: Record, comment: CommentMixin, principal: Principal,
                    people: list[int]) -> None:
        people = [p for p in people if str(p) != principal.sub]
        if not people:
            return
        author, author_name = self._author(record, principal)
        await self.journal.emit(session, self.event_type, f"{record.kind}:{record.id}", CommentMentionedData(
            record_kind=record.kind, record_id=record.id, title=record.title, link=record.link,
            unit_path=record.unit_path, comment_id=comment.id, author=author, author_name=author_name,
            excerpt=excerpt(comment.body), mentioned=people), unit_path=record.unit_path)

    async def _audit(self, session: AsyncSession, *, record: Record, principal: Principal, action: str,
                     comment: CommentMixin, before: dict[str, Any] | None = None) -> None:
        anonymous = self.anonymous(record) == principal.sub
        after: dict[str, Any] = {"comment_id": comment.id, "excerpt": "" if comment.deleted_at else
                                 excerpt(comment.body), "reply_to": comment.parent_id}
        if anonymous:
            after["anonymous"] = True
        await self.journal.audit(session, actor=principal.sub if anonymous else principal, action=action,
                                 subject_type=record.subject_type, subject_id=str(record.id),
                                 unit_path=record.unit_path, before=before, after=after)

    async def add(self, session: AsyncSession, rt: Runtime, *, record: Record, principal: Principal,
                  body: CommentCreate, now: datetime | None = None) -> CommentRead:
        """Post a comment (or a reply) on the record the caller may see; mentioned people are told."""
        if principal.kind != "user":
            raise Forbidden("Comments are written by people, not by company systems.", zh="评论须由员工本人发表。")
        m = self.model
        parent_id = None
        if body.reply_to is not None:
            answered = await session.get(m, body.reply_to)
            if answered is None or answered.record_kind != record.kind or answered.record_id != record.id:
                raise Invalid(f"There is no comment {body.reply_to} on this record to reply to.", field="reply_to",
                              zh=f"此记录上没有编号为 {body.reply_to} 的评论，无法回复。")
            parent_id = answered.parent_id or answered.id
        text, mentions = await self._mentions(rt, record=record, principal=principal, text=body.body)
        comment = m(record_kind=record.kind, record_id=record.id, parent_id=parent_id, author=principal.sub,
                    author_name=principal.name, body=text, mentions=mentions, created_at=now or utcnow(),
                    edited_at=None, deleted_at=None, version=1)
        session.add(comment)
        await session.flush()
        await self._audit(session, record=record, principal=principal, action="comment.added", comment=comment)
        await self._tell(session, record=record, comment=comment, principal=principal,
                         people=[x["user_id"] for x in mentions])
        return self.read(record, comment, principal, now=now)

    async def _own(self, session: AsyncSession, *, record: Record, principal: Principal, comment_id: int,
                   version: int, now: datetime, doing_zh: str, doing: str) -> CommentMixin:
        comment = await session.get(self.model, comment_id)
        if comment is None or comment.record_kind != record.kind or comment.record_id != record.id:
            raise NotFound(f"There is no comment {comment_id} on this record.",
                           zh=f"此记录上没有编号为 {comment_id} 的评论。")
        minutes = int(edit_window().total_seconds() // 60)
        if comment.author != principal.sub:
            raise Forbidden(f"Only its author may {doing} a comment, within {minutes} minutes of posting it; "
                            "nobody else may, administrators included.",
                            zh=f"只有评论作者本人可在发表后 {minutes} 分钟内{doing_zh}评论；"
                               f"其他人（包括管理员）都不能{doing_zh}。")
        if comment.deleted_at is not None:
            raise Conflict("This comment was deleted.", zh="该评论已删除。")
        if now >= as_utc(comment.created_at) + edit_window():
            raise Conflict(f"A comment can be {doing}d only within {minutes} minutes of posting it; this one stands.",
                           zh=f"评论只能在发表后 {minutes} 分钟内{doing_zh}，此评论已超过时限，不能再{doing_zh}。")
        if comment.version != version:
            raise self._stale(comment)
        return comment

    @staticmethod
    def _stale(comment: CommentMixin) -> PreconditionFailed:
        return PreconditionFailed("This comment changed since you loaded it; reload it and apply your change again.",
                                  current_etag=comment_etag(comment),
                                  zh="这条评论在您打开后已被修改；请刷新后重新修改。")

    async def _write(self, session: AsyncSession, comment: CommentMixin, version: int, values: dict[str, Any]) -> None:
        """Change the comment only if it is still at ``version`` (two edits at once: the second is refused)."""
        m = self.model
        result = await session.execute(update(m).where(m.id == comment.id, m.version == version)
                                       .values(**values, version=version + 1)
                                       .execution_options(synchronize_session=False))
        if getattr(result, "rowcount", 0) != 1:
            await session.refresh(comment)
            raise self._stale(comment)
        await session.refresh(comment)

    async def edit(self, session: AsyncSession, rt: Runtime, *, record: Record, principal: Principal,
                   comment_id: int, version: int, body: CommentUpdate, now: datetime | None = None) -> CommentRead:
        """The author changes their comment within the window; people it newly mentions are told."""
        now = now or utcnow()
        comment = await self._own(session, record=record, principal=principal, comment_id=comment_id,
                                  version=version, now=now, doing_zh="修改", doing="edit")
        before = {"comment_id": comment.id, "excerpt": excerpt(comment.body), "reply_to": comment.parent_id}
        told = {int(x["user_id"]) for x in comment.mentions or []}
        text, mentions = await self._mentions(rt, record=record, principal=principal, text=body.body)
        await self._write(session, comment, version, {"body": text, "mentions": mentions, "edited_at": now})
        await self._audit(session, record=record, principal=principal, action="comment.edited", comment=comment,
                          before=before)
        await self._tell(session, record=record, comment=comment, principal=principal,
                         people=[x["user_id"] for x in mentions if x["user_id"] not in told])
        return self.read(record, comment, principal, now=now)

    async def delete(self, session: AsyncSession, *, record: Record, principal: Principal, comment_id: int,
                     version: int, now: datetime | None = None) -> None:
        """The author deletes their comment within the window: its place in the thread stays, its text goes."""
        now = now or utcnow()
        comment = await self._own(session, record=record, principal=principal, comment_id=comment_id,
                                  version=version, now=now, doing_zh="删除", doing="delete")
        before = {"comment_id": comment.id, "excerpt": excerpt(comment.body), "reply_to": comment.parent_id}
        await self._write(session, comment, version, {"body": "", "mentions": [], "deleted_at": now})
        await self._audit(session, record=record, principal=principal, action="comment.deleted", comment=comment,
                          before=before)
