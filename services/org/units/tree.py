"""Org tree rules: materialised paths, moves without cycles, deletes only when empty."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.i18n import UNIT_KINDS_ZH, zh_list
from services.common.problems import Conflict, Invalid
from services.org.models import Position, Unit

# Which kinds may sit under which (a company may also hold companies: a group structure).
ALLOWED_CHILDREN = {
    "company": {"company", "branch", "department"},
    "branch": {"department", "section", "team"},
    "department": {"section", "team"},
    "section": {"team"},
    "team": set(),
}


def check_kind(parent: Unit | None, kind: str) -> None:
    if parent is None:
        if kind != "company":
            raise Invalid("A top-level unit must be a company.", field="kind", zh="顶级单元必须是公司。")
        return
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        allowed = ", ".join(sorted(ALLOWED_CHILDREN[parent.kind])) or "nothing"
        parent_zh = UNIT_KINDS_ZH.get(parent.kind, parent.kind)
        children_zh = zh_list(UNIT_KINDS_ZH[k] for k in sorted(ALLOWED_CHILDREN[parent.kind]))
        raise Invalid(f"A {parent.kind} can hold {allowed}, not a {kind}.", field="kind",
                      zh=(f"{parent_zh}下只能设{children_zh}，不能设{UNIT_KINDS_ZH.get(kind, kind)}。"
                          if ALLOWED_CHILDREN[parent.kind] else f"{parent_zh}下不能再设下级单元。"))


async def check_code_free(session: AsyncSession, code: str, except_id: int | None = None) -> None:
    stmt = select(Unit.id).where(Unit.code == code)
    if except_id is not None:
        stmt = stmt.where(Unit.id != except_id)
    if (await session.execute(stmt)).first():
        raise Conflict(f"The unit code '{code}' is already used by another unit.", field="code",
                       zh=f"单元编码“{code}”已被其他单元使用。")


async def create_unit(session: AsyncSession, *, parent: Unit | None, name: str, code: str, kind: str) -> Unit:
    check_kind(parent, kind)
    await check_code_free(session, code)
    # The path needs the new id, so insert with a unique placeholder first.
    unit = Unit(parent_id=parent.id if parent else None, name=name, code=code, kind=kind, path=f"pending:{code}")
    session.add(unit)
    await session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    await session.flush()
    return unit


async def subtree(session: AsyncSession, unit: Unit) -> list[Unit]:
    """The unit and all its descendants, shallowest first."""
    rows = (await session.execute(select(Unit).where(Unit.path.startswith(unit.path)))).scalars().all()
    return sorted(rows, key=lambda u: (u.path.count("/"), u.id))


async def move_unit(session: AsyncSession, *, unit: Unit, new_parent: Unit) -> tuple[str, str, int]:
    """Re-hang ``unit`` under ``new_parent``; returns (old path, new path, units moved)."""
    if new_parent.path.startswith(unit.path):
        raise Conflict(f"Cannot move {unit.name} under {new_parent.name}: that unit is inside it (a cycle).",
                       zh=f"不能把{unit.name}移到{new_parent.name}下：后者在前者之内（会形成循环）。")
    check_kind(new_parent, unit.kind)
    old_prefix = unit.path
    new_prefix = f"{new_parent.path}{unit.id}/"
    if old_prefix == new_prefix:
        return old_prefix, new_prefix, 0
    units = await subtree(session, unit)
    for u in units:
        u.path = new_prefix + u.path[len(old_prefix):]
    unit.parent_id = new_parent.id
    await session.flush()
    return old_prefix, new_prefix, len(units)


async def delete_unit(session: AsyncSession, *, unit: Unit) -> None:
    children = (await session.execute(select(func.count()).where(Unit.parent_id == unit.id))).scalar_one()
    if children:
        raise Conflict(f"{unit.name} still has {children} sub-unit(s); move or delete them first.",
                       zh=f"{unit.name}还有 {children} 个下级单元；请先移走或删除它们。")
    positions = (await session.execute(select(func.count()).where(Position.unit_id == unit.id))).scalar_one()
    if positions:
        raise Conflict(f"{unit.name} still has {positions} position(s); remove them first.",
                       zh=f"{unit.name}还有 {positions} 个岗位；请先移除它们。")
    await session.delete(unit)
    await session.flush()


def build_tree(units: list[Unit]) -> list[dict[str, Any]]:
    nodes: dict[int, dict[str, Any]] = {
        u.id: {"id": u.id, "parent_id": u.parent_id, "name": u.name, "code": u.code, "kind": u.kind, "path": u.path,
               "version": u.version, "children": []} for u in units}
    roots: list[dict[str, Any]] = []
    for u in sorted(units, key=lambda x: (x.path.count("/"), x.id)):
        node = nodes[u.id]
        parent = nodes.get(u.parent_id) if u.parent_id is not None else None
        if parent is not None:
            parent["children"].append(node)
        else:
            roots.append(node)
    return roots
