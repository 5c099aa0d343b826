"""Sign-in and tokens (OAuth 2.0 conventions), the JWKS, keys and /me."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from services.common.db import Session
from services.common.security import CurrentPrincipal
from services.org.auth import service
from services.org.auth.schemas import KeyRead, MeRead, TokenResponse
from services.org.deps import AdminPrincipal
from services.org.runtime import OrgRuntimeDep

router = APIRouter(tags=["auth"])


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(header[6:]).decode()
    except Exception:
        return None
    cid, _, secret = raw.partition(":")
    return cid, secret


@router.post("/auth/token", response_model=TokenResponse, response_model_exclude_none=True,
             summary="Get an access token (password, refresh_token, client_credentials or urn:yunguan:sso-code grant)")
async def token(request: Request, response: Response, session: Session, rt: OrgRuntimeDep,
                grant_type: Annotated[str, Form()],
                username: Annotated[str | None, Form()] = None,
                password: Annotated[str | None, Form()] = None,
                refresh_token: Annotated[str | None, Form()] = None,
                client_id: Annotated[str | None, Form()] = None,
                client_secret: Annotated[str | None, Form()] = None,
                scope: Annotated[str | None, Form()] = None,
                code: Annotated[str | None, Form()] = None):
    response.headers["Cache-Control"] = "no-store"
    # client_credentials: HTTP Basic (RFC 6749 §2.3.1) wins over the form's client_id and client_secret
    basic = _basic_credentials(request) if grant_type == "client_credentials" else None
    cid, secret = basic if basic else (client_id, client_secret)
    return await service.issue_token(session, rt, grant_type=grant_type, username=username, password=password,
                                     refresh_token=refresh_token, client_id=cid, client_secret=secret,
                                     code=code)


@router.post("/auth/revoke", status_code=200, summary="Revoke a refresh token (and its family)")
async def revoke(session: Session, token: Annotated[str, Form()],
                 token_type_hint: Annotated[str | None, Form()] = None):
    # RFC 7009: answer 200 whether or not the token was known, so the endpoint reveals nothing.
    await service.revoke(session, token=token)
    return {}


@router.get("/auth/revoked", summary="Subjects whose tokens are refused before they expire (public, like a CRL)")
async def revoked(response: Response, session: Session, rt: OrgRuntimeDep):
    response.headers["Cache-Control"] = "no-store"
    return await service.revoked(session, rt)


@router.get("/.well-known/jwks.json", summary="Public keys that verify Yunguan access tokens")
async def jwks(response: Response, rt: OrgRuntimeDep):
    response.headers["Cache-Control"] = "public, max-age=300"
    return service.jwks(rt)


@router.get("/keys", response_model=list[KeyRead], tags=["keys"], summary="Signing keys (admin)")
async def list_keys(session: Session, principal: AdminPrincipal, rt: OrgRuntimeDep):
    return await service.list_keys(session, rt)


@router.post("/keys/rotate", response_model=KeyRead, tags=["keys"], summary="Start signing with a new key (admin)")
async def rotate_keys(session: Session, principal: AdminPrincipal, rt: OrgRuntimeDep):
    return await service.rotate_keys(session, rt, principal=principal)


@router.get("/me", response_model=MeRead, tags=["me"], summary="The caller, their positions and grants")
async def me(session: Session, principal: CurrentPrincipal):
    return await service.me(session, principal=principal)
