"""The search kernel's query: normalised as people type it, split into words, refused when it cannot be searched;
its SQL matches every word literally and ranks titles exact > prefix > contains."""

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select

from services.common.problems import Invalid
from services.common.search import CONTAINS, ELSEWHERE, EXACT, PREFIX, normalise, parse_query


def test_full_width_case_and_the_ideographic_space_are_normalised():
    assert normalise("  ＫＰＩ　提升２０２６ ") == "kpi 提升2026"
    q = parse_query("ＫＰＩ　提升  kpi")
    assert (q.text, q.terms) == ("kpi 提升 kpi", ("kpi", "提升"))  # a repeated word counts once
    assert q.typed == ("ＫＰＩ", "提升")  # as typed, to match text stored full-width


@pytest.mark.parametrize(("q", "zh"), [
    (None, "请输入"), ("", "请输入"), (" \u3000 ", "请输入"), ("a", "至少"), ("Ｋ", "至少"),
    ("计" * 101, "不能超过"), ("一 二 三 四 五 六", "最多"),
])
def test_a_query_that_cannot_be_searched_is_refused_naming_q(q, zh):
    with pytest.raises(Invalid) as refused:
        parse_query(q)
    assert zh in (refused.value.zh or "") and refused.value.extra["errors"][0]["field"] == "q"


def test_one_chinese_character_or_two_letters_are_enough():
    assert parse_query("计").terms == ("计",)
    assert parse_query("ab").terms == ("ab",)


def test_every_word_must_match_wildcards_literally_and_the_title_ranks_the_hit():
    table = Table("thing", MetaData(), Column("id", Integer, primary_key=True), Column("title", String),
                  Column("code", String))
    engine = create_engine("sqlite://")
    table.metadata.create_all(engine)
    rows = [(1, "年度营销计划", "a"), (2, "年度营销计划补充", "b"), (3, "市场部年度营销计划", "c"),
            (4, "渠道100%覆盖", "d"), (5, "其他", "年度营销计划"), (6, "Plan_A", "e"), (7, "PlanXA", "f")]
    with engine.connect() as conn:
        conn.execute(insert(table), [{"id": i, "title": t, "code": c} for i, t, c in rows])

        def found(text: str) -> list[tuple[int, int]]:
            q = parse_query(text)
            rank = q.rank(table.c.title)
            stmt = (select(table.c.id, rank).where(q.matches(table.c.title, table.c.code))
                    .order_by(rank.desc(), table.c.id))
            return [(r[0], r[1]) for r in conn.execute(stmt)]

        assert found("年度营销计划") == [(1, EXACT), (2, PREFIX), (3, CONTAINS), (5, ELSEWHERE)]
        assert found("市场部 营销") == [(3, CONTAINS)]  # both words in the title, though not side by side
        assert found("营销 b") == [(2, ELSEWHERE)]  # one word only in the code
        assert found("0%覆") == [(4, CONTAINS)]
        assert found("plan_a") == [(6, EXACT)]  # "_" is not "any character": PlanXA stays out
