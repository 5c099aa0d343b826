"""Directory sync: read a vendor's contacts, plan what would change in the org, and (unless it is a dry run)
apply the plan in the caller's one transaction; every run is kept with its plan."""

from __future__ import annotations

from collections import defaultdict

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.api import Page, paginate
from services.common.authz import Principal
from services.common.db import utcnow
from services.common.problems import Conflict, Invalid
from services.org.directory.apply import apply_plan
from services.org.directory.plan import SYNC_TITLES, Current, make_plan
from services.org.directory.schemas import SyncRunSummary
from services.org.identity.vendors import VENDOR_KINDS, client_for
from services.org.models import (
    Assignment,
    ExternalIdentity,
    ExternalUnit,
    IdentityProvider,
    Position,
    SyncRun,
    Unit,
    User,
)


async def _company(session: AsyncSession, provider: IdentityProvider) -> Unit:
    wanted = provider.config.get("company_unit_id")
    if wanted is not None:
        unit = await session.get(Unit, int(wanted))
        if unit is None:
            raise Invalid(f"The provider's company unit {wanted} does not exist.", field="config",
                          zh=f"身份源配置的公司单元 {wanted} 不存在。")
        return unit
    roots = (await session.execute(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))).scalars().all()
    if len(roots) != 1:
        raise Invalid("There is more than one company: set config.company_unit_id on the provider.", field="config",
                      zh="存在多个公司：请在身份源配置中指定 company_unit_id。")
    return roots[0]


async def current_state(session: AsyncSession, provider: IdentityProvider) -> Current:
    company = await _company(session, provider)
    units = {u.id: u for u in (await session.execute(
        select(Unit).where(Unit.path.startswith(company.path, autoescape=True)))).scalars()}
    links = dict((await session.execute(
        select(ExternalUnit.external_id, ExternalUnit.unit_id).where(ExternalUnit.provider_id == provider.id))).all())
    identities = dict((await session.execute(
        select(ExternalIdentity.subject, ExternalIdentity.user_id)
        .where(ExternalIdentity.provider_id == provider.id))).all())
    linked = set(identities.values())
    users = {u.id: u for u in (await session.execute(select(User).where(User.id.in_(linked)))).scalars()}
    positions: dict[tuple[int, str], Position] = {}
    for p in (await session.execute(select(Position).where(Position.unit_id.in_(units), Position.title.in_(SYNC_TITLES))
                                    .order_by(Position.id))).scalars():
        positions.setdefault((p.unit_id, p.title), p)
    today = clock.today()
    now = (Assignment.end_date.is_(None)) | (Assignment.end_date >= today)
    sync_positions = {p.id: p for p in positions.values()}
    assignments = [(a, sync_positions[a.position_id]) for a in (await session.execute(
        select(Assignment).where(Assignment.position_id.in_(sync_positions), now))).scalars()
        if a.user_id in linked]
    people_in: dict[int, int] = defaultdict(int)
    for unit_id, n in (await session.execute(
            select(Position.unit_id, func.count(func.distinct(Assignment.user_id)))
            .join(Assignment, Assignment.position_id == Position.id).where(now, Assignment.start_date <= today)
            .group_by(Position.unit_id))).all():
        people_in[unit_id] = n
    positions_in = dict((await session.execute(
        select(Position.unit_id, func.count()).group_by(Position.unit_id))).all())
    by_email: dict[str, int] = {}
    by_username: dict[str, int] = {}
    usernames: set[str] = set()
    for uid, username, email in (await session.execute(select(User.id, User.username, User.email))).all():
        usernames.add(username)
        if uid in linked:
            continue
        by_username[username] = uid
        if email:
            by_email.setdefault(email.lower(), uid)
    codes = set((await session.execute(select(Unit.code))).scalars())
    return Current(provider_key=provider.key, link_claim=provider.link_claim, company=company, units=units,
                   links=links, identities=identities, users=users, positions=positions, assignments=assignments,
                   usernames=usernames, codes=codes, people_in=people_in, positions_in=positions_in,
                   by_email=by_email, by_username=by_username)


async def sync(session: AsyncSession, *, http: httpx.AsyncClient, principal: Principal, provider: IdentityProvider,
               dry_run: bool) -> SyncRun:
    """Read the provider's contacts and plan the changes; apply them too unless ``dry_run``. All or nothing:
    the vendor's contacts are read in full before anything changes, and the changes share the caller's
    transaction."""
    if provider.kind not in VENDOR_KINDS:
        raise Invalid("Only DingTalk, WeCom and Feishu providers have a directory to sync.", field="kind",
                      zh="只有钉钉、企业微信和飞书身份源可以同步通讯录。")
    if not provider.sync_enabled:
        raise Conflict(f"Directory sync is not enabled for {provider.name}.",
                       zh=f"身份源“{provider.name}”未开启通讯录同步。")
    started = utcnow()
    directory = await client_for(provider, http).directory()
    if not dry_run:  # one apply per provider at a time (PostgreSQL; SQLite's writers queue anyway)
        await session.execute(select(IdentityProvider.id).where(IdentityProvider.id == provider.id).with_for_update())
    cur = await current_state(session, provider)
    plan = make_plan(directory, cur)
    if not dry_run:
        await apply_plan(session, provider=provider, principal=principal, cur=cur, plan=plan)
    run = SyncRun(provider_id=provider.id, dry_run=dry_run, actor=principal.sub, started_at=started,
                  finished_at=utcnow(), counts=plan.counts, plan=plan.changes, kept=plan.kept)
    session.add(run)
    await session.flush()
    return run


async def list_runs(session: AsyncSession, *, provider: IdentityProvider, limit: int,
                    cursor: str | None) -> Page[SyncRunSummary]:
    stmt = select(SyncRun).where(SyncRun.provider_id == provider.id)
    rows, nxt = await paginate(session, stmt, SyncRun.id, limit=limit, cursor=cursor)
    return Page[SyncRunSummary](items=[SyncRunSummary.model_validate(r) for r in rows], next_cursor=nxt)
