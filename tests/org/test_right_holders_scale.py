"""Who holds a right over a unit: the same people as checking everyone's grants, without reading everyone's."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import event, select

from services.common.authz import RIGHTS
from services.common.db import utcnow
from services.org.models import Assignment, Delegation, Position, Role, Unit, User
from services.org.positions.grants import right_holders, user_grants


async def everyone_checked(session, right: str, unit_path: str, held_at: str | None = None) -> list[int]:
    """The definition: every active user's grants, one by one."""
    users = (await session.execute(select(User).where(User.active.is_(True)).order_by(User.id))).scalars().all()
    return [u.id for u in users if any(g.covers(right, unit_path) and (held_at is None or g.held_at == held_at)
                                       for g in await user_grants(session, u.id))]


async def test_the_holders_of_every_right_over_every_unit_are_those_everyones_grants_give(org):
    db = org.app.state.db
    async with db.writer() as s:
        # a delegation now (the analyst lends nothing: the market manager lends 计划权 to the analyst) and an
        # assignment that ended, so neither way of holding is left out or kept too long
        users = {u.username: u.id for u in (await s.execute(select(User))).scalars()}
        s.add(Delegation(from_user_id=users["market_mgr"], to_user_id=users["analyst"], rights=["plan"],
                         starts_at=utcnow() - timedelta(days=1), ends_at=utcnow() + timedelta(days=1)))
        ended = (await s.execute(select(Assignment).where(Assignment.user_id == users["branch_gm"]))).scalar_one()
        ended.end_date = date(2026, 1, 31)
        await s.commit()
    async with db.reader() as s:
        paths = (await s.execute(select(Unit.path).order_by(Unit.id))).scalars().all()
        for right in RIGHTS:
            for path in paths:
                assert [u.id for u in await right_holders(s, right, path)] == await everyone_checked(s, right, path)
            held = [u.id for u in await right_holders(s, right, paths[0], held_at=paths[1])]
            assert held == await everyone_checked(s, right, paths[0], held_at=paths[1])


async def test_people_elsewhere_in_the_company_add_no_statement_to_the_answer(org):
    db = org.app.state.db
    async with db.reader() as s:
        mkt = (await s.execute(select(Unit).where(Unit.code == "MKT"))).scalar_one()

    async def statements_for_holders() -> tuple[int, list[int]]:
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_args):
            seen.append(statement)

        engine = db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            async with db.reader() as s:
                holders = [u.id for u in await right_holders(s, "plan", mkt.path)]
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen), holders

    few, before = await statements_for_holders()
    async with db.writer() as s:  # 60 specialists (view, suggest) and 20 supervisors in 财务部, beside 市场部
        fin = (await s.execute(select(Unit).where(Unit.code == "FIN"))).scalar_one()
        roles = {r.key: r.id for r in (await s.execute(select(Role))).scalars()}
        for i in range(80):
            user = User(username=f"fin{i}", display_name=f"财务{i}", password_hash="x")
            pos = Position(unit_id=fin.id, role_id=roles["specialist" if i < 60 else "supervisor"], title="财务岗")
            s.add_all([user, pos])
            await s.flush()
            s.add(Assignment(user_id=user.id, position_id=pos.id, start_date=date(2026, 1, 1)))
        await s.commit()
    many, after = await statements_for_holders()
    assert after == before and before
    assert many == few
