"""The authority model (权力范围) as every service sees it.

A token carries resolved grants ``(right, unit_path, mode, held_at, via)``.
``Principal.can(right, unit_path)`` is a prefix test over those grants: no
network call, no role names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Right(str, Enum):
    plan = "plan"          # 计划权
    suggest = "suggest"    # 建议权
    veto = "veto"          # 否决权
    dispatch = "dispatch"  # 调度权
    assess = "assess"      # 考核权
    guide = "guide"        # 指导权
    view = "view"
    admin = "admin"


class Mode(str, Enum):
    exact = "exact"              # the unit itself
    descendants = "descendants"  # strictly below the unit
    subtree = "subtree"          # the unit and everything below it


RIGHTS = [r.value for r in Right]


def path_matches(grant_path: str, mode: str, unit_path: str) -> bool:
    """Whether a grant over ``grant_path`` in ``mode`` covers ``unit_path``."""
    if mode == Mode.exact:
        return unit_path == grant_path
    if mode == Mode.subtree:
        return unit_path.startswith(grant_path)
    if mode == Mode.descendants:
        return unit_path != grant_path and unit_path.startswith(grant_path)
    return False


@dataclass(frozen=True)
class Grant:
    right: str
    unit_path: str
    mode: str
    held_at: str = ""
    via: str = ""
    delegated_by: str | None = None

    def covers(self, right: str, unit_path: str) -> bool:
        return self.right == right and path_matches(self.unit_path, self.mode, unit_path)

    def to_claim(self) -> dict[str, Any]:
        claim = {"right": self.right, "unit_path": self.unit_path, "mode": self.mode,
                 "held_at": self.held_at, "via": self.via}
        if self.delegated_by:
            claim["delegated_by"] = self.delegated_by
        return claim

    @classmethod
    def from_claim(cls, claim: dict[str, Any]) -> Grant:
        return cls(right=str(claim["right"]), unit_path=str(claim["unit_path"]), mode=str(claim["mode"]),
                   held_at=str(claim.get("held_at", "")), via=str(claim.get("via", "")),
                   delegated_by=claim.get("delegated_by"))


# The token's grants claim, version 2 (``"gv": 2, "g": [...]``): a user holding 20 positions has ~160
# grants, ~24 KB of token as one object each (version 1, ``"grants": [{...}]``), which no longer fits the
# 8 KB headers proxies accept. Version 2 writes each run of grants sharing where they come from (via,
# held_at, delegated_by) once, and each run inside it sharing a target (unit_path, mode) once with its
# rights. Only runs merge, so decoding gives back the same grants in the same order: ``can``,
# ``require`` (its first covering grant) and every other decision are unchanged. Both versions are read.
COMPACT_GRANTS = 2
_RIGHT_CODE = {"plan": "p", "suggest": "s", "veto": "v", "dispatch": "d", "assess": "a", "guide": "g",
               "view": "w", "admin": "m"}
_RIGHT_OF = {c: r for r, c in _RIGHT_CODE.items()}
_MODES = ("exact", "descendants", "subtree")


def encode_grants(grants: Iterable[Grant]) -> list[list[Any]]:
    """Grants as the version 2 claim: ``[via, held_at, [entry, ...]]`` per group, ``delegated_by`` appended
    when set; an entry is ``[rights, unit_path, mode]`` where rights is a string of one-letter codes (a list
    of names when one is not a known right), unit_path is ``0`` when it is held_at, and mode its index in
    ``_MODES`` (the name when it is not one of them)."""
    groups: list[tuple[tuple[str, str, str | None], list[list[Any]]]] = []
    for g in grants:
        key = (g.via, g.held_at, g.delegated_by)
        if not groups or groups[-1][0] != key:
            groups.append((key, []))
        entries = groups[-1][1]
        if entries and entries[-1][1] == g.unit_path and entries[-1][2] == g.mode:
            entries[-1][0].append(g.right)
        else:
            entries.append([[g.right], g.unit_path, g.mode])
    out: list[list[Any]] = []
    for (via, held_at, delegated_by), entries in groups:
        coded = [[("".join(_RIGHT_CODE[r] for r in rights) if all(r in _RIGHT_CODE for r in rights) else rights),
                  0 if path == held_at else path, _MODES.index(mode) if mode in _MODES else mode]
                 for rights, path, mode in entries]
        out.append([via, held_at, coded] + ([delegated_by] if delegated_by else []))  # as to_claim: when set
    return out


def decode_grants(raw: Any) -> tuple[Grant, ...]:
    """The grants of a version 2 claim; a malformed group or entry is skipped (no grant from it)."""
    out: list[Grant] = []
    for group in raw if isinstance(raw, list) else ():
        try:
            via, held_at, entries = str(group[0]), str(group[1]), group[2]
            delegated_by = str(group[3]) if len(group) > 3 and group[3] else None
            for rights, path, mode in entries:
                names = [_RIGHT_OF[c] for c in rights] if isinstance(rights, str) else [str(r) for r in rights]
                unit_path = held_at if path == 0 else str(path)
                mode_name = _MODES[mode] if type(mode) is int and 0 <= mode < len(_MODES) else str(mode)
                out += [Grant(right=r, unit_path=unit_path, mode=mode_name, held_at=held_at, via=via,
                              delegated_by=delegated_by) for r in names]
        except (TypeError, ValueError, KeyError, IndexError):
            continue
    return tuple(out)


def grants_claims(grants: Iterable[Grant], version: int = COMPACT_GRANTS) -> dict[str, Any]:
    """The token claims carrying ``grants``: version 2 (compact) or 1 (one object per grant)."""
    if version == COMPACT_GRANTS:
        return {"gv": COMPACT_GRANTS, "g": encode_grants(grants)}
    return {"grants": [g.to_claim() for g in grants]}


@dataclass
class Principal:
    """Who is calling, and what they may do where."""

    sub: str
    name: str = ""
    kind: str = "user"  # "user" or "client" (another company system)
    grants: tuple[Grant, ...] = ()
    claims: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        if claims.get("gv") == COMPACT_GRANTS:
            grants = decode_grants(claims.get("g"))
        else:  # version 1: one object per grant (tokens signed before the compact claim, tests' tokens)
            raw = claims.get("grants") or []
            if not isinstance(raw, list):
                raw = []
            grants = tuple(Grant.from_claim(g) for g in raw
                           if isinstance(g, dict) and {"right", "unit_path", "mode"} <= g.keys())
        sub = str(claims["sub"])
        return cls(sub=sub, name=str(claims.get("name", "")), kind="client" if sub.startswith("client:") else "user",
                   grants=grants, claims=claims)

    @property
    def user_id(self) -> int | None:
        return int(self.sub) if self.kind == "user" and self.sub.isdigit() else None

    def grants_for(self, right: str, unit_path: str) -> list[Grant]:
        return [g for g in self.grants if g.covers(right, unit_path)]

    def can(self, right: str, unit_path: str, *, held_in: str | None = None) -> bool:
        """True when a grant covers ``right`` over ``unit_path`` (and, if asked, is held in ``held_in``)."""
        return any(g.covers(right, unit_path) and (held_in is None or g.held_at == held_in) for g in self.grants)

    def can_any(self, right: str, unit_paths: Iterable[str]) -> bool:
        return any(self.can(right, p) for p in unit_paths)

    def require(self, right: str, unit_path: str, *, what: str = "this unit") -> Grant:
        """The first grant allowing ``right`` over ``unit_path``; Forbidden otherwise."""
        from services.common.i18n import RIGHTS_ZH
        from services.common.problems import Forbidden

        for g in self.grants:
            if g.covers(right, unit_path):
                return g
        raise Forbidden(f"You need the '{right}' right over {what} ({unit_path}) for this action.",
                        right=right, unit_path=unit_path,
                        zh=f"此操作需要对{_place_zh(what)}的{RIGHTS_ZH.get(right, right)}，您没有。")

    def visible_roots(self, right: str = "view") -> list[str]:
        """Paths under which this principal holds ``right`` (for filtering lists)."""
        return sorted({g.unit_path for g in self.grants if g.right == right})


def holds_position(principal: Principal, position_id: int) -> bool:
    """The caller holds the position now (in person: its grants came through it; a delegate does not)."""
    via = f"position:{position_id}"
    return any(g.via == via for g in principal.grants)


def is_root_path(path: str) -> bool:
    """A top-level unit's path (``/1/``): a grant there covers the whole company."""
    return path.count("/") == 2


def is_admin(principal: Principal) -> bool:
    """Holds ``admin`` over a whole company (the org's root unit and its subtree)."""
    return any(g.right == Right.admin and g.mode == Mode.subtree and is_root_path(g.unit_path)
               for g in principal.grants)


def parent_path(path: str) -> str | None:
    """The parent unit's path (``/1/4/`` for ``/1/4/9/``), or None for a top-level unit."""
    parts = [p for p in path.split("/") if p]
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else None


def company_path(path: str, kinds_by_path: dict[str, str]) -> str:
    """The nearest enclosing unit of kind ``company`` (or the root when there is none)."""
    parts = [p for p in path.split("/") if p]
    for i in range(len(parts), 0, -1):
        candidate = "/" + "/".join(parts[:i]) + "/"
        if kinds_by_path.get(candidate) == "company":
            return candidate
    return "/" + parts[0] + "/"


def _place_zh(what: str) -> str:
    """The unit a refusal names, in Chinese: a unit's own name as it is, an English phrase as 该单位."""
    name = what.removeprefix("the unit ")
    return name if name and not any("a" <= c.lower() <= "z" for c in name) else "该单位"

