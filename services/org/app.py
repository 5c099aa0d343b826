"""The org service: who is who, and who may do what where. Signs every token the others trust."""

from __future__ import annotations

from fastapi import FastAPI

from services.common.anchoring import chain_head
from services.common.app import create_service_app
from services.common.revocation import Revocations
from services.common.runtime import Runtime
from services.common.settings import ServiceSettings, settings_for
from services.common.tokens import JwksCache, verify
from services.org import anchors
from services.org.api import anchors as anchor_api
from services.org.api import auth, clients, delegations, positions, roles, units, users
from services.org.models import AuditEntry, events
from services.org.passwords import Passwords
from services.org.revocations import revoked_subjects
from services.org.runtime import OrgRuntime
from services.org.seed import ensure_roles, seed_demo
from services.org.signin import LocalServiceTokens, provision_service_clients
from services.org.signing import KeyStore


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or settings_for("org")

    async def start(rt: OrgRuntime) -> None:
        passwords = Passwords(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib,
                              max_concurrent=settings.argon2_max_concurrent, queue_seconds=settings.argon2_queue_seconds)
        keys = KeyStore()
        async with rt.db.writer() as session:
            await keys.load(session)
            await ensure_roles(session)
            await provision_service_clients(session, settings.service_secret)
            if settings.demo:
                await seed_demo(session, passwords)
            await session.commit()
        # Org verifies and issues its own tokens from memory: no HTTP round trip to itself.
        rt.provide(passwords=passwords, keys=keys, jwks=_LocalJwks(keys), service_tokens=LocalServiceTokens(settings, keys),
                   anchor_sink=_anchor_locally, anchor_source=_anchors_locally,
                   revocations=Revocations(lambda: _revoked_from_db(rt), refresh_seconds=settings.revocation_refresh_seconds))
        await rt.revocations.refresh()  # type: ignore[union-attr]

    return create_service_app(
        settings, title="Yunguan org 组织与权限",
        description="Org tree, positions, roles with the six rights, users, sign-in and tokens, audit.",
        routers=[auth.router, units.router, roles.router, positions.router, users.router, delegations.router,
                 clients.router, anchor_api.router],
        on_startup=[start], audit_model=AuditEntry, events=events,
        periodic=[(KEY_RELOAD_SECONDS, reload_keys)], runtime_class=OrgRuntime)


async def _anchor_locally(app: FastAPI, seq: int, hash_: str) -> tuple[int, str]:
    # org signs its own chain's head without a round trip; recording it moves the head on, and
    # that new head (the anchor itself) is not anchored again unless something else follows
    async with app.state.db.writer() as session:
        await anchors.record(session, keys=app.state.keys, issuer=app.state.settings.token_issuer, actor="org",
                             service="org", seq=seq, hash_=hash_)
        head = await chain_head(session, AuditEntry)
        await session.commit()
    return head


async def _anchors_locally(app: FastAPI) -> list[dict]:
    async with app.state.db.reader() as session:
        return await anchors.anchors_of(session, "org")


async def _revoked_from_db(rt: Runtime) -> list[dict]:
    # org reads its own tables: no HTTP round trip to itself
    async with rt.db.reader() as session:
        return await revoked_subjects(session, rt.settings)


# Replicas pick up a key rotated on another replica within this time (well inside a token's life).
KEY_RELOAD_SECONDS = 60


async def reload_keys(rt: OrgRuntime) -> None:
    async with rt.db.reader() as session:
        await rt.keys.reload(session)


class _LocalJwks(JwksCache):
    """Verification straight from the key store, which always holds every published key."""

    def __init__(self, keys: KeyStore):
        async def fetch() -> dict:
            return keys.jwks()

        super().__init__(fetch, ttl=float("inf"), min_refresh=0)
        self._store = keys

    @property
    def keys(self):
        return self._store.keyset

    async def verify(self, token: str, *, issuer: str, audience: str) -> dict:
        return verify(token, self._store.keyset, issuer=issuer, audience=audience)
