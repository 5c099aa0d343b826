"""The demo company's training (培训管理): 运营管理部's approved 2026 plan with sessions held and their attendance
(November's 培训完成率 is 3 of 4 from the records), 供应科's 2027 plan waiting for 运营总监's approval, and a
certificate expiring soon."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.db import utcnow
from services.common.periods import Period
from services.org.journal import journal
from services.org.models import (
    Assignment,
    Certification,
    Position,
    TrainingCourse,
    TrainingPlan,
    TrainingRecord,
    TrainingSession,
    Unit,
    User,
)
from services.org.training.service import measure

SAFETY, DISPATCH = "安全生产与燃气泄漏应急处置", "调度系统操作培训"


async def seed_training_demo(session: AsyncSession) -> bool:
    """Seed once, on the demo company (False when training data exists or the demo people are missing)."""
    if (await session.execute(select(func.count()).select_from(TrainingPlan))).scalar_one():
        return False
    users = {u.username: u for u in (await session.execute(select(User))).scalars()}
    units = {u.code: u for u in (await session.execute(select(Unit))).scalars()}
    if not {"gm", "ops_director", "supply_head", "analyst"} <= set(users) or not {"OPS", "OPS-SUP"} <= set(units):
        return False
    held = dict((await session.execute(select(Assignment.user_id, Assignment.position_id))).all())
    gm, director, supply = users["gm"], users["ops_director"], users["supply_head"]
    ops_people = [held[director.id], held[supply.id]]
    now = utcnow()

    plan = TrainingPlan(unit_id=units["OPS"].id, year=2026, title="运营管理部2026年度培训计划", status="approved",
                        drafted_by=str(director.id), submitted_at=now, decided_by=str(gm.id), decided_at=now,
                        decision_reason="课程覆盖安全生产与调度岗位要求，同意执行。")
    session.add(plan)
    await session.flush()
    safety = TrainingCourse(plan_id=plan.id, title=SAFETY, kind="quarterly", required=True,
                            audience_position_ids=ops_people, audience_user_ids=[], planned_sessions=4, hours=4)
    dispatch = TrainingCourse(plan_id=plan.id, title=DISPATCH, kind="special", required=True,
                              audience_position_ids=ops_people, audience_user_ids=[], planned_sessions=2, hours=6)
    onboarding = TrainingCourse(plan_id=plan.id, title="新员工入职培训", kind="new_hire", required=False,
                                audience_position_ids=[], audience_user_ids=[], planned_sessions=2, hours=8)
    session.add_all([safety, dispatch, onboarding])
    await session.flush()
    # (course, day, trainer, location, [(person, attended, result, score)])
    sessions: list[tuple[TrainingCourse, date, str, str, list[tuple[User, bool, str | None, float | None]]]] = [
        (safety, date(2026, 9, 18), "安全科 周工程师", "公司三楼会议室",
         [(director, True, "pass", 92.0), (supply, True, "pass", 88.0)]),
        (safety, date(2026, 11, 20), "安全科 周工程师", "调度中心培训室",
         [(director, False, None, None), (supply, True, "pass", 90.0)]),
        (dispatch, date(2026, 11, 27), "调度科 孙科长", "调度中心培训室",
         [(director, True, "pass", 85.0), (supply, True, "fail", 55.0)]),
    ]
    for course, day, trainer, location, sheet in sessions:
        s = TrainingSession(course_id=course.id, plan_id=plan.id, unit_id=plan.unit_id, held_on=day,
                            trainer_name=trainer, location=location, hours=course.hours, recorded_by=str(director.id))
        session.add(s)
        await session.flush()
        session.add_all([TrainingRecord(session_id=s.id, user_id=person.id, attended=attended, result=result,
                                        score=score, recorded_by=str(director.id))
                         for person, attended, result, score in sheet])
    await session.flush()
    for month in ("2026-09", "2026-11"):  # the completion rate, from these records, reaches kpi
        await measure(session, unit=units["OPS"], period=Period(month))

    draft = TrainingPlan(unit_id=units["OPS-SUP"].id, year=2027, title="供应科2027年度培训计划", status="submitted",
                         drafted_by=str(supply.id), submitted_at=now)
    session.add(draft)
    await session.flush()
    supply_position = await session.get(Position, held[supply.id])
    session.add_all([
        TrainingCourse(plan_id=draft.id, title="供应商管理实务", kind="special", required=True,
                       audience_position_ids=[supply_position.id] if supply_position else [], audience_user_ids=[],
                       planned_sessions=2, hours=6),
        TrainingCourse(plan_id=draft.id, title=SAFETY, kind="quarterly", required=True,
                       audience_position_ids=[supply_position.id] if supply_position else [], audience_user_ids=[],
                       planned_sessions=4, hours=4)])

    today = clock.today()
    session.add_all([
        Certification(user_id=supply.id, unit_id=units["OPS-SUP"].id, name="燃气经营企业从业人员资格证",
                      number="RQ-2023-0415", issued_on=today - timedelta(days=3 * 365 - 20),
                      expires_on=today + timedelta(days=20), remind_days=30, recorded_by=str(director.id)),
        Certification(user_id=director.id, unit_id=units["OPS"].id, name="安全生产管理人员考核合格证",
                      number="AQ-2025-1103", issued_on=date(2025, 6, 1), expires_on=date(2028, 5, 31),
                      remind_days=60, recorded_by=str(gm.id)),
    ])
    await session.flush()
    await journal.audit(session, actor="system", action="training.demo.seeded", subject_type="training",
                        subject_id="demo", after={"plans": 2, "sessions": len(sessions), "certifications": 2},
                        note="demo seed")
    return True
