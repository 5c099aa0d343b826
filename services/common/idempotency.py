"""``Idempotency-Key`` on POST (IETF httpapi draft "The Idempotency-Key HTTP Header Field").

An integrator that retries a creation after a timeout must not create a second plan, risk or
batch. A POST carrying ``Idempotency-Key`` is recorded per caller (the token's subject) and key:

- the first request runs and its answer is kept for 24 hours (a 5xx is not kept: it may be retried);
- the same key with the same request again gets that first answer back (``Idempotent-Replayed:
  true``) and nothing runs;
- the same key with a different request is a 422; the same key while the first request is still
  running is a 409.

The caller is known from a verified token before anything is looked up, so nobody can read
another caller's answers by guessing keys.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, Index, Integer, LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from starlette.datastructures import State
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.common.asgi import read_body, replaying
from services.common.db import Database, TableMixin, utcnow
from services.common.i18n import ZH, preferred_language
from services.common.problems import PROBLEM_JSON, Unauthorized, problem_body
from services.common.security import verified_claims

HEADER = b"idempotency-key"
RETENTION = timedelta(hours=24)
MAX_STORED_BODY = 8 * 1024 * 1024
_KEY = re.compile(r'^"?([\x21\x23-\x7e]{1,255})"?$')  # an sf-string of printable ASCII, quotes optional
_KEPT_HEADERS = {b"content-type", b"location", b"etag", b"retry-after"}


class IdempotencyRecordMixin(TableMixin):
    """The ``idempotency_record`` table: ``class IdempotencyRecord(IdempotencyRecordMixin, Base)``."""

    __tablename__ = "idempotency_record"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (UniqueConstraint("subject", "key", name="uq_idempotency_record_subject_key"),
                Index("ix_idempotency_record_created_at", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int | None] = mapped_column(Integer)  # None while the first request runs
    headers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]


def _problem(scope: Scope, status: int, slug: str, en: str, zh: str, title: tuple[str, str]) -> tuple[int, bytes]:
    language = preferred_language(dict(scope["headers"]).get(b"accept-language", b"").decode("latin-1"))
    body = problem_body(status, slug, title[1] if language == ZH else title[0], zh if language == ZH else en,
                        scope["path"])
    return status, json.dumps(body, ensure_ascii=False).encode()


class IdempotencyMiddleware:
    """ASGI middleware for a service app whose ``state.idempotency_model`` is set."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        state: State = scope["app"].state
        model: type[IdempotencyRecordMixin] | None = getattr(state, "idempotency_model", None)
        if raw_key is None or model is None:
            await self.app(scope, receive, send)
            return
        match = _KEY.match(raw_key.decode("latin-1").strip())
        if not match:
            await _answer(send, *_problem(
                scope, 400, "bad-request", "Idempotency-Key must be 1 to 255 printable ASCII characters.",
                "Idempotency-Key 须为 1 至 255 个可打印 ASCII 字符。", ("Bad request", "请求有误")))
            return
        key = match.group(1)
        subject = await _subject(state, headers.get(b"authorization", b""))
        if subject is None:  # not signed in: the app answers 401 as usual
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:
            return
        fingerprint = hashlib.sha256(b"\n".join([
            scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""),
            headers.get(b"content-type", b""), body])).hexdigest()

        db: Database = state.db
        async with db.writer() as session:
            record = (await session.execute(select(model).where(model.subject == subject, model.key == key))
                      ).scalar_one_or_none()
            if record is None:
                await session.execute(delete(model).where(model.created_at < utcnow() - RETENTION))
                session.add(model(subject=subject, key=key, fingerprint=fingerprint, method=scope["method"],
                                  path=scope["path"][:500]))
                try:
                    await session.commit()
                except IntegrityError:  # the same key arrived twice at once
                    await session.rollback()
                    await _answer(send, *_in_progress(scope))
                    return
            else:
                if record.fingerprint != fingerprint:
                    await _answer(send, *_problem(
                        scope, 422, "idempotency-key-reused",
                        "This Idempotency-Key was already used for a different request; use a new key.",
                        "该 Idempotency-Key 已用于另一个不同的请求，请换用新的键。", ("Validation error", "输入有误")))
                    return
                if record.status_code is None:
                    await _answer(send, *_in_progress(scope))
                    return
                out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in record.headers]
                out.append((b"idempotent-replayed", b"true"))
                await _answer(send, record.status_code, record.body or b"", out)
                return

        status: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["headers"] = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message.get("headers", [])
                                     if k.lower() in _KEPT_HEADERS]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replaying(body, receive), capture)
        finally:
            await _settle(db, model, subject, key, status, b"".join(chunks))


def _in_progress(scope: Scope) -> tuple[int, bytes]:
    return _problem(scope, 409, "idempotency-key-in-use",
                    "A request with this Idempotency-Key is still being processed; retry when it has finished.",
                    "使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。", ("Conflict", "与当前状态冲突"))


async def _settle(db: Database, model: type[IdempotencyRecordMixin], subject: str, key: str,
                  status: dict[str, Any], body: bytes) -> None:
    """Keep the first answer, or forget the key when there is none worth keeping (a 5xx, a crash)."""
    code = status.get("code")
    async with db.writer() as session:
        record = (await session.execute(select(model).where(model.subject == subject, model.key == key))
                  ).scalar_one_or_none()
        if record is not None:
            if code is None or code >= 500 or len(body) > MAX_STORED_BODY:
                await session.delete(record)
            else:
                record.status_code, record.headers, record.body = code, status["headers"], body
                record.completed_at = utcnow()
        await session.commit()


async def _subject(state: State, authorization: bytes) -> str | None:
    """The caller's subject when the token would let the request in (what the app checks), else None."""
    try:
        claims = await verified_claims(state, authorization.decode("latin-1"))
    except Unauthorized:
        return None
    return str(claims.get("sub"))


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    out = headers if headers is not None else [(b"content-type", PROBLEM_JSON.encode())]
    out = [h for h in out if h[0].lower() != b"content-length"] + [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})
