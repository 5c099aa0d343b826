"""Org's dependencies: load-or-404 for every resource, and who may act on it.

``ValidUnit`` loads the unit named by the path or answers 404; ``UnitToAdmin`` also lets the caller
through only with the ``admin`` right over it (403 naming the unit otherwise). Positions and
assignments are administered by whoever holds ``admin`` over their unit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import load_or_404
from services.common.authz import Grant, Mode, Principal, Right, is_admin
from services.common.db import Session, utcnow
from services.common.guards import Allowed, Place, allowed, authorize
from services.common.problems import Forbidden, NotFound, Unauthorized
from services.common.scoping import visible_to
from services.common.security import CurrentPrincipal
from services.org.auth.signin import hash_client_secret
from services.org.models import (
    ApiClient,
    Assignment,
    Certification,
    Delegation,
    IdentityProvider,
    OrgImport,
    OutgoingMessage,
    Position,
    RobotChannel,
    Role,
    ScimToken,
    TrainingPlan,
    TrainingSession,
    Unit,
    User,
    Watch,
)

# --- load-or-404 -------------------------------------------------------------------------------


load_unit = load_or_404(Unit, "unit_id", what="unit", what_zh="组织单元")


load_role = load_or_404(Role, "role_id", what="role", what_zh="角色")


load_position = load_or_404(Position, "position_id", what="position", what_zh="岗位")


load_user = load_or_404(User, "user_id", what="user", what_zh="用户")


load_assignment = load_or_404(Assignment, "assignment_id", what="assignment", what_zh="任职")


load_delegation = load_or_404(Delegation, "delegation_id", what="delegation", what_zh="委托")


load_client = load_or_404(ApiClient, "client_pk", what="API client", what_zh="API 客户端")


load_watch = load_or_404(Watch, "watch_id", what="waiting item", what_zh="待办事项")


load_robot = load_or_404(RobotChannel, "robot_id", what="robot channel", what_zh="群机器人")


load_scim_token = load_or_404(ScimToken, "token_id", what="SCIM token", what_zh="SCIM 令牌")


load_outgoing_message = load_or_404(OutgoingMessage, "message_id", what="outgoing message", what_zh="外发消息")


load_provider = load_or_404(IdentityProvider, "provider_id", what="identity provider", what_zh="身份源")


load_org_import = load_or_404(OrgImport, "import_id", what="org import", what_zh="组织架构导入")


ValidUnit = Annotated[Unit, Depends(load_unit)]
ValidRole = Annotated[Role, Depends(load_role)]
ValidPosition = Annotated[Position, Depends(load_position)]
ValidUser = Annotated[User, Depends(load_user)]
ValidAssignment = Annotated[Assignment, Depends(load_assignment)]
ValidDelegation = Annotated[Delegation, Depends(load_delegation)]
ValidClient = Annotated[ApiClient, Depends(load_client)]
ValidWatch = Annotated[Watch, Depends(load_watch)]
ValidOutgoingMessage = Annotated[OutgoingMessage, Depends(load_outgoing_message)]
ValidProvider = Annotated[IdentityProvider, Depends(load_provider)]
ValidScimToken = Annotated[ScimToken, Depends(load_scim_token)]
ValidOrgImport = Annotated[OrgImport, Depends(load_org_import)]


# --- where a resource sits, and who may administer it ------------------------------------------


def unit_place_of(unit: Unit) -> Place:
    return Place(unit.path, what=f"the unit {unit.name}")


async def unit_place(session: AsyncSession, unit: Unit) -> Place:
    return unit_place_of(unit)


async def position_unit(session: AsyncSession, position: Position) -> Unit:
    unit = await session.get(Unit, position.unit_id)
    if unit is None:  # a position's unit cannot go while it has positions; as the tree answers it
        raise NotFound(f"There is no unit with id {position.unit_id}.", field="unit_id",
                       zh=f"没有编号为 {position.unit_id} 的组织单元。")
    return unit


async def position_place(session: AsyncSession, position: Position) -> Place:
    return unit_place_of(await position_unit(session, position))


async def assignment_position(session: AsyncSession, assignment: Assignment) -> Position:
    position = await session.get(Position, assignment.position_id)
    if position is None:
        raise NotFound(f"There is no position with id {assignment.position_id}.", field="position_id",
                       zh=f"没有编号为 {assignment.position_id} 的岗位。")
    return position


async def assignment_place(session: AsyncSession, assignment: Assignment) -> Place:
    return await position_place(session, await assignment_position(session, assignment))


async def robot_unit(session: AsyncSession, robot: RobotChannel) -> Unit:
    unit = await session.get(Unit, robot.unit_id)
    if unit is None:  # a unit's robots go with it (ON DELETE CASCADE)
        raise NotFound(f"There is no unit with id {robot.unit_id}.", field="unit_id",
                       zh=f"没有编号为 {robot.unit_id} 的组织单元。")
    return unit


async def robot_place(session: AsyncSession, robot: RobotChannel) -> Place:
    return unit_place_of(await robot_unit(session, robot))


UnitToAdmin = Annotated[Allowed[Unit], Depends(allowed(load_unit, unit_place, Right.admin))]
RobotToAdmin = Annotated[Allowed[RobotChannel], Depends(allowed(load_robot, robot_place, Right.admin))]
PositionToAdmin = Annotated[Allowed[Position], Depends(allowed(load_position, position_place, Right.admin))]
AssignmentToAdmin = Annotated[Allowed[Assignment], Depends(allowed(load_assignment, assignment_place, Right.admin))]
# staffing (issue 20): a unit named by ``unit_id`` (path or query) whose people against plan the caller may read
UnitToView = Annotated[Allowed[Unit], Depends(allowed(load_unit, unit_place, Right.view))]


async def require_company_admin(principal: CurrentPrincipal) -> Principal:
    if not is_admin(principal):
        raise Forbidden("Only administrators (the 'admin' right over the company) may do this.", right="admin",
                        zh="只有管理员（对全公司有管理权）才能执行此操作。")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_company_admin)]


# --- what a caller may see ---------------------------------------------------------------------


def users_visible(principal: Principal) -> ColumnElement[bool]:
    """Which users a principal sees: administrators everyone; others the people holding positions in the
    units they may view, and themselves (the user list, a user by id, and the positions follow it)."""
    if is_admin(principal):
        return true()
    holders = (select(Assignment.user_id).join(Position, Position.id == Assignment.position_id)
               .join(Unit, Unit.id == Position.unit_id).where(visible_to(principal, "view", Unit.path)))
    return User.id.in_(holders) | (User.id == (principal.user_id or -1))


def positions_visible(principal: Principal) -> ColumnElement[bool]:
    """Positions in the units the principal may view, and the ones they hold (administrators: all)."""
    if is_admin(principal):
        return true()
    in_view = select(Unit.id).where(visible_to(principal, "view", Unit.path))
    held = select(Assignment.position_id).where(Assignment.user_id == (principal.user_id or -1))
    return Position.unit_id.in_(in_view) | Position.id.in_(held)


async def visible_user(user: ValidUser, session: Session, principal: CurrentPrincipal) -> User:
    if (await session.execute(select(User.id).where(User.id == user.id, users_visible(principal)))).first() is None:
        raise NotFound(f"There is no user with id {user.id}.",
                       zh=f"没有编号为 {user.id} 的用户。")  # as for one that does not exist
    return user


async def visible_position(position: ValidPosition, session: Session, principal: CurrentPrincipal) -> Position:
    if (await session.execute(select(Position.id).where(Position.id == position.id,
                                                        positions_visible(principal)))).first() is None:
        raise NotFound(f"There is no position with id {position.id}.", zh=f"没有编号为 {position.id} 的岗位。")
    return position


VisibleUser = Annotated[User, Depends(visible_user)]
VisiblePosition = Annotated[Position, Depends(visible_position)]


# --- the caller as a person ---------------------------------------------------------------------


async def current_user(session: Session, principal: CurrentPrincipal) -> User:
    """The signed-in person (an API client or a service has no notifications or preferences: 403)."""
    uid = principal.user_id
    user = await session.get(User, uid) if uid is not None else None
    if user is None:
        raise Forbidden("Only a signed-in person has notifications and preferences.",
                        zh="只有登录的用户本人才有通知和通知设置。")
    return user


Me = Annotated[User, Depends(current_user)]


# --- 催办 -----------------------------------------------------------------------------------------------------


async def watch_to_urge(watch: ValidWatch, principal: CurrentPrincipal) -> Watch:
    """The watch, when the caller is the one who asked for it (only the requester may 催办)."""
    if watch.requester is None or watch.requester != principal.sub:
        raise Forbidden("Only the person who asked for this item may chase it.",
                        zh="只有发起人才能催办该事项。")
    return watch


WatchToUrge = Annotated[Watch, Depends(watch_to_urge)]


# --- SCIM: an identity provider with its SCIM token ------------------------------------------------------------


@dataclass(frozen=True)
class ScimCaller:
    """An identity provider calling the SCIM endpoints: its token, the company it provisions for, and the
    principal it acts as (the ``admin`` right over that company, usable on the SCIM endpoints only: these
    are the only endpoints that accept a SCIM token)."""

    token: ScimToken
    company: Unit
    principal: Principal


async def scim_caller(request: Request, session: Session) -> ScimCaller:
    """The SCIM token of the request (401 otherwise: no token, an unknown or revoked one, or a user's
    access token, which SCIM endpoints do not take)."""
    scheme, _, raw = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthorized("Send the SCIM token: 'Authorization: Bearer <SCIM token>'.",
                           zh="请提供 SCIM 令牌：Authorization: Bearer <SCIM 令牌>。")
    token = (await session.execute(select(ScimToken).where(
        ScimToken.token_hash == hash_client_secret(raw.strip())))).scalar_one_or_none()
    if token is None or token.revoked_at is not None:
        raise Unauthorized("The SCIM token was refused: it is unknown or revoked (SCIM takes only SCIM tokens).",
                           zh="SCIM 令牌被拒绝：令牌无效或已吊销（SCIM 接口只接受 SCIM 令牌）。")
    company = await session.get(Unit, token.unit_id)
    if company is None:  # a company unit is never deleted while it has positions; as for a revoked token
        raise Unauthorized("The SCIM token's company no longer exists.", zh="该 SCIM 令牌所属的公司已不存在。")
    if request.method not in ("GET", "HEAD"):
        token.last_used_at = utcnow()
    # the SCIM router answers refusals itself (in SCIM's shape), so it rolls this session back itself
    request.state.scim_session = session
    principal = Principal(sub=f"scim:{token.id}", name=f"SCIM {token.name}", kind="client",
                          grants=(Grant(Right.admin.value, company.path, Mode.subtree.value,
                                        via=f"scim-token:{token.id}"),))
    return ScimCaller(token=token, company=company, principal=principal)


ScimCallerDep = Annotated[ScimCaller, Depends(scim_caller)]
# --- single sign-on's browser round trip ---------------------------------------------------------------------


async def writer_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A write session for a GET that must write: single sign-on's start (it keeps the state, nonce and PKCE
    verifier) and callback (it spends the state, links the user, hands off). ``Session`` gives a GET a read
    session, and on SQLite a read transaction that later writes can be refused as locked."""
    async with request.app.state.db.writer() as session:
        try:
            yield session
            if session.in_transaction():
                await session.commit()
        except BaseException:
            await session.rollback()
            raise


WriterSession = Annotated[AsyncSession, Depends(writer_session, scope="function")]


# --- training (培训管理, issue 20) ------------------------------------------------------------------------------
# Plans are drafted by holders of plan over their unit and decided by holders of guide over it; sessions are
# recorded by plan holders; attendance and results by the session's trainer or plan holders.


load_training_plan = load_or_404(TrainingPlan, "plan_id", what="training plan", what_zh="培训计划")
load_training_session = load_or_404(TrainingSession, "session_id", what="training session", what_zh="培训场次")


async def _unit_place_by_id(session: AsyncSession, unit_id: int) -> Place:
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
    return unit_place_of(unit)


async def training_plan_place(session: AsyncSession, plan: TrainingPlan) -> Place:
    return await _unit_place_by_id(session, plan.unit_id)


async def training_session_place(session: AsyncSession, training_session: TrainingSession) -> Place:
    return await _unit_place_by_id(session, training_session.unit_id)


ValidTrainingPlan = Annotated[TrainingPlan, Depends(load_training_plan)]
TrainingPlanToView = Annotated[Allowed[TrainingPlan], Depends(allowed(load_training_plan, training_plan_place,
                                                                      Right.view, Right.plan, Right.guide))]
TrainingPlanToPlan = Annotated[Allowed[TrainingPlan], Depends(allowed(load_training_plan, training_plan_place,
                                                                      Right.plan))]
TrainingPlanToGuide = Annotated[Allowed[TrainingPlan], Depends(allowed(load_training_plan, training_plan_place,
                                                                       Right.guide))]


def _trainer_or(*rights: Right):
    async def dependency(principal: CurrentPrincipal, session: Session,
                         training_session: Annotated[TrainingSession, Depends(load_training_session)],
                         ) -> Allowed[TrainingSession]:
        place = await training_session_place(session, training_session)
        if training_session.trainer_id is not None and training_session.trainer_id == principal.user_id:
            trainer = Grant("trainer", place.unit_path, Mode.exact.value, via=f"training-session:{training_session.id}")
            return Allowed(item=training_session, principal=principal, grant=trainer)
        return Allowed(item=training_session, principal=principal, grant=authorize(principal, place, *rights))

    dependency.__name__ = "training_session_to_" + "_or_".join(["trainer", *(r.value for r in rights)])
    return dependency


# The session's trainer, or a holder of plan over its unit, records attendance and results (403 otherwise).
TrainingSessionToRecord = Annotated[Allowed[TrainingSession], Depends(_trainer_or(Right.plan))]
TrainingSessionToRead = Annotated[Allowed[TrainingSession], Depends(_trainer_or(Right.view, Right.plan,
                                                                                   Right.guide))]


load_certification = load_or_404(Certification, "certification_id", what="certification", what_zh="证书")


async def certification_place(session: AsyncSession, certification: Certification) -> Place:
    return await _unit_place_by_id(session, certification.unit_id)


CertificationToPlan = Annotated[Allowed[Certification], Depends(allowed(load_certification, certification_place,
                                                                        Right.plan))]
