"""Identity providers' and single sign-on's request and response bodies (secrets are write-only)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.common.api import RequestBody

ProviderKind = Literal["oidc", "dingtalk", "wecom", "feishu"]
LinkClaim = Literal["email", "preferred_username", "sub", "mobile", "userid"]


class ProviderCreate(RequestBody):
    key: str = Field(min_length=2, max_length=40, pattern=r"^[a-z0-9][a-z0-9_-]*$",
                     description="In URLs: /api/org/auth/sso/<key>/start")
    kind: ProviderKind = "oidc"
    name: str = Field(min_length=1, max_length=100, description="What the sign-in page shows")
    enabled: bool = True
    issuer: str = Field("", max_length=500)
    client_id: str = Field(min_length=1, max_length=200)
    client_secret: str = Field("", max_length=500, description="Write-only: responses say has_secret")
    agent_id: str = Field("", max_length=60)
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    link_claim: LinkClaim = "email"
    jit: bool = True
    sync_enabled: bool = False
    config: dict = Field(default_factory=dict)


class ProviderUpdate(RequestBody):
    name: str | None = Field(None, min_length=1, max_length=100)
    enabled: bool | None = None
    issuer: str | None = Field(None, max_length=500)
    client_id: str | None = Field(None, min_length=1, max_length=200)
    client_secret: str | None = Field(None, max_length=500, description="Write-only; send to replace it")
    agent_id: str | None = Field(None, max_length=60)
    scopes: list[str] | None = None
    link_claim: LinkClaim | None = None
    jit: bool | None = None
    sync_enabled: bool | None = None
    config: dict | None = None


class ProviderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    kind: str
    name: str
    enabled: bool
    issuer: str
    client_id: str
    has_secret: bool
    agent_id: str
    scopes: list[str]
    link_claim: str
    jit: bool
    sync_enabled: bool
    config: dict
    version: int


class PublicProvider(BaseModel):
    key: str
    kind: str
    name: str


class SignInOptions(BaseModel):
    providers: list[PublicProvider]
    require_sso: bool


class RequireSso(RequestBody):
    require_sso: bool


class RequireSsoRead(BaseModel):
    require_sso: bool


class LogoutRequest(RequestBody):
    refresh_token: str = Field(min_length=1, max_length=500)
    post_logout_redirect_uri: str | None = Field(None, max_length=500,
                                                 description="Where the provider returns the browser (default /login)")


class FreeLogin(RequestBody):
    """The body of ``POST /api/org/auth/sso/{key}/free-login``."""

    code: str = Field(min_length=1, max_length=512,
                      description="The in-app code from the vendor's JS API (dd.getAuthCode, WeCom OAuth in-app, "
                                  "Feishu tt.requestAccess)")


class FreeLoginRead(BaseModel):
    location: str = Field(description="The SPA's /login/sso with a one-time code: where the page goes next")


class LogoutResponse(BaseModel):
    end_session_url: str | None = Field(None, description="RP-initiated logout at the provider, when it has one")
