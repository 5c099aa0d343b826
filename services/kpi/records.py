"""kpi's records that people discuss, attach files to and follow: 整改 (improvement) actions and findings.
Each is seen exactly as its own pages show it (see services/common/records.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal, Right
from services.common.guards import Place, authorize
from services.common.records import Record, RecordKind, RecordKinds, not_found
from services.kpi.models import Finding, ImprovementAction


def _may_see(principal: Principal, unit_path: str, owner_id: int | None, what: str) -> None:
    """View over the unit, or being the one who rectifies it (403 naming the right otherwise, as its pages do)."""
    if principal.can(Right.view, unit_path) or (owner_id is not None and principal.user_id == owner_id):
        return
    authorize(principal, Place(unit_path, what), Right.view)


async def resolve_action(session: AsyncSession, principal: Principal, action_id: int) -> Record:
    a = await session.get(ImprovementAction, action_id)
    if a is None:
        raise not_found("improvement action", "整改措施", action_id)
    _may_see(principal, a.unit_path, a.owner_id, "this action's unit")
    return Record(service="kpi", kind="action", id=a.id, unit_path=a.unit_path, title=a.title,
                  link=f"/kpi/actions?action={a.id}", subject_type="action",
                  participants=(str(a.owner_id),) if a.owner_id is not None else (), item=a)


async def resolve_finding(session: AsyncSession, principal: Principal, finding_id: int) -> Record:
    f = await session.get(Finding, finding_id)
    if f is None:
        raise not_found("finding", "发现问题", finding_id)
    action = await session.get(ImprovementAction, f.action_id)
    owner_id = action.owner_id if action is not None else None
    _may_see(principal, f.unit_path, owner_id, "this finding's unit")
    page = "audits" if f.source == "audit" else "inspections"
    return Record(service="kpi", kind="finding", id=f.id, unit_path=f.unit_path, title=f.title,
                  link=f"/kpi/{page}/{f.source_id}?finding={f.id}", subject_type="finding",
                  participants=(str(owner_id),) if owner_id is not None else (), item=f)


RECORDS = RecordKinds("kpi", {
    "action": RecordKind("整改措施", "improvement action", resolve_action),
    "finding": RecordKind("发现问题", "finding", resolve_finding),
})
