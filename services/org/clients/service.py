"""API clients: other company systems, each limited to the grants an admin gives it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import Page, paginate
from services.common.authz import Principal
from services.common.problems import Conflict, Invalid, NotFound
from services.org.auth.signin import hash_client_secret, new_client_secret
from services.org.clients.schemas import ClientCreate, ClientGrant, ClientRead, ClientUpdate, ClientWithSecret
from services.org.journal import journal
from services.org.models import ApiClient, Unit


def client_data(c: ApiClient) -> dict[str, Any]:
    return ClientRead.model_validate(c).model_dump()


async def _check_units(session: AsyncSession, grants: list[ClientGrant]) -> None:
    for g in grants:
        if await session.get(Unit, g.unit_id) is None:
            raise NotFound(f"There is no unit with id {g.unit_id}.", field="grants.unit_id",
                           zh=f"没有编号为 {g.unit_id} 的组织单元（授权）。")


async def list_clients(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[ClientRead]:
    rows, nxt = await paginate(session, select(ApiClient), ApiClient.id, limit=limit, cursor=cursor)
    return Page[ClientRead](items=[ClientRead.model_validate(c) for c in rows], next_cursor=nxt)


async def create_client(session: AsyncSession, *, principal: Principal, body: ClientCreate) -> ClientWithSecret:
    if body.client_id.startswith("svc-"):
        raise Invalid("Client ids starting with 'svc-' are reserved for Yunguan's own services.", field="client_id",
                      zh="以 svc- 开头的客户端编号留给运管系统自身的服务使用。")
    if (await session.execute(select(ApiClient.id).where(ApiClient.client_id == body.client_id))).first():
        raise Conflict(f"The client id '{body.client_id}' is taken.", field="client_id",
                       zh=f"客户端编号“{body.client_id}”已被占用。")
    await _check_units(session, body.grants)
    secret = new_client_secret()
    client = ApiClient(client_id=body.client_id, name=body.name, secret_hash=hash_client_secret(secret),
                       grants=[g.model_dump() for g in body.grants])
    session.add(client)
    await session.flush()
    await journal.audit(session, actor=principal, action="client.created", subject_type="api_client",
                        subject_id=client.id, after=client_data(client))
    return ClientWithSecret(**client_data(client), client_secret=secret)


async def update_client(session: AsyncSession, *, principal: Principal, client: ApiClient,
                        body: ClientUpdate) -> ApiClient:
    before = client_data(client)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if body.grants is not None:
        await _check_units(session, body.grants)
        changes["grants"] = [g.model_dump() for g in body.grants]
    for k, v in changes.items():
        setattr(client, k, v)
    await session.flush()
    await journal.audit(session, actor=principal, action="client.updated", subject_type="api_client",
                        subject_id=client.id, before=before, after=client_data(client))
    return client


async def rotate_secret(session: AsyncSession, *, principal: Principal, client: ApiClient) -> ClientWithSecret:
    secret = new_client_secret()
    client.secret_hash = hash_client_secret(secret)
    await session.flush()
    await journal.audit(session, actor=principal, action="client.secret_rotated", subject_type="api_client",
                        subject_id=client.id)
    return ClientWithSecret(**client_data(client), client_secret=secret)


async def delete_client(session: AsyncSession, *, principal: Principal, client: ApiClient) -> None:
    before = client_data(client)
    await session.delete(client)
    await journal.audit(session, actor=principal, action="client.deleted", subject_type="api_client",
                        subject_id=before["id"], before=before)
