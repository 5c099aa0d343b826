"""The org service: who is who, and who may do what where. Signs every token the others trust."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from services.common.anchoring import chain_head
from services.common.app import create_service_app
from services.common.db import utcnow
from services.common.leases import every_replica
from services.common.revocation import Revocations
from services.common.runtime import Runtime, narrowed
from services.common.settings import ServiceSettings, settings_for
from services.common.tokens import JwksCache, KeySet, verify
from services.org.anchors.router import router as anchors_router
from services.org.anchors.service import anchors_of, record
from services.org.auth.router import router as auth_router
from services.org.auth.service import revoked_subjects
from services.org.auth.signin import LocalServiceTokens, provision_service_clients
from services.org.auth.signing import KeyStore
from services.org.calendar.router import router as calendar_router
from services.org.channels.dispatcher import Dispatcher
from services.org.channels.router import router as channels_router
from services.org.clients.router import router as clients_router
from services.org.consumers import CONSUMES
from services.org.delegations.router import router as delegations_router
from services.org.directory.router import router as directory_router
from services.org.exchange.router import router as exchange_router
from services.org.identity.router import router as identity_router
from services.org.models import AuditEntry, JobLease, events
from services.org.notifications.router import router as notifications_router
from services.org.positions.router import router as positions_router
from services.org.reminders.digests import run_digests
from services.org.reminders.router import router as reminders_router
from services.org.reminders.scan import scan
from services.org.roles.router import router as roles_router
from services.org.runtime import OrgRuntime
from services.org.scim.router import router as scim_router
from services.org.search.router import router as search_router
from services.org.seed import ensure_roles, seed_demo
from services.org.staffing.demo import seed_staffing
from services.org.staffing.router import router as staffing_router
from services.org.staffing.service import measure
from services.org.training.demo import seed_training_demo
from services.org.training.router import router as training_router
from services.org.training.service import remind_certifications
from services.org.units.router import router as units_router
from services.org.users.passwords import Passwords
from services.org.users.router import router as users_router


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or settings_for("org")

    async def start(rt: OrgRuntime) -> None:
        passwords = Passwords(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib,
                              max_concurrent=settings.argon2_max_concurrent,
                              queue_seconds=settings.argon2_queue_seconds)
        keys = KeyStore(activation_seconds=settings.key_activation_seconds)
        async with rt.db.writer() as session:
            await keys.load(session)
            await ensure_roles(session)
            await provision_service_clients(session, settings.service_secret)
            if settings.demo:
                seeded = await seed_demo(session, passwords)
                await seed_training_demo(session)
                if seeded and settings.relay_enabled:
                    # staffing (issue 20): the demo's staff and its plans' headcount, where the demo runs
                    # whole (as kpi's demo, only with the relay; tests build on the bare demo company)
                    await seed_staffing(session)
            await session.commit()
        # Org verifies and issues its own tokens from memory: no HTTP round trip to itself.
        revocations = Revocations(lambda: _revoked_from_db(rt), refresh_seconds=settings.revocation_refresh_seconds)
        rt.provide(passwords=passwords, keys=keys, jwks=_LocalJwks(keys),
                   service_tokens=LocalServiceTokens(settings, keys), anchor_sink=_anchor_locally,
                   anchor_source=_anchors_locally, revocations=revocations)
        await revocations.refresh()

    return create_service_app(
        settings, title="Yunguan org 组织与权限",
        description="Org tree, positions, roles with the six rights, users, sign-in and tokens, audit.",
        routers=[auth_router, units_router, roles_router, positions_router, users_router, delegations_router,
                 clients_router, anchors_router, notifications_router, reminders_router, calendar_router,
                 channels_router, directory_router, scim_router, exchange_router, identity_router,
                 staffing_router, training_router, search_router],
        on_startup=[start, start_dispatcher], audit_model=AuditEntry, events=events, consumes=CONSUMES,
        periodic=[(KEY_RELOAD_SECONDS, reload_keys), (settings.notify_scan_seconds, remind_and_digest),
                  (STAFFING_MEASURE_SECONDS, measure_staffing)],
        background=[dispatch_messages], lease_model=JobLease, runtime_class=OrgRuntime)


async def start_dispatcher(rt: OrgRuntime) -> None:
    rt.provide(dispatcher=Dispatcher(db=rt.db, settings=rt.settings, client=rt.http))


async def dispatch_messages(rt: OrgRuntime) -> None:
    """Send due e-mail and robot messages until shutdown (tests turn it off and run rounds by hand)."""
    if rt.settings.notify_dispatch_enabled:
        await rt.dispatcher.run_forever()


async def _anchor_locally(app: FastAPI, seq: int, hash_: str) -> tuple[int, str] | None:
    # org signs its own chain's head without a round trip; recording it moves the head on, and
    # that new head (the anchor itself) is not anchored again unless something else follows
    rt = narrowed(app.state.runtime, OrgRuntime)
    async with rt.db.writer() as session:
        await record(session, keys=rt.keys, issuer=rt.settings.token_issuer, actor="org", service="org", seq=seq,
                     hash_=hash_)
        head = await chain_head(session, AuditEntry)
        await session.commit()
    return head


async def _anchors_locally(app: FastAPI) -> list[dict[str, Any]]:
    async with narrowed(app.state.runtime, OrgRuntime).db.reader() as session:
        return await anchors_of(session, "org")


async def _revoked_from_db(rt: Runtime) -> list[dict[str, Any]]:
    # org reads its own tables: no HTTP round trip to itself
    async with rt.db.reader() as session:
        return await revoked_subjects(session, rt.settings)


# Replicas pick up a key rotated on another replica within this time (well inside a token's life).
KEY_RELOAD_SECONDS = 60


@every_replica  # each replica signs and verifies from its own copy of the keys
async def reload_keys(rt: OrgRuntime) -> None:
    async with rt.db.reader() as session:
        await rt.keys.reload(session)


async def remind_and_digest(rt: OrgRuntime) -> None:
    """The reminder scan (remind before the limit, escalate after it), then the digests that are due; each in
    its own transaction, so a failing digest does not hold back the reminders."""
    async with rt.db.writer() as session:
        await scan(session, now=utcnow())
        await session.commit()
    async with rt.db.writer() as session:
        await run_digests(session, rt.settings, now=utcnow())
        await session.commit()
    async with rt.db.writer() as session:  # certificates expiring soon or expired (training, issue 20)
        await remind_certifications(session)
        await session.commit()


# staffing (issue 20): people join and leave on their assignments' dates, a new month starts, and bulk changes (a
# directory sync) are measured after the fact: every few minutes (one read of the org; only changed numbers are sent).
STAFFING_MEASURE_SECONDS = 300


async def measure_staffing(rt: OrgRuntime) -> int:
    async with rt.db.writer() as session:
        out = await measure(session)
        await session.commit()
    return out.changed


class _LocalJwks(JwksCache):
    """Verification straight from the key store, which always holds every published key."""

    def __init__(self, keys: KeyStore):
        async def fetch() -> dict[str, Any]:
            return keys.jwks()

        super().__init__(fetch, ttl=float("inf"), min_refresh=0)
        self._store = keys

    @property
    def keys(self) -> KeySet:
        return self._store.keyset

    async def verify(self, token: str, *, issuer: str, audience: str) -> dict[str, Any]:
        return verify(token, self._store.keyset, issuer=issuer, audience=audience)
