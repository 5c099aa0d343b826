"""Sign-in and tokens (OAuth 2.0 conventions), the JWKS, keys, /me and the authority explainer."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from sqlalchemy import select

from services.common.authz import Grant, is_admin
from services.common.db import Session, utcnow
from services.common.i18n import rights_zh
from services.common.problems import Forbidden, Invalid, NotFound
from services.common.security import CurrentPrincipal
from services.org import signin
from services.org.api.deps import AdminPrincipal, request_id
from services.org.authority import scope_target
from services.org.grants import held_positions, incoming_delegations, user_grants
from services.org.journal import audit_change
from services.org.models import SigningKeyRecord, Unit, User
from services.org.revocations import revoked_subjects
from services.org.schemas import (
    ExplainGrant,
    ExplainRead,
    GrantRead,
    HeldPositionRead,
    KeyRead,
    MeRead,
    TokenResponse,
    UserRead,
)

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
             summary="Get an access token (password, refresh_token or client_credentials grant)")
async def token(request: Request, response: Response, session: Session,
                grant_type: Annotated[str, Form()],
                username: Annotated[str | None, Form()] = None,
                password: Annotated[str | None, Form()] = None,
                refresh_token: Annotated[str | None, Form()] = None,
                client_id: Annotated[str | None, Form()] = None,
                client_secret: Annotated[str | None, Form()] = None,
                scope: Annotated[str | None, Form()] = None):
    settings = request.app.state.settings
    key = request.app.state.keys.active
    response.headers["Cache-Control"] = "no-store"
    if grant_type == "password":
        if not username or password is None:
            raise signin.OAuthError("invalid_request", "Send both username and password.", zh="请填写用户名和密码。")
        # Look up and hash outside the write transaction: on SQLite it holds the database's one
        # write lock, and a slow hash under it would queue every other write (and sign-in) behind it.
        async with request.app.state.db.reader() as lookup:
            await signin.check_lockout(lookup, settings, username)
            found = (await lookup.execute(select(User).where(User.username == username))).scalar_one_or_none()
        ok = await request.app.state.passwords.verify_async(found.password_hash if found else None, password)
        user = await session.get(User, found.id) if ok and found else None
        if not ok or user is None or not user.active:
            await signin.record_failure(session, username)
            await session.commit()
            raise signin.OAuthError("invalid_grant", "The username or password is not correct.", zh="用户名或密码不正确。")
        issued = await signin.issue_for_user(session, settings=settings, key=key, user=user)
        await audit_change(session, actor=str(user.id), action="auth.signed_in", subject_type="user",
                           subject_id=user.id, note="password", request_id=request_id(request))
    elif grant_type == "refresh_token":
        if not refresh_token:
            raise signin.OAuthError("invalid_request", "Send the refresh_token.", zh="缺少刷新令牌，请重新登录。")
        issued = await signin.rotate_refresh(session, settings=settings, key=key, refresh_token=refresh_token)
    elif grant_type == "client_credentials":
        basic = _basic_credentials(request)
        cid, secret = basic if basic else (client_id, client_secret)
        if not cid or not secret:
            raise signin.OAuthError("invalid_client", "Send client_id and client_secret (form or HTTP Basic).",
                                    status=401, zh="请提供客户端编号和客户端密钥。")
        issued, client = await signin.issue_for_client(session, settings=settings, key=key, client_id=cid,
                                                       client_secret=secret)
        await audit_change(session, actor=issued.subject, action="auth.client_signed_in", subject_type="api_client",
                           subject_id=client.id, request_id=request_id(request))
    else:
        raise signin.OAuthError("unsupported_grant_type",
                                "grant_type must be password, refresh_token or client_credentials.",
                                zh="不支持此授权方式；应为 password、refresh_token 或 client_credentials。")
    return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in,
                         refresh_token=issued.refresh_token)


@router.post("/auth/revoke", status_code=200, summary="Revoke a refresh token (and its family)")
async def revoke(request: Request, session: Session, token: Annotated[str, Form()],
                 token_type_hint: Annotated[str | None, Form()] = None):
    # RFC 7009: answer 200 whether or not the token was known, so the endpoint reveals nothing.
    if await signin.revoke_token(session, token):
        await audit_change(session, actor="anonymous", action="auth.revoked", subject_type="refresh_token",
                           subject_id="family", request_id=request_id(request))
    return {}


@router.get("/auth/revoked", summary="Subjects whose tokens are refused before they expire (public, like a CRL)")
async def revoked(request: Request, response: Response, session: Session):
    response.headers["Cache-Control"] = "no-store"
    return {"subjects": await revoked_subjects(session, request.app.state.settings), "generated_at": utcnow()}


@router.get("/.well-known/jwks.json", summary="Public keys that verify Yunguan access tokens")
async def jwks(request: Request, response: Response):
    response.headers["Cache-Control"] = "public, max-age=300"
    return request.app.state.keys.jwks()


@router.get("/keys", response_model=list[KeyRead], tags=["keys"], summary="Signing keys (admin)")
async def list_keys(request: Request, session: Session, principal: AdminPrincipal):
    rows = (await session.execute(select(SigningKeyRecord).order_by(SigningKeyRecord.created_at))).scalars().all()
    active = request.app.state.keys.active.kid
    return [KeyRead(kid=r.kid, created_at=r.created_at, active=r.kid == active) for r in rows
            if r.retired_at is None]


@router.post("/keys/rotate", response_model=KeyRead, tags=["keys"], summary="Start signing with a new key (admin)")
async def rotate_keys(request: Request, session: Session, principal: AdminPrincipal):
    settings = request.app.state.settings
    key = await request.app.state.keys.rotate(session, keep_previous_for=timedelta(minutes=settings.access_token_minutes + 1))
    await audit_change(session, actor=principal, action="keys.rotated", subject_type="signing_key", subject_id=key.kid,
                       request_id=request_id(request))
    return KeyRead(kid=key.kid, created_at=utcnow(), active=True)


@router.get("/me", response_model=MeRead, tags=["me"], summary="The caller, their positions and grants")
async def me(session: Session, principal: CurrentPrincipal):
    if principal.user_id is None:
        raise NotFound("API clients have no user profile; their grants are in the token.", zh="API 客户端没有用户资料；其授权在令牌中。")
    user = await session.get(User, principal.user_id)
    if user is None:
        raise NotFound("Your account no longer exists.", zh="您的账户已不存在。")
    held = await held_positions(session, user.id)
    units = {u.path: u for u in (await session.execute(
        select(Unit).where(Unit.path.in_([h.unit_path for h in held])))).scalars()} if held else {}
    return MeRead(
        user=UserRead.model_validate(user),
        positions=[HeldPositionRead(position_id=h.position_id, title=h.position_title, unit_id=units[h.unit_path].id,
                                    unit_name=units[h.unit_path].name, unit_path=h.unit_path, role_key=h.role_key,
                                    role_name=h.role_name) for h in held if h.unit_path in units],
        grants=[GrantRead(**g.to_claim()) for g in await user_grants(session, user.id)])


# What a scope reaches where the words alone leave it open.
SCOPE_REACH = {("subordinates", True): ": the units below, and the position's own unit, which it heads",
               ("subordinates", False): ": the units below the position's unit"}


@router.get("/authz/explain", response_model=ExplainRead, tags=["authz"],
            summary="Why can (or can't) this user do this here? (admin, or about yourself)")
async def explain(session: Session, principal: CurrentPrincipal, user_id: int = Query(...),
                  right: str = Query(...), unit_id: int = Query(...)):
    if principal.user_id != user_id and not is_admin(principal):
        raise Forbidden("You may ask about yourself; only administrators may ask about others.",
                        zh="您只能查询自己的授权；查询他人需要管理员。")
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user with id {user_id}.", field="user_id", zh=f"没有编号为 {user_id} 的用户。")
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
    from services.common.authz import RIGHTS
    if right not in RIGHTS:
        raise Invalid(f"Unknown right '{right}'; rights are {', '.join(RIGHTS)}.", field="right",
                      zh=f"没有这项权力；权力包括：{rights_zh(RIGHTS)}。")
    found: list[ExplainGrant] = []
    for h in await held_positions(session, user.id):
        for r, scope in h.rights:
            target = scope_target(scope, h)
            if r != right or not target:
                continue
            g = Grant(right=r, unit_path=target[0], mode=target[1], held_at=h.unit_path, via=f"position:{h.position_id}")
            if g.covers(right, unit.path):
                found.append(ExplainGrant(**g.to_claim(), source="position", position_id=h.position_id,
                                          position_title=h.position_title, role_key=h.role_key, role_name=h.role_name,
                                          scope=scope, heads_unit=h.heads_unit))
    for active in await incoming_delegations(session, user.id):
        d = active.delegation
        delegator = await session.get(User, d.from_user_id)
        for g in active.grants:
            if g.covers(right, unit.path):
                found.append(ExplainGrant(**g.to_claim(), source="delegation", delegation_id=d.id,
                                          delegated_by_user=delegator.username if delegator else None))
    if found:
        first = found[0]
        how = (f"position '{first.position_title}' with role '{first.role_name}' (scope {first.scope}"
               f"{SCOPE_REACH.get((first.scope, bool(first.heads_unit)), '')})"
               if first.source == "position" else f"a delegation from {first.delegated_by_user}")
        summary = f"{user.display_name} may {right} in {unit.name}: granted by {how}."
    else:
        summary = f"{user.display_name} may not {right} in {unit.name}: no position or delegation grants it."
    return ExplainRead(allowed=bool(found), user_id=user.id, right=right, unit_id=unit.id, unit_path=unit.path,
                       grants=found, summary=summary)


@router.get("/authz/holders", response_model=list[UserRead], tags=["authz"],
            summary="Who holds a right over a unit now (admin or Yunguan services; e.g. for countersigning)")
async def holders(session: Session, principal: CurrentPrincipal, right: str = Query(...), unit_id: int = Query(...),
                  held_in_unit_id: int | None = Query(None, description="Only grants held in this unit")):
    from services.common.service_auth import is_internal_service

    if not (is_admin(principal) or is_internal_service(principal)):
        raise Forbidden("Only administrators and Yunguan's services may list right holders.",
                        zh="只有管理员和运管系统自身的服务才能查询权力持有人。")
    unit = await session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"There is no unit with id {unit_id}.", field="unit_id", zh=f"没有编号为 {unit_id} 的组织单元。")
    held_in = None
    if held_in_unit_id is not None:
        h = await session.get(Unit, held_in_unit_id)
        if h is None:
            raise NotFound(f"There is no unit with id {held_in_unit_id}.", field="held_in_unit_id",
                           zh=f"没有编号为 {held_in_unit_id} 的组织单元（持有单位）。")
        held_in = h.path
    users = (await session.execute(select(User).where(User.active.is_(True)).order_by(User.id))).scalars().all()
    out = []
    for u in users:
        for g in await user_grants(session, u.id):
            if g.covers(right, unit.path) and (held_in is None or g.held_at == held_in):
                out.append(UserRead.model_validate(u))
                break
    return out
