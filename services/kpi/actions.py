"""Improvement actions (整改): raised from an evaluation, a crossing, a rule or an assessment.

Life: open → done (owner adds evidence) → verified (by whoever raised it) or back to open.
Past their deadline and not done, actions are flagged overdue once and ``kpi.action.overdue``
is emitted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.kpi.journal import journal
from services.kpi.models import ImprovementAction


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
