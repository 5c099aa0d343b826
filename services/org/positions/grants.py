"""Loading what a user or API client holds and resolving it into grants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Grant, company_path, parent_path
from services.common.db import utcnow
from services.org.models import ApiClient, Assignment, Delegation, Position, Role, Unit, User
from services.org.positions.authority import HeldPosition, dedupe, delegated_grants, position_grants


def ancestor_ids(path: str) -> list[int]:
    return [int(p) for p in path.split("/") if p]


async def _kinds_by_path(session: AsyncSession, paths: list[str]) -> dict[str, str]:
    ids = sorted({i for p in paths for i in ancestor_ids(p)})
    if not ids:
        return {}
    rows = (await session.execute(select(Unit.path, Unit.kind).where(Unit.id.in_(ids)))).all()
    return {str(p): str(k) for p, k in rows}


@dataclass(frozen=True)
class PostToday:
    """A position someone holds today, as lists name it."""

    title: str
    unit_id: int
    unit_name: str
    start_date: date
    assignment_id: int


async def posts_today(session: AsyncSession, user_ids: list[int]) -> dict[int, list[PostToday]]:
    """The positions each of ``user_ids`` holds today (the company's day), in position order; users holding none
    are absent."""
    if not user_ids:
        return {}
    today = clock.today()
    rows = (await session.execute(
        select(Assignment.user_id, Position.title, Unit.id, Unit.name, Assignment.start_date, Assignment.id)
        .join(Position, Position.id == Assignment.position_id).join(Unit, Unit.id == Position.unit_id)
        .where(Assignment.user_id.in_(user_ids), Assignment.start_date <= today,
               Assignment.end_date.is_(None) | (Assignment.end_date >= today))
        .order_by(Assignment.user_id, Position.id))).all()
    held: dict[int, list[PostToday]] = {}
    for user_id, title, unit_id, unit_name, start, assignment_id in rows:
        held.setdefault(user_id, []).append(PostToday(title, unit_id, unit_name, start, assignment_id))
    return held


async def held_positions(session: AsyncSession, user_id: int, now: datetime | None = None, *,
                         for_good: bool = False) -> list[HeldPosition]:
    """The positions a user holds today (``for_good``: and with no end date), with what grant resolution needs."""
    today = clock.local(now).date() if now else clock.today()  # the company's day
    ends = (Assignment.end_date.is_(None) if for_good
            else (Assignment.end_date.is_(None)) | (Assignment.end_date >= today))
    rows = (await session.execute(
        select(Position, Role, Unit)
        .join(Assignment, Assignment.position_id == Position.id)
        .join(Role, Role.id == Position.role_id)
        .join(Unit, Unit.id == Position.unit_id)
        .where(Assignment.user_id == user_id, Assignment.start_date <= today, ends)
        .order_by(Position.id)
    )).all()
    kinds = await _kinds_by_path(session, [u.path for _, _, u in rows])
    held, seen = [], set()
    for pos, role, unit in rows:
        if pos.id in seen:
            continue
        seen.add(pos.id)
        held.append(HeldPosition(
            position_id=pos.id, position_title=pos.title, role_key=role.key, role_name=role.name,
            rights=tuple((r["right"], r["scope"]) for r in role.rights), unit_path=unit.path,
            parent_path=parent_path(unit.path), company_path=company_path(unit.path, kinds),
            heads_unit=pos.heads_unit))
    return held


async def own_grants(session: AsyncSession, user_id: int, now: datetime | None = None) -> list[Grant]:
    return dedupe(g for h in await held_positions(session, user_id, now) for g in position_grants(h))


@dataclass
class ActiveDelegation:
    delegation: Delegation
    grants: list[Grant]


async def incoming_delegations(session: AsyncSession, user_id: int,
                               now: datetime | None = None) -> list[ActiveDelegation]:
    now = now or utcnow()
    rows = (await session.execute(
        select(Delegation).where(Delegation.to_user_id == user_id, Delegation.revoked_at.is_(None),
                                 Delegation.starts_at <= now, Delegation.ends_at > now)
        .order_by(Delegation.id))).scalars().all()
    out = []
    for d in rows:
        # Delegated rights are the delegator's own position rights: delegations never chain.
        base = await own_grants(session, d.from_user_id, now)
        out.append(ActiveDelegation(d, delegated_grants(base, delegation_id=d.id, from_user_id=d.from_user_id,
                                                        rights=d.rights or ())))
    return out


async def user_grants(session: AsyncSession, user_id: int, now: datetime | None = None) -> list[Grant]:
    """Everything a user may do right now: own positions plus active delegations to them."""
    grants = await own_grants(session, user_id, now)
    for active in await incoming_delegations(session, user_id, now):
        grants.extend(active.grants)
    return dedupe(grants)


async def right_holders(session: AsyncSession, right: str, unit_path: str, held_at: str | None = None) -> list[User]:
    """Active users who hold ``right`` over ``unit_path`` now (held in the unit at ``held_at`` when given), through
    their positions or a delegation to them."""
    return [u for u, _ in await right_holders_with_grants(session, right, unit_path, held_at)]


async def right_holders_with_grants(session: AsyncSession, right: str, unit_path: str,
                                    held_at: str | None = None) -> list[tuple[User, Grant]]:
    """:func:`right_holders`, each with the first grant that gives them the right (where they hold it)."""
    candidates = await _could_hold(session, right, unit_path)
    users = (await session.execute(select(User).where(User.active.is_(True), User.id.in_(candidates))
                                   .order_by(User.id))).scalars().all() if candidates else []
    out = []
    for u in users:
        grant = next((g for g in await user_grants(session, u.id)
                      if g.covers(right, unit_path) and (held_at is None or g.held_at == held_at)), None)
        if grant is not None:
            out.append((u, grant))
    return out


async def _could_hold(session: AsyncSession, right: str, unit_path: str) -> set[int]:
    """Everyone who might hold ``right`` over ``unit_path`` (a superset, checked grant by grant after): the
    grants of a position reach only its own unit and what lies below it (scopes self, subordinates, subtree),
    its parent (superior) or its whole company (company). So: holders of a post, with a role giving the right,
    in the unit or above it, or in a unit right below it, or anywhere when the role gives it company-wide; and
    whoever has a delegation now. Reading every user's grants instead took seconds with 20,000 people."""
    scopes_by_role: dict[int, set[str]] = {}
    for role_id, rights in (await session.execute(select(Role.id, Role.rights))).all():
        scopes = {r.get("scope") for r in rights or () if isinstance(r, dict) and r.get("right") == right}
        if scopes:
            scopes_by_role[role_id] = {str(s) for s in scopes}
    ids = ancestor_ids(unit_path)
    if not ids:
        return set()
    today = clock.today()
    held_now = (Assignment.start_date <= today) & ((Assignment.end_date.is_(None)) | (Assignment.end_date >= today))
    near = Position.unit_id.in_(ids) | Position.unit_id.in_(select(Unit.id).where(Unit.parent_id == ids[-1]))
    anywhere = [r for r, scopes in scopes_by_role.items() if "company" in scopes]
    out: set[int] = set()
    if scopes_by_role:
        out |= set((await session.execute(
            select(Assignment.user_id).join(Position, Position.id == Assignment.position_id)
            .where(held_now, Position.role_id.in_(list(scopes_by_role)),
                   near | Position.role_id.in_(anywhere) if anywhere else near))).scalars())
    now = utcnow()
    out |= set((await session.execute(select(Delegation.to_user_id).where(
        Delegation.revoked_at.is_(None), Delegation.starts_at <= now, Delegation.ends_at > now))).scalars())
    return out


async def client_grants(session: AsyncSession, client: ApiClient) -> list[Grant]:
    """An API client's grants, with unit ids resolved to today's paths.

    Yunguan's own services (``svc-*``) also read the whole directory (units, users), so
    they can resolve owners and units they receive in events.
    """
    if client.client_id.startswith("svc-"):
        roots = (await session.execute(select(Unit.path).where(Unit.parent_id.is_(None)))).scalars().all()
        return [Grant(right="view", unit_path=p, mode="subtree", held_at="", via=f"client:{client.client_id}")
                for p in roots]
    ids = [g["unit_id"] for g in client.grants]
    paths = dict((await session.execute(select(Unit.id, Unit.path).where(Unit.id.in_(ids)))).all()) if ids else {}
    return dedupe(Grant(right=g["right"], unit_path=paths[g["unit_id"]], mode=g.get("mode", "subtree"),
                        held_at="", via=f"client:{client.client_id}")
                  for g in client.grants if g["unit_id"] in paths)
