"""DingTalk, WeCom and Feishu as their open platforms document them: the app's access token (cached until
shortly before it expires), the contacts (departments with parents and leaders, users per department), and
the calls sign-in needs (a user's code → who they are).

One client class per vendor over one base; the API base is the provider's ``issuer`` (empty: the vendor's
public host). Errors come back as each vendor shapes them — DingTalk's old API and WeCom answer HTTP 200 with
``errcode``/``errmsg``, DingTalk's new API answers 4xx with ``code``/``message``, Feishu ``code``/``msg`` — and
become :class:`VendorError` (a 502 Problem naming the vendor's code and message, never the app's secret).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.common.problems import Invalid, Problem
from services.org.models import IdentityProvider

VENDOR_KINDS = ("dingtalk", "wecom", "feishu")
VENDOR_ZH = {"dingtalk": "钉钉", "wecom": "企业微信", "feishu": "飞书"}

# An app token is used until this long before the vendor says it expires (they live 2 hours).
TOKEN_MARGIN_SECONDS = 300
# Parallel requests to a vendor while reading its contacts (they rate-limit per app).
FETCH_CONCURRENCY = 8


# WeCom's gettoken takes the secret in the query, and the vendors' server APIs the access token: httpx logs
# each request's URL (INFO), so those parameters are masked in its log records.
SECRET_PARAMS = frozenset({"appsecret", "corpsecret", "app_secret", "access_token", "code"})


def _masked(arg: object) -> object:
    if isinstance(arg, httpx.URL) and any(k in SECRET_PARAMS for k in arg.params):
        return arg.copy_with(params=[(k, "redacted" if k in SECRET_PARAMS else v) for k, v in arg.params.multi_items()])
    return arg


class _MaskSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(a) for a in record.args)
        return True


if not any(isinstance(f, _MaskSecrets) for f in logging.getLogger("httpx").filters):
    logging.getLogger("httpx").addFilter(_MaskSecrets())


class VendorError(Problem):
    """The vendor refused a call (or could not be reached): a 502 naming the vendor's code and message."""

    status = 502
    slug = "vendor-error"
    title = "The identity provider answered with an error"


def vendor_error(kind: str, call: str, code: Any, message: str) -> VendorError:
    name = VENDOR_ZH.get(kind, kind)
    return VendorError(f"{kind} answered {call} with error {code}: {message}",
                       zh=f"{name}接口 {call} 返回错误 {code}：{message}", vendor=kind, vendor_code=str(code))


@dataclass
class Department:
    id: str
    name: str
    parent_id: str | None  # None: the root department (the company itself)
    leaders: list[str] = field(default_factory=list)  # the vendor's user ids


@dataclass
class Member:
    id: str  # the vendor's user id (DingTalk userid, WeCom userid, Feishu open_id): ExternalIdentity.subject
    name: str
    email: str = ""
    mobile: str = ""
    departments: list[str] = field(default_factory=list)
    leader_of: list[str] = field(default_factory=list)
    active: bool = True


@dataclass
class Directory:
    root_id: str
    departments: dict[str, Department]
    members: dict[str, Member]


@dataclass
class VendorIdentity:
    subject: str
    display_name: str
    email: str = ""
    mobile: str = ""
    claims: dict[str, Any] = field(default_factory=dict)


_tokens: dict[tuple[str, str, str, str], tuple[str, float]] = {}


def forget_tokens() -> None:
    """Drop every cached app token (tests; a rotated secret is a new cache key anyway)."""
    _tokens.clear()


class VendorClient(ABC):
    """What DingTalk, WeCom and Feishu have in common: the app token (cached, refreshed when stale), calls and
    their errors; each vendor fills in its token, contacts and sign-in calls."""

    kind = ""
    public_base = ""
    root_id = ""
    # error codes meaning "this access token is not (or no longer) valid": fetch a new one, try once more
    stale_token_codes: frozenset[Any] = frozenset()

    def __init__(self, provider: IdentityProvider, http: httpx.AsyncClient | None = None):
        self.provider = provider
        self._http = http
        self.base = (provider.issuer or self.public_base).rstrip("/")

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("this vendor client was made without an HTTP client")
        return self._http

    # --- the app's access token ------------------------------------------------------------------

    def _cache_key(self) -> tuple[str, str, str, str]:
        secret = hashlib.sha256(self.provider.client_secret.encode()).hexdigest()
        return (self.kind, self.base, self.provider.client_id, secret)

    async def app_token(self, *, fresh: bool = False) -> str:
        key = self._cache_key()
        cached = _tokens.get(key)
        if cached is not None and not fresh and cached[1] > time.monotonic():
            return cached[0]
        token, expires_in = await self._fetch_token()
        margin = min(TOKEN_MARGIN_SECONDS, expires_in / 2)
        _tokens[key] = (token, time.monotonic() + expires_in - margin)
        return token

    @abstractmethod
    async def _fetch_token(self) -> tuple[str, float]:
        """Each vendor's own."""

    async def _json(self, call: str, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise vendor_error(self.kind, call, response.status_code, response.text[:200]) from None
        if not isinstance(body, dict):
            raise vendor_error(self.kind, call, response.status_code, "not a JSON object")
        return body

    async def _request(self, method: str, path: str, *, call: str, params: dict[str, Any] | None = None,
                       json: Any = None, headers: dict[str, str] | None = None) -> httpx.Response:
        try:
            return await self.http.request(method, f"{self.base}{path}", params=params, json=json, headers=headers,
                                           timeout=15)
        except httpx.HTTPError as exc:
            # the exception's text may hold the URL (and so a secret): its kind only
            raise vendor_error(self.kind, call, type(exc).__name__, "unreachable") from exc

    async def _app_call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                        json: Any = None) -> dict[str, Any]:
        """A call with the app token, retried once with a new token when the vendor says it is stale."""
        for attempt in (0, 1):
            token = await self.app_token(fresh=attempt == 1)
            body = await self._with_token(method, path, token, params=params, json=json)
            code = self._error_code(body)
            if code in self.stale_token_codes and attempt == 0:
                continue
            if code not in (0, None):
                raise vendor_error(self.kind, path, code, self._error_message(body))
            return body
        raise AssertionError("unreachable")

    async def _with_token(self, method: str, path: str, token: str, *, params: dict[str, Any] | None,
                          json: Any) -> dict[str, Any]:
        response = await self._request(method, path, call=path, params={**(params or {}), "access_token": token},
                                       json=json)
        return await self._json(path, response)

    def _error_code(self, body: dict[str, Any]) -> Any:
        return body.get("errcode", 0)

    def _error_message(self, body: dict[str, Any]) -> str:
        return str(body.get("errmsg", ""))

    # --- contacts -------------------------------------------------------------------------------

    @abstractmethod
    async def directory(self) -> Directory:
        """Each vendor's own."""

    async def _members_of(self, department_ids: list[str]) -> dict[str, Member]:
        gate = asyncio.Semaphore(FETCH_CONCURRENCY)

        async def one(dept: str) -> list[Member]:
            async with gate:
                return await self._department_members(dept)

        members: dict[str, Member] = {}
        for found in await asyncio.gather(*(one(d) for d in department_ids)):
            for m in found:
                seen = members.get(m.id)
                if seen is None:
                    members[m.id] = m
                    continue
                seen.departments = list(dict.fromkeys(seen.departments + m.departments))
                seen.leader_of = list(dict.fromkeys(seen.leader_of + m.leader_of))
        return members

    @abstractmethod
    async def _department_members(self, dept: str) -> list[Member]:
        """Each vendor's own."""

    # --- sign-in --------------------------------------------------------------------------------

    @abstractmethod
    def authorize_url(self, state: str, redirect_uri: str, *, in_app: bool = False) -> str:
        """Each vendor's own."""

    @abstractmethod
    async def identify(self, code: str, *, in_app: bool = False) -> VendorIdentity:
        """Each vendor's own."""


def _leaders_from(members: dict[str, Member], departments: dict[str, Department]) -> None:
    for m in members.values():
        for d in m.leader_of:
            dept = departments.get(d)
            if dept is not None and m.id not in dept.leaders:
                dept.leaders.append(m.id)


# --- DingTalk ----------------------------------------------------------------------------------


class DingTalk(VendorClient):
    """DingTalk: the server API (oapi.dingtalk.com: ``gettoken``, ``topapi/v2/...``, errcode/errmsg) and the
    new API (api.dingtalk.com: ``/v1.0/...``, HTTP 4xx with code/message) — one ``issuer`` serves both when set."""

    kind = "dingtalk"
    public_base = "https://oapi.dingtalk.com"
    new_api_base = "https://api.dingtalk.com"
    root_id = "1"
    stale_token_codes = frozenset({40014, 42001, 88})
    page_size = 100

    @property
    def api_base(self) -> str:
        return (self.provider.issuer or self.new_api_base).rstrip("/")

    async def _fetch_token(self) -> tuple[str, float]:
        r = await self._request("GET", "/gettoken", call="gettoken",
                                params={"appkey": self.provider.client_id, "appsecret": self.provider.client_secret})
        body = await self._json("gettoken", r)
        if body.get("errcode", 0) != 0 or not body.get("access_token"):
            raise vendor_error(self.kind, "gettoken", body.get("errcode"), str(body.get("errmsg", "")))
        return str(body["access_token"]), float(body.get("expires_in", 7200))

    async def directory(self) -> Directory:
        departments = {self.root_id: Department(self.root_id, "", None)}
        level = [self.root_id]
        while level:  # listsub answers one level: walk the tree breadth first
            answers = await asyncio.gather(*(self._app_call("POST", "/topapi/v2/department/listsub",
                                                            json={"dept_id": int(d)}) for d in level))
            level = []
            for body in answers:
                for item in body.get("result") or []:
                    did = str(item["dept_id"])
                    departments[did] = Department(did, str(item.get("name", "")), str(item.get("parent_id")))
                    level.append(did)
        members = await self._members_of(list(departments))
        _leaders_from(members, departments)
        return Directory(self.root_id, departments, members)

    async def _department_members(self, dept: str) -> list[Member]:
        out: list[Member] = []
        cursor = 0
        while True:
            body = await self._app_call("POST", "/topapi/v2/user/list",
                                        json={"dept_id": int(dept), "cursor": cursor, "size": self.page_size})
            result = body.get("result") or {}
            for u in result.get("list") or []:
                out.append(Member(id=str(u["userid"]), name=str(u.get("name", "")), email=str(u.get("email") or ""),
                                  mobile=str(u.get("mobile") or ""),
                                  departments=[str(d) for d in u.get("dept_id_list") or [dept]],
                                  leader_of=[dept] if u.get("leader") else []))  # who left is no longer listed
            if not result.get("has_more"):
                return out
            cursor = int(result.get("next_cursor") or 0)

    def authorize_url(self, state: str, redirect_uri: str, *, in_app: bool = False) -> str:
        # in DingTalk's app the page gets its code from dd.getAuthCode (free login) instead
        query = httpx.QueryParams({"redirect_uri": redirect_uri, "response_type": "code",
                                   "client_id": self.provider.client_id, "scope": "openid", "state": state,
                                   "prompt": "consent"})
        login = self.provider.config.get("login_url", "https://login.dingtalk.com/oauth2/auth")
        return f"{login}?{query}"

    async def identify(self, code: str, *, in_app: bool = False) -> VendorIdentity:
        if in_app:
            # 免登: the code from dd.getAuthCode → topapi/v2/user/getuserinfo (app token) → userid
            body = await self._app_call("POST", "/topapi/v2/user/getuserinfo", json={"code": code})
            result = body.get("result") or {}
            userid = str(result.get("userid") or "")
            if not userid:
                raise vendor_error(self.kind, "getuserinfo", body.get("errcode"), "no userid")
            return await self._user_by_id(userid, {"unionid": result.get("unionid", "")})
        # web: the user's access token (new API), their profile (unionId), then the unionId's userid
        r = await self.http.post(f"{self.api_base}/v1.0/oauth2/userAccessToken", timeout=15,
                                 json={"clientId": self.provider.client_id,
                                       "clientSecret": self.provider.client_secret, "code": code,
                                       "grantType": "authorization_code"})
        token = await self._new_api("userAccessToken", r)
        r = await self.http.get(f"{self.api_base}/v1.0/contact/users/me", timeout=15,
                                headers={"x-acs-dingtalk-access-token": str(token.get("accessToken", ""))})
        me = await self._new_api("users/me", r)
        body = await self._app_call("POST", "/topapi/user/getbyunionid", json={"unionid": me.get("unionId", "")})
        userid = str((body.get("result") or {}).get("userid") or "")
        if not userid:
            raise vendor_error(self.kind, "getbyunionid", body.get("errcode"), "no userid for this unionId")
        return await self._user_by_id(userid, {"unionid": me.get("unionId", ""), "nick": me.get("nick", ""),
                                               "email": me.get("email", ""), "mobile": me.get("mobile", "")})

    async def _new_api(self, call: str, r: httpx.Response) -> dict[str, Any]:
        body = await self._json(call, r)
        if r.status_code >= 400 or ("code" in body and "message" in body):
            raise vendor_error(self.kind, call, body.get("code", r.status_code), str(body.get("message", "")))
        return body

    async def _user_by_id(self, userid: str, seen: dict[str, Any]) -> VendorIdentity:
        body = await self._app_call("POST", "/topapi/v2/user/get", json={"userid": userid})
        u = body.get("result") or {}
        email = str(u.get("email") or seen.get("email") or "")
        claims = {**seen, "userid": userid, "name": u.get("name", ""), "email": email,
                  "mobile": str(u.get("mobile") or seen.get("mobile") or "")}
        return VendorIdentity(subject=userid, display_name=str(u.get("name") or seen.get("nick") or userid),
                              email=email, mobile=claims["mobile"], claims=claims)


# --- WeCom -------------------------------------------------------------------------------------


class WeCom(VendorClient):
    """WeCom (企业微信): qyapi.weixin.qq.com/cgi-bin, errcode/errmsg; ``client_id`` is the corpid, the secret
    the app's (or the contacts sync) secret, ``agent_id`` the app's agentid."""

    kind = "wecom"
    public_base = "https://qyapi.weixin.qq.com"
    root_id = "1"
    stale_token_codes = frozenset({40014, 42001})

    async def _fetch_token(self) -> tuple[str, float]:
        r = await self._request("GET", "/cgi-bin/gettoken", call="gettoken",
                                params={"corpid": self.provider.client_id, "corpsecret": self.provider.client_secret})
        body = await self._json("gettoken", r)
        if body.get("errcode", 0) != 0 or not body.get("access_token"):
            raise vendor_error(self.kind, "gettoken", body.get("errcode"), str(body.get("errmsg", "")))
        return str(body["access_token"]), float(body.get("expires_in", 7200))

    async def directory(self) -> Directory:
        body = await self._app_call("GET", "/cgi-bin/department/list", params={"id": self.root_id})
        departments: dict[str, Department] = {}
        for d in body.get("department") or []:
            did = str(d["id"])
            parent = None if did == self.root_id else str(d.get("parentid"))
            departments[did] = Department(did, str(d.get("name", "")), parent,
                                          [str(u) for u in d.get("department_leader") or []])
        if self.root_id not in departments:
            departments[self.root_id] = Department(self.root_id, "", None)
        members = await self._members_of(list(departments))
        _leaders_from(members, departments)
        return Directory(self.root_id, departments, members)

    async def _department_members(self, dept: str) -> list[Member]:
        body = await self._app_call("GET", "/cgi-bin/user/list", params={"department_id": dept})
        out = []
        for u in body.get("userlist") or []:
            depts = [str(d) for d in u.get("department") or []]
            flags = u.get("is_leader_in_dept") or []
            out.append(Member(id=str(u["userid"]), name=str(u.get("name", "")), email=str(u.get("email") or ""),
                              mobile=str(u.get("mobile") or ""), departments=depts,
                              leader_of=[d for d, f in zip(depts, flags, strict=False) if f],
                              active=u.get("status", 1) == 1))
        return out

    def authorize_url(self, state: str, redirect_uri: str, *, in_app: bool = False) -> str:
        if in_app:  # inside WeCom: its OAuth page answers at once with a code for the person using the app
            query = httpx.QueryParams({"appid": self.provider.client_id, "redirect_uri": redirect_uri,
                                       "response_type": "code", "scope": "snsapi_base", "state": state,
                                       "agentid": self.provider.agent_id})
            return f"https://open.weixin.qq.com/connect/oauth2/authorize?{query}#wechat_redirect"
        query = httpx.QueryParams({"appid": self.provider.client_id, "agentid": self.provider.agent_id,
                                   "redirect_uri": redirect_uri, "state": state})
        login = self.provider.config.get("login_url", "https://open.work.weixin.qq.com/wwopen/sso/qrConnect")
        return f"{login}?{query}"

    async def identify(self, code: str, *, in_app: bool = False) -> VendorIdentity:
        # the web QR code and the in-app OAuth code are both exchanged at auth/getuserinfo
        body = await self._app_call("GET", "/cgi-bin/auth/getuserinfo", params={"code": code})
        userid = str(body.get("userid") or body.get("UserId") or "")
        if not userid:  # an openid only: a person outside the company
            raise vendor_error(self.kind, "auth/getuserinfo", body.get("errcode"), "not a member of this company")
        u = await self._app_call("GET", "/cgi-bin/user/get", params={"userid": userid})
        email = str(u.get("email") or u.get("biz_mail") or "")
        claims = {"userid": userid, "name": u.get("name", ""), "email": email, "mobile": str(u.get("mobile") or "")}
        return VendorIdentity(subject=userid, display_name=str(u.get("name") or userid), email=email,
                              mobile=claims["mobile"], claims=claims)


# --- Feishu ------------------------------------------------------------------------------------


class Feishu(VendorClient):
    """Feishu (飞书): open.feishu.cn/open-apis, code/msg (HTTP 4xx too for a bad token); users by open_id."""

    kind = "feishu"
    public_base = "https://open.feishu.cn"
    root_id = "0"
    stale_token_codes = frozenset({99991661, 99991663, 99991664, 99991668})
    page_size = 50

    async def _fetch_token(self) -> tuple[str, float]:
        r = await self._request("POST", "/open-apis/auth/v3/tenant_access_token/internal", call="tenant_access_token",
                                json={"app_id": self.provider.client_id, "app_secret": self.provider.client_secret})
        body = await self._json("tenant_access_token", r)
        if body.get("code", 0) != 0 or not body.get("tenant_access_token"):
            raise vendor_error(self.kind, "tenant_access_token", body.get("code"), str(body.get("msg", "")))
        return str(body["tenant_access_token"]), float(body.get("expire", 7200))

    async def _with_token(self, method: str, path: str, token: str, *, params: dict[str, Any] | None,
                          json: Any) -> dict[str, Any]:
        response = await self._request(method, path, call=path, params=params, json=json,
                                       headers={"Authorization": f"Bearer {token}"})
        return await self._json(path, response)

    def _error_code(self, body: dict[str, Any]) -> Any:
        return body.get("code", 0)

    def _error_message(self, body: dict[str, Any]) -> str:
        return str(body.get("msg", ""))

    async def _pages(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        token = ""
        while True:
            body = await self._app_call("GET", path, params={**params, "page_size": self.page_size,
                                                             **({"page_token": token} if token else {})})
            data = body.get("data") or {}
            items.extend(data.get("items") or [])
            if not data.get("has_more"):
                return items
            token = str(data.get("page_token") or "")

    async def directory(self) -> Directory:
        found = await self._pages(f"/open-apis/contact/v3/departments/{self.root_id}/children",
                                  {"department_id_type": "open_department_id", "user_id_type": "open_id",
                                   "fetch_child": "true"})
        departments = {self.root_id: Department(self.root_id, "", None)}
        for d in found:
            did = str(d["open_department_id"])
            leaders = [str(x.get("leaderID")) for x in d.get("leaders") or [] if x.get("leaderID")]
            if not leaders and d.get("leader_user_id"):
                leaders = [str(d["leader_user_id"])]
            departments[did] = Department(did, str(d.get("name", "")), str(d.get("parent_department_id") or "0"),
                                          leaders)
        members = await self._members_of(list(departments))
        return Directory(self.root_id, departments, members)

    async def _department_members(self, dept: str) -> list[Member]:
        items = await self._pages("/open-apis/contact/v3/users/find_by_department",
                                  {"department_id": dept, "department_id_type": "open_department_id",
                                   "user_id_type": "open_id"})
        out = []
        for u in items:
            status = u.get("status") or {}
            out.append(Member(id=str(u["open_id"]), name=str(u.get("name", "")),
                              email=str(u.get("enterprise_email") or u.get("email") or ""),
                              mobile=str(u.get("mobile") or ""), departments=[dept],
                              active=not (status.get("is_resigned") or status.get("is_frozen"))))
        return out

    def authorize_url(self, state: str, redirect_uri: str, *, in_app: bool = False) -> str:
        # in Feishu's app the page gets its code from tt.requestAccess (free login) instead
        query = httpx.QueryParams({"app_id": self.provider.client_id, "redirect_uri": redirect_uri, "state": state})
        login = self.provider.config.get("login_url", f"{self.base}/open-apis/authen/v1/authorize")
        return f"{login}?{query}"

    async def identify(self, code: str, *, in_app: bool = False) -> VendorIdentity:
        # the web code and the in-app code (tt.requestAccess) are exchanged alike (OAuth 2.0 v2 token)
        r = await self._request("POST", "/open-apis/authen/v2/oauth/token", call="oauth/token",
                                json={"grant_type": "authorization_code", "client_id": self.provider.client_id,
                                      "client_secret": self.provider.client_secret, "code": code})
        body = await self._json("oauth/token", r)
        if body.get("code", 0) != 0 or not body.get("access_token"):
            raise vendor_error(self.kind, "oauth/token", body.get("code"),
                              str(body.get("error_description") or body.get("msg") or body.get("error") or ""))
        r = await self._request("GET", "/open-apis/authen/v1/user_info", call="user_info",
                                headers={"Authorization": f"Bearer {body['access_token']}"})
        info = await self._json("user_info", r)
        if info.get("code", 0) != 0:
            raise vendor_error(self.kind, "user_info", info.get("code"), str(info.get("msg", "")))
        data = info.get("data") or {}
        email = str(data.get("enterprise_email") or data.get("email") or "")
        claims = {k: data.get(k, "") for k in ("open_id", "union_id", "user_id", "name", "en_name", "mobile",
                                              "tenant_key")}
        claims["email"] = email
        return VendorIdentity(subject=str(data.get("open_id") or ""), display_name=str(data.get("name") or ""),
                              email=email, mobile=str(data.get("mobile") or ""), claims=claims)


CLIENTS: dict[str, type[VendorClient]] = {"dingtalk": DingTalk, "wecom": WeCom, "feishu": Feishu}


def client_for(provider: IdentityProvider, http: httpx.AsyncClient | None = None) -> VendorClient:
    cls = CLIENTS.get(provider.kind)
    if cls is None:
        raise Invalid(f"The provider '{provider.key}' is not DingTalk, WeCom or Feishu.", field="kind",
                      zh=f"身份源“{provider.name}”不是钉钉、企业微信或飞书。")
    return cls(provider, http)
