"""API clients: other company systems, each limited to the grants an admin gives it."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.org.clients import service
from services.org.clients.schemas import ClientCreate, ClientRead, ClientUpdate, ClientWithSecret
from services.org.deps import AdminPrincipal, ValidClient

router = APIRouter(prefix="/clients", tags=["clients"])


@router.get("", response_model=Page[ClientRead])
async def list_clients(session: Session, principal: AdminPrincipal, limit: int = LimitParam,
                       cursor: str | None = CursorParam):
    return await service.list_clients(session, limit=limit, cursor=cursor)


@router.post("", response_model=ClientWithSecret, status_code=201, summary="Register an API client (admin)")
async def create_client(body: ClientCreate, session: Session, principal: AdminPrincipal):
    return await service.create_client(session, principal=principal, body=body)


@router.patch("/{client_pk}", response_model=ClientRead, summary="Change an API client's grants (admin)")
async def update_client(client: ValidClient, body: ClientUpdate, session: Session, principal: AdminPrincipal,
                        request: Request, response: Response):
    check_if_match(request, etag("client", client.id, client.version))
    updated = await service.update_client(session, principal=principal, client=client, body=body)
    set_etag(response, etag("client", updated.id, updated.version))
    return updated


@router.post("/{client_pk}/secret", response_model=ClientWithSecret, summary="Issue a new secret (admin)")
async def rotate_secret(client: ValidClient, session: Session, principal: AdminPrincipal):
    return await service.rotate_secret(session, principal=principal, client=client)


@router.delete("/{client_pk}", status_code=204)
async def delete_client(client: ValidClient, session: Session, principal: AdminPrincipal):
    await service.delete_client(session, principal=principal, client=client)
    return Response(status_code=204)
