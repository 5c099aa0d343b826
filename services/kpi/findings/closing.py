"""A finding is closed when its 整改 action is verified (the action's own life decides; nothing else closes it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Grant, Principal
from services.common.db import utcnow
from services.kpi.events import FindingData
from services.kpi.journal import journal
from services.kpi.models import Finding, ImprovementAction


def finding_data(f: Finding) -> dict[str, Any]:
    """The finding as events carry it (``risk`` is what it asked of the register)."""
    return {"id": f.id, "source": f.source, "source_id": f.source_id, "source_ref": f.source_ref,
            "unit_id": f.unit_id, "unit_path": f.unit_path, "title": f.title, "description": f.description,
            "severity": f.severity, "status": f.status, "action_id": f.action_id, "risk": f.risk_request,
            "raised_by": f.raised_by, "raised_by_name": f.raised_by_name, "created_at": f.created_at.isoformat(),
            "closed_at": f.closed_at.isoformat() if f.closed_at else None, "version": f.version}


async def close_findings_of(session: AsyncSession, *, principal: Principal, grant: Grant | None,
                            action: ImprovementAction) -> None:
    """Close the open finding whose action was just verified (journalled, ``kpi.finding.closed``)."""
    rows = (await session.execute(select(Finding).where(Finding.action_id == action.id,
                                                        Finding.status == "open"))).scalars().all()
    for f in rows:
        before = finding_data(f)
        f.status, f.closed_at = "closed", utcnow()
        await session.flush()
        data = finding_data(f)
        await journal.audit(session, actor=principal, action="finding.closed", subject_type="finding",
                            subject_id=f.id, unit_path=f.unit_path, grant=grant, before=before, after=data)
        await journal.emit(session, "kpi.finding.closed", f.id, FindingData(**data), f.unit_path)
