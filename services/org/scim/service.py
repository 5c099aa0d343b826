"""SCIM 2.0 provisioning (RFC 7643/7644): the tokens identity providers use, discovery, Users and Groups.

Every change goes through org's own user and assignment services (the same audit entries, events, token
revocation and last-administrator rule as an administrator's change in Yunguan); a SCIM DELETE deactivates,
it never deletes a user.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    Error,
    ETag,
    Filter,
    Group,
    ListResponse,
    Patch,
    PatchOp,
    ResourceType,
    ResponseParameters,
    SCIMException,
    SearchRequest,
    ServiceProviderConfig,
    Sort,
    User,
)
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common import clock
from services.common.authz import Principal, Right, is_root_path
from services.common.db import utcnow
from services.common.guards import Allowed
from services.common.problems import Forbidden, NotFound
from services.org.auth.signin import hash_client_secret, new_client_secret
from services.org.deps import ScimCaller
from services.org.identity.linking import NO_PASSWORD
from services.org.journal import journal
from services.org.models import (
    Assignment,
    ExternalIdentity,
    IdentityProvider,
    Position,
    Role,
    ScimToken,
    ScimUser,
    Unit,
)
from services.org.models import User as UserRow
from services.org.scim.resources import (
    POLICY,
    ScimProblem,
    UserFilter,
    UserModel,
    group_resource,
    user_resource,
    version_of,
    wanted_state,
)
from services.org.scim.schemas import ScimReply, ScimTokenCreate, ScimTokenRead, ScimTokenWithSecret
from services.org.users import service as users
from services.org.users.schemas import AssignmentCreate, AssignmentUpdate, UserUpdate

MAX_COUNT = 200
USERNAME = re.compile(r"^[A-Za-z0-9_.@+-]{2,60}$")


# --- tokens ------------------------------------------------------------------------------------------------


def _token_data(token: ScimToken) -> dict[str, Any]:
    return ScimTokenRead.model_validate(token).model_dump(mode="json")


async def create_token(session: AsyncSession, *, principal: Principal, body: ScimTokenCreate) -> ScimTokenWithSecret:
    root_paths = sorted({g.unit_path for g in principal.grants if g.right == Right.admin and is_root_path(g.unit_path)
                         and g.mode == "subtree"})
    company = (await session.execute(select(Unit).where(Unit.path.in_(root_paths)).order_by(Unit.id))).scalars().first()
    if company is None:
        raise Forbidden("Only administrators of a company may create SCIM tokens.",
                        zh="只有公司管理员才能创建 SCIM 令牌。")
    provider_id = None
    if body.provider_key:
        provider = (await session.execute(select(IdentityProvider).where(
            IdentityProvider.key == body.provider_key))).scalar_one_or_none()
        if provider is None:
            raise NotFound(f"There is no identity provider '{body.provider_key}'.", field="provider_key",
                           zh=f"没有标识为“{body.provider_key}”的身份提供方。")
        provider_id = provider.id
    secret = "scim_" + new_client_secret()
    token = ScimToken(name=body.name, token_hash=hash_client_secret(secret), unit_id=company.id,
                      provider_id=provider_id, created_by=principal.sub)
    session.add(token)
    await session.flush()
    await journal.audit(session, actor=principal, action="scim_token.created", subject_type="scim_token",
                        subject_id=token.id, unit_path=company.path, after=_token_data(token))
    return ScimTokenWithSecret(**ScimTokenRead.model_validate(token).model_dump(), token=secret)


async def list_tokens(session: AsyncSession) -> list[ScimTokenRead]:
    rows = (await session.execute(select(ScimToken).order_by(ScimToken.id))).scalars()
    return [ScimTokenRead.model_validate(t) for t in rows]


async def revoke_token(session: AsyncSession, *, principal: Principal, token: ScimToken) -> None:
    if token.revoked_at is not None:
        return
    before = _token_data(token)
    token.revoked_at = utcnow()
    await session.flush()
    await journal.audit(session, actor=principal, action="scim_token.revoked", subject_type="scim_token",
                        subject_id=token.id, before=before, after=_token_data(token))


# --- errors and discovery ----------------------------------------------------------------------------------


def scim_error(status: int, detail: str, scim_type: str | None = None) -> dict[str, Any]:
    """RFC 7644 §3.12's error body."""
    return Error(status=status, scim_type=scim_type, detail=detail).model_dump()


def from_library(exc: SCIMException | ValidationError) -> ScimProblem:
    """scim2-models' refusal of a payload, a filter or a patch as a ScimProblem (status and scimType kept)."""
    if isinstance(exc, ValidationError):
        error = Error.from_validation_errors(exc)[0]
        return ScimProblem(error.detail or "invalid", status=int(error.status or 400), scim_type=error.scim_type,
                           zh=f"SCIM 请求无效：{error.detail}")
    return ScimProblem(exc.detail, status=exc.status, scim_type=exc.scim_type or None,
                       zh=f"SCIM 请求无效：{exc.detail}")


def _dump(resource: Any, ctx: Context, params: ResponseParameters[Any] | None = None) -> dict[str, Any]:
    dumped: dict[str, Any] = resource.model_dump(scim_ctx=ctx, scim_policy=POLICY, response_parameters=params,
                                                 mode="json")
    return dumped


def _search(model: Any, query: dict[str, Any]) -> SearchRequest[Any]:
    """The query parameters of a list, or the body of a POST .search (RFC 7644 §3.4.2, §3.4.3)."""
    try:
        search: SearchRequest[Any] = SearchRequest[model].model_validate(
            {k: v for k, v in query.items() if v is not None}, scim_ctx=Context.SEARCH_REQUEST, scim_policy=POLICY)
    except (ValidationError, SCIMException) as exc:
        raise from_library(exc) from exc
    if search.sort_by is not None:
        raise ScimProblem("Yunguan does not sort SCIM results (sort.supported is false).", scim_type="invalidValue",
                          zh="运管不支持对 SCIM 结果排序。")
    return search


def _response_parameters(model: Any, attributes: str | None, excluded: str | None) -> ResponseParameters[Any] | None:
    if not attributes and not excluded:
        return None
    try:
        params: ResponseParameters[Any] = ResponseParameters[model].model_validate(
            {"attributes": attributes, "excludedAttributes": excluded})
    except (ValidationError, SCIMException) as exc:
        raise from_library(exc) from exc
    return params


def service_provider_config(*, base: str) -> ScimReply:
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True), bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT), change_password=ChangePassword(supported=False),
        sort=Sort(supported=False), etag=ETag(supported=True),
        authentication_schemes=[AuthenticationScheme(
            type="oauthbearertoken", name="SCIM token",
            description="A bearer token an administrator creates in Yunguan (POST /api/org/scim-tokens)",
            primary=True)])
    body = _dump(config, Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {"resourceType": "ServiceProviderConfig", "location": f"{base}/ServiceProviderConfig"}
    return ScimReply(body)


def _resource_types(base: str) -> list[dict[str, Any]]:
    out = []
    for model, description in ((UserModel, "Yunguan users"), (Group, "Yunguan positions (members: who holds them)")):
        rt = ResourceType.from_resource(model)
        rt.description = description
        body = _dump(rt, Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/{rt.id}"}
        out.append(body)
    return out


def _schemas(base: str) -> list[dict[str, Any]]:
    out = []
    for model in (User, EnterpriseUser, Group):
        schema = model.to_schema()
        # Yunguan takes no passwords over SCIM (people provisioned by a provider sign in through it)
        schema.attributes = [a for a in schema.attributes or [] if a.name != "password"]
        body = _dump(schema, Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "Schema", "location": f"{base}/Schemas/{schema.id}"}
        out.append(body)
    return out


def _listed(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": len(items),
            "startIndex": 1, "itemsPerPage": len(items), "Resources": items}


def discovery(*, base: str, kind: str, ident: str | None) -> ScimReply:
    items = _resource_types(base) if kind == "ResourceTypes" else _schemas(base)
    if ident is None:
        return ScimReply(_listed(items))
    for item in items:
        if item["id"] == ident:
            return ScimReply(item)
    raise ScimProblem(f"There is no {kind[:-1]} '{ident}'.", status=404, zh=f"没有“{ident}”。")


# --- users -------------------------------------------------------------------------------------------------


def _not_found(ident: str, what: str = "user", what_zh: str = "用户") -> ScimProblem:
    return ScimProblem(f"There is no {what} with id {ident}.", status=404, zh=f"没有编号为 {ident} 的{what_zh}。")


async def _extra(session: AsyncSession, user_id: int) -> ScimUser | None:
    return await session.get(ScimUser, user_id)


async def _load_user(session: AsyncSession, ident: str) -> tuple[UserRow, ScimUser | None]:
    user = await session.get(UserRow, int(ident)) if ident.isdigit() and len(ident) < 18 else None
    if user is None:
        raise _not_found(ident)
    extra = await _extra(session, user.id)
    if extra is not None and extra.deleted_at is not None:
        raise _not_found(ident)  # deleted over SCIM (RFC 7644 §3.6); deactivated in Yunguan
    return user, extra


async def _held(session: AsyncSession, company: Unit, user_ids: list[int]) -> dict[int, list[tuple[Position, Unit]]]:
    today = clock.today()
    rows = (await session.execute(
        select(Assignment.user_id, Position, Unit).join(Position, Position.id == Assignment.position_id)
        .join(Unit, Unit.id == Position.unit_id)
        .where(Assignment.user_id.in_(user_ids), Unit.path.startswith(company.path, autoescape=True),
               Assignment.start_date <= today, (Assignment.end_date.is_(None)) | (Assignment.end_date >= today))
        .order_by(Position.id))).all()
    out: dict[int, list[tuple[Position, Unit]]] = {}
    for uid, position, unit in rows:
        if all(p.id != position.id for p, _ in out.get(uid, [])):
            out.setdefault(uid, []).append((position, unit))
    return out


async def _user_reply(session: AsyncSession, caller: ScimCaller, user: UserRow, extra: ScimUser | None, *,
                      base: str, status: int = 200, params: ResponseParameters[Any] | None = None) -> ScimReply:
    held = await _held(session, caller.company, [user.id])
    resource = user_resource(user, extra, held.get(user.id, []), base=base)
    return ScimReply(_dump(resource, Context.RESOURCE_QUERY_RESPONSE, params), status=status,
                     etag=version_of(user, extra), location=f"{base}/Users/{user.id}")


def _check_version(if_match: str | None, current: str) -> None:
    if if_match is None:
        return
    tags = [t.strip() for t in if_match.split(",")]
    bare = current.removeprefix("W/")
    if "*" in tags or current in tags or bare in [t.removeprefix("W/") for t in tags]:
        return
    raise ScimProblem("The resource changed since you read it (If-Match does not match its version).", status=412,
                      zh="该资源在您读取后已被修改（If-Match 与当前版本不符）。")


def _parse_user(body: Any, ctx: Context) -> Any:
    try:
        resource = UserModel.model_validate(body, scim_ctx=ctx, scim_policy=POLICY)
    except (ValidationError, SCIMException) as exc:
        raise from_library(exc) from exc
    if resource.password is not None:
        raise ScimProblem("Yunguan takes no passwords over SCIM: people provisioned by an identity provider sign "
                          "in through it.", scim_type="invalidValue",
                          zh="运管不通过 SCIM 接收密码：由身份提供方开通的用户通过该身份提供方登录。")
    return resource


async def list_users(session: AsyncSession, *, caller: ScimCaller, base: str, query: dict[str, Any]) -> ScimReply:
    """Users by a filter (userName, externalId, the work e-mail, active... with and, or, not), a page of them
    (startIndex from 1, count up to 200), with the attributes asked for."""
    search = _search(UserModel, query)
    where: list[ColumnElement[bool]] = [ScimUser.deleted_at.is_(None)]
    if search.filter is not None:
        where.append(UserFilter().visit(search.filter.ast))
    stmt = select(UserRow, ScimUser).outerjoin(ScimUser, ScimUser.user_id == UserRow.id).where(*where)
    total = (await session.execute(select(func.count(UserRow.id)).select_from(UserRow).outerjoin(
        ScimUser, ScimUser.user_id == UserRow.id).where(*where))).scalar_one()
    start = max(search.start_index or 1, 1)
    count = max(min(MAX_COUNT if search.count is None else search.count, MAX_COUNT), 0)
    rows = (await session.execute(stmt.order_by(UserRow.id).offset(start - 1).limit(count))).all() if count else []
    held = await _held(session, caller.company, [u.id for u, _ in rows])
    resources = [user_resource(u, x, held.get(u.id, []), base=base) for u, x in rows]
    listing = ListResponse[UserModel](total_results=total, start_index=start,
                                 items_per_page=len(resources), resources=resources or None)
    body = _dump(listing, Context.SEARCH_RESPONSE, search)
    body.setdefault("Resources", [])
    return ScimReply(body)


async def get_user(session: AsyncSession, *, caller: ScimCaller, ident: str, base: str, attributes: str | None,
                   excluded: str | None) -> ScimReply:
    params = _response_parameters(UserModel, attributes, excluded)
    user, extra = await _load_user(session, ident)
    return await _user_reply(session, caller, user, extra, base=base, params=params)


async def _username_taken(session: AsyncSession, username: str, *, besides: int | None) -> UserRow | None:
    stmt = select(UserRow).where(func.lower(UserRow.username) == username.lower())
    if besides is not None:
        stmt = stmt.where(UserRow.id != besides)
    return (await session.execute(stmt)).scalars().first()


def _taken(username: str) -> ScimProblem:
    return ScimProblem(f"The userName '{username}' is taken.", status=409, scim_type="uniqueness",
                       zh=f"用户名“{username}”已被占用。")


def _check_wanted(want: dict[str, Any]) -> None:
    if not USERNAME.match(want["username"]):
        raise ScimProblem("userName must be 2 to 60 letters, digits or . _ @ + -.", scim_type="invalidValue",
                          zh="userName 须为 2 至 60 个字母、数字或 . _ @ + - 字符。")
    if not want["display_name"]:
        raise ScimProblem("The user needs a displayName or a name.", scim_type="invalidValue",
                          zh="用户须有显示名称（displayName）或姓名。")
    if len(want["email"]) > 200:
        raise ScimProblem("The e-mail address is too long (at most 200 characters).", scim_type="invalidValue",
                          zh="邮箱地址过长（最多 200 个字符）。")


async def _apply(session: AsyncSession, caller: ScimCaller, user: UserRow, extra: ScimUser | None,
                 want: dict[str, Any]) -> ScimUser:
    """Bring a user to the state a provider asked for, through org's user service."""
    _check_wanted(want)
    if want["username"] != user.username:
        if await _username_taken(session, want["username"], besides=user.id):
            raise _taken(want["username"])
        before = user.username
        user.username = want["username"]
        await session.flush()
        await journal.audit(session, actor=caller.principal, action="user.renamed", subject_type="user",
                            subject_id=user.id, before={"username": before}, after={"username": user.username},
                            note="scim")
        await journal.emit(session, "org.user.updated", user.id, users.user_data(user))
    changes = {k: want[k] for k in ("display_name", "email", "active") if want[k] != getattr(user, k)}
    if changes:
        await users.update_user(session, principal=caller.principal, user=user, body=UserUpdate(**changes))
    if extra is None:
        extra = ScimUser(user_id=user.id, attributes={})
        session.add(extra)
    if extra.external_id != want["external_id"] or extra.attributes != want["attributes"]:
        extra.external_id = want["external_id"]
        extra.attributes = want["attributes"]
    await session.flush()
    if caller.token.provider_id is not None and want["external_id"]:
        await _link(session, caller, user, want["external_id"])
    return extra


async def _link(session: AsyncSession, caller: ScimCaller, user: UserRow, subject: str) -> None:
    provider_id = caller.token.provider_id
    existing = (await session.execute(select(ExternalIdentity).where(
        ExternalIdentity.provider_id == provider_id, ExternalIdentity.subject == subject))).scalar_one_or_none()
    if existing is not None:
        if existing.user_id != user.id:
            raise ScimProblem(f"The externalId '{subject}' already belongs to another user.", status=409,
                              scim_type="uniqueness", zh=f"externalId“{subject}”已属于另一个用户。")
        return
    session.add(ExternalIdentity(provider_id=provider_id, subject=subject, user_id=user.id, claims={}))
    await session.flush()
    await journal.audit(session, actor=caller.principal, action="identity.linked", subject_type="user",
                        subject_id=user.id, after={"provider_id": provider_id, "subject": subject, "by": "scim"})


async def create_user(session: AsyncSession, *, caller: ScimCaller, body: Any, base: str) -> ScimReply:
    resource = _parse_user(body, Context.RESOURCE_CREATION_REQUEST)
    want = wanted_state(resource)
    _check_wanted(want)
    existing = await _username_taken(session, want["username"], besides=None)
    if existing is not None:
        extra = await _extra(session, existing.id)
        if extra is None or extra.deleted_at is None:
            raise _taken(want["username"])
        # deleted over SCIM before: the same person comes back, with their history
        extra.deleted_at = None
        extra = await _apply(session, caller, existing, extra, want)
        await journal.audit(session, actor=caller.principal, action="user.restored", subject_type="user",
                            subject_id=existing.id, note="scim")
        return await _user_reply(session, caller, existing, extra, base=base, status=201)
    user = UserRow(username=want["username"], display_name=want["display_name"], email=want["email"],
                   active=want["active"], password_hash=NO_PASSWORD)
    session.add(user)
    await session.flush()
    # as org's user service records a new user (its create_user sets a password; a provisioned user has none)
    data = users.user_data(user)
    await journal.audit(session, actor=caller.principal, action="user.created", subject_type="user",
                        subject_id=user.id, after=data.model_dump(mode="json"), note="scim")
    await journal.emit(session, "org.user.created", user.id, data)
    extra = await _apply(session, caller, user, None, want)
    return await _user_reply(session, caller, user, extra, base=base, status=201)


async def replace_user(session: AsyncSession, *, caller: ScimCaller, ident: str, body: Any, base: str,
                       if_match: str | None) -> ScimReply:
    user, extra = await _load_user(session, ident)
    _check_version(if_match, version_of(user, extra))
    resource = _parse_user(body, Context.RESOURCE_REPLACEMENT_REQUEST)
    extra = await _apply(session, caller, user, extra, wanted_state(resource, active=user.active))
    return await _user_reply(session, caller, user, extra, base=base)


async def patch_user(session: AsyncSession, *, caller: ScimCaller, ident: str, body: Any, base: str,
                     if_match: str | None) -> ScimReply:
    user, extra = await _load_user(session, ident)
    _check_version(if_match, version_of(user, extra))
    current = user_resource(user, extra, [], base=base)
    try:
        patch = PatchOp[UserModel].model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST,
                                             scim_policy=POLICY)
        patch.patch(current, scim_policy=POLICY)
    except (ValidationError, SCIMException) as exc:
        raise from_library(exc) from exc
    if current.password is not None:
        raise ScimProblem("Yunguan takes no passwords over SCIM.", scim_type="invalidValue",
                          zh="运管不通过 SCIM 接收密码。")
    if current.active is None or not current.display_name:
        # a Yunguan user is always active or not, and always has a name to be shown by
        raise ScimProblem("active and displayName cannot be removed: set active to false to deactivate, "
                          "or replace the displayName.", scim_type="mutability",
                          zh="active 和 displayName 不能删除：停用请将 active 设为 false，或替换 displayName。")
    extra = await _apply(session, caller, user, extra, wanted_state(current, current=user.display_name))
    return await _user_reply(session, caller, user, extra, base=base)


async def delete_user(session: AsyncSession, *, caller: ScimCaller, ident: str, if_match: str | None) -> ScimReply:
    """Deactivate (never delete: the user's audit history stays) and hide from SCIM."""
    user, extra = await _load_user(session, ident)
    _check_version(if_match, version_of(user, extra))
    if user.active:
        await users.update_user(session, principal=caller.principal, user=user, body=UserUpdate(active=False))
    if extra is None:
        extra = ScimUser(user_id=user.id, attributes={})
        session.add(extra)
    extra.deleted_at = utcnow()
    await session.flush()
    await journal.audit(session, actor=caller.principal, action="user.deprovisioned", subject_type="user",
                        subject_id=user.id, note="SCIM DELETE: deactivated, kept with its history")
    return ScimReply(None, status=204)


# --- groups (positions) ------------------------------------------------------------------------------------


async def _positions(session: AsyncSession, company: Unit, ident: str | None = None) -> list[tuple[Position, Unit]]:
    stmt = (select(Position, Unit).join(Unit, Unit.id == Position.unit_id)
            .where(Unit.path.startswith(company.path, autoescape=True)).order_by(Position.id))
    if ident is not None:
        if not ident.isdigit() or len(ident) > 17:
            return []
        stmt = stmt.where(Position.id == int(ident))
    return [(p, u) for p, u in (await session.execute(stmt)).all()]


async def _members(session: AsyncSession, position_ids: list[int]) -> dict[int, list[UserRow]]:
    today = clock.today()
    rows = (await session.execute(
        select(Assignment.position_id, UserRow).join(UserRow, UserRow.id == Assignment.user_id)
        .where(Assignment.position_id.in_(position_ids), Assignment.start_date <= today,
               (Assignment.end_date.is_(None)) | (Assignment.end_date >= today)).order_by(UserRow.id))).all()
    out: dict[int, list[UserRow]] = {}
    for pid, user in rows:
        if all(u.id != user.id for u in out.get(pid, [])):
            out.setdefault(pid, []).append(user)
    return out


async def _group(session: AsyncSession, caller: ScimCaller, ident: str, base: str) -> tuple[Position, Unit, Group]:
    found = await _positions(session, caller.company, ident)
    if not found:
        raise _not_found(ident, "group (position)", "组（岗位）")
    position, unit = found[0]
    members = (await _members(session, [position.id])).get(position.id, [])
    return position, unit, group_resource(position, unit, members, base=base)


def _group_reply(group: Group, status: int = 200, params: ResponseParameters[Any] | None = None) -> ScimReply:
    meta = group.meta
    return ScimReply(_dump(group, Context.RESOURCE_QUERY_RESPONSE, params), status=status,
                     etag=meta.version if meta else None, location=meta.location if meta else None)


async def list_groups(session: AsyncSession, *, caller: ScimCaller, base: str, query: dict[str, Any]) -> ScimReply:
    """The company's positions as groups (a company has tens or hundreds: filtered in memory by the filter's
    own evaluation), a page of them."""
    search = _search(Group, query)
    found = await _positions(session, caller.company)
    members = await _members(session, [p.id for p, _ in found])
    groups = [group_resource(p, u, members.get(p.id, []), base=base) for p, u in found]
    if search.filter is not None:
        try:
            groups = [g for g in groups if search.filter.match(g)]
        except (ValidationError, SCIMException) as exc:
            raise from_library(exc) from exc
    start = max(search.start_index or 1, 1)
    count = max(min(MAX_COUNT if search.count is None else search.count, MAX_COUNT), 0)
    page = groups[start - 1:start - 1 + count]
    listing = ListResponse[Group](total_results=len(groups), start_index=start,
                                  items_per_page=len(page), resources=page or None)
    body = _dump(listing, Context.SEARCH_RESPONSE, search)
    body.setdefault("Resources", [])
    return ScimReply(body)


async def get_group(session: AsyncSession, *, caller: ScimCaller, ident: str, base: str, attributes: str | None,
                    excluded: str | None) -> ScimReply:
    params = _response_parameters(Group, attributes, excluded)
    _, _, group = await _group(session, caller, ident, base)
    return _group_reply(group, params=params)


def refuse_group_change(kind: str) -> ScimReply:
    """Groups are Yunguan's positions: they are created, renamed and removed in Yunguan, not over SCIM."""
    raise ScimProblem(f"Groups are Yunguan positions: {kind} them in Yunguan (SCIM may change their members).",
                      status=403, scim_type="mutability",
                      zh="SCIM 中的组即运管中的岗位：请在运管中创建、修改或删除岗位（SCIM 只能调整其成员）。")


ENDPOINTS = ("ServiceProviderConfig", "ResourceTypes", "Schemas", "Users", "Groups")


def no_such_endpoint(path: str, method: str) -> ScimReply:
    """404 for a path SCIM does not have; 405 for a method an endpoint does not take (the discovery
    endpoints are read-only; Users and Groups are created at the collection, changed at a resource)."""
    if path.split("/", 1)[0] in ENDPOINTS:
        raise ScimProblem(f"{method} is not allowed on /{path}.", status=405,
                          zh=f"/{path} 不支持 {method} 操作。")
    raise ScimProblem(f"There is no SCIM endpoint '{path}'.", status=404, zh=f"没有 SCIM 接口“{path}”。")


async def _set_members(session: AsyncSession, caller: ScimCaller, position: Position, unit: Unit, before: Group,
                       after: Group) -> None:
    if (after.display_name or "") != (before.display_name or ""):
        raise ScimProblem("A group's displayName is its unit and position title: rename them in Yunguan.",
                          scim_type="mutability", zh="组名称由单元名称和岗位名称组成：请在运管中修改。")
    old = {m.value for m in before.members or [] if m.value}
    new = {m.value for m in after.members or [] if m.value}
    if old == new:
        return
    role = await session.get(Role, position.role_id)
    if role is not None and any(r.get("right") == Right.admin for r in role.rights or []):
        raise ScimProblem("Who holds a position carrying the admin right is decided in Yunguan, not by a "
                          "provider's groups.", status=403, scim_type="mutability",
                          zh="拥有管理权的岗位由谁担任须在运管中决定，不能通过身份提供方的组调整。")
    today = clock.today()
    for value in sorted(new - old):
        target = await session.get(UserRow, int(value)) if value.isdigit() and len(value) < 18 else None
        extra = await _extra(session, target.id) if target else None
        if target is None or (extra is not None and extra.deleted_at is not None):
            raise ScimProblem(f"There is no user with id {value} to add to the group.", scim_type="invalidValue",
                              zh=f"没有编号为 {value} 的用户，无法加入该组。")
        await users.create_assignment(session, principal=caller.principal, body=AssignmentCreate(
            user_id=target.id, position_id=position.id, start_date=today))
    grant = caller.principal.grants[0]
    for value in sorted(old - new):
        held = (await session.execute(select(Assignment).where(
            Assignment.position_id == position.id, Assignment.user_id == int(value), Assignment.start_date <= today,
            (Assignment.end_date.is_(None)) | (Assignment.end_date >= today)))).scalars().all()
        for assignment in held:
            allowed = Allowed(item=assignment, principal=caller.principal, grant=grant)
            if assignment.start_date < today:  # held until yesterday: ended now, kept in its history
                await users.update_assignment(session, assignment=allowed,
                                              body=AssignmentUpdate(end_date=today - timedelta(days=1)))
            else:  # begun today: never really held
                await users.delete_assignment(session, assignment=allowed)
    await session.flush()


async def patch_group(session: AsyncSession, *, caller: ScimCaller, ident: str, body: Any, base: str,
                      if_match: str | None) -> ScimReply:
    position, unit, group = await _group(session, caller, ident, base)
    _check_version(if_match, group.meta.version if group.meta and group.meta.version else "")
    changed = group.model_copy(deep=True)
    try:
        patch = PatchOp[Group].model_validate(body, scim_ctx=Context.RESOURCE_PATCH_REQUEST,
                                              scim_policy=POLICY)
        patch.patch(changed, scim_policy=POLICY)
    except (ValidationError, SCIMException) as exc:
        raise from_library(exc) from exc
    await _set_members(session, caller, position, unit, group, changed)
    _, _, now = await _group(session, caller, ident, base)
    return _group_reply(now)


async def replace_group(session: AsyncSession, *, caller: ScimCaller, ident: str, body: Any, base: str,
                        if_match: str | None) -> ScimReply:
    position, unit, group = await _group(session, caller, ident, base)
    _check_version(if_match, group.meta.version if group.meta and group.meta.version else "")
    try:
        wanted = Group.model_validate(body, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST, scim_policy=POLICY)
    except (ValidationError, SCIMException) as exc:
        raise from_library(exc) from exc
    await _set_members(session, caller, position, unit, group, wanted)
    _, _, now = await _group(session, caller, ident, base)
    return _group_reply(now)
