"""Applying a sync plan: each change through the function the org's own API uses for it (the unit tree and
the units, positions and users services), so each is checked, audited once and announced as an event
exactly as an administrator's change would be. The caller's transaction holds them all: one refused change
and nothing is applied."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Grant, Principal, Right
from services.common.guards import Allowed, authorize
from services.org.deps import unit_place_of
from services.org.directory.plan import Current, Plan
from services.org.identity.linking import NO_PASSWORD
from services.org.journal import journal
from services.org.models import Assignment, ExternalIdentity, ExternalUnit, IdentityProvider, Role, Unit, User
from services.org.positions import service as positions
from services.org.positions.schemas import PositionCreate
from services.org.units import service as units
from services.org.units.schemas import UnitCreate, UnitMove, UnitUpdate
from services.org.users import service as users
from services.org.users.schemas import AssignmentCreate, UserUpdate


class _Applier:
    def __init__(self, session: AsyncSession, provider: IdentityProvider, principal: Principal, cur: Current):
        self.session = session
        self.provider = provider
        self.principal = principal
        self.cur = cur
        self.grant: Grant = authorize(principal, unit_place_of(cur.company), Right.admin)
        self.unit_ids: dict[str, int] = {}  # "ext:<department>" → the unit created for it
        self.user_ids: dict[str, int] = {}  # "new:<subject>" → the user created
        self.positions: dict[tuple[int, str], int] = {k: p.id for k, p in cur.positions.items()}
        self.roles: dict[str, Role] = {}
        # what this run made, held here so the session's identity map (weak) answers for it without a query
        self.made: list[Any] = []

    def unit_id(self, key: int | str) -> int:
        return key if isinstance(key, int) else self.unit_ids[key]

    def user_id(self, key: int | str) -> int:
        return key if isinstance(key, int) else self.user_ids[key]

    async def unit(self, unit_id: int) -> Unit:
        unit = await self.session.get(Unit, unit_id)
        assert unit is not None
        return unit

    def allowed(self, item: Any) -> Allowed[Any]:
        return Allowed(item=item, principal=self.principal, grant=self.grant)

    async def role_id(self, key: str) -> int:
        if key not in self.roles:
            self.roles[key] = (await self.session.execute(select(Role).where(Role.key == key))).scalar_one()
        return self.roles[key].id

    # --- one method per op ---------------------------------------------------------------------

    async def unit_create(self, c: dict[str, Any]) -> None:
        unit = await units.create_unit(self.session, principal=self.principal,
                                       body=UnitCreate(parent_id=self.unit_id(c["parent"]), name=c["name"],
                                                       code=c["code"], kind=c["kind"]))
        self.unit_ids[f"ext:{c['external_id']}"] = unit.id
        self.made.append(unit)
        self.session.add(ExternalUnit(provider_id=self.provider.id, external_id=c["external_id"], unit_id=unit.id))

    async def unit_rename(self, c: dict[str, Any]) -> None:
        await units.update_unit(self.session, unit=self.allowed(await self.unit(c["unit_id"])),
                                body=UnitUpdate(name=c["to"]))

    async def unit_move(self, c: dict[str, Any]) -> None:
        unit = await self.unit(c["unit_id"])
        unit.kind = c["kind"]  # the kind its new depth needs; the move checks it against the new parent
        await units.move_unit(self.session, unit=self.allowed(unit),
                              body=UnitMove(parent_id=self.unit_id(c["to_parent"])))

    async def unit_kind(self, c: dict[str, Any]) -> None:
        await units.update_unit(self.session, unit=self.allowed(await self.unit(c["unit_id"])),
                                body=UnitUpdate(kind=c["to"]))

    async def position_create(self, c: dict[str, Any]) -> None:
        unit_id = self.unit_id(c["unit"])
        pos = await positions.create_position(self.session, principal=self.principal, body=PositionCreate(
            unit_id=unit_id, role_id=await self.role_id(c["role"]), title=c["title"], heads_unit=c["heads_unit"]))
        self.positions[(unit_id, c["title"])] = pos.id
        self.made.append(pos)

    async def user_create(self, c: dict[str, Any]) -> None:
        # as users.service.create_user, but with no password: a synced person signs in through the provider
        user = User(username=c["username"], display_name=c["display_name"], email=c["email"], password_hash=NO_PASSWORD)
        self.session.add(user)
        await self.session.flush()
        self.user_ids[f"new:{c['subject']}"] = user.id
        self.made.append(user)
        self.session.add(ExternalIdentity(provider_id=self.provider.id, subject=c["subject"], user_id=user.id))
        data = users.user_data(user)
        await journal.audit(self.session, actor=self.principal, action="user.created", subject_type="user",
                            subject_id=user.id, after=data.model_dump(mode="json"),
                            note=f"directory sync {self.provider.key}: {c['subject']}")
        await journal.emit(self.session, "org.user.created", user.id, data)

    async def user_link(self, c: dict[str, Any]) -> None:
        self.session.add(ExternalIdentity(provider_id=self.provider.id, subject=c["subject"], user_id=c["user_id"]))
        await journal.audit(self.session, actor=self.principal, action="identity.linked", subject_type="user",
                            subject_id=c["user_id"], after={"provider": self.provider.key, "subject": c["subject"],
                                                            "by": c["by"]}, note="directory sync")

    async def user_update(self, c: dict[str, Any]) -> None:
        user = await self.session.get(User, c["user_id"])
        assert user is not None
        await users.update_user(self.session, principal=self.principal, user=user, body=UserUpdate(**c["changes"]))

    async def user_deactivate(self, c: dict[str, Any]) -> None:
        user = await self.session.get(User, c["user_id"])
        assert user is not None
        await users.update_user(self.session, principal=self.principal, user=user, body=UserUpdate(active=False))

    async def assign(self, c: dict[str, Any]) -> None:
        position_id = self.positions[(self.unit_id(c["unit"]), c["title"])]
        await users.create_assignment(self.session, principal=self.principal, body=AssignmentCreate(
            user_id=self.user_id(c["user"]), position_id=position_id, start_date=clock.today()))

    async def unassign(self, c: dict[str, Any]) -> None:
        assignment = await self.session.get(Assignment, c["assignment_id"])
        assert assignment is not None
        await users.delete_assignment(self.session, assignment=self.allowed(assignment))


async def apply_plan(session: AsyncSession, *, provider: IdentityProvider, principal: Principal, cur: Current,
                     plan: Plan) -> None:
    applier = _Applier(session, provider, principal, cur)
    if plan.root_id not in cur.links:  # the root department is the company itself
        session.add(ExternalUnit(provider_id=provider.id, external_id=plan.root_id, unit_id=cur.company.id))
    ops = {"unit.create": applier.unit_create, "unit.rename": applier.unit_rename, "unit.move": applier.unit_move,
           "unit.kind": applier.unit_kind, "position.create": applier.position_create,
           "user.create": applier.user_create, "user.link": applier.user_link, "user.update": applier.user_update,
           "user.deactivate": applier.user_deactivate, "head.assign": applier.assign, "member.assign": applier.assign,
           "head.unassign": applier.unassign, "member.unassign": applier.unassign}
    for change in plan.changes:
        await ops[change["op"]](change)
    await session.flush()

