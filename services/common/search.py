"""One way to search (全局搜索): a query's terms, the WHERE clause every term must satisfy, a rank, and the hit
every service answers with, so the gateway can merge them.

Chinese has no spaces between words, so a term matches anywhere inside the text (a substring, LIKE
``%term%``) rather than by word; a query of several words separated by spaces needs every one of them.
The query is normalised the way people type it: NFKC (full-width letters, digits and the ideographic
space become their ordinary forms), case folded, trimmed. ``%`` and ``_`` in a term are matched
literally. Each service decides what the caller may see with the same scoping its lists use; this
module only adds the matching.

Stored text is matched case-insensitively but is not NFKC-normalised in the database: a term typed
full-width also matches text stored exactly as typed (both forms are tried).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, String, and_, case, false, func, literal, or_

from services.common.problems import Invalid

MAX_QUERY = 100  # characters, as typed
MAX_TERMS = 5
MIN_CHARS = 2  # a query of Latin letters or digits needs two; one Chinese character is already a word
DEFAULT_LIMIT = 10
MAX_LIMIT = 50

# The rank of a hit by its title: the whole query is the title, starts it, or lies inside it (or all its words
# do); 0 when only another field (a code, a period, a unit) matched.
EXACT, PREFIX, CONTAINS, ELSEWHERE = 3, 2, 1, 0

QParam = Query(..., max_length=MAX_QUERY, description="Words to find, separated by spaces; every word must match "
                                                         "(Chinese text is matched inside words)")
LimitParam = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="At most this many hits of each kind")


def normalise(text: str) -> str:
    """NFKC, case folded, trimmed: the form queries and titles are compared in."""
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _is_wide(ch: str) -> bool:
    # CJK ideographs, kana and hangul: one of them is already a meaningful term
    return unicodedata.east_asian_width(ch) in ("W", "F")


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: its normalised text and terms, and each term as typed (to match text stored full-width)."""

    text: str
    terms: tuple[str, ...]
    typed: tuple[str, ...]

    def matches(self, *columns: Any) -> ColumnElement[bool]:
        """Every term inside at least one of ``columns`` (case-insensitive, ``%`` and ``_`` literal)."""
        clauses = []
        for term, typed in zip(self.terms, self.typed, strict=True):
            forms = [term] if typed == term else [term, typed]
            clauses.append(or_(*[col.icontains(form, autoescape=True) for col in columns for form in forms]))
        return and_(*clauses) if clauses else false()

    def rank(self, title: Any) -> ColumnElement[int]:
        """SQL: EXACT when the title is the query, PREFIX when it starts with it, CONTAINS when it holds it or every
        one of its words."""
        lowered = func.lower(title, type_=String)
        return case((lowered == literal(self.text), EXACT),
                    (lowered.startswith(self.text, autoescape=True), PREFIX),
                    (and_(*[lowered.contains(term, autoescape=True) for term in self.terms]), CONTAINS),
                    else_=ELSEWHERE)


def parse_query(q: str | None) -> SearchQuery:
    """The query's terms, or a 422 naming ``q`` (empty, too long, too short, too many words)."""
    if len(q or "") > MAX_QUERY:  # as typed, as the services' query parameter counts it
        raise Invalid(f"A search is at most {MAX_QUERY} characters.", field="q",
                      zh=f"搜索内容不能超过 {MAX_QUERY} 个字符。")
    raw = (q or "").strip()
    text = " ".join(normalise(raw).split())
    if not text:
        raise Invalid("Type something to search for.", field="q", zh="请输入要搜索的内容。")
    if len(text.replace(" ", "")) < MIN_CHARS and not any(_is_wide(ch) for ch in text):
        raise Invalid(f"Type at least {MIN_CHARS} letters or digits, or one Chinese character.", field="q",
                      zh=f"请至少输入 {MIN_CHARS} 个字母或数字，或一个汉字。")
    typed_words = raw.split()
    words = text.split()
    if len(words) > MAX_TERMS:
        raise Invalid(f"Search for at most {MAX_TERMS} words at once.", field="q",
                      zh=f"一次最多搜索 {MAX_TERMS} 个词。")
    # NFKC never splits or joins words separated by ordinary spaces; the ideographic space becomes one
    typed = typed_words if len(typed_words) == len(words) else words
    seen: dict[str, str] = {}
    for word, as_typed in zip(words, typed, strict=True):
        seen.setdefault(word, as_typed)
    return SearchQuery(text=text, terms=tuple(seen), typed=tuple(seen.values()))


class SearchHit(BaseModel):
    """One thing found: what it is, its name, where it sits and where the SPA opens it."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(description="plan | task | indicator | action | finding | risk | alert | person | unit")
    id: int
    title: str
    title_en: str = Field("", description="The English name when the thing has one (indicators)")
    subtitle: str = Field("", description="What helps tell it apart: a code, a period, a status, a position")
    unit_name: str = Field("", description="The org unit it belongs to")
    status: str = ""
    url: str = Field(description="Its page in the SPA, e.g. /plans/12")
    score: int = Field(description="3 the title is the query, 2 the title starts with it, 1 holds it (or all its "
                                   "words), 0 another field matched")


class SearchResults(BaseModel):
    """A service's hits for a query, grouped by kind, best first within each (score, then shorter title, then id)."""

    query: str = Field(description="The query as it was matched (normalised)")
    terms: list[str]
    groups: dict[str, list[SearchHit]] = Field(default_factory=dict)


def results(query: SearchQuery, groups: dict[str, list[SearchHit]]) -> SearchResults:
    """The answer of a service: every kind it searched, best first (the order SQL gave, see :func:`best_first`)."""
    return SearchResults(query=query.text, terms=list(query.terms), groups=groups)


def best_first(rank: ColumnElement[int], title: Any, key: Any) -> tuple[Any, ...]:
    """ORDER BY for hits: rank, then shorter titles (closer to the query), then the key for a stable order."""
    return rank.desc(), func.length(title), key
