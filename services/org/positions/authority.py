"""Resolving positions, roles and delegations into concrete grants (pure functions).

A role's scope is relative to the position's unit:

- ``self``: the unit itself (exact)
- ``subordinates``: the people under the position (下属): the units below it, and the unit itself
  when the position heads it (负责人; the 运营总监 assesses 运营管理部's own managers too)
- ``subtree``: the unit and everything below it
- ``superior``: the parent unit itself (e.g. 建议权 over the 总经理's decisions)
- ``company``: the whole company the unit belongs to (e.g. the 运营总监's 计划权 over the
  company, held in 运营管理部); an extension of the four scopes above.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from services.common.authz import RIGHTS, Grant, Mode
from services.common.i18n import InvalidValue

SCOPES = ["self", "subordinates", "subtree", "superior", "company"]
UNIT_KINDS = ["company", "branch", "department", "section", "team"]


@dataclass(frozen=True)
class HeldPosition:
    """What grant resolution needs to know about one position a user holds."""

    position_id: int
    position_title: str
    role_key: str
    role_name: str
    rights: tuple[tuple[str, str], ...]  # (right, scope)
    unit_path: str
    parent_path: str | None
    company_path: str
    heads_unit: bool = False


def scope_target(scope: str, held: HeldPosition) -> tuple[str, str] | None:
    """The (unit_path, mode) a scope reaches from a position, or None (no parent)."""
    if scope == "self":
        return held.unit_path, Mode.exact.value
    if scope == "subordinates":
        return held.unit_path, (Mode.subtree if held.heads_unit else Mode.descendants).value
    if scope == "subtree":
        return held.unit_path, Mode.subtree.value
    if scope == "superior":
        return (held.parent_path, Mode.exact.value) if held.parent_path else None
    if scope == "company":
        return held.company_path, Mode.subtree.value
    raise ValueError(f"unknown scope {scope!r}")


def position_grants(held: HeldPosition) -> list[Grant]:
    grants = []
    for right, scope in held.rights:
        target = scope_target(scope, held)
        if target:
            grants.append(Grant(right=right, unit_path=target[0], mode=target[1], held_at=held.unit_path,
                                via=f"position:{held.position_id}"))
    return grants


def delegated_grants(grants: Iterable[Grant], *, delegation_id: int, from_user_id: int,
                     rights: Iterable[str] = ()) -> list[Grant]:
    """The delegator's position grants, lent on; limited to ``rights`` when given."""
    wanted = set(rights)
    return [Grant(right=g.right, unit_path=g.unit_path, mode=g.mode, held_at=g.held_at,
                  via=f"delegation:{delegation_id}", delegated_by=str(from_user_id))
            for g in grants if not wanted or g.right in wanted]


def dedupe(grants: Iterable[Grant]) -> list[Grant]:
    seen, out = set(), []
    for g in grants:
        key = (g.right, g.unit_path, g.mode, g.held_at, g.via)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def assignment_active(start: date, end: date | None, today: date) -> bool:
    return start <= today and (end is None or today <= end)


def delegation_active(starts_at: datetime, ends_at: datetime, revoked_at: datetime | None, now: datetime) -> bool:
    return revoked_at is None and starts_at <= now < ends_at


def validate_rights(rights: Iterable[dict]) -> list[dict]:
    """Check and normalise a role's (right, scope) list; duplicates collapse."""
    out, seen = [], set()
    for item in rights:
        right, scope = item.get("right"), item.get("scope")
        if right not in RIGHTS:
            raise InvalidValue(f"unknown right {right!r}; rights are {', '.join(RIGHTS)}", "没有这项权力")
        if scope not in SCOPES:
            raise InvalidValue(f"unknown scope {scope!r}; scopes are {', '.join(SCOPES)}",
                                   "范围应为本单位、下属单位、本单位及下属或上级单位")
        if (right, scope) not in seen:
            seen.add((right, scope))
            out.append({"right": right, "scope": scope})
    return out
