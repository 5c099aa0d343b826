"""SCIM 2.0 for identity providers that push users (Entra ID, Okta, Authing, Keycloak), and the SCIM
tokens administrators create for them.

Under ``/scim/v2`` every answer is ``application/scim+json`` and every refusal RFC 7644's error
(``urn:ietf:params:scim:api:messages:2.0:Error`` with ``status``, ``scimType`` where the RFC defines one,
and ``detail`` in the caller's language); the token endpoints answer as the rest of Yunguan does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from scim2_models import SCIMException
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.common.db import Session
from services.common.i18n import ZH
from services.common.problems import Problem, request_language
from services.org.deps import AdminPrincipal, ScimCallerDep, ValidScimToken
from services.org.scim import service
from services.org.scim.resources import SCIM_JSON, ScimProblem
from services.org.scim.schemas import ScimReply, ScimTokenCreate, ScimTokenRead, ScimTokenWithSecret

SCIM_BASE = "/scim/v2"


def _error_response(request: Request, exc: Exception) -> Response:
    headers: dict[str, str] = {}
    scim_type: str | None = None
    if isinstance(exc, ScimProblem):
        status, scim_type = exc.status, exc.scim_type
        detail = exc.zh if request_language(request) == ZH and exc.zh else exc.detail
    elif isinstance(exc, Problem):
        status, headers = exc.status, dict(exc.headers)
        detail = exc.zh if request_language(request) == ZH and exc.zh else exc.detail
    elif isinstance(exc, SCIMException | ValidationError):
        problem = service.from_library(exc)
        status, scim_type, detail = problem.status, problem.scim_type, problem.detail
    elif isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
        status, scim_type, detail = 400, "invalidValue", f"{where}: {first.get('msg', 'invalid')}"
    elif isinstance(exc, json.JSONDecodeError | UnicodeDecodeError):
        status, scim_type, detail = 400, "invalidSyntax", "The request body is not JSON."
    else:
        assert isinstance(exc, StarletteHTTPException)
        status, detail = exc.status_code, str(exc.detail)
        headers = dict(exc.headers or {})
    return Response(json.dumps(service.scim_error(status, detail, scim_type), ensure_ascii=False),
                    status_code=status, media_type=SCIM_JSON, headers=headers)


class ScimRoute(APIRoute):
    """Answers the SCIM endpoints' refusals (from dependencies and validation too) in SCIM's error shape.

    The SCIM endpoints stay out of the OpenAPI document: they describe themselves the SCIM way
    (/ServiceProviderConfig, /ResourceTypes, /Schemas), and no Yunguan client but a provider calls them."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if SCIM_BASE in path:
            kwargs["include_in_schema"] = False
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def scim_handler(request: Request) -> Response:
            if SCIM_BASE not in request.url.path:
                return await handler(request)
            try:
                return await handler(request)
            except (Problem, SCIMException, ValidationError, RequestValidationError, StarletteHTTPException,
                    json.JSONDecodeError, UnicodeDecodeError) as exc:
                # answered here rather than raised on: the request's session (closed after this returns)
                # would otherwise commit what the refused request had changed
                session = getattr(request.state, "scim_session", None)
                if session is not None:
                    await session.rollback()
                return _error_response(request, exc)

        return scim_handler


router = APIRouter(tags=["scim"], route_class=ScimRoute)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/api/org" + SCIM_BASE


def _reply(reply: ScimReply) -> Response:
    headers: dict[str, str] = {}
    if reply.etag:
        headers["ETag"] = reply.etag
    if reply.location and reply.status == 201:
        headers["Location"] = reply.location
    if reply.body is None:
        return Response(status_code=reply.status, headers=headers)
    return Response(json.dumps(reply.body, ensure_ascii=False, default=str), status_code=reply.status,
                    media_type=SCIM_JSON, headers=headers)


# --- tokens (administrators) -------------------------------------------------------------------------------


@router.post("/scim-tokens", response_model=ScimTokenWithSecret, status_code=201,
             summary="Create a SCIM token for an identity provider (admin; the token is shown once)")
async def create_token(body: ScimTokenCreate, session: Session, principal: AdminPrincipal):
    return await service.create_token(session, principal=principal, body=body)


@router.get("/scim-tokens", response_model=list[ScimTokenRead], summary="SCIM tokens (admin; never the tokens)")
async def list_tokens(session: Session, principal: AdminPrincipal):
    return await service.list_tokens(session)


@router.delete("/scim-tokens/{token_id}", status_code=204, summary="Revoke a SCIM token (admin)")
async def revoke_token(token: ValidScimToken, session: Session, principal: AdminPrincipal):
    await service.revoke_token(session, principal=principal, token=token)
    return Response(status_code=204)


# --- discovery ---------------------------------------------------------------------------------------------

@router.get(SCIM_BASE + "/ServiceProviderConfig", summary="SCIM: what Yunguan supports")
async def service_provider_config(caller: ScimCallerDep, request: Request):
    return _reply(service.service_provider_config(base=_base(request)))


@router.get(SCIM_BASE + "/ResourceTypes", summary="SCIM: User and Group")
async def resource_types(caller: ScimCallerDep, request: Request):
    return _reply(service.discovery(base=_base(request), kind="ResourceTypes", ident=None))


@router.get(SCIM_BASE + "/ResourceTypes/{ident}", summary="SCIM: a resource type")
async def resource_type(ident: str, caller: ScimCallerDep, request: Request):
    return _reply(service.discovery(base=_base(request), kind="ResourceTypes", ident=ident))


@router.get(SCIM_BASE + "/Schemas", summary="SCIM: the User and Group schemas")
async def schemas(caller: ScimCallerDep, request: Request):
    return _reply(service.discovery(base=_base(request), kind="Schemas", ident=None))


@router.get(SCIM_BASE + "/Schemas/{ident}", summary="SCIM: a schema")
async def schema(ident: str, caller: ScimCallerDep, request: Request):
    return _reply(service.discovery(base=_base(request), kind="Schemas", ident=ident))


# --- users -------------------------------------------------------------------------------------------------


def _query(request: Request) -> dict[str, Any]:
    """A list's query parameters as a SCIM search request (validated by the service, as a POST .search)."""
    names = ("filter", "startIndex", "count", "attributes", "excludedAttributes", "sortBy", "sortOrder")
    return {name: request.query_params.get(name) for name in names}


@router.get(SCIM_BASE + "/Users", summary="SCIM: users (filter, startIndex, count, attributes)")
async def list_users(caller: ScimCallerDep, session: Session, request: Request):
    return _reply(await service.list_users(session, caller=caller, base=_base(request), query=_query(request)))


@router.post(SCIM_BASE + "/Users/.search", summary="SCIM: search users (the query in the body)")
async def search_users(caller: ScimCallerDep, session: Session, request: Request):
    body = await request.json()
    return _reply(await service.list_users(session, caller=caller, base=_base(request), query=body))


@router.get(SCIM_BASE + "/Users/{ident}", summary="SCIM: a user")
async def get_user(ident: str, caller: ScimCallerDep, session: Session, request: Request,
                   attributes: str | None = Query(None, max_length=2000),
                   excluded_attributes: str | None = Query(None, alias="excludedAttributes", max_length=2000)):
    return _reply(await service.get_user(session, caller=caller, ident=ident, base=_base(request),
                                         attributes=attributes, excluded=excluded_attributes))


@router.post(SCIM_BASE + "/Users", status_code=201, summary="SCIM: provision a user")
async def create_user(caller: ScimCallerDep, session: Session, request: Request):
    body = await request.json()
    return _reply(await service.create_user(session, caller=caller, body=body, base=_base(request)))


@router.put(SCIM_BASE + "/Users/{ident}", summary="SCIM: replace a user")
async def replace_user(ident: str, caller: ScimCallerDep, session: Session, request: Request):
    body = await request.json()
    return _reply(await service.replace_user(session, caller=caller, ident=ident, body=body, base=_base(request),
                                             if_match=request.headers.get("if-match")))


@router.patch(SCIM_BASE + "/Users/{ident}", summary="SCIM: change a user (add, replace, remove)")
async def patch_user(ident: str, caller: ScimCallerDep, session: Session, request: Request):
    body = await request.json()
    return _reply(await service.patch_user(session, caller=caller, ident=ident, body=body, base=_base(request),
                                           if_match=request.headers.get("if-match")))


@router.delete(SCIM_BASE + "/Users/{ident}", status_code=204,
               summary="SCIM: deprovision a user (deactivated in Yunguan, never deleted)")
async def delete_user(ident: str, caller: ScimCallerDep, session: Session, request: Request):
    return _reply(await service.delete_user(session, caller=caller, ident=ident,
                                            if_match=request.headers.get("if-match")))


# --- groups: Yunguan's positions -----------------------------------------------------------------------------


@router.get(SCIM_BASE + "/Groups", summary="SCIM: the company's positions as groups")
async def list_groups(caller: ScimCallerDep, session: Session, request: Request):
    return _reply(await service.list_groups(session, caller=caller, base=_base(request), query=_query(request)))


@router.post(SCIM_BASE + "/Groups/.search", summary="SCIM: search groups (the query in the body)")
async def search_groups(caller: ScimCallerDep, session: Session, request: Request):
    body = await request.json()
    return _reply(await service.list_groups(session, caller=caller, base=_base(request), query=body))


@router.get(SCIM_BASE + "/Groups/{ident}", summary="SCIM: a position as a group")
async def get_group(ident: str, caller: ScimCallerDep, session: Session, request: Request,
                    attributes: str | None = Query(None, max_length=2000),
                    excluded_attributes: str | None = Query(None, alias="excludedAttributes", max_length=2000)):
    return _reply(await service.get_group(session, caller=caller, ident=ident, base=_base(request),
                                          attributes=attributes, excluded=excluded_attributes))


@router.patch(SCIM_BASE + "/Groups/{ident}", summary="SCIM: add or remove members (assign or end assignments)")
async def patch_group(ident: str, caller: ScimCallerDep, session: Session, request: Request):
    body = await request.json()
    return _reply(await service.patch_group(session, caller=caller, ident=ident, body=body, base=_base(request),
                                            if_match=request.headers.get("if-match")))


@router.put(SCIM_BASE + "/Groups/{ident}", summary="SCIM: set a position's members")
async def replace_group(ident: str, caller: ScimCallerDep, session: Session, request: Request):
    body = await request.json()
    return _reply(await service.replace_group(session, caller=caller, ident=ident, body=body, base=_base(request),
                                              if_match=request.headers.get("if-match")))


@router.post(SCIM_BASE + "/Groups", summary="SCIM: refused (403 mutability): positions are created in Yunguan")
async def create_group(caller: ScimCallerDep):
    return _reply(service.refuse_group_change("create"))


@router.delete(SCIM_BASE + "/Groups/{ident}", summary="SCIM: refused (403 mutability): positions are removed "
                                                       "in Yunguan")
async def delete_group(ident: str, caller: ScimCallerDep):
    return _reply(service.refuse_group_change("remove"))


@router.api_route(SCIM_BASE + "/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                  include_in_schema=False)
async def unknown_endpoint(rest: str, caller: ScimCallerDep, request: Request):
    return _reply(service.no_such_endpoint(rest, request.method))
