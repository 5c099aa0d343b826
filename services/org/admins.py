"""The company never loses its last administrator (a role edit, a position change, an ended assignment or a
deactivated user would otherwise lock everyone out of roles, users and permissions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Mode, Right, is_root_path
from services.common.problems import Conflict
from services.org.models import Assignment, Position, Role, Unit, User
from services.org.positions.authority import position_grants
from services.org.positions.grants import held_positions


async def company_admins(session: AsyncSession) -> dict[int, set[int]]:
    """Active users holding ``admin`` over a whole company through their own positions, by the company's unit id.

    Only positions held with no end date count (an assignment ending today still holds today, and
    the company would have no administrator tomorrow); nor do delegations, which end on their own.
    """
    rows = (await session.execute(
        select(User.id, Role.rights).join(Assignment, Assignment.user_id == User.id)
        .join(Position, Position.id == Assignment.position_id).join(Role, Role.id == Position.role_id)
        .where(User.active.is_(True)))).all()
    candidates = sorted({uid for uid, rights in rows if any(r.get("right") == Right.admin for r in rights or [])})
    out: dict[int, set[int]] = {}
    for uid in candidates:
        for g in (g for h in await held_positions(session, uid, for_good=True) for g in position_grants(h)):
            if g.right == Right.admin and g.mode == Mode.subtree and is_root_path(g.unit_path):
                out.setdefault(int(g.unit_path.strip("/")), set()).add(uid)  # by id: a moved company keeps it
    return out


@asynccontextmanager
async def keeping_an_administrator(session: AsyncSession) -> AsyncIterator[None]:
    """Refuse (409) a change, made inside the block, that leaves a company without an administrator."""
    before = await company_admins(session)
    yield
    await session.flush()
    after = await company_admins(session)
    # A company moved under another is part of that one now; only companies still of their own need theirs.
    roots = set((await session.execute(select(Unit.id).where(Unit.parent_id.is_(None)))).scalars())
    lost = sorted(unit_id for unit_id, users in before.items() if users and unit_id in roots and not after.get(unit_id))
    if lost:
        names = "、".join((await session.execute(select(Unit.name).where(Unit.id.in_(lost)).order_by(Unit.id)))
                         .scalars())
        raise Conflict(f"This change would leave {names} without an administrator: keep at least one active user "
                       f"holding the 'admin' right over the whole company.",
                       zh=f"此操作会使{names}没有管理员：请至少保留一名在职用户拥有对全公司的管理权。",
                       reason="last_administrator")
