"""Training management (培训管理): needs, annual plans and their approval, sessions with attendance and results,
the completion rate that kpi ingests, and certifications with their expiry reminders.

Authority (design issue 20): plans are drafted by holders of plan over the unit and approved or returned by
holders of guide over it (never by their drafter); sessions are recorded by plan holders; attendance and results by
the session's trainer or plan holders; certifications by plan holders over the person's unit; a person reads their
own records and certificates, and whoever holds plan, guide or assess over a unit the person works in reads theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Grant, Principal, Right
from services.common.db import utcnow
from services.common.guards import Allowed, Place, authorize
from services.common.periods import Period, PeriodError, PeriodKind, of_date
from services.common.periods import period as parse_period
from services.common.problems import Conflict, Forbidden, Invalid, NotFound
from services.common.scoping import visible_to
from services.common.sheets import Column, add_table, workbook_bytes
from services.org.events import (
    CertificationData,
    TrainingCourseData,
    TrainingMeasuredData,
    TrainingPlanData,
    TrainingSessionData,
)
from services.org.journal import journal
from services.org.models import (
    Assignment,
    Certification,
    Position,
    TrainingCourse,
    TrainingNeed,
    TrainingPlan,
    TrainingRecord,
    TrainingSession,
    Unit,
    User,
)
from services.org.notifications.compose import Note, kind_of, render
from services.org.notifications.recipients import holders, next_level_up
from services.org.notifications.service import notify
from services.org.training.schemas import (
    AttendanceSheet,
    AttendeeRead,
    CertificationCreate,
    CertificationRead,
    CertificationUpdate,
    CompletionRead,
    CourseIn,
    CourseRead,
    NeedCreate,
    NeedRead,
    PlanDecision,
    RecordRead,
    ReminderRun,
    SessionCreate,
    SessionRead,
    TrainingPlanCreate,
    TrainingPlanRead,
    TrainingPlanUpdate,
)

KIND_ZH = {"new_hire": "新员工培训", "quarterly": "季度培训", "special": "专项培训"}
STATUS_ZH = {"draft": "草稿", "submitted": "待审批", "approved": "已批准", "returned": "已退回"}
RESULT_ZH = {"pass": "合格", "fail": "不合格"}
# A person's finalised assessment below this total (or vetoed) makes a training need (绩效改进培训).
LOW_TOTAL = 60.0
IMPROVEMENT_COURSE = "绩效改进培训"
# The rights that let someone read the training of the people in a unit (besides the person themselves).
READERS = (Right.plan, Right.guide, Right.assess)


# --- lookups -------------------------------------------------------------------------------------------------


async def _unit(session: AsyncSession, unit_id: int) -> Unit:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
    return unit


async def _user(session: AsyncSession, user_id: int, field: str = "user_id") -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise Invalid(f"There is no user with id {user_id}.", field=field, zh=f"没有编号为 {user_id} 的用户。")
    return user


async def _user_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict((await session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))).all())


async def _unit_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict((await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(wanted)))).all())


def _subject_name(names: dict[int, str], subject: str | None) -> str | None:
    if subject is None:
        return None
    return names.get(int(subject), subject) if subject.isdigit() else subject


def _active_on(start: date, end: date) -> ColumnElement[bool]:
    """Assignments that overlap the days ``start``..``end``."""
    return and_(Assignment.start_date <= end, or_(Assignment.end_date.is_(None), Assignment.end_date >= start))


async def person_units(session: AsyncSession, user_id: int, *, today: date | None = None) -> list[Unit]:
    """The units a person holds a position in today."""
    day = today or clock.today()
    rows = await session.execute(
        select(Unit).join(Position, Position.unit_id == Unit.id).join(Assignment, Assignment.position_id == Position.id)
        .where(Assignment.user_id == user_id, _active_on(day, day)).order_by(Unit.id))
    return list(dict.fromkeys(rows.scalars()))


async def _may_read_person(session: AsyncSession, principal: Principal, user_id: int) -> None:
    """A person reads their own training; plan, guide or assess over a unit they work in reads theirs (403)."""
    if principal.user_id == user_id:
        return
    for unit in await person_units(session, user_id):
        if any(principal.grants_for(r.value, unit.path) for r in READERS):
            return
    raise Forbidden("Only the person, or a holder of plan, guide or assess over their unit, may read their training.",
                    right="plan", zh="只有本人或对其所在单位有计划权、指导权或考核权的人才能查看其培训记录和证书。")


async def _authorize_over_person(session: AsyncSession, principal: Principal, user_id: int) -> tuple[Unit, Grant]:
    """The person's unit the caller holds plan over, and that grant (403 naming their first unit otherwise)."""
    units = await person_units(session, user_id)
    if not units:
        raise Invalid("The person holds no position, so no unit keeps their training.", field="user_id",
                      zh="该人员未在任何岗位任职，无法确定其所在单位。")
    for unit in units:
        found = principal.grants_for(Right.plan.value, unit.path)
        if found:
            return unit, found[0]
    return units[0], authorize(principal, Place(units[0].path, what=f"the unit {units[0].name}"), Right.plan)


async def _audience(session: AsyncSession, course: TrainingCourse, start: date, end: date) -> set[int]:
    """Who a course is for between two days: the holders of its audience positions then, and the named people."""
    people = {int(u) for u in course.audience_user_ids}
    if course.audience_position_ids:
        rows = await session.execute(select(Assignment.user_id).where(
            Assignment.position_id.in_([int(p) for p in course.audience_position_ids]), _active_on(start, end)))
        people |= set(rows.scalars())
    return people


# --- needs ---------------------------------------------------------------------------------------------------


async def _completed_courses(session: AsyncSession, user_ids: Iterable[int], today: date) -> set[tuple[int, str]]:
    """(person, course title) pairs a person has done: a passed (or unassessed) attended session, or a valid
    certificate of that name."""
    ids = list(set(user_ids))
    if not ids:
        return set()
    done = await session.execute(
        select(TrainingRecord.user_id, TrainingCourse.title)
        .join(TrainingSession, TrainingSession.id == TrainingRecord.session_id)
        .join(TrainingCourse, TrainingCourse.id == TrainingSession.course_id)
        .where(TrainingRecord.user_id.in_(ids), TrainingRecord.attended.is_(True),
               or_(TrainingRecord.result.is_(None), TrainingRecord.result != "fail")))
    certs = await session.execute(select(Certification.user_id, Certification.name).where(
        Certification.user_id.in_(ids), or_(Certification.expires_on.is_(None), Certification.expires_on >= today)))
    return {(u, t) for u, t in done.all()} | {(u, n) for u, n in certs.all()}


async def list_needs(session: AsyncSession, *, principal: Principal, unit_id: int | None,
                     user_id: int | None) -> list[NeedRead]:
    """培训需求: the job requirements' trainings of the people in a unit's subtree (derived), and their needs from
    assessments and by hand; each says whether it is met. Without a unit: the caller's own."""
    today = clock.today()
    if unit_id is not None:
        unit = await _unit(session, unit_id)
        authorize(principal, Place(unit.path, what=f"the unit {unit.name}"), *READERS)
        unit_filter: ColumnElement[bool] = Unit.path.startswith(unit.path, autoescape=True)
    else:
        target = user_id if user_id is not None else principal.user_id
        if target is None:
            return []
        await _may_read_person(session, principal, target)
        user_id = target
        unit_filter = Unit.id.is_not(None)
    held = select(Assignment.user_id, Position.id, Position.title, Position.requirements, Unit.id) \
        .join(Position, Position.id == Assignment.position_id).join(Unit, Unit.id == Position.unit_id) \
        .where(_active_on(today, today), unit_filter)
    if user_id is not None:
        held = held.where(Assignment.user_id == user_id)
    out: list[tuple[int | None, int, int, str, str, str]] = []
    for uid, _pid, title, reqs, uid_unit in (await session.execute(held.order_by(Unit.id, Assignment.user_id))).all():
        for course in (reqs or {}).get("training", []):
            out.append((None, uid, uid_unit, course, "position", f"岗位“{title}”任职要求"))
    stored = select(TrainingNeed).join(Unit, Unit.id == TrainingNeed.unit_id).where(unit_filter)
    if user_id is not None:
        stored = stored.where(TrainingNeed.user_id == user_id)
    for n in (await session.execute(stored.order_by(TrainingNeed.id))).scalars():
        out.append((n.id, n.user_id, n.unit_id, n.course, n.source, n.reason))
    people = await _user_names(session, [o[1] for o in out])
    units = await _unit_names(session, [o[2] for o in out])
    done = await _completed_courses(session, people, today)
    return [NeedRead(id=i, user_id=u, user_name=people.get(u, ""), unit_id=un, unit_name=units.get(un, ""),
                     course=c, source=s, reason=r, met=(u, c) in done) for i, u, un, c, s, r in out]


async def create_need(session: AsyncSession, *, principal: Principal, body: NeedCreate) -> NeedRead:
    await _user(session, body.user_id)
    unit, grant = await _authorize_over_person(session, principal, body.user_id)
    need = TrainingNeed(user_id=body.user_id, unit_id=unit.id, course=body.course, source="manual",
                        source_ref=utcnow().isoformat(), reason=body.reason, created_by=principal.sub)
    session.add(need)
    await session.flush()
    await journal.audit(session, actor=principal, action="training.need.created", subject_type="training_need",
                        subject_id=need.id, unit_path=unit.path, grant=grant,
                        after={"user_id": need.user_id, "course": need.course, "reason": need.reason})
    names = await _user_names(session, [need.user_id])
    return NeedRead(id=need.id, user_id=need.user_id, user_name=names.get(need.user_id, ""), unit_id=unit.id,
                    unit_name=unit.name, course=need.course, source="manual", reason=need.reason, met=False)


async def need_from_assessment(session: AsyncSession, *, assessment_id: int, person_id: int | None, unit_id: int,
                               period: str, total: float | None, grade: str | None, vetoed: bool) -> bool:
    """A person's finalised assessment with a low result (vetoed, or a total below ``LOW_TOTAL``) becomes a
    training need once. Returns whether one was added."""
    if person_id is None or not (vetoed or (total is not None and total < LOW_TOTAL)):
        return False
    if await session.get(User, person_id) is None or await session.get(Unit, unit_id) is None:
        return False
    result = "一票否决" if vetoed else f"{total:g} 分" + (f"，等级 {grade}" if grade else "")
    need = TrainingNeed(user_id=person_id, unit_id=unit_id, course=IMPROVEMENT_COURSE, source="assessment",
                        source_ref=str(assessment_id), reason=f"{period} 考核结果：{result}", created_by="kpi")
    try:
        async with session.begin_nested():
            session.add(need)
    except IntegrityError:
        return False
    await journal.audit(session, actor="kpi", action="training.need.created", subject_type="training_need",
                        subject_id=need.id, after={"user_id": person_id, "course": need.course, "reason": need.reason,
                                                   "assessment_id": assessment_id}, note="kpi.assessment.finalized")
    return True


# --- plans ---------------------------------------------------------------------------------------------------


async def _check_courses(session: AsyncSession, courses: Sequence[CourseIn]) -> None:
    positions = {p for c in courses for p in c.audience_position_ids}
    users = {u for c in courses for u in c.audience_user_ids}
    if positions:
        found = set((await session.execute(select(Position.id).where(Position.id.in_(positions)))).scalars())
        if missing := sorted(positions - found):
            raise Invalid(f"There is no position with id {missing[0]}.", field="audience_position_ids",
                          zh=f"没有编号为 {missing[0]} 的岗位。")
    if users:
        found = set((await session.execute(select(User.id).where(User.id.in_(users)))).scalars())
        if missing := sorted(users - found):
            raise Invalid(f"There is no user with id {missing[0]}.", field="audience_user_ids",
                          zh=f"没有编号为 {missing[0]} 的用户。")


def _course_rows(plan_id: int, courses: Sequence[CourseIn]) -> list[TrainingCourse]:
    return [TrainingCourse(plan_id=plan_id, title=c.title, kind=c.kind, required=c.required,
                           audience_position_ids=list(dict.fromkeys(c.audience_position_ids)),
                           audience_user_ids=list(dict.fromkeys(c.audience_user_ids)),
                           planned_sessions=c.planned_sessions, hours=c.hours) for c in courses]


async def _courses(session: AsyncSession, plan_id: int) -> list[TrainingCourse]:
    rows = await session.execute(select(TrainingCourse).where(TrainingCourse.plan_id == plan_id)
                                 .order_by(TrainingCourse.id))
    return list(rows.scalars())


async def plan_read(session: AsyncSession, plan: TrainingPlan) -> TrainingPlanRead:
    courses = await _courses(session, plan.id)
    held = dict((await session.execute(select(TrainingSession.course_id, func.count()).where(
        TrainingSession.plan_id == plan.id).group_by(TrainingSession.course_id))).all())
    year = Period(str(plan.year))
    subjects = [s for s in (plan.drafted_by, plan.decided_by) if s and s.isdigit()]
    names = await _user_names(session, [int(s) for s in subjects])
    unit = await _unit(session, plan.unit_id)
    reads = [CourseRead(id=c.id, title=c.title, kind=c.kind, required=c.required,
                        audience_position_ids=c.audience_position_ids, audience_user_ids=c.audience_user_ids,
                        audience_size=len(await _audience(session, c, year.start, year.end)),
                        planned_sessions=c.planned_sessions, held_sessions=held.get(c.id, 0), hours=c.hours)
             for c in courses]
    return TrainingPlanRead(id=plan.id, unit_id=plan.unit_id, unit_name=unit.name, year=plan.year, title=plan.title,
                            status=plan.status, drafted_by=plan.drafted_by,
                            drafted_by_name=_subject_name(names, plan.drafted_by) or "",
                            submitted_at=plan.submitted_at, decided_by=plan.decided_by,
                            decided_by_name=_subject_name(names, plan.decided_by), decided_at=plan.decided_at,
                            decision_reason=plan.decision_reason, courses=reads, version=plan.version)


def _plan_after(plan: TrainingPlan, courses: Sequence[TrainingCourse]) -> dict:
    return {"title": plan.title, "year": plan.year, "status": plan.status,
            "courses": [{"title": c.title, "kind": c.kind, "required": c.required,
                         "audience_position_ids": c.audience_position_ids,
                         "audience_user_ids": c.audience_user_ids, "planned_sessions": c.planned_sessions,
                         "hours": c.hours} for c in courses]}


async def create_plan(session: AsyncSession, *, principal: Principal, body: TrainingPlanCreate) -> TrainingPlanRead:
    unit = await _unit(session, body.unit_id)
    grant = authorize(principal, Place(unit.path, what=f"the unit {unit.name}"), Right.plan)
    await _check_courses(session, body.courses)
    plan = TrainingPlan(unit_id=unit.id, year=body.year, title=body.title, status="draft", drafted_by=principal.sub)
    session.add(plan)
    await session.flush()
    courses = _course_rows(plan.id, body.courses)
    session.add_all(courses)
    await session.flush()
    await journal.audit(session, actor=principal, action="training.plan.created", subject_type="training_plan",
                        subject_id=plan.id, unit_path=unit.path, grant=grant, after=_plan_after(plan, courses))
    return await plan_read(session, plan)


def _editable(plan: TrainingPlan) -> None:
    if plan.status not in ("draft", "returned"):
        raise Conflict(f"The plan is {plan.status}: only a draft or a returned plan can be changed or submitted.",
                       zh=f"该培训计划{STATUS_ZH.get(plan.status, plan.status)}，"
                          "只有草稿或已退回的计划才能修改或提交。")


async def update_plan(session: AsyncSession, *, plan: Allowed[TrainingPlan],
                      body: TrainingPlanUpdate) -> TrainingPlanRead:
    p = plan.item
    _editable(p)
    before = _plan_after(p, await _courses(session, p.id))
    changes = body.model_dump(exclude_unset=True)
    if changes.get("title") is not None:
        p.title = changes["title"]
    if body.courses is not None:
        await _check_courses(session, body.courses)
        for old in await _courses(session, p.id):
            await session.delete(old)
        await session.flush()
        session.add_all(_course_rows(p.id, body.courses))
    p.updated_at = utcnow()
    await session.flush()
    unit = await _unit(session, p.unit_id)
    await journal.audit(session, actor=plan.principal, action="training.plan.updated", subject_type="training_plan",
                        subject_id=p.id, unit_path=unit.path, grant=plan.grant, before=before,
                        after=_plan_after(p, await _courses(session, p.id)))
    return await plan_read(session, p)


def _plan_note(topic: str, plan: TrainingPlan, unit: Unit, fields: dict, dedupe: str) -> Note:
    return Note(kind=kind_of(topic), topic=topic, dedupe=dedupe,
                text=render(topic, {"unit": unit.name, "title": plan.title, "year": plan.year, **fields}),
                link=f"/org/training/plans/{plan.id}", subject_type="training_plan", subject_id=str(plan.id),
                unit_id=unit.id)


async def submit_plan(session: AsyncSession, *, plan: Allowed[TrainingPlan]) -> TrainingPlanRead:
    """A draft goes to the holders of guide over its unit (they are told; it waits in their inbox)."""
    p = plan.item
    _editable(p)
    if not await _courses(session, p.id):
        raise Invalid("A training plan needs at least one course before it is submitted.", field="courses",
                      zh="培训计划至少需要一门课程才能提交审批。")
    p.status, p.submitted_at = "submitted", utcnow()
    p.decided_by, p.decided_at, p.decision_reason = None, None, ""
    await session.flush()
    unit = await _unit(session, p.unit_id)
    await journal.audit(session, actor=plan.principal, action="training.plan.submitted", subject_type="training_plan",
                        subject_id=p.id, unit_path=unit.path, grant=plan.grant, after={"status": p.status})
    deciders = [u for u in await holders(session, Right.guide.value, unit.path) if u != plan.principal.user_id]
    drafter = (await _user_names(session, [plan.principal.user_id] if plan.principal.user_id else [])).get(
        plan.principal.user_id or 0, plan.principal.name)
    note = _plan_note("org.training.submitted", p, unit, {"actor": drafter}, f"training-plan:{p.id}:v{p.version}")
    await notify(session, note, deciders)
    return await plan_read(session, p)


async def _plan_data(session: AsyncSession, plan: TrainingPlan, unit: Unit) -> TrainingPlanData:
    return TrainingPlanData(
        id=plan.id, unit_id=unit.id, unit_path=unit.path, year=plan.year, title=plan.title, status=plan.status,
        drafted_by=plan.drafted_by, decided_by=plan.decided_by, decision_reason=plan.decision_reason,
        courses=[TrainingCourseData(id=c.id, title=c.title, kind=c.kind, required=c.required,
                                    audience_position_ids=c.audience_position_ids,
                                    audience_user_ids=c.audience_user_ids, planned_sessions=c.planned_sessions,
                                    hours=c.hours) for c in await _courses(session, plan.id)],
        version=plan.version)


async def decide_plan(session: AsyncSession, *, plan: Allowed[TrainingPlan], body: PlanDecision) -> TrainingPlanRead:
    """指导权 over the unit approves or returns a submitted plan, with a reason (never its own drafter)."""
    p = plan.item
    if p.status != "submitted":
        raise Conflict(f"The plan is {p.status}: only a submitted plan can be approved or returned.",
                       zh=f"该培训计划{STATUS_ZH.get(p.status, p.status)}，只有待审批的计划才能批准或退回。")
    if p.drafted_by == plan.principal.sub:
        raise Forbidden("The drafter of a training plan cannot decide it.", right="guide",
                        zh="培训计划的编制人不能审批自己的计划。")
    p.status = "approved" if body.decision == "approve" else "returned"
    p.decided_by, p.decided_at, p.decision_reason = plan.principal.sub, utcnow(), body.reason
    await session.flush()
    unit = await _unit(session, p.unit_id)
    await journal.audit(session, actor=plan.principal, action=f"training.plan.{p.status}",
                        subject_type="training_plan", subject_id=p.id, unit_path=unit.path, grant=plan.grant,
                        before={"status": "submitted"}, after={"status": p.status, "reason": body.reason})
    topic = "org.training.planned" if p.status == "approved" else "org.training.plan_returned"
    event = await journal.emit(session, topic, p.id, await _plan_data(session, p, unit), unit.path)
    actor = (await _user_names(session, [plan.principal.user_id] if plan.principal.user_id else [])).get(
        plan.principal.user_id or 0, plan.principal.name)
    note = _plan_note(topic, p, unit, {"actor": actor, "reason": body.reason}, str(event.id))
    drafter = int(p.drafted_by) if p.drafted_by.isdigit() else None
    await notify(session, note, [drafter] if drafter else [])
    return await plan_read(session, p)


def _plans_visible(principal: Principal) -> ColumnElement[bool]:
    return or_(*(visible_to(principal, r, Unit.path) for r in ("view", "plan", "guide")),
               TrainingPlan.drafted_by == principal.sub)


async def list_plans(session: AsyncSession, *, principal: Principal, unit_id: int | None, year: int | None,
                     status: str | None, awaiting_me: bool) -> list[TrainingPlanRead]:
    stmt = select(TrainingPlan).join(Unit, Unit.id == TrainingPlan.unit_id).where(_plans_visible(principal))
    if unit_id is not None:
        unit = await _unit(session, unit_id)
        stmt = stmt.where(Unit.path.startswith(unit.path, autoescape=True))
    if year is not None:
        stmt = stmt.where(TrainingPlan.year == year)
    if status is not None:
        stmt = stmt.where(TrainingPlan.status == status)
    if awaiting_me:
        stmt = stmt.where(TrainingPlan.status == "submitted", visible_to(principal, "guide", Unit.path),
                          TrainingPlan.drafted_by != principal.sub)
    plans = (await session.execute(stmt.order_by(TrainingPlan.year.desc(), TrainingPlan.id).limit(500))).scalars()
    return [await plan_read(session, p) for p in plans]


# --- sessions, attendance and results --------------------------------------------------------------------------


async def session_read(session: AsyncSession, s: TrainingSession) -> SessionRead:
    course = await session.get(TrainingCourse, s.course_id)
    assert course is not None  # a session's course goes only with its plan
    expected = await _audience(session, course, s.held_on, s.held_on)
    records = {r.user_id: r for r in (await session.execute(
        select(TrainingRecord).where(TrainingRecord.session_id == s.id))).scalars()}
    names = await _user_names(session, expected | set(records))
    unit_name = (await _unit_names(session, [s.unit_id])).get(s.unit_id, "")
    people = sorted(expected | set(records), key=lambda u: (names.get(u, ""), u))
    return SessionRead(
        id=s.id, plan_id=s.plan_id, course_id=s.course_id, course_title=course.title, course_kind=course.kind,
        unit_id=s.unit_id, unit_name=unit_name, held_on=s.held_on, trainer_id=s.trainer_id,
        trainer_name=s.trainer_name, location=s.location, hours=s.hours, version=s.version,
        attendees=[AttendeeRead(user_id=u, user_name=names.get(u, ""), expected=u in expected,
                                attended=records[u].attended if u in records else None,
                                result=records[u].result if u in records else None,
                                score=records[u].score if u in records else None) for u in people])


async def create_session(session: AsyncSession, *, plan: Allowed[TrainingPlan], body: SessionCreate) -> SessionRead:
    p = plan.item
    if p.status != "approved":
        raise Conflict("Sessions are recorded for approved training plans only.",
                       zh="只有已批准的培训计划才能登记培训场次。")
    course = await session.get(TrainingCourse, body.course_id)
    if course is None or course.plan_id != p.id:
        raise Invalid(f"The plan has no course with id {body.course_id}.", field="course_id",
                      zh=f"该培训计划中没有编号为 {body.course_id} 的课程。")
    trainer_name = body.trainer_name
    if body.trainer_id is not None:
        trainer = await _user(session, body.trainer_id, "trainer_id")
        trainer_name = trainer_name or trainer.display_name
    s = TrainingSession(course_id=course.id, plan_id=p.id, unit_id=p.unit_id, held_on=body.held_on,
                        trainer_id=body.trainer_id, trainer_name=trainer_name, location=body.location,
                        hours=course.hours if body.hours is None else body.hours, recorded_by=plan.principal.sub)
    session.add(s)
    await session.flush()
    unit = await _unit(session, p.unit_id)
    await journal.audit(session, actor=plan.principal, action="training.session.created",
                        subject_type="training_session", subject_id=s.id, unit_path=unit.path, grant=plan.grant,
                        after={"plan_id": p.id, "course": course.title, "held_on": s.held_on.isoformat(),
                               "trainer": trainer_name, "location": s.location, "hours": s.hours})
    return await session_read(session, s)


async def list_sessions(session: AsyncSession, *, principal: Principal, plan_id: int | None, unit_id: int | None,
                        mine: bool) -> list[SessionRead]:
    stmt = select(TrainingSession).join(Unit, Unit.id == TrainingSession.unit_id)
    trainer = TrainingSession.trainer_id == (principal.user_id or -1)
    if mine:
        stmt = stmt.where(trainer)
    else:
        stmt = stmt.where(or_(*(visible_to(principal, r, Unit.path) for r in ("view", "plan", "guide")), trainer))
    if plan_id is not None:
        stmt = stmt.where(TrainingSession.plan_id == plan_id)
    if unit_id is not None:
        unit = await _unit(session, unit_id)
        stmt = stmt.where(Unit.path.startswith(unit.path, autoescape=True))
    rows = (await session.execute(stmt.order_by(TrainingSession.held_on.desc(), TrainingSession.id).limit(500)))
    return [await session_read(session, s) for s in rows.scalars()]


async def record_attendance(session: AsyncSession, *, training_session: Allowed[TrainingSession],
                            body: AttendanceSheet) -> SessionRead:
    """The attendance sheet: each person attended or absent, with a result; then the session's event and the
    unit's completion rate for the session's month (``org.training.measured``)."""
    s = training_session.item
    ids = [a.user_id for a in body.attendance]
    if len(set(ids)) != len(ids):
        raise Invalid("A person appears twice on the attendance sheet.", field="attendance",
                      zh="签到表中有人员重复。")
    found = set((await session.execute(select(User.id).where(User.id.in_(ids)))).scalars())
    if missing := [i for i in ids if i not in found]:
        raise Invalid(f"There is no user with id {missing[0]}.", field="user_id",
                      zh=f"没有编号为 {missing[0]} 的用户。")
    for a in body.attendance:
        if not a.attended and (a.result is not None or a.score is not None):
            raise Invalid("An absent person has no result.", field="result", zh="缺勤人员不能登记考核结果。")
    existing = {r.user_id: r for r in (await session.execute(
        select(TrainingRecord).where(TrainingRecord.session_id == s.id))).scalars()}
    # JSON object keys are text: the audit entry reads back as it was hashed
    before = {str(u): {"attended": r.attended, "result": r.result, "score": r.score} for u, r in existing.items()}
    for a in body.attendance:
        row = existing.get(a.user_id)
        if row is None:
            row = TrainingRecord(session_id=s.id, user_id=a.user_id, recorded_by=training_session.principal.sub)
            session.add(row)
        row.attended, row.result, row.score = a.attended, a.result, a.score
        row.recorded_by, row.recorded_at = training_session.principal.sub, utcnow()
    s.version += 1  # the sheet changed: the session's ETag moves on
    await session.flush()
    unit = await _unit(session, s.unit_id)
    await journal.audit(session, actor=training_session.principal, action="training.attendance.recorded",
                        subject_type="training_session", subject_id=s.id, unit_path=unit.path,
                        grant=training_session.grant, before=before or None,
                        after={str(a.user_id): {"attended": a.attended, "result": a.result, "score": a.score}
                               for a in body.attendance})
    records = list((await session.execute(select(TrainingRecord).where(TrainingRecord.session_id == s.id))).scalars())
    course = await session.get(TrainingCourse, s.course_id)
    assert course is not None
    await journal.emit(session, "org.training.session_recorded", s.id, TrainingSessionData(
        id=s.id, plan_id=s.plan_id, course_id=s.course_id, course_title=course.title, unit_id=unit.id,
        unit_path=unit.path, held_on=s.held_on, trainer_id=s.trainer_id, trainer_name=s.trainer_name,
        location=s.location, hours=s.hours, attended=sum(r.attended for r in records),
        absent=sum(not r.attended for r in records), passed=sum(r.result == "pass" for r in records),
        failed=sum(r.result == "fail" for r in records), version=s.version), unit.path)
    await measure(session, unit=unit, period=of_date(s.held_on, PeriodKind.month))
    return await session_read(session, s)


# --- completion rate (培训完成率) --------------------------------------------------------------------------------


async def completion_of(session: AsyncSession, *, unit: Unit, period: Period) -> tuple[int, int]:
    """(required, completed) for a unit and a month or quarter: every required course of the unit's approved plan
    with a session in the period is required of each person in its audience; it is completed by an attended
    session of the course (not failed) held by the period's end."""
    start, end = period.start, period.end
    courses = (await session.execute(
        select(TrainingCourse).join(TrainingPlan, TrainingPlan.id == TrainingCourse.plan_id)
        .where(TrainingPlan.unit_id == unit.id, TrainingPlan.status == "approved", TrainingPlan.year == start.year,
               TrainingCourse.required.is_(True),
               TrainingCourse.id.in_(select(TrainingSession.course_id).where(
                   TrainingSession.held_on >= start, TrainingSession.held_on <= end)))
        .order_by(TrainingCourse.id))).scalars().all()
    required = completed = 0
    for course in courses:
        audience = await _audience(session, course, start, end)
        if not audience:
            continue
        done = set((await session.execute(
            select(TrainingRecord.user_id).join(TrainingSession, TrainingSession.id == TrainingRecord.session_id)
            .where(TrainingSession.course_id == course.id, TrainingSession.held_on <= end,
                   TrainingRecord.attended.is_(True), TrainingRecord.user_id.in_(audience),
                   or_(TrainingRecord.result.is_(None), TrainingRecord.result != "fail")))).scalars())
        required += len(audience)
        completed += len(done)
    return required, completed


def _rate(required: int, completed: int) -> float | None:
    return round(completed * 100.0 / required, 2) if required else None


async def measure(session: AsyncSession, *, unit: Unit, period: Period) -> TrainingMeasuredData | None:
    """Compute a unit's month and record ``org.training.measured`` (nothing when nothing was required)."""
    required, completed = await completion_of(session, unit=unit, period=period)
    rate = _rate(required, completed)
    if rate is None:
        return None
    data = TrainingMeasuredData(unit_id=unit.id, unit_path=unit.path, period=period.text, required=required,
                                completed=completed, rate=rate)
    await journal.emit(session, "org.training.measured", f"{unit.id}:{period.text}", data, unit.path)
    return data


async def completion(session: AsyncSession, *, principal: Principal, unit_id: int, period: str) -> CompletionRead:
    unit = await _unit(session, unit_id)
    authorize(principal, Place(unit.path, what=f"the unit {unit.name}"), Right.view, Right.plan, Right.guide)
    try:
        p = parse_period(period)
    except PeriodError as exc:
        raise Invalid(str(exc), field="period", zh=exc.zh) from exc
    if p.kind not in (PeriodKind.month, PeriodKind.quarter):
        raise Invalid("The completion rate is computed per month or quarter (2026-03, 2026-Q1).", field="period",
                      zh="培训完成率按月或按季度计算（如 2026-03、2026-Q1）。")
    required, completed = await completion_of(session, unit=unit, period=p)
    return CompletionRead(unit_id=unit.id, period=p.text, required=required, completed=completed,
                          rate=_rate(required, completed))


# --- records --------------------------------------------------------------------------------------------------


async def _records(session: AsyncSession, where: ColumnElement[bool]) -> list[RecordRead]:
    rows = (await session.execute(
        select(TrainingRecord, TrainingSession, TrainingCourse)
        .join(TrainingSession, TrainingSession.id == TrainingRecord.session_id)
        .join(TrainingCourse, TrainingCourse.id == TrainingSession.course_id)
        .join(Unit, Unit.id == TrainingSession.unit_id)
        .where(where).order_by(TrainingSession.held_on.desc(), TrainingRecord.id).limit(20000))).all()
    names = await _user_names(session, [r.user_id for r, _, _ in rows])
    units = await _unit_names(session, [s.unit_id for _, s, _ in rows])
    return [RecordRead(id=r.id, user_id=r.user_id, user_name=names.get(r.user_id, ""), session_id=s.id,
                       plan_id=s.plan_id, course_title=c.title, course_kind=c.kind,
                       unit_name=units.get(s.unit_id, ""), held_on=s.held_on, hours=s.hours,
                       trainer_name=s.trainer_name, attended=r.attended, result=r.result, score=r.score)
            for r, s, c in rows]


async def list_records(session: AsyncSession, *, principal: Principal, user_id: int | None,
                       unit_id: int | None) -> list[RecordRead]:
    """A person's training records (their own without ``user_id``), or those of a unit's sessions."""
    if unit_id is not None:
        unit = await _unit(session, unit_id)
        authorize(principal, Place(unit.path, what=f"the unit {unit.name}"), *READERS)
        where: ColumnElement[bool] = Unit.path.startswith(unit.path, autoescape=True)
        if user_id is not None:
            where = and_(where, TrainingRecord.user_id == user_id)
        return await _records(session, where)
    target = user_id if user_id is not None else principal.user_id
    if target is None:
        return []
    await _may_read_person(session, principal, target)
    return await _records(session, TrainingRecord.user_id == target)


RECORD_COLUMNS = [Column("姓名", 12), Column("单位", 18), Column("课程", 30), Column("类别", 12),
                  Column("培训日期", 12), Column("学时", 8), Column("讲师", 12), Column("出勤", 8),
                  Column("考核结果", 10), Column("成绩", 8)]


async def export_records(session: AsyncSession, *, principal: Principal, user_id: int | None,
                         unit_id: int | None) -> bytes:
    """培训记录 as a workbook with Chinese headers and names (the same rows as the list)."""
    rows = await list_records(session, principal=principal, user_id=user_id, unit_id=unit_id)
    wb = Workbook()
    add_table(wb, "培训记录", RECORD_COLUMNS, first=True, rows=[
        (r.user_name, r.unit_name, r.course_title, KIND_ZH.get(r.course_kind, r.course_kind), r.held_on, r.hours,
         r.trainer_name, "出勤" if r.attended else "缺勤", RESULT_ZH.get(r.result or "", ""), r.score)
        for r in rows])
    return workbook_bytes(wb)


# --- certifications -------------------------------------------------------------------------------------------


def cert_status(c: Certification, today: date) -> tuple[str, int | None]:
    if c.expires_on is None:
        return "valid", None
    left = (c.expires_on - today).days
    if left < 0:
        return "expired", left
    return ("expiring" if left <= c.remind_days else "valid"), left


async def _cert_reads(session: AsyncSession, certs: Sequence[Certification]) -> list[CertificationRead]:
    today = clock.today()
    names = await _user_names(session, [c.user_id for c in certs])
    units = await _unit_names(session, [c.unit_id for c in certs])
    out = []
    for c in certs:
        status, left = cert_status(c, today)
        out.append(CertificationRead(id=c.id, user_id=c.user_id, user_name=names.get(c.user_id, ""),
                                     unit_id=c.unit_id, unit_name=units.get(c.unit_id, ""), name=c.name,
                                     number=c.number, issued_on=c.issued_on, expires_on=c.expires_on,
                                     remind_days=c.remind_days, status=status, days_left=left, version=c.version))
    return out


def _check_dates(issued_on: date, expires_on: date | None) -> None:
    if expires_on is not None and expires_on < issued_on:
        raise Invalid("A certificate cannot expire before it was issued.", field="expires_on",
                      zh="证书的到期日期不能早于发证日期。")


def _cert_after(c: Certification) -> dict:
    return {"user_id": c.user_id, "name": c.name, "number": c.number, "issued_on": c.issued_on.isoformat(),
            "expires_on": c.expires_on.isoformat() if c.expires_on else None, "remind_days": c.remind_days}


async def create_certification(session: AsyncSession, *, principal: Principal,
                               body: CertificationCreate) -> CertificationRead:
    await _user(session, body.user_id)
    _check_dates(body.issued_on, body.expires_on)
    unit, grant = await _authorize_over_person(session, principal, body.user_id)
    c = Certification(user_id=body.user_id, unit_id=unit.id, name=body.name, number=body.number,
                      issued_on=body.issued_on, expires_on=body.expires_on, remind_days=body.remind_days,
                      recorded_by=principal.sub)
    session.add(c)
    await session.flush()
    await journal.audit(session, actor=principal, action="certification.created", subject_type="certification",
                        subject_id=c.id, unit_path=unit.path, grant=grant, after=_cert_after(c))
    return (await _cert_reads(session, [c]))[0]


async def update_certification(session: AsyncSession, *, certification: Allowed[Certification],
                               body: CertificationUpdate) -> CertificationRead:
    """A renewed certificate (a later expiry) is reminded again before its new date."""
    c = certification.item
    before = _cert_after(c)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("name") is None:
        changes.pop("name", None)
    if changes.get("issued_on") is None:
        changes.pop("issued_on", None)
    if changes.get("remind_days") is None:
        changes.pop("remind_days", None)
    _check_dates(changes.get("issued_on", c.issued_on), changes.get("expires_on", c.expires_on))
    if "expires_on" in changes and changes["expires_on"] != c.expires_on:
        c.warned_at = c.expired_notified_at = None
    for key, value in changes.items():
        setattr(c, key, value if value is not None or key == "expires_on" else "")
    await session.flush()
    unit = await _unit(session, c.unit_id)
    await journal.audit(session, actor=certification.principal, action="certification.updated",
                        subject_type="certification", subject_id=c.id, unit_path=unit.path,
                        grant=certification.grant, before=before, after=_cert_after(c))
    return (await _cert_reads(session, [c]))[0]


async def list_certifications(session: AsyncSession, *, principal: Principal, user_id: int | None,
                              unit_id: int | None, expiring: bool) -> list[CertificationRead]:
    """A person's certificates (their own without ``user_id``); a unit's (plan, guide or assess over it); or,
    with ``expiring``, the caller's own and those of the units they hold plan over that expire soon or have."""
    stmt = select(Certification).join(Unit, Unit.id == Certification.unit_id)
    if expiring:
        mine = Certification.user_id == (principal.user_id or -1)
        stmt = stmt.where(or_(mine, visible_to(principal, "plan", Unit.path)))
        if unit_id is not None:
            unit = await _unit(session, unit_id)
            stmt = stmt.where(Unit.path.startswith(unit.path, autoescape=True))
        certs = (await session.execute(stmt.where(Certification.expires_on.is_not(None))
                                       .order_by(Certification.expires_on, Certification.id))).scalars().all()
        today = clock.today()
        return list(await _cert_reads(session, [c for c in certs if cert_status(c, today)[0] != "valid"]))
    if unit_id is not None:
        unit = await _unit(session, unit_id)
        authorize(principal, Place(unit.path, what=f"the unit {unit.name}"), *READERS)
        stmt = stmt.where(Unit.path.startswith(unit.path, autoescape=True))
        if user_id is not None:
            stmt = stmt.where(Certification.user_id == user_id)
    else:
        target = user_id if user_id is not None else principal.user_id
        if target is None:
            return []
        await _may_read_person(session, principal, target)
        stmt = stmt.where(Certification.user_id == target)
    rows = (await session.execute(stmt.order_by(Certification.expires_on, Certification.id).limit(5000))).scalars()
    return await _cert_reads(session, list(rows))


async def _claim(session: AsyncSession, c: Certification, column: str, now: datetime) -> bool:
    """Mark a reminder sent, once across replicas running the scan at the same time."""
    col = getattr(Certification, column)
    result = await session.execute(update(Certification).where(Certification.id == c.id, col.is_(None))
                                   .values({column: now, "version": Certification.version + 1})
                                   .execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0))


async def remind_certifications(session: AsyncSession, *, today: date | None = None) -> ReminderRun:
    """Tell a certificate's holder and their unit's head (the next level up from them) ``remind_days`` before it
    expires, and again when it has expired; each once (``org.certification.expiring`` each time)."""
    day = today or clock.today()
    now = utcnow()
    due = (await session.execute(select(Certification).where(
        Certification.expires_on.is_not(None),
        or_(Certification.warned_at.is_(None), Certification.expired_notified_at.is_(None))))).scalars().all()
    warned = expired = 0
    for c in due:
        status, left = cert_status(c, day)
        if status == "expired" and c.expired_notified_at is None:
            column, topic = "expired_notified_at", "org.certification.expired"
        elif status == "expiring" and c.warned_at is None:
            column, topic = "warned_at", "org.certification.expiring"
        else:
            continue
        if not await _claim(session, c, column, now):
            continue
        if status == "expired" and c.warned_at is None:  # never warned: the expiry notice says it all
            await _claim(session, c, "warned_at", now)
        unit = await _unit(session, c.unit_id)
        user = await session.get(User, c.user_id)
        user_name = user.display_name if user else ""
        event = await journal.emit(session, "org.certification.expiring", c.id, CertificationData(
            id=c.id, user_id=c.user_id, user_name=user_name, unit_id=unit.id, unit_path=unit.path, name=c.name,
            number=c.number, issued_on=c.issued_on, expires_on=c.expires_on, status=status, days_left=left),
            unit.path)
        fields = {"name": c.name, "number": c.number or "—", "person": user_name, "unit": unit.name,
                  "expires_on": c.expires_on.isoformat() if c.expires_on else "", "days": left}
        note = Note(kind=kind_of(topic), topic=topic, dedupe=f"certification:{c.id}:{column}:{c.expires_on}",
                    text=render(topic, fields), link="/org/training/certifications", subject_type="certification",
                    subject_id=str(c.id), unit_id=unit.id, event_id=str(event.id))
        await notify(session, note, [c.user_id, *await next_level_up(session, unit.path, {c.user_id})])
        if status == "expired":
            expired += 1
        else:
            warned += 1
    return ReminderRun(warned=warned, expired=expired)
