"""The org read-model (kept in step with org's unit events), indexed the ways planning needs it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.problems import NotFound
from services.planning.models import OrgUnit


def unknown_unit(unit_id: int) -> NotFound:
    return NotFound(f"There is no org unit with id {unit_id} (known to this service).", field="unit_id",
                    zh=f"没有编号为 {unit_id} 的组织单元（本服务未知）。")


@dataclass(frozen=True)
class UnitRow:
    """One unit of the read-model, detached from any session (shared by every request while it is current)."""

    id: int
    parent_id: int | None
    name: str
    code: str
    kind: str
    path: str


@dataclass(eq=False)
class Units:
    """Every org unit this service knows, by id; the derived lookups are built once per snapshot."""

    by_id: dict[int, UnitRow]

    @cached_property
    def kinds_by_path(self) -> dict[str, str]:
        return {u.path: u.kind for u in self.by_id.values()}

    @cached_property
    def paths_by_code(self) -> dict[str, str]:
        return {u.code: u.path for u in self.by_id.values()}

    @cached_property
    def _children(self) -> dict[int | None, list[UnitRow]]:
        out: dict[int | None, list[UnitRow]] = {}
        for u in sorted(self.by_id.values(), key=lambda u: u.id):
            out.setdefault(u.parent_id, []).append(u)
        return out

    def path(self, unit_id: int) -> str:
        unit = self.by_id.get(unit_id)
        if unit is None:
            raise unknown_unit(unit_id)
        return unit.path

    def children(self, unit_id: int) -> list[UnitRow]:
        return list(self._children.get(unit_id, ()))


# The read-model's snapshot per database (engine), with the fingerprint it was read under. At 13,000 units
# reading every row into objects took ~0.5 s of each request that needed one unit's name or children; the
# fingerprint is one aggregate the database answers from the table in a few ms. Every change to a row moves
# it: an event's upsert raises the unit's version (org's version), a move re-stamps synced_at, a
# deletion lowers the count, a resync re-stamps synced_at on every row.
_snapshots: WeakKeyDictionary[Any, tuple[tuple[Any, ...], Units]] = WeakKeyDictionary()


async def load_units(session: AsyncSession) -> Units:
    t = OrgUnit.__table__
    fingerprint = tuple((await session.execute(
        select(func.count(), func.max(t.c.synced_at), func.coalesce(func.sum(t.c.version), 0)))).one())
    engine = session.get_bind()
    cached = _snapshots.get(engine)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    rows = await session.execute(select(t.c.id, t.c.parent_id, t.c.name, t.c.code, t.c.kind, t.c.path))
    units = Units({r.id: UnitRow(r.id, r.parent_id, r.name, r.code, r.kind, r.path) for r in rows})
    # Read inside a transaction that changed the read-model, the snapshot carries that transaction's
    # fingerprint: committed, it is the current one; rolled back, no reader sees that fingerprint again.
    _snapshots[engine] = (fingerprint, units)
    return units


async def unit_path(session: AsyncSession, unit_id: int) -> str:
    """One unit's path (404 for a unit this service does not know)."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise unknown_unit(unit_id)
    return unit.path


def root_of(path: str) -> str:
    """The top-level unit (the company) a path lies in."""
    return "/" + path.strip("/").split("/")[0] + "/"
