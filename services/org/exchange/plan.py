"""From the rows of an org workbook and the org as it is, the plan: what would be created or changed, row by
row, and every error naming sheet, row and column.

The plan is data (JSON, stored with the import): each change names its row, the object it changes (by id,
with the version it was judged against) or the key of the object it creates, and the values to apply.
Nothing absent from the file is touched: an import never deletes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email

from services.common.i18n import EN, UNIT_KINDS_ZH, ZH
from services.common.sheets import cell_date, cell_text, is_blank
from services.org.exchange.sheet import (
    PEOPLE,
    POSITIONS,
    SHEET_BY_KEY,
    UNITS,
    Parsed,
    RowError,
    parse_kind,
    parse_status,
    parse_yes_no,
)
from services.org.models import Assignment, Position, Role, Unit, User
from services.org.units.tree import ALLOWED_CHILDREN

CODE = re.compile(r"^[A-Za-z0-9_.-]+$")


@dataclass
class Org:
    """The org as it is, as the plan compares the file with it."""

    units: list[Unit]
    roles: list[Role]
    positions: list[Position]
    users: list[User]
    assignments: list[Assignment]
    today: date


@dataclass
class Plan:
    changes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"changes": self.changes, "counts": self.counts}


class _Builder:
    def __init__(self, parsed: Parsed, org: Org):
        self.parsed, self.org = parsed, org
        self.plan = Plan(errors=list(parsed.errors))
        self.bad_rows: dict[str, set[int]] = defaultdict(set)
        for e in parsed.errors:
            self.bad_rows[e.sheet].add(e.row)
        self.changed_rows: dict[str, set[int]] = defaultdict(set)
        self.units_by_code = {u.code: u for u in org.units}
        self.units_by_id = {u.id: u for u in org.units}
        self.roles_by_id = {r.id: r for r in org.roles}
        # the oldest position of a title in a unit is the one the file names (titles are not unique in the table)
        self.stored_positions = {(p.unit_id, p.title): p for p in sorted(org.positions, key=lambda p: -p.id)}
        self.held: dict[tuple[int, int], list[Assignment]] = defaultdict(list)
        for a in org.assignments:
            self.held[(a.user_id, a.position_id)].append(a)

    # --- errors ------------------------------------------------------------------------------

    def err(self, sheet: str, row: int, column: str, en: str, zh: str) -> None:
        self.plan.errors.append(RowError(sheet, row, column, en, zh))
        self.bad_rows[sheet].add(row)

    def change(self, op: str, sheet: str, row: int, key: str, *, values: dict[str, Any],
               shown: dict[str, list[Any]], target: Any = None, refs: dict[str, Any] | None = None) -> None:
        self.plan.changes.append({
            "op": op, "sheet": sheet, "row": row, "key": key, "values": values, "fields": shown,
            "target_id": target.id if target is not None else None,
            "version": target.version if target is not None else None, "refs": refs or {}})
        self.changed_rows[sheet].add(row)

    # --- units -------------------------------------------------------------------------------

    def units(self) -> None:
        rows = self.parsed.rows.get("units", [])
        self.file_units: dict[str, dict[str, Any]] = {}
        seen: dict[str, int] = {}
        for raw in rows:
            n = raw["_row"]
            code = cell_text(raw.get("code"))
            name = cell_text(raw.get("name"))
            kind_text = cell_text(raw.get("kind"))
            parent = cell_text(raw.get("parent_code"))
            ok = True
            if not code:
                self.err("units", n, "code", "is required", "必填")
                continue
            if len(code) > 60 or not CODE.match(code):
                self.err("units", n, "code",
                         f"'{code}' is not a code: letters, digits, '.', '_' and '-' only, at most 60",
                         f"“{code}”不是有效的编码：只能用字母、数字、“.”“_”“-”，最多 60 个字符")
                ok = False
            if code in seen:
                self.err("units", n, "code", f"the code {code} is already on row {seen[code]}",
                         f"编码 {code} 已在第 {seen[code]} 行出现")
                continue
            seen[code] = n
            if not name:
                self.err("units", n, "name", "is required", "必填")
                ok = False
            elif len(name) > 200:
                self.err("units", n, "name", "is longer than 200 characters", "超过 200 个字符")
                ok = False
            kind = parse_kind(kind_text) if kind_text else None
            if kind is None:
                labels = "、".join(UNIT_KINDS_ZH.values())
                self.err("units", n, "kind", f"'{kind_text}' is not a unit type; use one of "
                                             f"{', '.join(ALLOWED_CHILDREN)}" if kind_text else "is required",
                         f"“{kind_text}”不是单元类型；应为{labels}之一" if kind_text else "必填")
                ok = False
            if parent == code:
                self.err("units", n, "parent_code", "a unit cannot be its own parent", "单元不能是自己的上级")
                ok = False
            self.file_units[code] = {"row": n, "name": name, "kind": kind, "parent": parent, "ok": ok}
        self._unit_structure()

    def unit_known(self, code: str) -> bool:
        f = self.file_units.get(code)
        return (f is not None and f["ok"]) or (f is None and code in self.units_by_code)

    def _unit_structure(self) -> None:
        # The tree as it would be: the file's parent and kind for the units it names, the stored ones otherwise.
        parent_of: dict[str, str] = {}
        kind_of: dict[str, str] = {}
        for u in self.org.units:
            p = self.units_by_id.get(u.parent_id) if u.parent_id is not None else None
            parent_of[u.code], kind_of[u.code] = (p.code if p else ""), u.kind
        for code, f in self.file_units.items():
            parent_of[code] = f["parent"]
            if f["kind"]:
                kind_of[code] = f["kind"]
        for code, f in self.file_units.items():
            n, parent = f["row"], f["parent"]
            if not f["ok"]:
                continue
            if parent and parent not in parent_of:
                self.err("units", n, "parent_code", f"there is no unit with the code {parent}",
                         f"没有编码为 {parent} 的组织单元")
                f["ok"] = False
            elif parent and parent in self.file_units and not self.file_units[parent]["ok"]:
                f["ok"] = False  # its parent's row is wrong: that row says why
            stored = self.units_by_code.get(code)
            if not parent and stored is not None and stored.parent_id is not None:
                below = sum(1 for u in self.org.units if u.path.startswith(stored.path)) - 1
                inside = {u.id for u in self.org.units if u.path.startswith(stored.path)}
                held = sum(1 for p in self.org.positions if p.unit_id in inside)
                self.err("units", n, "parent_code",
                         f"{stored.name} cannot be cut loose from its parent: it, {below} unit(s) below it and "
                         f"{held} position(s) would belong to no company; give its parent's code",
                         f"不能把{stored.name}从上级单元中脱离：它及其下 {below} 个单元、{held} 个岗位"
                         "将不属于任何公司；请填写上级编码")
                f["ok"] = False
        # cycles
        for code, f in self.file_units.items():
            if not f["ok"]:
                continue
            chain, at = [code], parent_of.get(code, "")
            while at and at not in chain and len(chain) <= len(parent_of):
                chain.append(at)
                at = parent_of.get(at, "")
            if at == code:
                loop = " → ".join([*chain, code])
                self.err("units", f["row"], "parent_code", f"the parents form a cycle: {loop}",
                         f"上级编码形成循环：{loop}")
                f["ok"] = False
        # kinds: every unit whose place or kind changes, and the units below a unit whose kind changes
        for code, f in self.file_units.items():
            if not f["ok"]:
                continue
            stored = self.units_by_code.get(code)
            parent = f["parent"]
            kind = f["kind"]
            pk = kind_of.get(parent) if parent else None
            moved_or_new = stored is None or kind != stored.kind or parent != parent_of_stored(stored, self)
            if moved_or_new and not _fits(pk, kind):
                col = "kind" if stored is not None and kind != stored.kind else "parent_code"
                self.err("units", f["row"], col, _kind_en(pk, kind), _kind_zh(pk, kind))
                f["ok"] = False
                continue
            if stored is not None and kind != stored.kind:
                for child in (u for u in self.org.units if u.parent_id == stored.id):
                    if parent_of.get(child.code) == code and not _fits(kind, kind_of[child.code]):
                        ck = kind_of[child.code]
                        self.err("units", f["row"], "kind",
                                 f"as a {kind}, {stored.name} could no longer hold {child.name} (a {ck}), which would "
                                 "be left without a valid parent; move it first",
                                 f"改为{UNIT_KINDS_ZH[kind]}后，{stored.name}下不能再有{child.name}"
                                 f"（{UNIT_KINDS_ZH.get(ck, ck)}），它将失去合法的上级；请先移走它")
                        f["ok"] = False
                        break
        self.parent_of = parent_of
        # the changes, parents before children
        depth: dict[str, int] = {}

        def level(code: str) -> int:
            if code not in depth:
                depth[code] = 0  # guards a cycle among units the file left alone
                p = parent_of.get(code, "")
                depth[code] = level(p) + 1 if p else 0
            return depth[code]

        for code, f in sorted(self.file_units.items(), key=lambda item: (level(item[0]), item[1]["row"])):
            if not f["ok"]:
                continue
            stored = self.units_by_code.get(code)
            n = f["row"]
            if stored is None:
                self.change("unit.create", "units", n, code,
                            values={"code": code, "name": f["name"], "kind": f["kind"], "parent_code": f["parent"]},
                            shown={"name": [None, f["name"]], "kind": [None, f["kind"]],
                                   "parent_code": [None, f["parent"]]},
                            refs={"unit": f["parent"]} if f["parent"] else {})
                continue
            values: dict[str, Any] = {}
            shown: dict[str, list[Any]] = {}
            if f["name"] != stored.name:
                values["name"], shown["name"] = f["name"], [stored.name, f["name"]]
            if f["kind"] != stored.kind:
                values["kind"], shown["kind"] = f["kind"], [stored.kind, f["kind"]]
            if values:
                self.change("unit.update", "units", n, code, values=values, shown=shown, target=stored)
            old_parent = parent_of_stored(stored, self)
            if f["parent"] != old_parent:
                self.change("unit.move", "units", n, code, values={"parent_code": f["parent"]},
                            shown={"parent_code": [old_parent, f["parent"]]}, target=stored,
                            refs={"unit": f["parent"]})

    # --- positions ---------------------------------------------------------------------------

    def role(self, text: str) -> tuple[Role | None, str]:
        t = text.strip()
        for r in self.org.roles:
            if r.key == t:
                return r, ""
        named = [r for r in self.org.roles if r.name == t or (r.name_en and r.name_en.lower() == t.lower())]
        if len(named) == 1:
            return named[0], ""
        return None, "ambiguous" if named else "unknown"

    def positions(self) -> None:
        present = self.parsed.present.get("positions", set())
        self.file_positions: dict[tuple[str, str], dict[str, Any]] = {}
        stored = self.stored_positions
        for raw in self.parsed.rows.get("positions", []):
            n = raw["_row"]
            unit_code, title, role_text = (cell_text(raw.get(k)) for k in ("unit_code", "title", "role"))
            ok = True
            if not unit_code:
                self.err("positions", n, "unit_code", "is required", "必填")
                ok = False
            elif unit_code in self.file_units and not self.file_units[unit_code]["ok"]:
                ok = False  # the unit's row says what is wrong
            elif not self.unit_known(unit_code):
                self.err("positions", n, "unit_code", f"there is no unit with the code {unit_code}",
                         f"没有编码为 {unit_code} 的组织单元")
                ok = False
            if not title:
                self.err("positions", n, "title", "is required", "必填")
                ok = False
            elif len(title) > 100:
                self.err("positions", n, "title", "is longer than 100 characters", "超过 100 个字符")
                ok = False
            elif (unit_code, title) in self.file_positions:
                first = self.file_positions[(unit_code, title)]["row"]
                self.err("positions", n, "title", f"{unit_code} / {title} is already on row {first}",
                         f"{unit_code} 的岗位“{title}”已在第 {first} 行出现")
                continue
            role, why = self.role(role_text) if role_text else (None, "missing")
            if role is None:
                if why == "missing":
                    self.err("positions", n, "role", "is required", "必填")
                elif why == "ambiguous":
                    self.err("positions", n, "role", f"several roles are called {role_text}; give the role's key",
                             f"有多个角色名为“{role_text}”；请填写角色键")
                else:
                    names = "、".join(r.name for r in self.org.roles)
                    self.err("positions", n, "role", f"there is no role called {role_text}",
                             f"没有名为“{role_text}”的角色；可选：{names}")
                ok = False
            heads: bool | None = None
            if "heads_unit" in present:
                heads = parse_yes_no(cell_text(raw.get("heads_unit")))
                if heads is None:
                    self.err("positions", n, "heads_unit", f"'{cell_text(raw.get('heads_unit'))}' is not yes or no",
                             f"“{cell_text(raw.get('heads_unit'))}”应为“是”或“否”")
                    ok = False
            duties: list[str] | None = None
            if "responsibilities" in present:
                duties = [d.strip() for d in cell_text(raw.get("responsibilities")).splitlines() if d.strip()]
            self.file_positions[(unit_code, title)] = {"row": n, "ok": ok}
            if not ok or role is None:
                self.file_positions[(unit_code, title)]["ok"] = False
                continue
            unit = self.units_by_code.get(unit_code)
            pos = stored.get((unit.id, title)) if unit is not None else None
            if pos is None:
                self.change("position.create", "positions", n, f"{unit_code} / {title}",
                            values={"unit_code": unit_code, "title": title, "role_id": role.id,
                                    "heads_unit": bool(heads), "responsibilities": duties or []},
                            shown={"role": [None, role.name], "heads_unit": [None, bool(heads)],
                                   "responsibilities": [None, duties or []]}, refs={"unit": unit_code})
                continue
            values: dict[str, Any] = {}
            shown: dict[str, list[Any]] = {}
            if role.id != pos.role_id:
                old = self.roles_by_id.get(pos.role_id)
                values["role_id"], shown["role"] = role.id, [old.name if old else pos.role_id, role.name]
            if heads is not None and heads != pos.heads_unit:
                values["heads_unit"], shown["heads_unit"] = heads, [pos.heads_unit, heads]
            if duties is not None and duties != list(pos.responsibilities or []):
                values["responsibilities"] = duties
                shown["responsibilities"] = [list(pos.responsibilities or []), duties]
            if values:
                self.change("position.update", "positions", n, f"{unit_code} / {title}", values=values, shown=shown,
                            target=pos)

    def position_known(self, unit_code: str, title: str) -> bool | None:
        """True when it exists or the file creates it, None when the file's row for it is wrong."""
        f = self.file_positions.get((unit_code, title))
        if f is not None:
            return True if f["ok"] else None
        unit = self.units_by_code.get(unit_code)
        return unit is not None and (unit.id, title) in self.stored_positions

    # --- people ------------------------------------------------------------------------------

    def people(self) -> None:
        present = self.parsed.present.get("people", set())
        users = {u.username: u for u in self.org.users}
        positions = self.stored_positions
        first: dict[str, dict[str, Any]] = {}
        seen_assignments: dict[tuple[str, str, str, str], int] = {}
        person_changes: list[tuple[int, str, dict[str, Any]]] = []
        assignment_rows: list[dict[str, Any]] = []
        bad_users: set[str] = set()
        for raw in self.parsed.rows.get("people", []):
            n = raw["_row"]
            username = cell_text(raw.get("username"))
            name = cell_text(raw.get("display_name"))
            ok = True
            if not username:
                self.err("people", n, "username", "is required", "必填")
                continue
            if not (2 <= len(username) <= 60) or not CODE.match(username):
                self.err("people", n, "username",
                         f"'{username}' is not a username: 2 to 60 letters, digits, '.', '_' or '-'",
                         f"“{username}”不是有效的用户名：2 至 60 个字母、数字、“.”“_”“-”")
                bad_users.add(username)
                continue
            if not name:
                self.err("people", n, "display_name", "is required", "必填")
                ok = False
            elif len(name) > 100:
                self.err("people", n, "display_name", "is longer than 100 characters", "超过 100 个字符")
                ok = False
            email: str | None = None
            if "email" in present:
                email = cell_text(raw.get("email"))
                if email:
                    try:
                        validate_email(email, check_deliverability=False)
                    except EmailNotValidError:
                        self.err("people", n, "email", f"'{email}' is not an e-mail address",
                                 f"“{email}”不是有效的邮箱地址")
                        ok = False
                    if len(email) > 200:
                        self.err("people", n, "email", "is longer than 200 characters", "超过 200 个字符")
                        ok = False
            active: bool | None = None
            if "status" in present and not is_blank(raw.get("status")):
                active = parse_status(cell_text(raw.get("status")))
                if active is None:
                    said = cell_text(raw.get("status"))
                    self.err("people", n, "status", f"'{said}' is not a status; use active or inactive",
                             f"“{said}”不是有效的状态；应为“在职”或“停用”")
                    ok = False
            person = {"display_name": name, "email": email, "active": active}
            if username in first:
                prev = first[username]
                for key in ("display_name", "email", "active"):
                    if person[key] is not None and prev[key] is not None and person[key] != prev[key]:
                        header_en, header_zh = PEOPLE.header(key if key != "active" else "status", EN), \
                            PEOPLE.header(key if key != "active" else "status", ZH)
                        self.err("people", n, key if key != "active" else "status",
                                 f"{username} is also on row {prev['row']} with another '{header_en}'",
                                 f"用户名 {username} 已在第 {prev['row']} 行出现，两处的“{header_zh}”不同")
                        ok = False
            if not ok:
                bad_users.add(username)
            if username not in first:
                first[username] = {**person, "row": n}
            # the assignment on this row, if any
            unit_code, title = cell_text(raw.get("unit_code")), cell_text(raw.get("title"))
            if not unit_code and not title:
                if not is_blank(raw.get("start_date")) or not is_blank(raw.get("end_date")):
                    self.err("people", n, "unit_code", "dates need a unit and a position",
                             "填写任职日期时须填写单位编码和岗位名称")
                continue
            if not unit_code or not title:
                missing = "unit_code" if not unit_code else "title"
                self.err("people", n, missing, "is required when the other of unit code and position title is given",
                         "单位编码和岗位名称须同时填写")
                continue
            known = None
            if unit_code in self.file_units and not self.file_units[unit_code]["ok"]:
                continue
            if not self.unit_known(unit_code):
                self.err("people", n, "unit_code", f"there is no unit with the code {unit_code}",
                         f"没有编码为 {unit_code} 的组织单元")
                continue
            known = self.position_known(unit_code, title)
            if known is None:
                continue
            if not known:
                self.err("people", n, "title", f"{unit_code} has no position called {title}",
                         f"单位 {unit_code} 没有名为“{title}”的岗位")
                continue
            start = end = None
            dates_ok = True
            for key in ("start_date", "end_date"):
                if not is_blank(raw.get(key)):
                    try:
                        value = cell_date(raw.get(key))
                    except ValueError:
                        self.err("people", n, key, f"'{cell_text(raw.get(key))}' is not a date (2026-03-15)",
                                 f"“{cell_text(raw.get(key))}”不是日期（如 2026-03-15）")
                        dates_ok = False
                        continue
                    if key == "start_date":
                        start = value
                    else:
                        end = value
            if start and end and end < start:
                self.err("people", n, "end_date", "ends before it starts", "任职结束早于任职开始")
                dates_ok = False
            if not dates_ok:
                continue
            akey = (username, unit_code, title, start.isoformat() if start else "")
            if akey in seen_assignments:
                self.err("people", n, "title", f"the same assignment is already on row {seen_assignments[akey]}",
                         f"同一任职已在第 {seen_assignments[akey]} 行出现")
                continue
            seen_assignments[akey] = n
            assignment_rows.append({"row": n, "username": username, "unit_code": unit_code, "title": title,
                                    "start": start, "end": end, "end_given": "end_date" in present})
        for username, p in first.items():
            if username in bad_users:
                continue
            user = users.get(username)
            n = p["row"]
            if user is None:
                person_changes.append((n, "user.create", {
                    "username": username, "display_name": p["display_name"], "email": p["email"] or "",
                    "active": p["active"] is not False}))
                continue
            values: dict[str, Any] = {}
            shown: dict[str, list[Any]] = {}
            if p["display_name"] != user.display_name:
                values["display_name"] = p["display_name"]
                shown["display_name"] = [user.display_name, p["display_name"]]
            if p["email"] is not None and p["email"] != user.email:
                values["email"], shown["email"] = p["email"], [user.email, p["email"]]
            if p["active"] is not None and p["active"] != user.active:
                values["active"], shown["status"] = p["active"], [user.active, p["active"]]
            if values:
                self.change("user.update", "people", n, username, values=values, shown=shown, target=user)
        for n, op, values in person_changes:
            self.change(op, "people", n, values["username"], values=values,
                        shown={"display_name": [None, values["display_name"]], "email": [None, values["email"]],
                               "status": [None, values["active"]]})
        for a in assignment_rows:
            if a["username"] in bad_users:
                continue
            user = users.get(a["username"])
            unit = self.units_by_code.get(a["unit_code"])
            pos = positions.get((unit.id, a["title"])) if unit is not None else None
            key = f"{a['username']} @ {a['unit_code']} / {a['title']}"
            refs = {"user": a["username"], "position": [a["unit_code"], a["title"]]}
            match = None
            if user is not None and pos is not None:
                held = self.held[(user.id, pos.id)]
                if a["start"] is not None:
                    match = next((x for x in held if x.start_date == a["start"]), None)
                else:
                    current = [x for x in held if x.end_date is None or x.end_date >= self.org.today]
                    match = max(current, key=lambda x: x.start_date) if current else None
            if match is None:
                start = a["start"] or self.org.today
                self.change("assignment.create", "people", a["row"], key,
                            values={"username": a["username"], "unit_code": a["unit_code"], "title": a["title"],
                                    "start_date": start.isoformat(),
                                    "end_date": a["end"].isoformat() if a["end"] else None},
                            shown={"start_date": [None, start.isoformat()],
                                   "end_date": [None, a["end"].isoformat() if a["end"] else None]}, refs=refs)
            elif a["end_given"] and a["end"] != match.end_date:
                old = match.end_date.isoformat() if match.end_date else None
                new = a["end"].isoformat() if a["end"] else None
                self.change("assignment.update", "people", a["row"], key, values={"end_date": new},
                            shown={"end_date": [old, new]}, target=match, refs=refs)

    def counts(self) -> None:
        for spec in (UNITS, POSITIONS, PEOPLE):
            rows = {r["_row"] for r in self.parsed.rows.get(spec.key, [])}
            ops = [c["op"] for c in self.plan.changes if c["sheet"] == spec.key]
            bad = self.bad_rows[spec.key] & rows
            self.plan.counts[spec.key] = {
                "rows": len(rows),
                "create": sum(1 for o in ops if o.endswith(".create") and not o.startswith("assignment")),
                "update": sum(1 for o in ops if not o.endswith(".create") and not o.startswith("assignment")),
                "unchanged": len(rows - self.changed_rows[spec.key] - bad),
                "errors": len(bad),
            }
        ops = [c["op"] for c in self.plan.changes]
        self.plan.counts["assignments"] = {"create": ops.count("assignment.create"),
                                           "update": ops.count("assignment.update")}


def parent_of_stored(unit: Unit, b: _Builder) -> str:
    p = b.units_by_id.get(unit.parent_id) if unit.parent_id is not None else None
    return p.code if p else ""


def _fits(parent_kind: str | None, kind: str) -> bool:
    return kind == "company" if parent_kind is None else kind in ALLOWED_CHILDREN.get(parent_kind, set())


def _kind_en(parent_kind: str | None, kind: str) -> str:
    if parent_kind is None:
        return "a top-level unit must be a company"
    allowed = ", ".join(sorted(ALLOWED_CHILDREN[parent_kind])) or "nothing"
    return f"a {parent_kind} can hold {allowed}, not a {kind}"


def _kind_zh(parent_kind: str | None, kind: str) -> str:
    if parent_kind is None:
        return "顶级单元必须是公司"
    allowed = "、".join(UNIT_KINDS_ZH[k] for k in sorted(ALLOWED_CHILDREN[parent_kind]))
    pk = UNIT_KINDS_ZH.get(parent_kind, parent_kind)
    return f"{pk}下只能设{allowed}，不能设{UNIT_KINDS_ZH.get(kind, kind)}" if allowed else f"{pk}下不能再设下级单元"


def build(parsed: Parsed, org: Org) -> Plan:
    """The plan for a parsed workbook against the org as it is: the changes and every error."""
    b = _Builder(parsed, org)
    b.units()
    b.positions()
    b.people()
    b.counts()
    first: dict[tuple[str, int, str], RowError] = {}
    for e in b.plan.errors:  # one error per cell: the first found (a formula cell is not also "required")
        first.setdefault((e.sheet, e.row, e.column), e)
    b.plan.errors = list(first.values())
    b.plan.errors.sort(key=lambda e: (list(SHEET_BY_KEY).index(e.sheet) if e.sheet in SHEET_BY_KEY else -1,
                                      e.row, e.column))
    return b.plan
