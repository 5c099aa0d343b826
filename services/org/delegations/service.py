"""Delegations: lending one's position rights to a colleague for a time window."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import Page, paginate
from services.common.authz import Principal, is_admin
from services.common.db import utcnow
from services.common.i18n import field_label, rights_zh
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.org.delegations.schemas import DelegationCreate, DelegationRead
from services.org.events import DelegationData, DelegationRevokedData
from services.org.journal import journal
from services.org.models import Delegation, User
from services.org.positions.authority import delegation_active
from services.org.positions.grants import own_grants


def delegation_read(d: Delegation) -> DelegationRead:
    out = DelegationRead.model_validate(d)
    out.active = delegation_active(d.starts_at, d.ends_at, d.revoked_at, utcnow())
    return out


def delegation_data(d: Delegation) -> DelegationData:
    return DelegationData(**delegation_read(d).model_dump())


async def list_delegations(session: AsyncSession, *, principal: Principal, user_id: int | None,
                           active: bool | None, limit: int, cursor: str | None) -> Page[DelegationRead]:
    stmt = select(Delegation)
    if not is_admin(principal):
        me = principal.user_id or -1
        stmt = stmt.where((Delegation.from_user_id == me) | (Delegation.to_user_id == me))
    if user_id is not None:
        stmt = stmt.where((Delegation.from_user_id == user_id) | (Delegation.to_user_id == user_id))
    if active is not None:
        now = utcnow()
        cond = Delegation.revoked_at.is_(None) & (Delegation.starts_at <= now) & (Delegation.ends_at > now)
        stmt = stmt.where(cond if active else ~cond)
    rows, nxt = await paginate(session, stmt, Delegation.id, limit=limit, cursor=cursor)
    return Page[DelegationRead](items=[delegation_read(d) for d in rows], next_cursor=nxt)


async def create_delegation(session: AsyncSession, *, principal: Principal, body: DelegationCreate) -> DelegationRead:
    from_id = body.from_user_id if body.from_user_id is not None else principal.user_id
    if from_id is None:
        raise Forbidden("Only people can delegate their rights.", zh="只有人员才能委托权力。")
    if from_id != principal.user_id and not is_admin(principal):
        raise Forbidden("You can only delegate your own rights.", zh="您只能委托自己的权力。")
    if from_id == body.to_user_id:
        raise Invalid("A delegation must go to someone else.", field="to_user_id", zh="受托人不能是委托人本人。")
    for uid, field in ((from_id, "from_user_id"), (body.to_user_id, "to_user_id")):
        u = await session.get(User, uid)
        if u is None or not u.active:
            raise NotFound(f"There is no active user with id {uid}.", field=field,
                           zh=f"没有编号为 {uid} 的在职用户（{field_label(field)}）。")
    if body.ends_at <= utcnow():
        raise Invalid("The delegation would already be over; choose an end in the future.", field="ends_at",
                      zh="委托结束时间已过；请选择将来的时间。")
    held = {g.right for g in await own_grants(session, from_id)}
    missing = [r for r in body.rights if r not in held]
    if missing:
        raise Invalid(f"The delegator does not hold {', '.join(missing)} through any position, so cannot lend it.",
                      field="rights", zh=f"委托人的岗位没有{rights_zh(missing)}，不能委托。")
    if not held:
        raise Conflict("The delegator holds no position rights to lend.", zh="委托人的岗位没有可委托的权力。")
    d = Delegation(from_user_id=from_id, to_user_id=body.to_user_id, rights=list(body.rights),
                   starts_at=body.starts_at, ends_at=body.ends_at, reason=body.reason)
    session.add(d)
    await session.flush()
    data = delegation_data(d)
    await journal.audit(session, actor=principal, action="delegation.created", subject_type="delegation",
                        subject_id=d.id, after=data.model_dump(mode="json"))
    await journal.emit(session, "org.delegation.created", d.id, data)
    return delegation_read(d)


async def revoke_delegation(session: AsyncSession, *, principal: Principal, delegation: Delegation) -> None:
    d = delegation
    if principal.user_id not in (d.from_user_id, d.to_user_id) and not is_admin(principal):
        raise Forbidden("Only the delegator, the delegate or an administrator may revoke this delegation.",
                        zh="只有委托人、受托人或管理员可以撤销此委托。")
    if d.revoked_at is None:
        before = delegation_read(d).model_dump(mode="json")
        d.revoked_at = utcnow()
        await session.flush()
        await journal.audit(session, actor=principal, action="delegation.revoked", subject_type="delegation",
                            subject_id=d.id, before=before, after=delegation_read(d).model_dump(mode="json"))
        await journal.emit(session, "org.delegation.revoked", d.id, DelegationRevokedData(id=d.id))
