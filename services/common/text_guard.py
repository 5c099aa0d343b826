"""No control characters in stored text: JSON request bodies (and query parameters and paths)
carrying them are refused at the boundary with a 422 naming the field, before any service code runs.

C0 controls other than tab, line feed and carriage return, DEL and the C1 controls have no
place in a title, a name or a note; stored, they break exports (a workbook cannot hold them)
and hide text from the people reading it. The check is a byte scan that finds nothing in an
ordinary body; only a body where it finds something is parsed to name the field.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from services.common.asgi import read_body, replaying
from services.common.i18n import ZH, field_label, preferred_language
from services.common.problems import PROBLEM_JSON, problem_body

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In JSON text such a character is either escaped (\u0000, \b, \f) or, for DEL and C1, raw UTF-8.
_SUSPECT = re.compile(rb"\\u00[01][0-9a-fA-F]|\\u00[79][0-9a-fA-F]|\\u008[0-9a-fA-F]|\\[bf]|\x7f|\xc2[\x80-\x9f]")
_METHODS = {"POST", "PUT", "PATCH"}


def first_control_character(value: Any, path: str = "") -> tuple[str, str] | None:
    """(field path, character) of the first forbidden character in a JSON value, else None."""
    if isinstance(value, str):
        m = _FORBIDDEN.search(value)
        return (path, m.group()) if m else None
    if isinstance(value, dict):
        for k, v in value.items():
            found = first_control_character(str(k), path) or \
                first_control_character(v, f"{path}.{k}" if path else str(k))
            if found:
                return found
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found = first_control_character(v, f"{path}.{i}" if path else str(i))
            if found:
                return found
    return None


def _in_query_or_path(scope: Scope) -> tuple[str, str] | None:
    m = _FORBIDDEN.search(scope.get("path", ""))
    if m:
        return "path", m.group()
    query = scope.get("query_string", b"")
    if b"%" not in query and not _FORBIDDEN.search(query.decode("latin-1")):
        return None
    for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                                 errors="replace"):
        m = _FORBIDDEN.search(name) or _FORBIDDEN.search(value)
        if m:
            return name, m.group()
    return None


class ControlCharacterGuard:
    """ASGI middleware: JSON bodies with control characters in any string get a 422 Problem."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Query parameters and path segments reach queries too (PostgreSQL refuses a NUL in text
        # outright): the same rule, for every method.
        found = _in_query_or_path(scope)
        if found:
            await self._refuse(scope, send, *found)
            return
        if scope["method"] not in _METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        if b"json" not in headers.get(b"content-type", b""):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:
            return
        if _SUSPECT.search(body):
            try:
                found = first_control_character(json.loads(body))
            except ValueError:
                found = None  # not JSON: the app's own validation answers
            if found:
                await self._refuse(scope, send, *found)
                return
        await self.app(scope, replaying(body, receive), send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, field: str, char: str) -> None:
        code = f"U+{ord(char):04X}"
        language = preferred_language(dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1"))
        label = field_label(field) if field else "请求"
        en = f"{field or 'the request'}: contains a control character ({code}), which is not allowed in text."
        zh = f"{label} 含有不允许的控制字符（{code}），请删除后再提交。"
        message = zh if language == ZH else en
        body = problem_body(422, "validation-error", "输入有误" if language == ZH else "Validation error", message,
                            scope["path"], errors=[{"field": field, "location": "body", "message": message,
                                                    "code": "control_character"}])
        data = json.dumps(body, ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": 422,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(data)).encode())]})
        await send({"type": "http.response.body", "body": data})
