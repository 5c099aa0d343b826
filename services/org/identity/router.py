"""Identity providers (admin), the sign-in page's options, require-SSO, and the OIDC sign-in endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from services.common.api import CursorParam, LimitParam, Page, check_if_match, etag, set_etag
from services.common.db import Session
from services.org.deps import AdminPrincipal, ValidProvider, WriterSession
from services.org.identity import service
from services.org.identity.schemas import (
    FreeLogin,
    FreeLoginRead,
    LogoutRequest,
    LogoutResponse,
    ProviderCreate,
    ProviderRead,
    ProviderUpdate,
    RequireSso,
    RequireSsoRead,
    SignInOptions,
)
from services.org.runtime import OrgRuntimeDep

router = APIRouter(tags=["identity"])


@router.get("/identity-providers", response_model=Page[ProviderRead], summary="Identity providers (admin)")
async def list_providers(session: Session, principal: AdminPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam):
    return await service.list_providers(session, limit=limit, cursor=cursor)


@router.post("/identity-providers", response_model=ProviderRead, status_code=201,
             summary="Add an identity provider (admin; the secret is write-only)")
async def create_provider(body: ProviderCreate, session: Session, principal: AdminPrincipal, response: Response):
    created = await service.create_provider(session, principal=principal, body=body)
    set_etag(response, etag("identity_provider", created.id, created.version))
    return created


@router.patch("/identity-providers/{provider_id}", response_model=ProviderRead,
              summary="Change an identity provider (admin; If-Match)")
async def update_provider(provider: ValidProvider, body: ProviderUpdate, session: Session,
                          principal: AdminPrincipal, request: Request, response: Response):
    check_if_match(request, etag("identity_provider", provider.id, provider.version))
    updated = await service.update_provider(session, principal=principal, provider=provider, body=body)
    set_etag(response, etag("identity_provider", updated.id, updated.version))
    return updated


@router.delete("/identity-providers/{provider_id}", status_code=204,
               summary="Remove an identity provider and its links (admin; If-Match)")
async def delete_provider(provider: ValidProvider, session: Session, principal: AdminPrincipal,
                          request: Request):
    check_if_match(request, etag("identity_provider", provider.id, provider.version))
    await service.delete_provider(session, principal=principal, provider=provider)
    return Response(status_code=204)


@router.put("/company-settings/require-sso", response_model=RequireSsoRead,
            summary="Require single sign-on for everyone but break-glass administrators (admin)")
async def put_require_sso(body: RequireSso, session: Session, principal: AdminPrincipal):
    return await service.set_require_sso(session, principal=principal, value=body.require_sso)


@router.get("/auth/providers", response_model=SignInOptions,
            summary="What the sign-in page offers: enabled providers and whether SSO is required (public)")
async def sign_in_options(session: Session):
    return await service.sign_in_options(session)


@router.get("/auth/sso/{key}/start", status_code=302, response_class=RedirectResponse,
            summary="Start signing in at a provider: OpenID Connect, DingTalk, WeCom or Feishu (302 to it)")
async def sso_start(key: str, session: WriterSession, rt: OrgRuntimeDep, redirect: str = "/",
                    in_app: bool = Query(False, description="WeCom: the in-app OAuth page (a page opened in WeCom)")):
    url = await service.start(session, public_url=rt.settings.public_url, key=key, redirect=redirect, in_app=in_app)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


@router.get("/auth/sso/{key}/callback", status_code=302, response_class=RedirectResponse,
            summary="The provider's redirect back (302 to the SPA's /login/sso with a one-time code or an error)")
async def sso_callback(key: str, session: WriterSession, rt: OrgRuntimeDep, code: str | None = None,
                       state: str | None = None, error: str | None = None, error_description: str | None = None):
    url = await service.callback(session, public_url=rt.settings.public_url, key=key, code=code, state=state,
                                 http=rt.http, error=error, error_description=error_description)
    return RedirectResponse(url, status_code=302, headers={"Cache-Control": "no-store"})


@router.post("/auth/sso/{key}/free-login", response_model=FreeLoginRead,
             summary="免登: sign in with an in-app code from DingTalk, WeCom or Feishu's JS API")
async def free_login(key: str, body: FreeLogin, session: WriterSession, rt: OrgRuntimeDep, redirect: str = "/"):
    return await service.free_login(session, public_url=rt.settings.public_url, key=key, code=body.code,
                                    redirect=redirect, http=rt.http)


@router.post("/auth/logout", response_model=LogoutResponse,
             summary="Sign out: revoke the refresh family; the provider's logout URL for an SSO session")
async def logout(body: LogoutRequest, session: Session, rt: OrgRuntimeDep):
    return await service.logout(session, public_url=rt.settings.public_url, refresh_token=body.refresh_token,
                                post_logout_redirect_uri=body.post_logout_redirect_uri)


@router.post("/auth/sso/{key}/backchannel-logout", summary="OIDC back-channel logout (the provider calls it)")
async def backchannel_logout(key: str, session: Session, response: Response,
                             logout_token: Annotated[str, Form()]):
    response.headers["Cache-Control"] = "no-store"
    await service.backchannel_logout(session, key=key, logout_token=logout_token)
    return {}
