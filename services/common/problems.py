"""RFC 9457 Problem Details: the one shape every error takes.

Domain code raises :class:`Problem` (or a subclass) without knowing about HTTP
frameworks; :func:`install_problem_handlers` turns those, FastAPI's validation
errors and anything unexpected into ``application/problem+json``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from services.common.i18n import EN, TITLES_ZH, ZH, field_label, preferred_language, zh_list

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://yunguan.dev/problems/"

log = logging.getLogger("yunguan.problems")


class Problem(Exception):
    """An error a client can act on, rendered as Problem Details."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, zh: str | None = None, status: int | None = None, slug: str | None = None,
                 title: str | None = None, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(detail)
        self.detail = detail
        self.zh = zh  # the same detail in Chinese, chosen for callers who prefer it (services.common.i18n)
        if status is not None:
            self.status = status
        if slug is not None:
            self.slug = slug
        if title is not None:
            self.title = title
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None, *, language: str = EN) -> dict[str, Any]:
        if language == ZH:
            extra = dict(self.extra)
            if self.zh and isinstance(extra.get("errors"), list):
                extra["errors"] = [{**e, "message": self.zh} if e.get("message") == self.detail else e
                                   for e in extra["errors"]]
            return problem_body(self.status, self.slug, TITLES_ZH.get(self.slug, self.title), self.zh or self.detail,
                                instance, **extra)
        return problem_body(self.status, self.slug, self.title, self.detail, instance, **self.extra)


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Forbidden"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: str, **kw: Any):
        kw.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="yunguan"'})
        super().__init__(detail, **kw)


class PreconditionFailed(Problem):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class PreconditionRequired(Problem):
    status, slug, title = 428, "precondition-required", "Precondition required"


class TooManyRequests(Problem):
    status, slug, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, **kw: Any):
        kw.setdefault("headers", {"Retry-After": str(max(1, int(retry_after)))})
        super().__init__(detail, **kw)


class Unavailable(Problem):
    status = 503
    slug = "service-unavailable"
    title = "Service unavailable"


class Invalid(Problem):
    """A request that is well-formed but breaks a domain rule about a field."""

    status, slug, title = 422, "validation-error", "Validation error"

    def __init__(self, detail: str, *, field: str | None = None, **kw: Any):
        if field is not None:
            kw.setdefault("errors", [{"field": field, "message": detail}])
        super().__init__(detail, **kw)


class FieldProblem(BaseModel):
    """One field a 422 names: ``field`` as a dotted path (``targets.0.value``), ``message`` to show."""

    model_config = ConfigDict(extra="allow")

    field: str
    message: str
    location: str | None = None
    code: str | None = None


class ProblemDetails(BaseModel):
    """The body of every 4xx and 5xx answer (RFC 9457); a problem may add members of its own
    (``current_etag`` on a 412, ``errors`` on a 422)."""

    model_config = ConfigDict(extra="allow", title="ProblemDetails")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None


# Declared on every operation, so a client (and the SPA's generated types) knows the shape of a
# refusal: which 4xx an operation gives depends on the caller and the data (401 at the gateway,
# 403 by grants, 404, 409, 412, 422...), and every one of them is this.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {"4XX": {
    "description": "Refused: Problem Details (RFC 9457) in the caller's Accept-Language",
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}}


def problem_schemas(ref_prefix: str = "#/components/schemas/") -> dict[str, Any]:
    """The components PROBLEM_RESPONSES refers to, for an OpenAPI document's ``components.schemas``."""
    schema = ProblemDetails.model_json_schema(ref_template=ref_prefix + "{model}")
    return {**schema.pop("$defs", {}), "ProblemDetails": schema}


def problem_body(status: int, slug: str, title: str, detail: str, instance: str | None = None,
                 **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": TYPE_BASE + slug, "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(status: int, slug: str, title: str, detail: str, *, zh: str | None = None,
                     language: str = EN, headers: Mapping[str, str] | None = None, instance: str | None = None,
                     **extra: Any) -> JSONResponse:
    """A Problem answered outside the Problem handler, in ``language`` (``zh`` is its Chinese detail)."""
    body = Problem(detail, zh=zh, status=status, slug=slug, title=title, **extra).body(instance, language=language)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def request_language(request: Request) -> str:
    return preferred_language(request.headers.get("accept-language"))


_STATUS_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("too-many-requests", "Too many requests"),
}


# Chinese for the framework's own answers (routing, methods, body size), which carry English only
HTTP_ZH = {
    404: "没有这个地址；请检查链接是否正确。",
    405: "此地址不支持这种操作。",
    406: "无法按要求的格式回答。",
    413: "提交的内容过大。",
    415: "不支持此内容类型。",
}


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for err in exc.errors():
        # an error about the whole body (not an array, not JSON at all) has an empty location
        full = tuple(err.get("loc") or ("body",))
        loc = [str(p) for p in full if p not in ("body", "query", "path", "header", "form")]
        errors.append({"field": ".".join(loc) or str(full[0]), "location": str(full[0]),
                       "message": err.get("msg", "invalid"), "code": err.get("type", "invalid"),
                       "zh": _message_zh(err)})
    return errors


def _expected_zh(expected: str) -> str:
    # pydantic lists the allowed values as "'a', 'b' or 'c'"
    return zh_list(v.strip().strip("'") for v in expected.replace(" or ", ", ").split(","))


# pydantic's error type → what a Chinese form says about the field (ctx fills the braces)
_MESSAGES_ZH: dict[str, str] = {
    "missing": "必填", "missing_argument": "必填",
    "extra_forbidden": "不允许的字段",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "string_type": "应为文本", "string_pattern_mismatch": "格式不正确",
    "string_unicode": "应为文本",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数，不能有小数",
    "float_type": "应为数字", "float_parsing": "应为数字", "decimal_parsing": "应为数字",
    "decimal_type": "应为数字", "finite_number": "应为有限的数字",
    "decimal_max_digits": "数字位数过多", "decimal_max_places": "小数位数过多",
    "bool_type": "应为是或否", "bool_parsing": "应为是或否",
    "greater_than": "应大于 {gt}", "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}", "less_than_equal": "应不大于 {le}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "date_type": "应为日期（如 2026-03-15）", "date_parsing": "日期格式应为 2026-03-15",
    "date_from_datetime_parsing": "日期格式应为 2026-03-15", "date_from_datetime_inexact": "应为日期，不含时间",
    "datetime_type": "应为日期时间（如 2026-03-15T09:00:00Z）",
    "datetime_parsing": "日期时间格式应为 2026-03-15T09:00:00Z",
    "datetime_from_date_parsing": "日期时间格式应为 2026-03-15T09:00:00Z",
    "timezone_aware": "日期时间须带时区（如 2026-03-15T09:00:00+08:00）",
    "list_type": "应为列表", "tuple_type": "应为列表", "set_type": "应为列表",
    "dict_type": "应为对象", "model_type": "应为对象", "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON", "json_type": "不是有效的 JSON",
    "url_parsing": "URL 格式不正确", "url_type": "URL 格式不正确", "url_scheme": "URL 格式不正确",
    "url_too_long": "URL 过长",
    "uuid_parsing": "编号格式不正确", "uuid_type": "编号格式不正确",
    "value_error": "取值无效", "assertion_error": "取值无效",
    "union_tag_invalid": "类型无效", "union_tag_not_found": "缺少类型",
    "none_required": "应为空", "frozen_field": "不可修改",
}


def _message_zh(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if ctx.get("zh"):  # a validator that wrote its reason in Chinese (PydanticCustomError with ctx zh)
        return str(ctx["zh"])
    if kind in ("literal_error", "enum") and "expected" in ctx:
        return f"应为以下之一：{_expected_zh(str(ctx['expected']))}"
    if kind == "value_error":
        # our validators raise errors that know their Chinese (Bilingual texts, PeriodError)
        said: str | None = getattr(ctx.get("error"), "zh", None)
        if said:
            return said
    template = _MESSAGES_ZH.get(kind, "取值无效")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template


def _out_of_range(request: Request) -> JSONResponse:
    return problem_response(422, "validation-error", "Validation error",
                            "A number in the request is out of range (ids are at most 9223372036854775807).",
                            zh="请求中的数字超出范围（编号最大为 9223372036854775807）。",
                            language=request_language(request), instance=request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    """Render every error raised inside ``app`` as Problem Details."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        language = request_language(request)
        return JSONResponse(exc.body(request.url.path, language=language), status_code=exc.status,
                            media_type=PROBLEM_JSON, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _field_errors(exc)
        language = request_language(request)
        first = errors[0] if errors else {"field": "", "message": "invalid", "zh": "取值无效"}
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        if len(errors) > 1:
            detail += f" (and {len(errors) - 1} more)"
        # the Chinese names the field by the label the form shows it under
        label = field_label(first["field"]) if first["field"] and first["field"] != "body" else ""
        zh = f"{label}：{first['zh']}" if label else first["zh"]
        if len(errors) > 1:
            zh += f"（另有 {len(errors) - 1} 处）"
        for e in errors:
            said = e.pop("zh")
            if language == ZH:
                e["message"] = said
        return problem_response(422, "validation-error", "Validation error", detail, zh=zh,
                                language=language, instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug, title = _STATUS_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        return problem_response(exc.status_code, slug, title, detail, headers=getattr(exc, "headers", None),
                                zh=HTTP_ZH.get(exc.status_code, TITLES_ZH.get(slug)),
                                language=request_language(request), instance=request.url.path)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        # Two writers raced on one versioned row; the loser's change was not applied.
        return problem_response(409, "concurrent-change", "Changed concurrently",
                                "Someone else changed this record at the same moment; reload it and try again.",
                                zh="有人在同一时刻修改了这条记录，您的修改未保存；请刷新后重试。",
                                language=request_language(request), instance=request.url.path)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        log.info("integrity error on %s %s: %s", request.method, request.url.path, exc.orig)
        return problem_response(409, "conflict", "Conflict",
                                "The change conflicts with existing data (a duplicate or a missing reference).",
                                zh="修改与已有数据冲突（重复，或引用的记录不存在）。",
                                language=request_language(request), instance=request.url.path)

    # A client can send integers no database column holds (unit_id=10**30): the driver refuses
    # them (SQLite with OverflowError, asyncpg with a DataError) before any row is touched.
    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        return _out_of_range(request)

    @app.exception_handler(DBAPIError)
    async def _dbapi(request: Request, exc: DBAPIError) -> JSONResponse:
        if "out of" in str(exc.orig) and "range" in str(exc.orig):
            return _out_of_range(request)
        raise exc

    # Anything else is turned into a 500 Problem by ObservabilityMiddleware, which knows the request id.
