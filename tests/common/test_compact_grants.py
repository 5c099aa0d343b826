"""The token's compact grants claim (version 2) decides exactly as one object per grant (version 1) did."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.authz import RIGHTS, Grant, Principal, decode_grants, encode_grants, grants_claims
from services.common.tokens import KeySet, SigningKey, verify
from services.org.positions.authority import HeldPosition, position_grants
from services.org.seed import SEED_ROLES

PATHS = ["/1/", "/1/2/", "/1/2/3/", "/1/2/30/", "/1/4/", "/1/4/9/", "/7/", "/7/8/", ""]
rights = st.sampled_from([*RIGHTS, "x", "p", "audit"])  # unknown rights too, one of them a known right's code
modes = st.sampled_from(["exact", "descendants", "subtree", "0", "s", "sideways"])
paths = st.sampled_from(PATHS)
grant = st.builds(Grant, right=rights, unit_path=paths, mode=modes, held_at=paths,
                  via=st.sampled_from(["position:1", "position:12", "delegation:3", "client:erp", ""]),
                  delegated_by=st.sampled_from([None, "5"]))
# Runs of grants that share where they come from, the way org resolves a position's role, and arbitrary mixes.
grant_sets = st.one_of(st.lists(grant, max_size=40),
                       st.lists(st.tuples(grant, st.lists(st.tuples(rights, modes), min_size=1, max_size=9)),
                                max_size=12).map(lambda runs: [
                                    Grant(right=r, unit_path=g.unit_path, mode=m, held_at=g.held_at, via=g.via,
                                          delegated_by=g.delegated_by) for g, more in runs for r, m in more]))


def round_trip(grants: list[Grant]) -> tuple[Grant, ...]:
    """Through JSON, as the claim travels in a token."""
    return decode_grants(json.loads(json.dumps(encode_grants(grants))))


@settings(max_examples=200, deadline=None)
@given(grant_sets)
def test_compact_claim_gives_back_the_same_grants_in_the_same_order(grants):
    assert round_trip(grants) == tuple(grants)


@settings(max_examples=200, deadline=None)
@given(grant_sets, st.lists(st.tuples(rights, paths, st.sampled_from([None, *PATHS])), min_size=1, max_size=30))
def test_both_encodings_make_the_same_decisions(grants, questions):
    old = Principal.from_claims({"sub": "1", **grants_claims(grants, 1)})
    new = Principal.from_claims({"sub": "1", **grants_claims(grants, 2)})
    for right, unit_path, held_in in questions:
        assert new.can(right, unit_path, held_in=held_in) == old.can(right, unit_path, held_in=held_in)
        assert new.grants_for(right, unit_path) == old.grants_for(right, unit_path)
    assert new.visible_roots() == old.visible_roots()
    assert new.grants == old.grants


def twenty_positions() -> list[Grant]:
    """A supervisor (the role with the most grants per post) heading 20 sections of 20 departments."""
    rights = {key: tuple((r["right"], r["scope"]) for r in rs) for key, _n, _e, _d, rs in SEED_ROLES}
    out: list[Grant] = []
    for i in range(20):
        unit = f"/1/{1000 + i}/{2000 + i}/"
        out += position_grants(HeldPosition(position_id=5000 + i, position_title="主管", role_key="supervisor",
                                            role_name="主管", rights=rights["supervisor"], unit_path=unit,
                                            parent_path=f"/1/{1000 + i}/", company_path="/1/", heads_unit=True))
    return out


def test_a_user_holding_20_positions_gets_a_token_under_8_kb_and_old_tokens_still_verify():
    key = SigningKey.generate()
    grants = twenty_positions()
    base = {"iss": "yunguan-org", "aud": "yunguan", "sub": "42", "name": "兼任二十个岗位的主管", "typ": "access",
            "iat": 1_790_000_000, "nbf": 1_790_000_000, "exp": 4_000_000_000, "jti": "0" * 32}
    old, new = key.sign({**base, **grants_claims(grants, 1)}), key.sign({**base, **grants_claims(grants, 2)})
    assert len(grants) == 160 and len(old) > 8192 and len(new) < 8192
    for token in (old, new):  # a token signed before the upgrade verifies and decides as before
        claims = verify(token, KeySet.of(key), issuer="yunguan-org", audience="yunguan")
        assert Principal.from_claims(claims).grants == tuple(grants)


def test_a_malformed_compact_group_gives_no_grant_and_no_error():
    good = encode_grants([Grant(right="view", unit_path="/1/", mode="subtree", via="position:1")])
    principal = Principal.from_claims({"sub": "1", "gv": 2, "g": [["position:2"], ["v", "/1/", [["q", 0, 2]]],
                                                                   ["v", "/1/", [[1, 0, 0]]], "x", *good]})
    assert principal.grants == (Grant(right="view", unit_path="/1/", mode="subtree", via="position:1"),)
    assert Principal.from_claims({"sub": "1", "gv": 2, "g": "nonsense"}).grants == ()
