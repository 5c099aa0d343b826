"""The org read-model (kept in step with org's unit events), indexed the ways planning needs it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.problems import NotFound
from services.planning.models import OrgUnit


def unknown_unit(unit_id: int) -> NotFound:
    return NotFound(f"There is no org unit with id {unit_id} (known to this service).", field="unit_id",
                    zh=f"没有编号为 {unit_id} 的组织单元（本服务未知）。")


@dataclass
class Units:
    """Every org unit this service knows, by id."""

    by_id: dict[int, OrgUnit]

    @property
    def kinds_by_path(self) -> dict[str, str]:
        return {u.path: u.kind for u in self.by_id.values()}

    @property
    def paths_by_code(self) -> dict[str, str]:
        return {u.code: u.path for u in self.by_id.values()}

    def path(self, unit_id: int) -> str:
        unit = self.by_id.get(unit_id)
        if unit is None:
            raise unknown_unit(unit_id)
        return unit.path

    def children(self, unit_id: int) -> list[OrgUnit]:
        return sorted((u for u in self.by_id.values() if u.parent_id == unit_id), key=lambda u: u.id)


async def load_units(session: AsyncSession) -> Units:
    return Units({u.id: u for u in (await session.execute(select(OrgUnit))).scalars()})


async def unit_path(session: AsyncSession, unit_id: int) -> str:
    """One unit's path (404 for a unit this service does not know)."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise unknown_unit(unit_id)
    return unit.path


def root_of(path: str) -> str:
    """The top-level unit (the company) a path lies in."""
    return "/" + path.strip("/").split("/")[0] + "/"
