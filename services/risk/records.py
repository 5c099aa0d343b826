"""risk's records that people discuss, attach files to and follow: risks. Each is seen exactly as its own
pages show it (see services/common/records.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.records import Record, RecordKind, RecordKinds, not_found
from services.risk.access import require_view
from services.risk.models import Risk
from services.risk.units import unit_of


async def resolve_risk(session: AsyncSession, principal: Principal, risk_id: int) -> Record:
    risk = await session.get(Risk, risk_id)
    if risk is None:
        raise not_found("risk", "风险", risk_id)
    unit = await unit_of(session, risk.unit_id)
    require_view(principal, risk, unit)
    return Record(service="risk", kind="risk", id=risk.id, unit_path=unit.path, title=risk.title,
                  link=f"/risk/{risk.id}", subject_type="risk",
                  participants=(str(risk.owner_id),) if risk.owner_id is not None else (), item=risk)


RECORDS = RecordKinds("risk", {"risk": RecordKind("风险", "risk", resolve_risk)})
