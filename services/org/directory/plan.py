"""What a directory sync would change: the vendor's contacts against what Yunguan holds for that provider.

No I/O: the vendor's :class:`Directory` and a :class:`Current` snapshot in (it takes the usernames and unit
codes it hands out from the snapshot's sets), an ordered list of changes out (the order
:mod:`services.org.directory.apply` follows), plus what Yunguan keeps although the directory no longer has it.
Each change is one plain dict (JSON in the sync run), ``op`` first:

- ``unit.create`` / ``unit.rename`` / ``unit.move`` (with the kind its new depth needs) / ``unit.kind``
- ``position.create`` (a unit's 负责人 or 成员 position, made when someone is first placed there)
- ``user.create`` / ``user.link`` (an existing user matched by the provider's link claim) / ``user.update``
  / ``user.deactivate``
- ``head.assign`` / ``member.assign`` / ``head.unassign`` / ``member.unassign`` (assignments to those positions)

Departments become units by depth: 部门 (department), 科 (section), 组 (team); deeper ones have no kind
to be and are kept out (reported). Units are never deleted: a department gone from the directory is
reported as kept (with people, with positions, or because it may hold plans, which org cannot see).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from services.org.identity.vendors import Directory
from services.org.models import Assignment, Position, Unit, User

HEAD_TITLE = "负责人"
MEMBER_TITLE = "成员"
HEAD_ROLE = "department_manager"
MEMBER_ROLE = "specialist"
SYNC_TITLES = (HEAD_TITLE, MEMBER_TITLE)
KIND_BY_DEPTH = {1: "department", 2: "section", 3: "team"}

# unit keys in a plan: an existing unit by id, a unit the plan creates by "ext:<department id>"
UnitKey = int | str


@dataclass
class Current:
    provider_key: str
    link_claim: str
    company: Unit
    units: dict[int, Unit]  # every unit under the company, the company too
    links: dict[str, int]  # department id → unit id (ExternalUnit)
    identities: dict[str, int]  # subject → user id (ExternalIdentity of this provider)
    users: dict[int, User]  # the linked users
    positions: dict[tuple[int, str], Position]  # (unit id, 负责人/成员) → position
    assignments: list[tuple[Assignment, Position]]  # linked users' current assignments to those positions
    usernames: set[str]
    codes: set[str]
    people_in: dict[int, int]  # unit id → people holding a position there now (anyone)
    positions_in: dict[int, int]  # unit id → positions there (any)
    by_email: dict[str, int] = field(default_factory=dict)  # unlinked users, for link_claim=email
    by_username: dict[str, int] = field(default_factory=dict)  # unlinked users, for userid-like claims


@dataclass
class Plan:
    root_id: str
    changes: list[dict[str, Any]]
    kept: list[dict[str, Any]]

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(c["op"] for c in self.changes))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.@-]", "", text)


def _free(wanted: str, taken: set[str], limit: int) -> str:
    name = wanted[:limit]
    n = 2
    while name in taken:
        suffix = f"-{n}"
        name = wanted[:limit - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def unit_code(provider_key: str, external_id: str, taken: set[str]) -> str:
    code = f"{provider_key}-{_slug(external_id).replace('@', '')}"
    if len(code) > 60 or code.endswith("-"):
        code = f"{provider_key}-{hashlib.sha1(external_id.encode()).hexdigest()[:12]}"
    return _free(re.sub(r"[^A-Za-z0-9_.-]", "", code), taken, 60)


def username_for(subject: str, email: str, provider_key: str, taken: set[str]) -> str:
    wanted = (_slug(subject) or _slug(email.split("@")[0])
              or f"{provider_key}-{hashlib.sha1(subject.encode()).hexdigest()[:10]}")
    return _free(wanted, taken, 60)


def make_plan(directory: Directory, cur: Current) -> Plan:
    changes: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    depts = directory.departments

    # --- departments → units, by depth -------------------------------------------------------
    depth: dict[str, int] = {directory.root_id: 0}

    def depth_of(did: str, seen: frozenset[str] = frozenset()) -> int | None:
        if did in depth:
            return depth[did]
        dept = depts.get(did)
        if dept is None or dept.parent_id is None or did in seen or dept.parent_id not in depts:
            return None
        parent = depth_of(dept.parent_id, seen | {did})
        if parent is None:
            return None
        depth[did] = parent + 1
        return depth[did]

    placed: dict[str, UnitKey] = {directory.root_id: cur.company.id}  # department → its unit (or the plan's)
    ordered = sorted((d for d in depts if d != directory.root_id), key=lambda d: (depth_of(d) or 99, d))
    unit_changes: list[tuple[int, dict[str, Any]]] = []
    for did in ordered:
        dept = depts[did]
        level = depth_of(did)
        if level is None or level not in KIND_BY_DEPTH:
            kept.append({"external_id": did, "name": dept.name, "reason": "too_deep" if level else "orphan",
                         "reason_zh": "层级超过三级，未同步" if level else "上级部门不在通讯录中，未同步"})
            continue
        kind = KIND_BY_DEPTH[level]
        assert dept.parent_id is not None
        parent_key = placed.get(dept.parent_id)
        if parent_key is None:  # its parent was kept out: so is it
            kept.append({"external_id": did, "name": dept.name, "reason": "too_deep",
                         "reason_zh": "层级超过三级，未同步"})
            continue
        unit_id = cur.links.get(did)
        unit = cur.units.get(unit_id) if unit_id is not None else None
        if unit is None:
            code = unit_code(cur.provider_key, did, cur.codes)
            unit_changes.append((level, {"op": "unit.create", "external_id": did, "name": dept.name[:200],
                                         "parent": parent_key, "kind": kind, "code": code}))
            placed[did] = f"ext:{did}"
            continue
        placed[did] = unit.id
        if unit.name != dept.name[:200]:
            unit_changes.append((level, {"op": "unit.rename", "unit_id": unit.id, "external_id": did,
                                         "from": unit.name, "to": dept.name[:200]}))
        if unit.parent_id != parent_key:
            unit_changes.append((level, {"op": "unit.move", "unit_id": unit.id, "external_id": did, "name": dept.name,
                                         "from_parent_id": unit.parent_id, "to_parent": parent_key, "kind": kind}))
        elif unit.kind != kind:
            unit_changes.append((level, {"op": "unit.kind", "unit_id": unit.id, "external_id": did, "from": unit.kind,
                                         "to": kind}))
    changes += [c for _, c in sorted(unit_changes, key=lambda lc: lc[0])]

    # --- people --------------------------------------------------------------------------------
    members = {m.id: m for m in directory.members.values() if m.active}
    user_changes: list[dict[str, Any]] = []
    user_of: dict[str, int | str] = {}  # subject → user id, or "new:<subject>"
    for sid in sorted(members):
        m = members[sid]
        uid = cur.identities.get(sid)
        if uid is not None and uid in cur.users:
            user = cur.users[uid]
            user_of[sid] = uid
            diff: dict[str, Any] = {}
            if m.name and user.display_name != m.name[:100]:
                diff["display_name"] = m.name[:100]
            if m.email and user.email != m.email[:200]:
                diff["email"] = m.email[:200]
            if not user.active:
                diff["active"] = True
            if diff:
                user_changes.append({"op": "user.update", "user_id": uid, "subject": sid,
                                     "before": {k: getattr(user, k) for k in diff}, "changes": diff})
            continue
        match = None  # an existing user links once: the first person naming them takes them
        if cur.link_claim == "email" and m.email:
            match = cur.by_email.pop(m.email.lower(), None)
        elif cur.link_claim in ("userid", "preferred_username", "sub"):
            match = cur.by_username.pop(sid, None)
        if match is not None:
            user_of[sid] = match
            user_changes.append({"op": "user.link", "user_id": match, "subject": sid, "by": cur.link_claim})
            continue
        user_of[sid] = f"new:{sid}"
        user_changes.append({"op": "user.create", "subject": sid,
                             "username": username_for(sid, m.email, cur.provider_key, cur.usernames),
                             "display_name": (m.name or sid)[:100], "email": m.email[:200]})
    leaving = [{"op": "user.deactivate", "user_id": uid, "subject": sid, "name": cur.users[uid].display_name}
               for sid, uid in sorted(cur.identities.items())
               if sid not in members and uid in cur.users and cur.users[uid].active]

    # --- who holds which unit's 负责人 / 成员 -------------------------------------------------------
    wanted: dict[tuple[int | str, UnitKey, str], None] = {}
    for sid, m in sorted(members.items()):
        for did in m.departments:
            key = placed.get(did)
            if key is None:
                continue
            title = HEAD_TITLE if sid in depts[did].leaders else MEMBER_TITLE
            wanted[(user_of[sid], key, title)] = None
    for did, dept in depts.items():  # a leader the vendor lists apart from the department's members
        key = placed.get(did)
        for sid in dept.leaders:
            if key is not None and sid in members:
                wanted[(user_of[sid], key, HEAD_TITLE)] = None
    held: dict[tuple[int | str, UnitKey, str], Assignment] = {}
    for a, pos in cur.assignments:
        held.setdefault((a.user_id, pos.unit_id, pos.title), a)

    position_changes = []
    made: set[tuple[UnitKey, str]] = set()
    for _, key, title in wanted:
        has = isinstance(key, int) and (key, title) in cur.positions
        if not has and (key, title) not in made:
            made.add((key, title))
            position_changes.append({"op": "position.create", "unit": key, "title": title,
                                     "heads_unit": title == HEAD_TITLE,
                                     "role": HEAD_ROLE if title == HEAD_TITLE else MEMBER_ROLE})
    ending = [{"op": "head.unassign" if title == HEAD_TITLE else "member.unassign", "assignment_id": a.id,
               "user_id": uid, "unit_id": unit, "title": title}
              for (uid, unit, title), a in sorted(held.items(), key=lambda kv: kv[1].id)
              if (uid, unit, title) not in wanted]
    starting = [{"op": "head.assign" if title == HEAD_TITLE else "member.assign", "user": uid, "unit": key,
                 "title": title}
                for (uid, key, title) in wanted if (uid, key, title) not in held]

    changes += position_changes + user_changes + ending + starting + leaving

    # --- what the directory no longer has ----------------------------------------------------------
    for did, unit_id in sorted(cur.links.items()):
        if did in depts or unit_id == cur.company.id or unit_id not in cur.units:
            continue
        unit = cur.units[unit_id]
        ended = sum(1 for c in ending if c["unit_id"] == unit_id)
        people = cur.people_in.get(unit_id, 0) - ended
        own = {cur.positions[(unit_id, t)].id for t in SYNC_TITLES if (unit_id, t) in cur.positions}
        others = cur.positions_in.get(unit_id, 0) - len(own)
        if people > 0:
            reason, zh = "has_people", f"仍有 {people} 人在该单元任职，保留"
        elif others > 0:
            reason, zh = "has_positions", f"仍有 {others} 个其他岗位，保留"
        else:
            reason, zh = "may_hold_plans", "可能仍有计划（组织服务看不到计划数据），保留；确认后请手动删除"
        kept.append({"external_id": did, "unit_id": unit_id, "name": unit.name, "reason": reason, "reason_zh": zh})
    return Plan(root_id=directory.root_id, changes=changes, kept=kept)
