"""API clients: other company systems, each limited to the grants an admin gives it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, paginate, set_etag
from services.common.db import Session
from services.common.problems import Conflict, Invalid, NotFound
from services.org.api.deps import AdminPrincipal, ValidClient, request_id
from services.org.journal import audit_change
from services.org.models import ApiClient, Unit
from services.org.schemas import ClientCreate, ClientGrant, ClientRead, ClientUpdate, ClientWithSecret
from services.org.signin import hash_client_secret, new_client_secret

router = APIRouter(prefix="/clients", tags=["clients"])


def _data(c: ApiClient) -> dict:
    return ClientRead.model_validate(c).model_dump()


async def _check_units(session, grants: list[ClientGrant]) -> None:
    for g in grants:
        if await session.get(Unit, g.unit_id) is None:
            raise NotFound(f"There is no unit with id {g.unit_id}.", field="grants.unit_id",
                           zh=f"没有编号为 {g.unit_id} 的组织单元（授权）。")


@router.get("", response_model=Page[ClientRead])
async def list_clients(session: Session, principal: AdminPrincipal, limit: int = LimitParam,
                       cursor: str | None = CursorParam):
    rows, nxt = await paginate(session, select(ApiClient), ApiClient.id, limit=limit, cursor=cursor)
    return Page[ClientRead](items=[ClientRead.model_validate(c) for c in rows], next_cursor=nxt)


@router.post("", response_model=ClientWithSecret, status_code=201, summary="Register an API client (admin)")
async def create_client(body: ClientCreate, session: Session, principal: AdminPrincipal, request: Request):
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
    await audit_change(session, actor=principal, action="client.created", subject_type="api_client",
                       subject_id=client.id, after=_data(client), request_id=request_id(request))
    return ClientWithSecret(**_data(client), client_secret=secret)


@router.patch("/{client_pk}", response_model=ClientRead, summary="Change an API client's grants (admin)")
async def update_client(client: ValidClient, body: ClientUpdate, session: Session, principal: AdminPrincipal,
                        request: Request, response: Response):
    check_if_match(request, etag("client", client.id, client.version))
    before = _data(client)
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if body.grants is not None:
        await _check_units(session, body.grants)
        changes["grants"] = [g.model_dump() for g in body.grants]
    for k, v in changes.items():
        setattr(client, k, v)
    await session.flush()
    await audit_change(session, actor=principal, action="client.updated", subject_type="api_client",
                       subject_id=client.id, before=before, after=_data(client), request_id=request_id(request))
    set_etag(response, etag("client", client.id, client.version))
    return client


@router.post("/{client_pk}/secret", response_model=ClientWithSecret, summary="Issue a new secret (admin)")
async def rotate_secret(client: ValidClient, session: Session, principal: AdminPrincipal, request: Request):
    secret = new_client_secret()
    client.secret_hash = hash_client_secret(secret)
    await session.flush()
    await audit_change(session, actor=principal, action="client.secret_rotated", subject_type="api_client",
                       subject_id=client.id, request_id=request_id(request))
    return ClientWithSecret(**_data(client), client_secret=secret)


@router.delete("/{client_pk}", status_code=204)
async def delete_client(client: ValidClient, session: Session, principal: AdminPrincipal, request: Request):
    before = _data(client)
    await session.delete(client)
    await audit_change(session, actor=principal, action="client.deleted", subject_type="api_client",
                       subject_id=before["id"], before=before, request_id=request_id(request))
    return Response(status_code=204)
