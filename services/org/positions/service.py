"""Positions (岗位), and what they grant: who holds a right where, and why."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import Page, paginate
from services.common.authz import RIGHTS, Grant, Principal, Right, is_admin
from services.common.guards import Allowed, authorize
from services.common.i18n import rights_zh
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.common.service_auth import is_internal_service
from services.org.admins import keeping_an_administrator
from services.org.deps import position_unit, positions_visible, unit_place_of
from services.org.events import PositionData
from services.org.journal import journal
from services.org.models import Assignment, Position, Role, Unit, User
from services.org.positions.authority import scope_target
from services.org.positions.grants import (
    held_positions,
    incoming_delegations,
    posts_today,
    right_holders,
    right_holders_with_grants,
)
from services.org.positions.schemas import (
    AudienceMember,
    AudiencePosition,
    ExplainGrant,
    ExplainRead,
    HolderRead,
    PositionCreate,
    PositionRead,
    PositionUpdate,
)
from services.org.users.schemas import UserRead


def position_data(position: Position) -> PositionData:
    return PositionData(**PositionRead.model_validate(position).model_dump())


async def _unit(session: AsyncSession, unit_id: int) -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
    return unit


async def _role(session: AsyncSession, role_id: int) -> Role:
    role = await session.get(Role, role_id)
    if role is None:
        raise NotFound(f"There is no role with id {role_id}.", field="role_id", zh=f"没有编号为 {role_id} 的角色。")
    return role


async def list_positions(session: AsyncSession, *, principal: Principal, unit_id: int | None, limit: int,
                         cursor: str | None) -> Page[PositionRead]:
    stmt = select(Position).where(positions_visible(principal))
    if unit_id is not None:
        stmt = stmt.where(Position.unit_id == unit_id)
    rows, nxt = await paginate(session, stmt, Position.id, limit=limit, cursor=cursor)
    return Page[PositionRead](items=[PositionRead.model_validate(p) for p in rows], next_cursor=nxt)


async def create_position(session: AsyncSession, *, principal: Principal, body: PositionCreate) -> Position:
    unit = await _unit(session, body.unit_id)
    grant = authorize(principal, unit_place_of(unit), Right.admin)
    await _role(session, body.role_id)
    pos = Position(unit_id=unit.id, role_id=body.role_id, title=body.title, heads_unit=body.heads_unit,
                   responsibilities=body.responsibilities,
                   requirements=body.requirements.model_dump())
    session.add(pos)
    await session.flush()
    data = position_data(pos)
    await journal.audit(session, actor=principal, action="position.created", subject_type="position",
                        subject_id=pos.id, unit_path=unit.path, grant=grant, after=data.model_dump(mode="json"))
    await journal.emit(session, "org.position.created", pos.id, data, unit.path)
    return pos


async def update_position(session: AsyncSession, *, position: Allowed[Position], body: PositionUpdate) -> Position:
    item = position.item
    unit = await position_unit(session, item)
    before = position_data(item)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if "role_id" in changes:
        await _role(session, changes["role_id"])
    async with keeping_an_administrator(session):
        for k, v in changes.items():
            setattr(item, k, v)
    after = position_data(item)
    await journal.audit(session, actor=position.principal, action="position.updated", subject_type="position",
                        subject_id=item.id, unit_path=unit.path, grant=position.grant,
                        before=before.model_dump(mode="json"), after=after.model_dump(mode="json"))
    await journal.emit(session, "org.position.updated", item.id, after, unit.path)
    return item


async def delete_position(session: AsyncSession, *, position: Allowed[Position]) -> None:
    item = position.item
    unit = await position_unit(session, item)
    held = (await session.execute(select(func.count()).where(Assignment.position_id == item.id))).scalar_one()
    if held:
        raise Conflict(f"The position '{item.title}' has {held} assignment(s); end and remove them first.",
                       zh=f"岗位“{item.title}”还有 {held} 项任职；请先结束并移除这些任职。")
    before = position_data(item)
    await session.delete(item)
    await journal.audit(session, actor=position.principal, action="position.deleted", subject_type="position",
                        subject_id=before.id, unit_path=unit.path, grant=position.grant,
                        before=before.model_dump(mode="json"))
    await journal.emit(session, "org.position.deleted", before.id, before, unit.path)


# --- authority: why may someone do something, and who may --------------------------------------

# What a scope reaches where the words alone leave it open.
SCOPE_REACH = {("subordinates", True): ": the units below, and the position's own unit, which it heads",
               ("subordinates", False): ": the units below the position's unit"}


async def explain(session: AsyncSession, *, principal: Principal, user_id: int, right: str,
                  unit_id: int) -> ExplainRead:
    if principal.user_id != user_id and not is_admin(principal):
        raise Forbidden("You may ask about yourself; only administrators may ask about others.",
                        zh="您只能查询自己的授权；查询他人需要管理员。")
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user with id {user_id}.", field="user_id", zh=f"没有编号为 {user_id} 的用户。")
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
    if right not in RIGHTS:
        raise Invalid(f"Unknown right '{right}'; rights are {', '.join(RIGHTS)}.", field="right",
                      zh=f"没有这项权力；权力包括：{rights_zh(RIGHTS)}。")
    found: list[ExplainGrant] = []
    for h in await held_positions(session, user.id):
        for r, scope in h.rights:
            target = scope_target(scope, h)
            if r != right or not target:
                continue
            g = Grant(right=r, unit_path=target[0], mode=target[1], held_at=h.unit_path,
                      via=f"position:{h.position_id}")
            if g.covers(right, unit.path):
                found.append(ExplainGrant(**g.to_claim(), source="position", position_id=h.position_id,
                                          position_title=h.position_title, role_key=h.role_key, role_name=h.role_name,
                                          scope=scope, heads_unit=h.heads_unit))
    for active in await incoming_delegations(session, user.id):
        d = active.delegation
        delegator = await session.get(User, d.from_user_id)
        for g in active.grants:
            if g.covers(right, unit.path):
                found.append(ExplainGrant(**g.to_claim(), source="delegation", delegation_id=d.id,
                                          delegated_by_user=delegator.username if delegator else None))
    if found:
        first = found[0]
        how = (f"position '{first.position_title}' with role '{first.role_name}' (scope {first.scope}"
               f"{SCOPE_REACH.get((first.scope or '', bool(first.heads_unit)), '')})"
               if first.source == "position" else f"a delegation from {first.delegated_by_user}")
        summary = f"{user.display_name} may {right} in {unit.name}: granted by {how}."
    else:
        summary = f"{user.display_name} may not {right} in {unit.name}: no position or delegation grants it."
    return ExplainRead(allowed=bool(found), user_id=user.id, right=right, unit_id=unit.id, unit_path=unit.path,
                       grants=found, summary=summary)


async def holders(session: AsyncSession, *, principal: Principal, right: str, unit_id: int,
                  held_in_unit_id: int | None) -> list[HolderRead]:
    if not (is_admin(principal) or is_internal_service(principal)):
        raise Forbidden("Only administrators and Yunguan's services may list right holders.",
                        zh="只有管理员和运管系统自身的服务才能查询权力持有人。")
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
    held_in = None
    if held_in_unit_id is not None:
        h = await session.get(Unit, held_in_unit_id)
        if h is None:
            raise NotFound(f"There is no unit with id {held_in_unit_id}.", field="held_in_unit_id",
                           zh=f"没有编号为 {held_in_unit_id} 的组织单元（持有单位）。")
        held_in = h.path
    found = await right_holders_with_grants(session, right, unit.path, held_in)
    return [HolderRead(**UserRead.model_validate(u).model_dump(), **await _where_held(session, g)) for u, g in found]


async def _where_held(session: AsyncSession, grant: Grant) -> dict[str, str | None]:
    """The unit and position a grant is held through (a delegation names the unit it is held in)."""
    unit_name = (await session.execute(select(Unit.name).where(Unit.path == grant.held_at))).scalar_one_or_none()
    kind, _, ident = grant.via.partition(":")
    position_name = None
    if kind == "position" and ident.isdigit():
        position_name = (await session.execute(select(Position.title).where(Position.id == int(ident)))
                         ).scalar_one_or_none()
    elif kind == "delegation":
        position_name = "代理（授权委托）"
    return {"unit_name": unit_name, "position_name": position_name}


async def audience(session: AsyncSession, *, principal: Principal, right: str, unit_id: int,
                   user_ids: list[int]) -> list[AudienceMember]:
    """Who may see a unit's records: the active holders of ``right`` over it, and the people named in
    ``user_ids`` (a record's owner or proposer, who see it without a grant), each with the positions they hold
    today. For Yunguan's services (e.g. whom a comment may mention) and administrators."""
    if not (is_admin(principal) or is_internal_service(principal)):
        raise Forbidden("Only administrators and Yunguan's services may list who sees a unit's records.",
                        zh="只有管理员和运管系统自身的服务才能查询可查看某单元记录的人员。")
    unit = await _unit(session, unit_id)
    people = {u.id: u for u in await right_holders(session, right, unit.path)}
    missing = [i for i in dict.fromkeys(user_ids) if i not in people]
    if missing:
        people |= {u.id: u for u in (await session.execute(
            select(User).where(User.id.in_(missing), User.active.is_(True)))).scalars()}
    if not people:
        return []
    held = await posts_today(session, list(people))
    return [AudienceMember(id=u.id, username=u.username, display_name=u.display_name,
                           positions=[AudiencePosition(title=p.title, unit_id=p.unit_id, unit_name=p.unit_name)
                                      for p in held.get(u.id, [])])
            for u in sorted(people.values(), key=lambda u: u.id)]
