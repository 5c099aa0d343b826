"""The org read-model: each service's local copy of unit ids, names and paths.

Kept current by ``org.unit.*`` events and rebuilt in full from org's API on start
or on demand, so moving a unit in org changes what every service authorises.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any, TypeVar, cast

import httpx
from fastapi import FastAPI
from sqlalchemy import CursorResult, Integer, String, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from services.common.authz import Principal
from services.common.contracts import EventView
from services.common.db import TableMixin, utcnow

log = logging.getLogger("yunguan.org_units")


class OrgUnitMixin(TableMixin):
    """The read-model's ``org_unit`` table: ``class OrgUnit(OrgUnitMixin, Base)``."""

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    parent_id: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(500), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)  # org's version of the unit
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


_FIELDS = ("parent_id", "name", "code", "kind", "path")


class UnitEventView(EventView):
    """What every service's read-model reads from ``org.unit.created|updated|moved`` (tests/events/test_contracts.py
    holds org's payloads to it)."""

    id: int
    parent_id: int | None
    name: str
    code: str
    kind: str
    path: str
    version: int | None = None


class UnitMovedView(UnitEventView):
    """``org.unit.moved`` also says where the subtree was and where it is now."""

    old_path: str
    new_path: str


async def _upsert(session: AsyncSession, model: type[OrgUnitMixin], unit: UnitEventView) -> None:
    version = unit.version or 0
    fields = {k: getattr(unit, k) for k in _FIELDS}
    # One statement decides, so an older copy never overwrites a newer one: a read-then-write could
    # read the row before a resync commits org's newer copy and write the older one over it after.
    changed = cast("CursorResult[Any]", await session.execute(
        update(model).where(model.id == unit.id, model.version <= version)
        .values(**fields, version=version, synced_at=utcnow())))
    if changed.rowcount == 0 and await session.get(model, unit.id) is None:
        session.add(model(id=unit.id, version=version, synced_at=utcnow(), **fields))
    await session.flush()


async def apply_unit_event(session: AsyncSession, model: type[OrgUnitMixin], event: dict[str, Any]) -> None:
    """Apply one ``org.unit.*`` event to the read-model."""
    kind, data = event["type"].rsplit(".", 1)[-1], event["data"]
    if kind == "deleted":
        await session.execute(delete(model).where(model.id == int(data["id"])))
        return
    if kind == "moved":
        moved = UnitMovedView.model_validate(data)
        old, new = moved.old_path, moved.new_path
        for row in (await session.execute(select(model).where(model.path.startswith(old, autoescape=True)))).scalars():
            row.path = new + row.path[len(old):]
            row.synced_at = utcnow()
        await session.flush()
    await _upsert(session, model, UnitEventView.model_validate(data))


async def replace_all(session: AsyncSession, model: type[OrgUnitMixin], units: list[dict[str, Any]]) -> int:
    """Make the read-model exactly org's current tree."""
    await session.execute(delete(model))
    for u in units:
        session.add(model(id=int(u["id"]), version=int(u.get("version") or 0), synced_at=utcnow(),
                          **{k: u[k] for k in _FIELDS}))
    await session.flush()
    return len(units)


async def fetch_units(client: httpx.AsyncClient, org_url: str, token: str) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        resp = await client.get(f"{org_url}/api/org/units", params=params,
                                headers={"authorization": f"Bearer {token}"}, timeout=10.0)
        resp.raise_for_status()
        page = resp.json()
        units.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return units


async def resync(app: FastAPI) -> int:
    """Rebuild the read-model from org's API (with this service's own token)."""
    settings, db = app.state.settings, app.state.db
    units = await fetch_units(app.state.http, settings.service_url("org"), await app.state.service_tokens.token())
    async with db.writer() as s:
        n = await replace_all(s, app.state.org_unit_model, units)
        await s.commit()
    return n


async def resync_until_done(app: FastAPI, *, first_delay: float = 0.0, max_delay: float = 30.0) -> None:
    """Keep trying to resync on start-up: org may come up after this service."""
    delay = max(first_delay, 0.5)
    while True:
        try:
            n = await resync(app)
            log.info("org read-model synced", extra={"fields": {"units": n}})
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.info("org read-model not synced yet", extra={"fields": {"error": f"{type(exc).__name__}: {exc}"}})
            await asyncio.sleep(delay)
            delay = min(max_delay, delay * 2)


Unit = TypeVar("Unit", bound=OrgUnitMixin)


async def load_unit(session: AsyncSession, model: type[Unit], unit_id: int, *, field: str = "unit_id") -> Unit:
    """A unit from the read-model, or a 404 naming the field (the client sent an unknown unit)."""
    from services.common.problems import NotFound

    unit = await session.get(model, unit_id)
    if unit is None:
        raise NotFound(f"There is no org unit with id {unit_id} (known to this service).", field=field,
                       zh=f"没有编号为 {unit_id} 的组织单元（本服务未知）。")
    return unit


def _view_roots(principal: Principal) -> list[tuple[str, str]]:
    """The caller's ``view`` grants as (path, mode), the widest (shortest path) first."""
    return sorted({(g.unit_path, g.mode) for g in principal.grants if g.right == "view"},
                  key=lambda pm: (pm[0].count("/"), pm[0], pm[1] == "descendants"))


async def unit_to_view(session: AsyncSession, model: type[Unit], principal: Principal,
                       unit_id: int | None, *, field: str = "unit") -> Unit:
    """The unit a summary answers for: the one asked (404 unknown, 403 without ``view`` over it), or by
    default the highest unit the caller holds ``view`` over (403 when they hold it over none).

    With only a "strictly below" grant the highest units are the grant unit's children; the first
    of them (by id) stands for the default.
    """
    from services.common.problems import Forbidden

    if unit_id is not None:
        unit = await load_unit(session, model, unit_id, field=field)
        if not principal.can("view", unit.path):
            raise Forbidden(f"You need the 'view' right over {unit.name} ({unit.path}) to see its summary.",
                            right="view", unit_path=unit.path,
                            zh=f"查看{unit.name}的经营概况需要对该单位的查看权，您没有。")
        return unit
    for path, mode in _view_roots(principal):
        stmt = select(model).where(model.path == path) if mode != "descendants" else \
            select(model).where(model.parent_id.in_(select(model.id).where(model.path == path)))
        found = (await session.execute(stmt.order_by(model.id).limit(1))).scalars().first()
        if found is not None:
            return found
    raise Forbidden("You hold the 'view' right over no unit, so there is no summary to show.", right="view",
                    zh="您对任何单位都没有查看权，无法查看经营概况。")
