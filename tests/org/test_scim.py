"""SCIM 2.0 provisioning, driven by a SCIM client library (scim2-client's ASGI engine on the running org
app): an identity provider creates, finds, updates and deactivates users, and sets who holds a position
through a group's members; every refusal is RFC 7644's error with its scimType."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from httpx2 import Client
from scim2_client.engines.asgi import ASGISCIMClient
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import (
    Email,
    EnterpriseUser,
    Group,
    ListResponse,
    Name,
    PatchOp,
    PatchOperation,
    ResourceType,
    Schema,
    SCIMException,
    ScimProvider,
    SearchRequest,
    ServiceProviderConfig,
    User,
)
from scim2_tester import check_server
from scim2_tester.utils import Status
from sqlalchemy import select

from services.org.app import create_app
from services.org.models import ExternalIdentity, IdentityProvider
from tests.org.conftest import auth, sign_in
from tests.support import serve, settings

BASE = "/api/org/scim/v2"
SCIM_JSON = "application/scim+json"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


async def new_token(org, name: str = "Entra ID") -> tuple[dict, str]:
    admin = await auth(org, "admin")
    r = await org.post("/api/org/scim-tokens", headers=admin, json={"name": name})
    assert r.status_code == 201, r.text
    body = r.json()
    return body, body["token"]


def scim_client(org, token: str) -> ASGISCIMClient:
    client = ASGISCIMClient(org.app, base_url=f"http://org{BASE}", headers={"Authorization": f"Bearer {token}"},
                            provider=ScimProvider(models=[User, EnterpriseUser, Group]))
    return client


@pytest.fixture
async def scim(org):
    _, token = await new_token(org)
    client = scim_client(org, token)
    await client.discover()
    return client


def headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": SCIM_JSON}


def scim_error(r, status: int, scim_type: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(SCIM_JSON)
    body = r.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status) and body["detail"]
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body


async def test_a_provider_creates_finds_updates_and_deactivates_a_user(org, scim):
    created = await scim.create(User(user_name="zhou.wei@hdgas.example", external_id="entra-0001",
                                     name=Name(formatted="周伟", given_name="伟", family_name="周"),
                                     display_name="周伟", title="工程师",
                                     emails=[Email(value="zhou.wei@hdgas.example", type="work", primary=True)],
                                     active=True))
    assert created.id and created.user_name == "zhou.wei@hdgas.example" and created.external_id == "entra-0001"
    assert created.meta.resource_type == "User" and created.meta.version.startswith('W/"')
    assert created.meta.location.endswith(f"{BASE}/Users/{created.id}")
    assert created.title == "工程师"  # an attribute Yunguan does not use, kept as the provider sent it

    # Yunguan has the user, with no position (no rights) and no password
    admin = await auth(org, "admin")
    mine = (await org.get(f"/api/org/users/{created.id}", headers=admin)).json()
    assert mine["username"] == "zhou.wei@hdgas.example" and mine["display_name"] == "周伟"
    assert mine["email"] == "zhou.wei@hdgas.example" and mine["active"] is True

    got = await scim.query(User, created.id)
    assert got.user_name == created.user_name and got.meta.version == created.meta.version

    for flt in ('userName eq "ZHOU.WEI@hdgas.example"', 'externalId eq "entra-0001"',
                'emails[type eq "work"].value eq "zhou.wei@hdgas.example"',
                'userName eq "zhou.wei@hdgas.example" and active eq true',
                'userName eq "nobody" or externalId eq "entra-0001"'):
        found = await scim.query(User, query_parameters=SearchRequest(filter=flt))
        assert isinstance(found, ListResponse) and found.total_results == 1, flt
        assert found.resources[0].id == created.id
    none = await scim.query(User, query_parameters=SearchRequest(filter='externalId eq "ENTRA-0001"'))
    assert none.total_results == 0  # externalId is case-exact
    inactive = await scim.query(User, query_parameters=SearchRequest(filter="active eq false"))
    assert created.id not in [u.id for u in inactive.resources or []]

    # paging: the demo's seven users and the new one
    page = await scim.query(User, query_parameters=SearchRequest(start_index=3, count=2))
    assert page.total_results == 8 and page.start_index == 3 and page.items_per_page == 2
    assert len(page.resources) == 2

    # PUT replaces
    replaced = created.model_copy(deep=True)
    replaced.display_name = "周伟（运营）"
    replaced.emails = [Email(value="wei.zhou@hdgas.example", type="work", primary=True)]
    replaced.title = None
    put = await scim.replace(replaced)
    assert put.display_name == "周伟（运营）" and put.emails[0].value == "wei.zhou@hdgas.example"
    assert put.title is None and put.meta.version != created.meta.version
    mine = (await org.get(f"/api/org/users/{created.id}", headers=admin)).json()
    assert mine["display_name"] == "周伟（运营）" and mine["email"] == "wei.zhou@hdgas.example"

    # PATCH: name.formatted, the work e-mail, then active false (as Entra ID sends them)
    patched = await scim.modify(User, created.id, PatchOp[User](operations=[
        PatchOperation[User](op="replace", path="displayName", value="周伟 Wei"),
        PatchOperation[User](op="replace", path='emails[type eq "work"].value', value="wei@hdgas.example"),
    ]))
    assert patched.display_name == "周伟 Wei" and patched.emails[0].value == "wei@hdgas.example"
    renamed = await scim.modify(User, created.id, PatchOp[User](operations=[
        PatchOperation[User](op="replace", path="name.formatted", value="周伟（运营部）")]))
    assert renamed.display_name == "周伟（运营部）" and renamed.name.formatted == "周伟（运营部）"
    off = await scim.modify(User, created.id, PatchOp[User](operations=[
        PatchOperation[User](op="replace", value={"active": False})]))
    assert off.active is False
    mine = (await org.get(f"/api/org/users/{created.id}", headers=admin)).json()
    assert mine["display_name"] == "周伟（运营部）" and mine["email"] == "wei@hdgas.example" and mine["active"] is False
    listed = await scim.query(User, query_parameters=SearchRequest(filter="active eq false"))
    assert [u.id for u in listed.resources] == [created.id]

    # every change is in org's audit chain as org's own user changes are
    audit = (await org.get("/api/org/audit", headers=admin, params={"subject_type": "user",
                                                                    "subject_id": created.id})).json()
    actions = [e["action"] for e in (audit["items"] if isinstance(audit, dict) else audit)]
    assert "user.created" in actions and actions.count("user.updated") >= 4


async def test_delete_deactivates_and_the_user_can_no_longer_sign_in(org, scim):
    market = await sign_in(org, "market_mgr")
    found = await scim.query(User, query_parameters=SearchRequest(filter='userName eq "market_mgr"'))
    user = found.resources[0]
    assert user.groups and "市场部" in user.groups[0].display

    await scim.delete(User, user.id)
    # gone from SCIM (RFC 7644 §3.6), kept in Yunguan, deactivated, with its history
    r = await org.get(f"{BASE}/Users/{user.id}", headers=headers(scim_token_of(scim)))
    scim_error(r, 404)
    admin = await auth(org, "admin")
    mine = (await org.get(f"/api/org/users/{user.id}", headers=admin)).json()
    assert mine["active"] is False

    r = await org.post("/api/org/auth/token", data={"grant_type": "password", "username": "market_mgr",
                                                    "password": "Demo@2026"})
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"
    r = await org.post("/api/org/auth/token", data={"grant_type": "refresh_token",
                                                    "refresh_token": market["refresh_token"]})
    assert r.status_code in (400, 401), r.text

    # the provider creating the same userName again brings the same person back
    again = await scim.create(User(user_name="market_mgr", display_name="张市场部经理", active=True))
    assert again.id == user.id and again.active is True


def scim_token_of(client: ASGISCIMClient) -> str:
    return dict(client.headers or {})["Authorization"].removeprefix("Bearer ")


async def test_groups_are_positions_and_members_are_assigned_by_patch(org, scim):
    groups = await scim.query(Group)
    names = {g.display_name: g for g in groups.resources}
    analyst_post = names["市场调研科 / 市场调研专员"] if "市场调研科 / 市场调研专员" in names else \
        next(g for n, g in names.items() if n.endswith("/ 市场调研专员"))
    assert [m.display for m in analyst_post.members] == ["刘市场调研专员"]

    newcomer = await scim.create(User(user_name="li.na", display_name="李娜", active=True))
    added = await scim.modify(Group, analyst_post.id, PatchOp[Group](operations=[
        PatchOperation[Group](op="add", path="members", value=[{"value": newcomer.id}])]))
    assert sorted(m.value for m in added.members) == sorted([analyst_post.members[0].value, newcomer.id])
    got = await scim.query(User, newcomer.id)
    assert [g.value for g in got.groups] == [analyst_post.id]

    # she now holds the position in Yunguan, with its grants
    admin = await auth(org, "admin")
    held = (await org.get("/api/org/assignments", headers=admin, params={"user_id": newcomer.id})).json()["items"]
    assert [a["position_id"] for a in held] == [int(analyst_post.id)]

    removed = await scim.modify(Group, analyst_post.id, PatchOp[Group](operations=[
        PatchOperation[Group](op="remove", path=f'members[value eq "{newcomer.id}"]')]))
    assert [m.value for m in removed.members] == [analyst_post.members[0].value]
    got = await scim.query(User, newcomer.id)
    assert not got.groups

    filtered = await scim.query(Group, query_parameters=SearchRequest(
        filter=f'displayName eq "{analyst_post.display_name}"'))
    assert [g.id for g in filtered.resources] == [analyst_post.id]

    r = await org.post(f"{BASE}/Groups", headers=headers(scim_token_of(scim)),
                       json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "新组"})
    scim_error(r, 403, "mutability")


async def test_the_admin_positions_members_are_not_changed_over_scim(org, scim):
    groups = await scim.query(Group, query_parameters=SearchRequest(filter='displayName ew "/ 系统管理员"'))
    admin_post = groups.resources[0]
    newcomer = await scim.create(User(user_name="mallory", display_name="Mallory", active=True))
    r = await org.patch(f"{BASE}/Groups/{admin_post.id}", headers=headers(scim_token_of(scim)), json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "add", "path": "members", "value": [{"value": newcomer.id}]}]})
    scim_error(r, 403, "mutability")


async def test_discovery_describes_users_and_groups(scim):
    config = scim.provider.config
    assert isinstance(config, ServiceProviderConfig)
    assert config.patch.supported and config.filter.supported and config.etag.supported
    assert not config.bulk.supported and config.authentication_schemes[0].type == "oauthbearertoken"
    assert {rt.name for rt in scim.provider.resource_types} == {"User", "Group"}
    schemas = await scim.query(Schema)
    assert {s.id for s in schemas.resources} == {"urn:ietf:params:scim:schemas:core:2.0:User",
                                                 "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
                                                 "urn:ietf:params:scim:schemas:core:2.0:Group"}
    user_schema = next(s for s in schemas.resources if s.id.endswith("core:2.0:User"))
    assert "password" not in {a.name for a in user_schema.attributes}
    rt = await scim.query(ResourceType, "User")
    assert rt.endpoint == "/Users" and rt.schema_extensions[0].required is False


async def test_only_a_live_scim_token_is_taken(org):
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x1"}
    r = await org.get(f"{BASE}/Users")
    scim_error(r, 401)
    r = await org.get(f"{BASE}/Users", headers=headers("scim_not-a-token"))
    scim_error(r, 401)
    # a signed-in administrator's own access token is not a SCIM token
    admin = await auth(org, "admin")
    r = await org.post(f"{BASE}/Users", headers=admin | {"Content-Type": SCIM_JSON}, json=body)
    scim_error(r, 401)

    info, token = await new_token(org, "Okta")
    r = await org.get(f"{BASE}/Users", headers=headers(token))
    assert r.status_code == 200 and r.headers["content-type"].startswith(SCIM_JSON)
    listed = (await org.get("/api/org/scim-tokens", headers=admin)).json()
    assert [t["name"] for t in listed] == ["Okta"] and "token" not in listed[0] and "token_hash" not in listed[0]
    # only administrators manage tokens
    r = await org.get("/api/org/scim-tokens", headers=await auth(org, "market_mgr"))
    assert r.status_code == 403

    r = await org.delete(f"/api/org/scim-tokens/{info['id']}", headers=admin)
    assert r.status_code == 204
    r = await org.get(f"{BASE}/Users", headers=headers(token))
    scim_error(r, 401)
    audit = (await org.get("/api/org/audit", headers=admin, params={"subject_type": "scim_token"})).json()
    actions = [e["action"] for e in (audit["items"] if isinstance(audit, dict) else audit)]
    assert "scim_token.created" in actions and "scim_token.revoked" in actions
    assert token not in str(audit)


async def test_refusals_are_scim_errors(org, scim):
    token = scim_token_of(scim)
    with pytest.raises(SCIMException) as dup:
        await scim.create(User(user_name="ANALYST", display_name="重名", active=True))
    error = dup.value.to_error()
    assert error.status == 409 and error.scim_type == "uniqueness"

    r = await org.get(f"{BASE}/Users", headers=headers(token), params={"filter": 'userName eq'})
    scim_error(r, 400, "invalidFilter")
    r = await org.get(f"{BASE}/Users", headers=headers(token), params={"filter": 'nickName eq "x"'})
    scim_error(r, 400, "invalidFilter")

    analyst = (await scim.query(User, query_parameters=SearchRequest(filter='userName eq "analyst"'))).resources[0]
    r = await org.patch(f"{BASE}/Users/{analyst.id}", headers=headers(token), json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "favouriteColour", "value": "red"}]})
    scim_error(r, 400, "invalidPath")
    r = await org.patch(f"{BASE}/Users/{analyst.id}", headers=headers(token), json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"favouriteColour": "red"}}]})
    scim_error(r, 400)
    r = await org.patch(f"{BASE}/Users/{analyst.id}", headers=headers(token), json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "groups", "value": []}]})
    scim_error(r, 400, "mutability")
    r = await org.put(f"{BASE}/Users/{analyst.id}", headers=headers(token) | {"If-Match": 'W/"0-0"'}, json={
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "analyst", "displayName": "x"})
    scim_error(r, 412)
    r = await org.get(f"{BASE}/Users/999999", headers=headers(token))
    scim_error(r, 404)


async def test_deactivating_the_last_administrator_is_refused(org, scim):
    token = scim_token_of(scim)
    admin = (await scim.query(User, query_parameters=SearchRequest(filter='userName eq "admin"'))).resources[0]
    r = await org.patch(f"{BASE}/Users/{admin.id}", headers=headers(token) | {"Accept-Language": "zh-CN"}, json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}]})
    body = scim_error(r, 409)
    assert "没有管理员" in body["detail"]
    r = await org.delete(f"{BASE}/Users/{admin.id}", headers=headers(token))
    body = scim_error(r, 409)
    assert "without an administrator" in body["detail"]
    assert (await scim.query(User, admin.id)).active is True
    await sign_in(org, "admin")


async def test_a_token_naming_a_provider_links_provisioned_users_to_its_accounts(org):
    admin = await auth(org, "admin")
    async with org.app.state.db.writer() as session:
        session.add(IdentityProvider(key="entra", kind="oidc", name="Entra ID", client_id="c"))
        await session.commit()
    r = await org.post("/api/org/scim-tokens", headers=admin, json={"name": "Entra", "provider_key": "entra"})
    assert r.status_code == 201, r.text
    scim = scim_client(org, r.json()["token"])
    await scim.discover()
    created = await scim.create(User(user_name="gao.yan", display_name="高燕", external_id="oid-42", active=True))
    async with org.app.state.db.reader() as session:
        links = (await session.execute(select(ExternalIdentity))).scalars().all()
    assert [(link.subject, link.user_id) for link in links] == [("oid-42", int(created.id))]


async def test_entra_ids_own_requests_provision_and_deactivate(org, scim):
    """The requests Microsoft Entra ID sends with its default mappings: the enterprise extension, PATCH ops
    in capitals, booleans as strings, a work e-mail replaced by a filtered path."""
    token = scim_token_of(scim)
    r = await org.get(f"{BASE}/Users", headers=headers(token),
                      params={"filter": 'userName eq "a1b2c3d4-0000-4000-8000-000000000001@hdgas.example"'})
    assert r.status_code == 200 and r.json()["totalResults"] == 0 and r.json()["Resources"] == []
    r = await org.post(f"{BASE}/Users", headers=headers(token), json={
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "externalId": "e1", "userName": "sun.li@hdgas.example", "active": True, "displayName": "孙丽",
        "emails": [{"primary": True, "type": "work", "value": "sun.li@hdgas.example"}],
        "name": {"formatted": "孙丽", "familyName": "孙", "givenName": "丽"},
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "701984",
                                                                       "department": "市场部"}})
    assert r.status_code == 201, r.text
    assert r.headers["location"].endswith(f"{BASE}/Users/{r.json()['id']}") and r.headers["etag"].startswith('W/"')
    user = r.json()
    assert user["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["employeeNumber"] == "701984"
    r = await org.patch(f"{BASE}/Users/{user['id']}", headers=headers(token), json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": 'emails[type eq "work"].value', "value": "li.sun@hdgas.example"},
                       {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
                        "value": "运营部"},
                       {"op": "Replace", "path": "active", "value": "False"}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["active"] is False and body["emails"][0]["value"] == "li.sun@hdgas.example"
    assert body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["department"] == "运营部"

    # the provider renames the account (a new UPN): Yunguan's username follows
    r = await org.patch(f"{BASE}/Users/{user['id']}", headers=headers(token), json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "userName", "value": "li.sun@hdgas.example"}]})
    assert r.status_code == 200 and r.json()["userName"] == "li.sun@hdgas.example"
    admin = await auth(org, "admin")
    assert (await org.get(f"/api/org/users/{user['id']}", headers=admin)).json()["username"] == "li.sun@hdgas.example"


async def test_a_patch_is_all_or_nothing(org, scim):
    token = scim_token_of(scim)
    analyst = (await scim.query(User, query_parameters=SearchRequest(filter='userName eq "analyst"'))).resources[0]
    r = await org.patch(f"{BASE}/Users/{analyst.id}", headers=headers(token), json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": "改了"},
                       {"op": "replace", "path": "userName", "value": "gm"}]})
    scim_error(r, 409, "uniqueness")
    again = await scim.query(User, analyst.id)
    assert again.display_name == analyst.display_name and again.meta.version == analyst.meta.version


# What scim2-tester flags on purpose (each answered with a SCIM error saying why):
#  - search_with_attributes: POST /.search at the root (across resource types) is not offered; /Users/.search
#    and /Groups/.search are.
#  - check_remove_attribute displayName / active: a Yunguan user always has a name to be shown by and is
#    active or not (400 mutability: deactivate with active false).
KNOWN = {("search_with_attributes", None), ("check_remove_attribute", "displayName"),
         ("check_remove_attribute", "active")}


async def test_scim2_tester_finds_users_and_discovery_compliant_on_a_served_org(org_url):
    """scim2-tester's checks (discovery, users' create, read, replace, patch, delete) over real HTTP against
    a served org. Groups are left out: the tester starts each group check by creating a group, which
    Yunguan refuses by design (403 mutability: groups are positions, created in Yunguan)."""
    async with serve(create_app(settings("org", org_url, demo=True))) as url:
        async with httpx.AsyncClient(base_url=url) as org:
            _, token = await new_token(org)

        def check():
            with Client(base_url=f"{url}{BASE}", headers={"Authorization": f"Bearer {token}"}) as http:
                return check_server(SyncSCIMClient(http), resource_types=["User"])

        results = await asyncio.to_thread(check)
    bad = [r for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    unexpected = [(r.title, r.reason) for r in bad
                  if (r.title, None) not in KNOWN
                  and not any(r.title == t and a and f"'{a}'" in (r.reason or "") for t, a in KNOWN)]
    assert not unexpected, unexpected
    assert sum(r.status == Status.SUCCESS for r in results) > 50
