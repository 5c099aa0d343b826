"""What in risk waits on one person (我的待办's risk part beside alerts): the tracked actions they own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.risk.actions.schemas import ActionRead
from services.risk.inbox.schemas import MyActionRead
from services.risk.models import Risk, RiskAction

OPEN_ACTION = ("open", "in_progress")


async def my_actions(session: AsyncSession, *, principal: Principal, limit: int) -> list[MyActionRead]:
    """Open contingency steps and response measures the caller owns, soonest due first (undated last)."""
    if principal.user_id is None:
        return []
    stmt = (select(RiskAction, Risk).join(Risk, Risk.id == RiskAction.risk_id)
            .where(RiskAction.owner_id == principal.user_id, RiskAction.status.in_(OPEN_ACTION))
            .order_by(RiskAction.due.is_(None), RiskAction.due, RiskAction.id).limit(limit))
    return [MyActionRead.model_validate(ActionRead.model_validate(a).model_dump()
                                        | {"risk_title": r.title, "unit_id": r.unit_id})
            for a, r in (await session.execute(stmt)).all()]
