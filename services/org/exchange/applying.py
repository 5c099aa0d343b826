"""Carrying out a plan through org's own service functions (units, positions, users, assignments), so every
change is audited once, announced as its event, and held to the same rules as a change made by hand — the
tree's kinds and cycles, the rights of the importer, and the last administrator.

The same run serves the preview (each change under a savepoint, the whole run rolled back: the rules'
verdicts become row errors) and the apply (refused whole when any change is refused). Before an apply, each
change is checked against the org as it is now: an object changed since the preview, or a key taken since,
refuses it (409).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal, Right
from services.common.guards import Allowed, authorize
from services.common.problems import Problem
from services.org.deps import assignment_place, position_place, unit_place_of
from services.org.exchange.sheet import RowError
from services.org.identity.linking import NO_PASSWORD
from services.org.models import Assignment, Position, Role, Unit, User
from services.org.positions import service as positions
from services.org.positions.schemas import PositionCreate, PositionUpdate
from services.org.units import service as units
from services.org.units.schemas import UnitCreate, UnitMove, UnitUpdate
from services.org.users import service as users
from services.org.users.schemas import AssignmentCreate, AssignmentUpdate, UserUpdate

# The order changes are made in: parents before children, people and their new posts before anything that
# could take an administrator's rights away (so a file that hands the admin post to someone else works).
_PHASE = {"unit.update": 0, "unit.create": 1, "unit.move": 2, "position.create": 3, "user.create": 4,
          "user.update": 5, "assignment.create": 6, "position.update": 7, "assignment.update": 8, "user.deactivate": 9}
# The column a refusal of each change is shown against, unless the refusal names a field.
_COLUMN = {"unit.update": "kind", "unit.create": "parent_code", "unit.move": "parent_code", "position.create": "role",
           "position.update": "role", "user.create": "username", "user.update": "status",
           "assignment.create": "title", "assignment.update": "end_date"}
_FIELD_COLUMN = {"kind": "kind", "code": "code", "parent_id": "parent_code", "role_id": "role", "username": "username",
                 "end_date": "end_date", "unit_id": "unit_code", "position_id": "title", "user_id": "username"}


def phase(change: dict[str, Any]) -> int:
    if change["op"] == "user.update" and change["values"].get("active") is False:
        return _PHASE["user.deactivate"]
    return _PHASE[change["op"]]


def ordered(changes: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(changes, key=phase)  # stable: the plan's own order (parents first) within a phase


def _refusal(change: dict[str, Any], problem: Problem) -> RowError:
    fields = [e.get("field") for e in problem.extra.get("errors", []) if isinstance(e, dict)]
    column = next((_FIELD_COLUMN[f] for f in fields if f in _FIELD_COLUMN), _COLUMN[change["op"]])
    return RowError(change["sheet"], change["row"], column, problem.detail, problem.zh or problem.detail)


class _Ids:
    """Ids by the file's keys, for the objects the org has and the ones the run creates."""

    def __init__(self) -> None:
        self.units: dict[str, int] = {}
        self.positions: dict[tuple[str, str], int] = {}
        self.users: dict[str, int] = {}

    async def load(self, session: AsyncSession) -> None:
        self.units = dict((await session.execute(select(Unit.code, Unit.id))).all())
        code_of = {v: k for k, v in self.units.items()}
        for pid, unit_id, title in (await session.execute(
                select(Position.id, Position.unit_id, Position.title).order_by(Position.id.desc()))).all():
            self.positions[(code_of[unit_id], title)] = pid
        self.users = dict((await session.execute(select(User.username, User.id))).all())


async def _carry_out(session: AsyncSession, principal: Principal, change: dict[str, Any], ids: _Ids) -> None:
    op, v = change["op"], change["values"]
    if op == "unit.create":
        parent_id = ids.units[v["parent_code"]] if v["parent_code"] else None
        unit = await units.create_unit(session, principal=principal, body=UnitCreate(
            parent_id=parent_id, name=v["name"], code=v["code"], kind=v["kind"]))
        ids.units[unit.code] = unit.id
    elif op in ("unit.update", "unit.move"):
        item = await _get(session, Unit, change)
        allowed = Allowed(item, principal, authorize(principal, unit_place_of(item), Right.admin))
        if op == "unit.update":
            await units.update_unit(session, unit=allowed, body=UnitUpdate(**v))
        else:
            await units.move_unit(session, unit=allowed, body=UnitMove(parent_id=ids.units[v["parent_code"]]))
    elif op == "position.create":
        pos = await positions.create_position(session, principal=principal, body=PositionCreate(
            unit_id=ids.units[v["unit_code"]], role_id=v["role_id"], title=v["title"], heads_unit=v["heads_unit"],
            responsibilities=v["responsibilities"]))
        ids.positions[(v["unit_code"], v["title"])] = pos.id
    elif op == "position.update":
        pos = await _get(session, Position, change)
        allowed_pos = Allowed(pos, principal, authorize(principal, await position_place(session, pos), Right.admin))
        await positions.update_position(session, position=allowed_pos, body=PositionUpdate(**v))
    elif op == "user.create":
        user = await users.add_user(session, principal=principal, username=v["username"],
                                    display_name=v["display_name"], email=v["email"], password_hash=NO_PASSWORD,
                                    active=v["active"])
        ids.users[user.username] = user.id
    elif op == "user.update":
        await users.update_user(session, principal=principal, user=await _get(session, User, change),
                                body=UserUpdate(**v))
    elif op == "assignment.create":
        await users.create_assignment(session, principal=principal, body=AssignmentCreate(
            user_id=ids.users[v["username"]], position_id=ids.positions[(v["unit_code"], v["title"])],
            start_date=date.fromisoformat(v["start_date"]),
            end_date=date.fromisoformat(v["end_date"]) if v["end_date"] else None))
    elif op == "assignment.update":
        a = await _get(session, Assignment, change)
        allowed_a = Allowed(a, principal, authorize(principal, await assignment_place(session, a), Right.admin))
        await users.update_assignment(session, assignment=allowed_a, body=AssignmentUpdate(
            end_date=date.fromisoformat(v["end_date"]) if v["end_date"] else None))
    else:  # pragma: no cover - the plan makes no other
        raise ValueError(op)


async def _get(session: AsyncSession, model: type[Any], change: dict[str, Any]) -> Any:
    # populate_existing: a change refused under a savepoint leaves the objects it touched expired
    item = await session.get(model, change["target_id"], populate_existing=True)
    if item is None:
        raise Problem("It no longer exists.", zh="该对象已不存在。", status=409, slug="conflict", title="Conflict")
    return item


def _needs(change: dict[str, Any]) -> list[tuple[str, str]]:
    refs = change.get("refs") or {}
    out = []
    if refs.get("unit"):
        out.append(("unit", refs["unit"]))
    if refs.get("user"):
        out.append(("user", refs["user"]))
    if refs.get("position"):
        out.append(("position", "/".join(refs["position"])))
        out.append(("unit", refs["position"][0]))
    return out


def _provides(change: dict[str, Any]) -> tuple[str, str] | None:
    v = change["values"]
    return {"unit.create": lambda: ("unit", v["code"]), "position.create": lambda: ("position",
                                                                                    f"{v['unit_code']}/{v['title']}"),
            "user.create": lambda: ("user", v["username"])}.get(change["op"], lambda: None)()


# Changes that could take an administrator's rights away: the rule is judged on the whole sequence.
SENSITIVE = {"unit.move", "position.update", "user.update", "assignment.update"}
# Changes no rule can refuse once the plan has checked them (a free username, a known post), for an
# importer holding admin over every company: a preview need not make them to judge them.
PLAIN = frozenset({"user.create", "assignment.create"})


async def run(session: AsyncSession, *, principal: Principal, changes: list[dict[str, Any]], trial: bool = True,
              skip: frozenset[str] = frozenset()) -> list[RowError]:
    """Make the changes; the refusals as row errors. On ``trial`` (the preview) each change runs under its own
    savepoint, so every refusal is found (a change needing an object whose creation was refused is skipped:
    that row already says why); otherwise (the apply, which is refused whole) the first refusal ends it.
    Changes whose op is in ``skip`` are not made."""
    ids = _Ids()
    await ids.load(session)
    failed: set[tuple[str, str]] = set()
    errors: list[RowError] = []
    for change in ordered(changes):
        if change["op"] in skip:
            continue
        if not trial:
            try:
                await _carry_out(session, principal, change, ids)
            except Problem as problem:
                return [_refusal(change, problem)]
            continue
        if any(n in failed for n in _needs(change)):
            provided = _provides(change)
            if provided:
                failed.add(provided)
            continue
        try:
            async with session.begin_nested():
                await _carry_out(session, principal, change, ids)
        except Problem as problem:
            errors.append(_refusal(change, problem))
            provided = _provides(change)
            if provided:
                failed.add(provided)
    return errors


async def stale(session: AsyncSession, changes: list[dict[str, Any]]) -> list[RowError]:
    """The changes the org has moved away from since the preview: their object changed (another version)
    or is gone, or the key a new object would take is taken now."""
    out: list[RowError] = []
    models: dict[str, Any] = {"unit": Unit, "position": Position, "user": User, "assignment": Assignment}
    units_by_code = dict((await session.execute(select(Unit.code, Unit.id))).all())
    roles = set((await session.execute(select(Role.id))).scalars())

    def changed(change: dict[str, Any], en: str, zh: str) -> None:
        out.append(RowError(change["sheet"], change["row"], _COLUMN[change["op"]], en, zh))

    for change in changes:
        op, v = change["op"], change["values"]
        if change["target_id"] is not None:
            model = models[op.split(".")[0]]
            version = (await session.execute(select(model.version).where(model.id == change["target_id"]))).scalar()
            if version is None:
                changed(change, f"{change['key']} was deleted after the preview", f"{change['key']} 在预览后已被删除")
            elif version != change["version"]:
                changed(change, f"{change['key']} was changed by someone else after the preview",
                        f"{change['key']} 在预览后已被他人修改")
        elif op == "unit.create" and v["code"] in units_by_code:
            changed(change, f"a unit with the code {v['code']} was created after the preview",
                    f"编码为 {v['code']} 的组织单元在预览后已被创建")
        elif op == "position.create" and v["unit_code"] in units_by_code and (await session.execute(
                select(Position.id).where(Position.unit_id == units_by_code[v["unit_code"]],
                                          Position.title == v["title"]))).first():
            changed(change, f"the position {change['key']} was created after the preview",
                    f"岗位 {change['key']} 在预览后已被创建")
        elif op == "assignment.create" and (await session.execute(
                select(Assignment.id).join(User, User.id == Assignment.user_id)
                .join(Position, Position.id == Assignment.position_id)
                .where(User.username == v["username"], Position.unit_id == units_by_code.get(v["unit_code"], -1),
                       Position.title == v["title"],
                       Assignment.start_date == date.fromisoformat(v["start_date"])))).first():
            changed(change, f"the assignment {change['key']} was made after the preview",
                    f"任职 {change['key']} 在预览后已被创建")
        elif op == "user.create" and (await session.execute(
                select(User.id).where(User.username == v["username"]))).first():
            changed(change, f"the username {v['username']} was taken after the preview",
                    f"用户名 {v['username']} 在预览后已被使用")
        if "role_id" in v and v["role_id"] not in roles:
            changed(change, "its role was deleted after the preview", "所选角色在预览后已被删除")
    return out
