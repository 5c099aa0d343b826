"""The demo company's people against plan: enough staff under the demo posts for the planned headcount of the 2026
plans to mean something (运营管理部 above its 10 % spare staff, 市场部 short of it, 苏州分公司 below its plan), a
few vacant posts, and the plans' people lines (the ones services/planning/seed.py gives the demo plans: planning
seeds its plans without events, so org keeps the same numbers here)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.journal import journal
from services.org.models import Assignment, PlannedHeadcount, Position, Role, Unit, User

# services/planning/seed.py: each 2026 annual plan's 专职人员 line (人)
DEMO_PLANNED = {"HDGAS": 120, "OPS": 36, "MKT": 18, "SZ": 65}

# unit code → [(post title, role key, holders)]; holders 0: a vacant post
DEMO_STAFF: dict[str, list[tuple[str, str, int]]] = {
    "HDGAS": [("综合办公室专员", "specialist", 5)],
    "OPS": [("运营计划专员", "specialist", 3)],
    "OPS-SUP": [("气源调度员", "specialist", 8)],
    "OPS-DIS": [("管网调度员", "specialist", 9)],
    "OPS-SAF": [("安全巡检员", "specialist", 9), ("安全工程师", "specialist", 0)],
    "OPS-CS": [("客户服务专员", "specialist", 9)],
    "MKT": [("市场部助理", "specialist", 2)],
    "MKT-RES": [("市场调研员", "specialist", 7)],
    "MKT-PLN": [("市场策划专员", "specialist", 8), ("品牌策划主管", "supervisor", 0)],
    "FIN": [("会计", "specialist", 6), ("出纳", "specialist", 2), ("财务部经理", "department_manager", 0)],
    "SZ": [("分公司综合专员", "specialist", 4)],
    "SZ-SALES": [("客户经理", "specialist", 31)],
    "SZ-CS": [("热线坐席", "specialist", 26), ("客服班长", "supervisor", 0)],
}
# a post whose holder left: vacant since the day after
DEMO_LEFT = {("SZ-CS", "客服班长"): date(2026, 10, 31)}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建波宁凯晨欣怡浩宇佳琪子涵雨"


def _name(i: int) -> str:
    return _SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 7) % len(_GIVEN)] + _GIVEN[(i * 13 + 5) % len(_GIVEN)]


async def seed_staffing(session: AsyncSession) -> bool:
    """Staff, vacant posts and the demo plans' planned headcount, on the freshly seeded demo company."""
    units = {u.code: u for u in (await session.execute(select(Unit))).scalars()}
    if not all(code in units for code in DEMO_STAFF) or \
            (await session.execute(select(PlannedHeadcount.id).limit(1))).scalar() is not None:
        return False
    roles = {r.key: r for r in (await session.execute(select(Role))).scalars()}
    n = 0
    for code, posts in DEMO_STAFF.items():
        for title, role_key, holders in posts:
            post = Position(unit_id=units[code].id, role_id=roles[role_key].id, title=title,
                            responsibilities=[f"{title}岗位职责"], requirements={})
            session.add(post)
            await session.flush()
            left = DEMO_LEFT.get((code, title))
            if left is not None:
                n += 1
                gone = User(username=f"staff{n:03d}", display_name=_name(n), email="", password_hash="!",
                            active=True)
                session.add(gone)
                await session.flush()
                session.add(Assignment(user_id=gone.id, position_id=post.id, start_date=date(2024, 3, 1),
                                       end_date=left))
            for _ in range(holders):
                n += 1
                # staff records, not sign-in accounts: "!" is no password hash, so no password ever matches
                person = User(username=f"staff{n:03d}", display_name=_name(n), email="", password_hash="!")
                session.add(person)
                await session.flush()
                session.add(Assignment(user_id=person.id, position_id=post.id, start_date=date(2025, 1, 1)))
    for code, quantity in DEMO_PLANNED.items():
        session.add(PlannedHeadcount(unit_id=units[code].id, period="2026", plan_id=None, plan_version=None,
                                     quantity=float(quantity),
                                     lines=[{"id": None, "description": "专职人员", "quantity": quantity,
                                             "unit": "人"}]))
    await session.flush()
    await journal.audit(session, actor="system", action="demo.seeded", subject_type="staffing", subject_id="demo",
                        after={"staff": n, "planned": DEMO_PLANNED}, note="demo seed")
    return True
