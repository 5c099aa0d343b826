"""A record's activity stream (动态): one timeline of what happened to it, read from its service's audit chain
and told in the caller's language.

Everything done to a record is written to the chain under the record's ``subject_type`` and id (decisions,
edits, comments, files; see services/common/records.py), so the timeline is a read of the chain, not a second
log. The chain keeps whole before/after snapshots for the auditors; the timeline shows people only what a
:class:`Template` picks for the entry's action — a sentence (「张三 批准了计划（运营管理部汇总审核）」), the status
it moved between in the service's words, and the text that is the decision's 意见 or the comment's excerpt.
An action without a template is told generically (「张三 执行了操作 plan.archived」): its before/after never
reach the caller.

A service declares its catalogue (action → template) once, with the kernel's :data:`COLLABORATION` (comments
and attachments, the same everywhere), and its activity concept calls :meth:`Activity.page`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import i18n
from services.common.api import Page, decode_cursor, encode_cursor
from services.common.audit import AuditEntryMixin
from services.common.files import size_label
from services.common.records import Record, RecordKinds

Kind = Literal["decision", "edit", "comment", "file", "other"]
Order = Literal["desc", "asc"]

QUOTE_MAX = 200  # characters of a comment or 意见 shown in the timeline


@dataclass(frozen=True)
class Words:
    """One text in both languages."""

    zh: str
    en: str

    def say(self, lang: str) -> str:
        return self.zh if lang == i18n.ZH else self.en


def same(text: str) -> Words:
    """A text that reads the same in both languages (a name, a number)."""
    return Words(text, text)


NOTHING = same("")
Vocabulary = Mapping[str, Words]


def vocabulary(zh: Mapping[str, str], en: Mapping[str, str]) -> dict[str, Words]:
    """Codes → words, from a service's Chinese and English word lists (English falls back to the code)."""
    return {code: Words(word, en.get(code, code)) for code, word in zh.items()}


class Facts:
    """What a template may read of one audit entry: single values of ``before``, ``after`` and the note, asked
    for by name. The rest of the entry never reaches the caller."""

    def __init__(self, entry: AuditEntryMixin):
        self._before = entry.before if isinstance(entry.before, dict) else {}
        self._after = entry.after if isinstance(entry.after, dict) else {}
        self.note = (entry.note or "").strip()

    def before(self, key: str) -> Any:
        return self._before.get(key)

    def after(self, key: str) -> Any:
        return self._after.get(key)

    def text(self, key: str) -> str:
        """``after[key]`` as text ('' when it is absent or not a plain value)."""
        value = self._after.get(key)
        if isinstance(value, float):
            return f"{value:g}"  # 55.0 → 55
        return str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""

    def last(self, key: str, field: str) -> str:
        """``field`` of the last item of the list ``after[key]`` (the newest evidence note, say)."""
        items = self._after.get(key)
        if isinstance(items, list) and items and isinstance(items[-1], dict):
            value = items[-1].get(field)
            return str(value).strip() if isinstance(value, str) else ""
        return ""


Fill = Callable[[Facts], Mapping[str, Words]]
Quote = Callable[[Facts], str]


def note(f: Facts) -> str:
    """The entry's note: a decision's 意见, a progress report's words."""
    return f.note


def text_of(key: str) -> Quote:
    """A quote picker: ``after[key]`` (a decision's reason, a reward's note)."""
    def pick(f: Facts) -> str:
        return f.text(key)
    return pick


@dataclass(frozen=True)
class Template:
    """How one action is told: zh and en sentences over ``{actor}``, ``{record}`` (the kind's name) and what
    ``fill`` picks; ``quote`` the text shown with it; ``status`` the words of the statuses it moves between
    (before.status → after.status), when it moves a status."""

    kind: Kind
    zh: str
    en: str
    fill: Fill | None = None
    quote: Quote | None = None
    status: Vocabulary | None = None


Catalogue = Mapping[str, Template]


def paren(words: Words) -> Words:
    """``（x）`` / `` (x)``, or nothing when there is nothing to say."""
    return Words(f"（{words.zh}）" if words.zh else "", f" ({words.en})" if words.en else "")


def word(vocab: Vocabulary, code: Any) -> Words:
    """A code in the service's words; an unknown code as it is, no code as nothing."""
    if code is None or code == "":
        return NOTHING
    return vocab.get(str(code), same(str(code)))


def _file(f: Facts) -> Mapping[str, Words]:
    raw = f.after("size")
    size = size_label(raw) if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0 else ""
    return {"name": same(f.text("name") or "?"), "size": paren(same(size)) if size else NOTHING}


def _commented(f: Facts) -> Mapping[str, Words]:
    replied = f.after("reply_to") is not None
    return {"did": Words("回复了评论", "replied to a comment") if replied else Words("发表了评论", "commented")}


def _comment_quote(f: Facts) -> str:
    return f.text("excerpt")


# Comments and attachments: the same on every record of every service (the shared layout of issue 23).
COLLABORATION: dict[str, Template] = {
    "comment.added": Template("comment", "{actor} {did}", "{actor} {did}", fill=_commented, quote=_comment_quote),
    "comment.edited": Template("comment", "{actor} 修改了评论", "{actor} edited a comment", quote=_comment_quote),
    "comment.deleted": Template("comment", "{actor} 删除了一条评论", "{actor} deleted a comment"),
    "attachment.added": Template("file", "{actor} 上传了附件《{name}》{size}", "{actor} attached “{name}”{size}",
                                 fill=_file),
    "attachment.removed": Template("file", "{actor} 删除了附件《{name}》", "{actor} removed the attachment “{name}”",
                                   fill=_file),
}

GENERIC = Template("other", "{actor} 执行了操作 {action}", "{actor} did {action}")

SYSTEM = Words("系统", "System")
ANONYMOUS = Words("匿名", "Anonymous")
SOMEONE = Words("一位用户", "A user")
EXTERNAL = Words("外部系统", "An external system")


def actor_words(actor: str, actor_name: str, hidden: Iterable[str] = (), *, anonymous: bool = False) -> Words:
    """Who acted, by name: never a bare id. Services and scheduled jobs are 系统; someone the record keeps
    anonymous (an anonymous proposal's proposer) is 匿名 to everyone else, and so is a comment written anonymously
    (``after.anonymous``: the chain kept no name)."""
    if anonymous or actor in hidden:
        return ANONYMOUS
    if actor.startswith("client:svc-"):
        return SYSTEM
    if actor_name.strip():
        return same(actor_name.strip())
    if actor.isdigit():
        return SOMEONE
    if actor.startswith("client:"):
        return EXTERNAL
    return SYSTEM


def _clip(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= QUOTE_MAX else text[:QUOTE_MAX - 1] + "…"


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


class ActivityEntryRead(BaseModel):
    """One thing that happened to a record, told to the caller."""

    seq: int = Field(description="The audit chain's entry number (stable; the cursor pages by it)")
    at: datetime
    actor_name: str = Field(description="Who did it, by name (系统 for services and scheduled jobs)")
    kind: Kind
    action: str = Field(description="The audit chain's action (plan.approve, comment.added, …)")
    sentence: str = Field(description="What happened, in the caller's language")
    quote: str | None = Field(None, description="The comment's excerpt or the decision's 意见, when there is one")
    status_from: str | None = Field(None, description="The status before, in the caller's language")
    status_to: str | None = Field(None, description="The status after, when the action changed it")


@dataclass(frozen=True)
class Told:
    """An entry rendered, before it is put in a response."""

    kind: Kind
    actor_name: str
    sentence: str
    quote: str | None
    status_from: str | None
    status_to: str | None


def tell(entry: AuditEntryMixin, catalogue: Catalogue, *, record_name: Words, lang: str,
         hidden: Iterable[str] = (), quiet: bool = False) -> Told:
    """Render one audit entry with its action's template (or the generic one). ``quiet`` leaves out the quote
    (a comment deleted later keeps no excerpt in the timeline)."""
    template = catalogue.get(entry.action)
    facts = Facts(entry)
    # a comment or file its anonymous author left says so (a proposal's own ``anonymous`` is another matter)
    unnamed = entry.action in COLLABORATION and facts.after("anonymous") is True
    actor = actor_words(entry.actor, entry.actor_name, hidden, anonymous=unnamed)
    if template is None:
        template = GENERIC
        values = {"action": same(entry.action)}
    else:
        values = dict(template.fill(facts)) if template.fill else {}
    words = _Blank({name: w.say(lang) for name, w in values.items()})
    words["actor"], words["record"] = actor.say(lang), record_name.say(lang)
    sentence = (template.zh if lang == i18n.ZH else template.en).format_map(words).strip()
    quote = "" if quiet or template.quote is None else _clip(template.quote(facts))
    status_from = status_to = None
    if template.status is not None:
        was, now = facts.before("status"), facts.after("status")
        if now is not None and now != was:
            status_to = word(template.status, now).say(lang)
            status_from = word(template.status, was).say(lang) or None
    return Told(kind=template.kind, actor_name=actor.say(lang), sentence=sentence, quote=quote or None,
                status_from=status_from, status_to=status_to)


class Activity:
    """One service's activity streams: its audit chain, its kinds of record and its catalogue of actions."""

    def __init__(self, model: type[AuditEntryMixin], records: RecordKinds, catalogue: Catalogue):
        self.model = model
        self.records = records
        self.catalogue: Catalogue = {**COLLABORATION, **catalogue}

    def record_name(self, record: Record) -> Words:
        kind = self.records.kinds.get(record.kind)
        return Words(kind.name_zh, kind.name_en) if kind else same(record.kind)

    async def _deleted_comments(self, session: AsyncSession, record: Record) -> set[str]:
        m = self.model
        rows = (await session.execute(select(m.after).where(
            m.subject_type == record.subject_type, m.subject_id == str(record.id),
            m.action == "comment.deleted"))).scalars().all()
        return {str(a.get("comment_id")) for a in rows if isinstance(a, dict) and a.get("comment_id") is not None}

    async def page(self, session: AsyncSession, record: Record, *, limit: int, cursor: str | None,
                   order: Order = "desc", hidden: Iterable[str] = ()) -> Page[ActivityEntryRead]:
        """The record's entries, newest first (or oldest first), ``limit`` at a time after ``cursor``."""
        m = self.model
        stmt = select(m).where(m.subject_type == record.subject_type, m.subject_id == str(record.id))
        if cursor:
            after = decode_cursor(cursor)
            stmt = stmt.where(m.seq < after if order == "desc" else m.seq > after)
        stmt = stmt.order_by(m.seq.desc() if order == "desc" else m.seq).limit(limit + 1)
        rows = list((await session.execute(stmt)).scalars().all())
        next_cursor = encode_cursor(rows[limit - 1].seq) if len(rows) > limit else None
        rows = rows[:limit]
        deleted = await self._deleted_comments(session, record) if any(
            r.action.startswith("comment.") for r in rows) else set()
        lang, name, hidden = i18n.language.get(), self.record_name(record), frozenset(hidden)
        items = []
        for r in rows:
            comment_id = r.after.get("comment_id") if isinstance(r.after, dict) else None
            quiet = r.action.startswith("comment.") and str(comment_id) in deleted
            told = tell(r, self.catalogue, record_name=name, lang=lang, hidden=hidden, quiet=quiet)
            items.append(ActivityEntryRead(
                seq=r.seq, at=r.at, kind=told.kind, action=r.action, sentence=told.sentence, quote=told.quote,
                actor_name=told.actor_name,
                status_from=told.status_from, status_to=told.status_to))
        return Page[ActivityEntryRead](items=items, next_cursor=next_cursor)
