"""A risk's tracked actions: listed, added as measures, progressed, done (contingency steps are added by
register.service.activate_contingency)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import Page, paginate
from services.common.db import utcnow
from services.common.problems import Conflict, Invalid
from services.risk.access import OwnerOrAllowed
from services.risk.actions.schemas import ActionCreate, ActionRead, ActionUpdate
from services.risk.journal import journal
from services.risk.models import Risk, RiskAction
from services.risk.register.service import plain_value
from services.risk.units import unit_of


async def list_actions(session: AsyncSession, *, risk: Risk, status: str | None, source: str | None, limit: int,
                       cursor: str | None) -> Page[ActionRead]:
    stmt = select(RiskAction).where(RiskAction.risk_id == risk.id)
    if status:
        stmt = stmt.where(RiskAction.status == status)
    if source:
        stmt = stmt.where(RiskAction.source == source)
    rows, nxt = await paginate(session, stmt, RiskAction.id, limit=limit, cursor=cursor)
    return Page[ActionRead](items=[ActionRead.model_validate(a) for a in rows], next_cursor=nxt)


async def add_measure(session: AsyncSession, *, allowed: OwnerOrAllowed[Risk], body: ActionCreate) -> ActionRead:
    """A response measure (措施) as a tracked action."""
    risk, principal = allowed.item, allowed.principal
    unit = await unit_of(session, risk.unit_id)
    if risk.status == "closed":
        raise Conflict("The risk is closed.", field="status", zh="此风险已关闭。")
    action = RiskAction(risk_id=risk.id, source="measure", title=body.title, owner_id=body.owner_id, due=body.due,
                        note=body.note, status="open", created_by=principal.sub)
    session.add(action)
    await session.flush()
    read = ActionRead.model_validate(action)
    await journal.audit(session, actor=principal, action="action.created", subject_type="action",
                        subject_id=action.id, unit_path=unit.path, grant=allowed.grant,
                        after=read.model_dump(mode="json"))
    return read


async def update_action(session: AsyncSession, *, allowed: OwnerOrAllowed[RiskAction],
                        body: ActionUpdate) -> ActionRead:
    """Progress, done or cancelled (completed_at follows), a new owner or due date."""
    action = allowed.item
    risk = await session.get(Risk, action.risk_id)
    unit = await unit_of(session, risk.unit_id) if risk else None
    changes = body.model_dump(exclude_unset=True)
    if "title" in changes and changes["title"] is None:
        raise Invalid("title cannot be emptied.", field="title", zh="风险名称不能清空。")
    if "status" in changes and changes["status"] is None:
        raise Invalid("status cannot be emptied.", field="status", zh="状态不能清空。")
    before = ActionRead.model_validate(action).model_dump(mode="json")
    for k, v in changes.items():
        setattr(action, k, plain_value(v))
    if "status" in changes:
        action.completed_at = utcnow() if action.status in ("done", "cancelled") else None
    await session.flush()
    read = ActionRead.model_validate(action)
    await journal.audit(session, actor=allowed.principal, action="action.updated", subject_type="action",
                        subject_id=action.id, unit_path=unit.path if unit else None, grant=allowed.grant,
                        before=before, after=read.model_dump(mode="json"))
    return read
