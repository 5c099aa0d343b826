"""A local DingTalk, WeCom and Feishu: one HTTP server on 127.0.0.1 answering the open-platform calls org makes
for directory sync and sign-in, in each vendor's documented request and response shapes, from an in-memory
directory the test builds::

    people = VendorDirectory()
    people.department("2", "市场部", parent="1")           # the root department is "1"
    people.user("u1", "张三", departments=["2"], leader_of=["2"], email="u1@corp.example")
    async with VendorServer(people) as vendors:
        vendors.url                                        # every provider's issuer (API base)
        vendors.apps["dingtalk"]                           # (client_id, client_secret) the server accepts
        code = vendors.code_for("dingtalk", "u1")          # a one-use sign-in code (web or in-app)
        vendors.fail("/topapi/v2/user/list", after=3)      # the vendor's error from the 4th such call on
        vendors.expire_tokens()                            # every app token issued so far is stale

Checked as the vendors check them: the app's credentials (DingTalk appkey/appsecret, WeCom corpid/corpsecret,
Feishu app_id/app_secret), the access token on every call (query ``access_token``; Feishu ``Authorization:
Bearer``; DingTalk's new API ``x-acs-dingtalk-access-token``), page sizes, and one use per code. Errors are the
vendors' own: DingTalk/WeCom HTTP 200 with ``errcode``/``errmsg`` (40014 invalid token, 40089/40013 bad
credentials), DingTalk's new API HTTP 400 with ``code``/``message``, Feishu ``code``/``msg`` (99991663 invalid
token, 10014 bad secret, 20003 bad code).

Ids: a department "N" is DingTalk dept_id N and WeCom id N, Feishu ``od-N`` (the root "0"); a user "u" is
DingTalk and WeCom userid u, Feishu open_id ``ou_u``; unionIds are ``union-u``.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

ROOT = "1"


@dataclass
class Person:
    userid: str
    name: str
    departments: list[str]
    leader_of: list[str] = field(default_factory=list)
    email: str = ""
    mobile: str = ""


@dataclass
class Dept:
    id: str
    name: str
    parent: str | None
    order: int = 0


class VendorDirectory:
    """The company's contacts as the vendors hold them (one directory served in all three shapes)."""

    def __init__(self, company: str = "测试公司"):
        self.departments: dict[str, Dept] = {ROOT: Dept(ROOT, company, None)}
        self.people: dict[str, Person] = {}

    def department(self, id: str, name: str, *, parent: str = ROOT) -> Dept:
        self.departments[id] = Dept(id, name, parent, len(self.departments))
        return self.departments[id]

    def user(self, userid: str, name: str, *, departments: list[str], leader_of: list[str] | None = None,
             email: str = "", mobile: str = "") -> Person:
        self.people[userid] = Person(userid, name, list(departments), list(leader_of or []), email, mobile)
        return self.people[userid]

    def remove_department(self, id: str) -> None:
        del self.departments[id]

    def children(self, id: str) -> list[Dept]:
        return sorted((d for d in self.departments.values() if d.parent == id), key=lambda d: (d.order, d.id))

    def descendants(self, id: str) -> list[Dept]:
        out: list[Dept] = []
        for child in self.children(id):
            out.append(child)
            out += self.descendants(child.id)
        return out

    def members(self, dept: str) -> list[Person]:
        return sorted((p for p in self.people.values() if dept in p.departments), key=lambda p: p.userid)

    def leaders(self, dept: str) -> list[str]:
        return [p.userid for p in sorted(self.people.values(), key=lambda p: p.userid) if dept in p.leader_of]


def _feishu_dept(id: str) -> str:
    return "0" if id == ROOT else f"od-{id}"


def _from_feishu_dept(id: str) -> str:
    return ROOT if id == "0" else id.removeprefix("od-")


class VendorServer:
    def __init__(self, directory: VendorDirectory):
        self.directory = directory
        self.apps = {"dingtalk": ("ding-app-key", secrets.token_hex(8)),
                     "wecom": ("ww-corp-id", secrets.token_hex(8)),
                     "feishu": ("cli_test_app", secrets.token_hex(8))}
        self.tokens: dict[str, str] = {}  # app access token → vendor
        self.user_tokens: dict[str, tuple[str, str]] = {}  # user access token → (vendor, userid)
        self.codes: dict[str, tuple[str, str]] = {}  # code → (vendor, userid)
        self.calls: Counter[str] = Counter()  # path → how many calls
        self.failures: dict[str, int] = {}  # path → answer an error once this many calls succeeded
        self.url = ""
        self._runner: web.AppRunner | None = None

    # --- what a test does ------------------------------------------------------------------------

    def code_for(self, vendor: str, userid: str) -> str:
        code = secrets.token_hex(12)
        self.codes[code] = (vendor, userid)
        return code

    def fail(self, path: str, *, after: int = 0) -> None:
        self.failures[path] = self.calls[path] + after

    def expire_tokens(self) -> None:
        self.tokens.clear()

    def provider_fields(self, vendor: str) -> dict[str, Any]:
        """What an administrator enters for this vendor's provider (issuer, client_id, client_secret, agent_id)."""
        client_id, secret = self.apps[vendor]
        return {"issuer": self.url, "client_id": client_id, "client_secret": secret,
                "agent_id": "1000002" if vendor == "wecom" else ""}

    async def __aenter__(self) -> VendorServer:
        app = web.Application(middlewares=[self._count])
        r = app.router
        r.add_get("/gettoken", self.ding_gettoken)
        r.add_post("/topapi/v2/department/listsub", self.ding_listsub)
        r.add_post("/topapi/v2/user/list", self.ding_user_list)
        r.add_post("/topapi/v2/user/get", self.ding_user_get)
        r.add_post("/topapi/user/getbyunionid", self.ding_getbyunionid)
        r.add_post("/topapi/v2/user/getuserinfo", self.ding_getuserinfo)
        r.add_post("/v1.0/oauth2/userAccessToken", self.ding_user_access_token)
        r.add_get("/v1.0/contact/users/me", self.ding_me)
        r.add_get("/cgi-bin/gettoken", self.wecom_gettoken)
        r.add_get("/cgi-bin/department/list", self.wecom_departments)
        r.add_get("/cgi-bin/user/list", self.wecom_users)
        r.add_get("/cgi-bin/user/get", self.wecom_user_get)
        r.add_get("/cgi-bin/auth/getuserinfo", self.wecom_getuserinfo)
        r.add_post("/open-apis/auth/v3/tenant_access_token/internal", self.feishu_token)
        r.add_get("/open-apis/contact/v3/departments/{id}/children", self.feishu_children)
        r.add_get("/open-apis/contact/v3/users/find_by_department", self.feishu_users)
        r.add_post("/open-apis/authen/v2/oauth/token", self.feishu_oauth_token)
        r.add_get("/open-apis/authen/v1/user_info", self.feishu_user_info)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- plumbing --------------------------------------------------------------------------------

    @web.middleware
    async def _count(self, request: web.Request, handler: Any) -> web.StreamResponse:
        path = request.path if "/departments/" not in request.path else "/open-apis/contact/v3/departments/children"
        self.calls[path] += 1
        limit = self.failures.get(path)
        if limit is not None and self.calls[path] > limit:
            if path.startswith("/open-apis"):
                return web.json_response({"code": 40004, "msg": "no dept authority error"})
            return web.json_response({"errcode": 60011, "errmsg": "no privilege to access/modify contact/party"})
        result: web.StreamResponse = await handler(request)
        return result

    def _issue(self, vendor: str) -> str:
        token = secrets.token_hex(16)
        self.tokens[token] = vendor
        return token

    def _app_token_ok(self, vendor: str, token: str | None) -> bool:
        return token is not None and self.tokens.get(token) == vendor

    @staticmethod
    def _err(errcode: int, errmsg: str) -> web.Response:
        return web.json_response({"errcode": errcode, "errmsg": errmsg})

    def _take_code(self, vendor: str, code: str) -> str | None:
        found = self.codes.pop(code, None)
        if found is None or found[0] != vendor:
            return None
        return found[1]

    # --- DingTalk --------------------------------------------------------------------------------

    def _ding_bad(self, request: web.Request) -> web.Response | None:
        if not self._app_token_ok("dingtalk", request.query.get("access_token")):
            return self._err(40014, "不合法的access_token")
        return None

    async def ding_gettoken(self, request: web.Request) -> web.Response:
        if (request.query.get("appkey"), request.query.get("appsecret")) != self.apps["dingtalk"]:
            return self._err(40089, "不合法的corpid或corpsecret")
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": self._issue("dingtalk"),
                                  "expires_in": 7200})

    async def ding_listsub(self, request: web.Request) -> web.Response:
        if (bad := self._ding_bad(request)) is not None:
            return bad
        body = await request.json()
        dept = str(body.get("dept_id", 1))
        if dept not in self.directory.departments:
            return self._err(60003, "部门不存在")
        result = [{"dept_id": int(d.id), "name": d.name, "parent_id": int(dept), "create_dept_group": False,
                   "auto_add_user": False} for d in self.directory.children(dept)]
        return web.json_response({"errcode": 0, "errmsg": "ok", "result": result, "request_id": secrets.token_hex(6)})

    def _ding_user(self, p: Person, dept: str | None = None) -> dict[str, Any]:
        return {"userid": p.userid, "unionid": f"union-{p.userid}", "name": p.name, "email": p.email,
                "mobile": p.mobile, "active": True, "admin": False, "boss": False,
                "dept_id_list": [int(d) for d in p.departments],
                **({"leader": dept in p.leader_of} if dept is not None else
                   {"leader_in_dept": [{"dept_id": int(d), "leader": d in p.leader_of} for d in p.departments]})}

    async def ding_user_list(self, request: web.Request) -> web.Response:
        if (bad := self._ding_bad(request)) is not None:
            return bad
        body = await request.json()
        dept, cursor, size = str(body.get("dept_id")), int(body.get("cursor", 0)), int(body.get("size", 0))
        if not 1 <= size <= 100:
            return self._err(400002, "size参数不合法")
        members = self.directory.members(dept)
        page = members[cursor:cursor + size]
        more = cursor + size < len(members)
        return web.json_response({"errcode": 0, "errmsg": "ok", "result": {
            "has_more": more, **({"next_cursor": cursor + size} if more else {}),
            "list": [self._ding_user(p, dept) for p in page]}, "request_id": secrets.token_hex(6)})

    async def ding_user_get(self, request: web.Request) -> web.Response:
        if (bad := self._ding_bad(request)) is not None:
            return bad
        p = self.directory.people.get(str((await request.json()).get("userid")))
        if p is None:
            return self._err(60121, "找不到该用户")
        return web.json_response({"errcode": 0, "errmsg": "ok", "result": self._ding_user(p)})

    async def ding_getbyunionid(self, request: web.Request) -> web.Response:
        if (bad := self._ding_bad(request)) is not None:
            return bad
        unionid = str((await request.json()).get("unionid", ""))
        userid = unionid.removeprefix("union-")
        if not unionid.startswith("union-") or userid not in self.directory.people:
            return self._err(60121, "找不到该用户")
        return web.json_response({"errcode": 0, "errmsg": "ok", "result": {"contact_type": 0, "userid": userid}})

    async def ding_getuserinfo(self, request: web.Request) -> web.Response:
        if (bad := self._ding_bad(request)) is not None:
            return bad
        userid = self._take_code("dingtalk", str((await request.json()).get("code", "")))
        if userid is None:
            return self._err(40078, "不存在的临时授权码")
        p = self.directory.people.get(userid)
        return web.json_response({"errcode": 0, "errmsg": "ok", "result": {
            "userid": userid, "unionid": f"union-{userid}", "name": p.name if p else "", "sys": False,
            "sys_level": 0, "device_id": "d1"}})

    async def ding_user_access_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("clientId"), body.get("clientSecret")) != self.apps["dingtalk"]:
            return web.json_response({"code": "invalidClientIdOrSecret", "message": "无效的clientId或者clientSecret",
                                      "requestid": secrets.token_hex(6)}, status=400)
        if body.get("grantType") != "authorization_code":
            return web.json_response({"code": "invalidParameter.grantType", "message": "grantType不合法"}, status=400)
        userid = self._take_code("dingtalk", str(body.get("code", "")))
        if userid is None:
            return web.json_response({"code": "invalidAuthCode", "message": "不合法的临时授权码"}, status=400)
        token = secrets.token_hex(16)
        self.user_tokens[token] = ("dingtalk", userid)
        return web.json_response({"accessToken": token, "refreshToken": secrets.token_hex(16), "expireIn": 7200,
                                  "corpId": "ding-corp"})

    async def ding_me(self, request: web.Request) -> web.Response:
        found = self.user_tokens.get(request.headers.get("x-acs-dingtalk-access-token", ""))
        if found is None or found[0] != "dingtalk":
            return web.json_response({"code": "InvalidAuthentication", "message": "不合法的access_token"}, status=401)
        userid = found[1]
        p = self.directory.people.get(userid)
        return web.json_response({"nick": p.name if p else userid, "unionId": f"union-{userid}",
                                  "openId": f"open-{userid}", "email": p.email if p else "",
                                  "mobile": p.mobile if p else "", "stateCode": "86", "avatarUrl": ""})

    # --- WeCom -----------------------------------------------------------------------------------

    def _wecom_bad(self, request: web.Request) -> web.Response | None:
        token = request.query.get("access_token")
        if token is None:
            return self._err(41001, "access_token missing")
        if not self._app_token_ok("wecom", token):
            return self._err(40014, "invalid access_token")
        return None

    async def wecom_gettoken(self, request: web.Request) -> web.Response:
        corpid, secret = self.apps["wecom"]
        if request.query.get("corpid") != corpid:
            return self._err(40013, "invalid corpid")
        if request.query.get("corpsecret") != secret:
            return self._err(40001, "invalid credential")
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": self._issue("wecom"),
                                  "expires_in": 7200})

    async def wecom_departments(self, request: web.Request) -> web.Response:
        if (bad := self._wecom_bad(request)) is not None:
            return bad
        top = request.query.get("id", ROOT)
        if top not in self.directory.departments:
            return self._err(60123, "invalid party id")
        depts = [self.directory.departments[top], *self.directory.descendants(top)]
        return web.json_response({"errcode": 0, "errmsg": "ok", "department": [
            {"id": int(d.id), "name": d.name, "name_en": "", "department_leader": self.directory.leaders(d.id),
             "parentid": int(d.parent) if d.parent else 0, "order": d.order} for d in depts]})

    def _wecom_user(self, p: Person) -> dict[str, Any]:
        return {"userid": p.userid, "name": p.name, "department": [int(d) for d in p.departments],
                "order": [0 for _ in p.departments], "position": "", "mobile": p.mobile, "email": p.email,
                "is_leader_in_dept": [1 if d in p.leader_of else 0 for d in p.departments], "status": 1,
                "main_department": int(p.departments[0]) if p.departments else 1}

    async def wecom_users(self, request: web.Request) -> web.Response:
        if (bad := self._wecom_bad(request)) is not None:
            return bad
        dept = request.query.get("department_id", "")
        if dept not in self.directory.departments:
            return self._err(60123, "invalid party id")
        return web.json_response({"errcode": 0, "errmsg": "ok",
                                  "userlist": [self._wecom_user(p) for p in self.directory.members(dept)]})

    async def wecom_user_get(self, request: web.Request) -> web.Response:
        if (bad := self._wecom_bad(request)) is not None:
            return bad
        p = self.directory.people.get(request.query.get("userid", ""))
        if p is None:
            return self._err(60111, "invalid string value `userid`")
        return web.json_response({"errcode": 0, "errmsg": "ok", **self._wecom_user(p)})

    async def wecom_getuserinfo(self, request: web.Request) -> web.Response:
        if (bad := self._wecom_bad(request)) is not None:
            return bad
        userid = self._take_code("wecom", request.query.get("code", ""))
        if userid is None:
            return self._err(40029, "invalid code")
        if userid not in self.directory.people:  # someone outside the company: an openid only
            return web.json_response({"errcode": 0, "errmsg": "ok", "openid": f"o-{userid}",
                                      "external_userid": ""})
        return web.json_response({"errcode": 0, "errmsg": "ok", "userid": userid, "user_ticket": secrets.token_hex(8)})

    # --- Feishu ----------------------------------------------------------------------------------

    def _feishu_bad(self, request: web.Request) -> web.Response | None:
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or not self._app_token_ok("feishu", auth.removeprefix("Bearer ")):
            return web.json_response({"code": 99991663, "msg": "Invalid access token for authorization."},
                                     status=400)
        return None

    async def feishu_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        app_id, secret = self.apps["feishu"]
        if body.get("app_id") != app_id:
            return web.json_response({"code": 10003, "msg": "invalid app_id"})
        if body.get("app_secret") != secret:
            return web.json_response({"code": 10014, "msg": "app secret invalid"})
        return web.json_response({"code": 0, "msg": "ok", "tenant_access_token": self._issue("feishu"),
                                  "expire": 7200})

    @staticmethod
    def _page(items: list[Any], request: web.Request) -> tuple[list[Any], dict[str, Any]] | web.Response:
        size = int(request.query.get("page_size", "10"))
        if not 1 <= size <= 50:
            return web.json_response({"code": 99992402, "msg": "field validation failed: page_size"}, status=400)
        start = int(request.query.get("page_token") or 0)
        page = items[start:start + size]
        more = start + size < len(items)
        return page, {"has_more": more, **({"page_token": str(start + size)} if more else {})}

    def _feishu_id_types(self, request: web.Request) -> web.Response | None:
        if request.query.get("department_id_type") != "open_department_id" or \
                request.query.get("user_id_type") != "open_id":
            return web.json_response({"code": 99992402, "msg": "field validation failed: id types"}, status=400)
        return None

    async def feishu_children(self, request: web.Request) -> web.Response:
        if (bad := self._feishu_bad(request) or self._feishu_id_types(request)) is not None:
            return bad
        dept = _from_feishu_dept(request.match_info["id"])
        if dept not in self.directory.departments:
            return web.json_response({"code": 40003, "msg": "department not found"}, status=400)
        found = (self.directory.descendants(dept) if request.query.get("fetch_child") == "true"
                 else self.directory.children(dept))
        paged = self._page(found, request)
        if isinstance(paged, web.Response):
            return paged
        page, more = paged
        items = []
        for d in page:
            leaders = self.directory.leaders(d.id)
            items.append({"name": d.name, "department_id": d.id, "open_department_id": _feishu_dept(d.id),
                          "parent_department_id": _feishu_dept(d.parent or ROOT),
                          "leader_user_id": f"ou_{leaders[0]}" if leaders else "",
                          "leaders": [{"leaderType": 1 if i == 0 else 2, "leaderID": f"ou_{u}"}
                                      for i, u in enumerate(leaders)],
                          "order": str(d.order), "status": {"is_deleted": False}})
        return web.json_response({"code": 0, "msg": "success", "data": {"items": items, **more}})

    def _feishu_user(self, p: Person) -> dict[str, Any]:
        return {"union_id": f"union-{p.userid}", "user_id": p.userid, "open_id": f"ou_{p.userid}", "name": p.name,
                "en_name": "", "email": p.email, "enterprise_email": "", "mobile": p.mobile,
                "department_ids": [_feishu_dept(d) for d in p.departments],
                "status": {"is_frozen": False, "is_resigned": False, "is_activated": True}}

    async def feishu_users(self, request: web.Request) -> web.Response:
        if (bad := self._feishu_bad(request) or self._feishu_id_types(request)) is not None:
            return bad
        dept = _from_feishu_dept(request.query.get("department_id", ""))
        if dept not in self.directory.departments:
            return web.json_response({"code": 40003, "msg": "department not found"}, status=400)
        paged = self._page(self.directory.members(dept), request)
        if isinstance(paged, web.Response):
            return paged
        page, more = paged
        return web.json_response({"code": 0, "msg": "success",
                                  "data": {"items": [self._feishu_user(p) for p in page], **more}})

    async def feishu_oauth_token(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (body.get("client_id"), body.get("client_secret")) != self.apps["feishu"]:
            return web.json_response({"code": 20002, "error": "invalid_client",
                                      "error_description": "The client secret is invalid."}, status=400)
        if body.get("grant_type") != "authorization_code":
            return web.json_response({"code": 20001, "error": "invalid_request",
                                      "error_description": "grant_type"}, status=400)
        userid = self._take_code("feishu", str(body.get("code", "")))
        if userid is None:
            return web.json_response({"code": 20003, "error": "invalid_grant",
                                      "error_description": "The authorization code is not found."}, status=400)
        token = secrets.token_hex(16)
        self.user_tokens[token] = ("feishu", userid)
        return web.json_response({"code": 0, "access_token": token, "expires_in": 7200,
                                  "refresh_token": secrets.token_hex(16), "token_type": "Bearer", "scope": ""})

    async def feishu_user_info(self, request: web.Request) -> web.Response:
        auth = request.headers.get("Authorization", "")
        found = self.user_tokens.get(auth.removeprefix("Bearer "))
        if found is None or found[0] != "feishu":
            return web.json_response({"code": 99991668, "msg": "Invalid access token for authorization."},
                                     status=400)
        userid = found[1]
        p = self.directory.people.get(userid)
        return web.json_response({"code": 0, "msg": "success", "data": {
            "name": p.name if p else userid, "en_name": "", "open_id": f"ou_{userid}", "union_id": f"union-{userid}",
            "user_id": userid, "email": p.email if p else "", "enterprise_email": "", "mobile": p.mobile if p else "",
            "tenant_key": "tenant-1"}})
