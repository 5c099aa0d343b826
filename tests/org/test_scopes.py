"""Scope resolution, one scope at a time (pure functions)."""

from services.common.authz import Principal, company_path
from services.org.positions.authority import HeldPosition, position_grants, scope_target


def held(scope_rights, unit="/1/4/9/", parent="/1/4/", company="/1/", heads_unit=False) -> HeldPosition:
    return HeldPosition(position_id=7, position_title="T", role_key="r", role_name="R", rights=tuple(scope_rights),
                        unit_path=unit, parent_path=parent, company_path=company, heads_unit=heads_unit)


def can(scope: str, path: str, heads_unit: bool = False) -> bool:
    return Principal(sub="1", grants=tuple(position_grants(held([("plan", scope)], heads_unit=heads_unit)))
                     ).can("plan", path)


def test_self_scope_covers_only_the_unit_itself():
    assert can("self", "/1/4/9/") and not can("self", "/1/4/9/12/") and not can("self", "/1/4/")


def test_subordinates_of_a_position_heading_its_unit_are_the_unit_itself_and_below():
    assert can("subordinates", "/1/4/9/", heads_unit=True) and can("subordinates", "/1/4/9/12/", heads_unit=True)
    assert not can("subordinates", "/1/4/", heads_unit=True) and not can("subordinates", "/1/4/10/", heads_unit=True)


def test_subordinates_of_a_position_not_heading_its_unit_are_strictly_below():
    assert can("subordinates", "/1/4/9/12/") and can("subordinates", "/1/4/9/12/30/")
    assert not can("subordinates", "/1/4/9/") and not can("subordinates", "/1/4/")


def test_subtree_scope_covers_the_unit_and_below():
    assert can("subtree", "/1/4/9/") and can("subtree", "/1/4/9/12/") and not can("subtree", "/1/4/10/")


def test_superior_scope_covers_the_parent_unit_only():
    assert can("superior", "/1/4/") and not can("superior", "/1/") and not can("superior", "/1/4/10/")


def test_company_scope_covers_the_whole_company():
    assert can("company", "/1/") and can("company", "/1/5/6/") and not can("company", "/2/")


def test_prefix_matching_respects_segment_boundaries():
    # /1/4/ must not cover /1/40/
    assert not Principal(sub="1", grants=tuple(position_grants(held([("plan", "subtree")], unit="/1/4/")))
                         ).can("plan", "/1/40/")


def test_a_top_level_unit_has_no_superior():
    assert scope_target("superior", held([], unit="/1/", parent=None)) is None


def test_company_path_is_the_nearest_enclosing_company():
    kinds = {"/1/": "company", "/1/3/": "company", "/1/3/8/": "department"}
    assert company_path("/1/3/8/", kinds) == "/1/3/"
    assert company_path("/1/5/", kinds) == "/1/"


def test_grants_record_where_they_are_held_and_why():
    g = position_grants(held([("veto", "subtree")]))[0]
    assert (g.held_at, g.via, g.mode) == ("/1/4/9/", "position:7", "subtree")
