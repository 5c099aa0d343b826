"""Small API conventions shared by every service: pages, cursors, ETags."""

from __future__ import annotations

import base64
import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, Protocol, TypeVar

from fastapi import Query, Request, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from services.common import periods
from services.common.db import Session
from services.common.problems import Invalid, NotFound, PreconditionFailed

T = TypeVar("T")
Row = TypeVar("Row")

MAX_LIMIT = 500


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(str(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode())
    except Exception as exc:
        raise Invalid("The cursor is not one this API gave out; start again without it.", field="cursor",
                      zh="分页位置无效，请不带分页位置重新开始。") from exc


def period_text(value: str) -> str:
    """A period field's validator: the notation checked (``2026-13`` is refused, naming the month),
    the year inside the window data may be recorded for (``periods.recordable``), and written one
    way (surrounding spaces dropped)."""
    try:
        return periods.recordable(value).text
    except periods.OutsideWindow as exc:
        # the Chinese reason rides in the error's context; the 422 handler answers with it
        raise PydanticCustomError("period_window", str(exc), {"zh": exc.zh}) from exc
    except periods.PeriodError:
        raise  # a ValueError, so pydantic reports it; it keeps its Chinese for the 422


# How a period field is documented, so integrators see the notation in the API document rather
# than learning it from a 422. The pattern is documentation only: period_text() decides.
PERIOD_DOC: dict[str, Any] = {"description": "A period: 2026, 2026-Q1, 2026-03, 2026-W12 (ISO week) or 2026-03-15; "
                                              "data is recorded for years near today (by default 10 back to 2 "
                                              "ahead; further is refused with 422)",
                              "examples": ["2026-Q1"], "json_schema_extra": {"pattern": periods.PATTERN}}
# A period in a request body.
PeriodText = Annotated[str, AfterValidator(period_text), Field(**PERIOD_DOC)]


LimitParam = Query(100, ge=1, le=MAX_LIMIT, description="Page size")
CursorParam = Query(None, description="The next_cursor of the previous page")


async def paginate(session: AsyncSession, stmt: Select[Row], id_column: QueryableAttribute[int], *, limit: int,
                   cursor: str | None) -> tuple[list[Row], str | None]:
    """Keyset pagination by ascending id: stable under inserts, cheap at any depth."""
    if cursor:
        stmt = stmt.where(id_column > decode_cursor(cursor))
    rows = (await session.execute(stmt.order_by(id_column).limit(limit + 1))).scalars().all()
    next_cursor = encode_cursor(getattr(rows[limit - 1], id_column.key)) if len(rows) > limit else None
    return list(rows[:limit]), next_cursor


def etag(kind: str, ident: Any, version: int) -> str:
    return f'"{kind}-{ident}-v{version}"'


def check_if_match(request: Request, current: str) -> None:
    """412 when the client's ``If-Match`` names another version than the current one."""
    header = request.headers.get("if-match")
    if header is None:
        return
    tags = [t.strip() for t in header.split(",")]
    if "*" in tags or current in tags or \
            current.replace('"', "") in [t.strip('"').removeprefix("W/").strip('"') for t in tags]:
        return
    raise PreconditionFailed(
        "This record was changed by someone else since you loaded it; reload it and apply your change again.",
        current_etag=current, zh="这条记录在您打开后已被他人修改；请刷新后重新修改。")


def set_etag(response: Response, value: str) -> None:
    response.headers["ETag"] = value


class Versioned(Protocol):
    id: Any
    version: int


V = TypeVar("V", bound=Versioned)


def version_check(request: Request, kind: str) -> Callable[[Any], None]:
    """What a service calls to check the caller's If-Match against a row's current ``etag(kind, id, version)``."""
    def check(row: Any) -> None:
        check_if_match(request, etag(kind, row.id, row.version))

    return check


def tagged(response: Response, kind: str, out: V) -> V:
    """``out``, with its ETag set on the response."""
    set_etag(response, etag(kind, out.id, out.version))
    return out


def load_or_404(model: type[Row], name: str, *, what: str, what_zh: str) -> Callable[..., Awaitable[Row]]:
    """A dependency loading ``model`` by the path parameter ``name``, or answering 404 naming ``what``.

    A service's deps.py declares its loaders with it, and they chain into the permission dependencies:
    ``load_risk = load_or_404(Risk, "risk_id", what="risk", what_zh="风险")``,
    ``ValidRisk = Annotated[Risk, Depends(load_risk)]``.
    """

    # FastAPI reads the signature: the path parameter under its real name, then the session. Called
    # directly, the loader takes the same arguments: ``await load_risk(risk_id, session)``.
    signature = inspect.Signature([
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int),
        inspect.Parameter("session", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Session),
    ])

    async def load(*args: Any, **kwargs: Any) -> Row:
        arguments = signature.bind(*args, **kwargs).arguments
        ident, session = arguments[name], arguments["session"]
        obj = await session.get(model, ident)
        if obj is None:
            raise NotFound(f"There is no {what} with id {ident}.", zh=f"没有编号为 {ident} 的{what_zh}。")
        found: Row = obj
        return found

    load.__dict__["__signature__"] = signature
    load.__name__ = f"load_{name.removesuffix('_id').removesuffix('_pk')}"
    return load


class RequestBody(BaseModel):
    """A request body: fields a client sends that the API does not know are refused (422 naming
    each, nested ones by their path), never silently dropped, so a client learns at once that it
    used the wrong call or the wrong name."""

    model_config = ConfigDict(extra="forbid")
