"""Improvement actions (整改): raised from an evaluation, a crossing, a rule or an assessment.

Life: open → done (owner adds evidence) → verified (by whoever raised it) or back to open.
Past their deadline and not done, actions are flagged overdue once and ``kpi.action.overdue``
is emitted.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import org_api
from services.common.runtime import Runtime
from services.kpi.journal import journal
from services.kpi.models import ImprovementAction

log = logging.getLogger("yunguan.kpi")

# (unit id, unit id the position sits in) → the users holding dispatch over the first in a position
# of the second, as org's /authz/holders answers ({"id", "display_name", …})
HoldersLookup = Callable[[int, int], Awaitable[list[dict[str, Any]]]]


def org_holders(rt: Runtime) -> HoldersLookup:
    """Ask org who holds dispatch over a unit in a position of a given unit (as planning asks it
    for countersigning)."""

    async def lookup(unit_id: int, held_in_unit_id: int) -> list[dict[str, Any]]:
        return await org_api.holders(rt, "dispatch", unit_id, held_in_unit_id=held_in_unit_id)

    return lookup


async def unit_head(holders: HoldersLookup | None, unit_path: str) -> tuple[int | None, str]:
    """The head of a unit by position: who holds dispatch (调度权) over it in a position of the unit
    itself, else of the nearest unit above (a section without a head of its own answers to its
    department's). (None, "") when org cannot say: the follow-up still opens, to be given an owner."""
    ids = [int(x) for x in unit_path.strip("/").split("/") if x]
    if holders is None or not ids:
        return None, ""
    try:
        for held_in in reversed(ids):
            users = await holders(ids[-1], held_in)
            if users:
                return int(users[0]["id"]), str(users[0].get("display_name") or users[0].get("username") or "")
    except Exception as exc:  # org unreachable or refusing: never lose the measurement over the owner
        log.warning("the unit's head could not be resolved", extra={"fields": {"unit_path": unit_path,
                                                                                 "error": repr(exc)}})
    return None, ""


def action_data(a: ImprovementAction, lib=None, code: str | None = None) -> dict[str, Any]:
    if code is None and lib is not None and a.indicator_id is not None:
        ind = lib.by_id.get(a.indicator_id)
        code = ind.code if ind is not None else None
    return {"id": a.id, "title": a.title, "description": a.description, "unit_id": a.unit_id,
            "unit_path": a.unit_path, "indicator_code": code, "period": a.period, "origin": a.origin,
            "origin_ref": a.origin_ref, "owner_id": a.owner_id, "owner_name": a.owner_name,
            "due": a.due.isoformat(), "status": a.status, "progress": a.progress or 0, "evidence": a.evidence or [], "raised_by": a.raised_by,
            "overdue": a.overdue, "completed_at": a.completed_at.isoformat() if a.completed_at else None,
            "verified_at": a.verified_at.isoformat() if a.verified_at else None, "verified_by": a.verified_by,
            "version": a.version}


async def flag_overdue(session: AsyncSession, *, today: date, lib=None) -> int:
    """Flag open actions past their deadline, emitting ``kpi.action.overdue`` once for each."""
    rows = (await session.execute(select(ImprovementAction).where(
        ImprovementAction.status == "open", ImprovementAction.overdue.is_(False),
        ImprovementAction.due < today))).scalars().all()
    for a in rows:
        a.overdue = True
        await session.flush()
        await journal.emit(session, "kpi.action.overdue", a.id, action_data(a, lib), a.unit_path)
    return len(rows)
