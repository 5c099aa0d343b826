"""The comment routes every service with records serves (``/records/{kind}/{record_id}/comments``), over its
:class:`~services.common.comments.RecordComments` and the dependency that loads a record the caller may see.

A service's ``comments/router.py`` is ``router = comments_router(RecordToView, service.comments)``.
"""

import re
from typing import Any

from fastapi import APIRouter, Query, Request, Response

from services.common.api import etag, set_etag
from services.common.comments import CommentCreate, CommentRead, CommentUpdate, Mentionable, RecordComments
from services.common.db import Session
from services.common.problems import PreconditionFailed, PreconditionRequired
from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal

_TAG = re.compile(r'^(?:W/)?"?comment-(\d+)-v(\d+)"?$')


def if_match_version(request: Request, comment_id: int) -> int:
    """The version of the comment the caller last saw, from ``If-Match: "comment-<id>-v<version>"``."""
    header = request.headers.get("if-match")
    if header is None:
        raise PreconditionRequired("Send If-Match with the comment's ETag (\"comment-<id>-v<version>\").",
                                   zh="请在 If-Match 中带上评论的版本（ETag），以免覆盖他人的修改。")
    found = _TAG.match(header.strip())
    if found is None or int(found.group(1)) != comment_id:
        raise PreconditionFailed("If-Match does not name a version of this comment.",
                                 zh="If-Match 不是这条评论的版本；请刷新后重试。")
    return int(found.group(2))


def comments_router(record_to_view: Any, comments: RecordComments) -> APIRouter:
    """The routes; ``record_to_view`` is the service's ``RecordToView`` (a record the caller may see, 404/403
    otherwise)."""
    router = APIRouter(prefix="/records/{kind}/{record_id}/comments", tags=["comments"])
    # The routes' annotations are evaluated here, at definition (no postponed annotations in this module), so
    # FastAPI sees the service's Annotated dependency itself.
    RecordToView = record_to_view  # noqa: N806 - named as the services name it

    @router.get("", response_model=list[CommentRead],
                summary="The record's comments: threads oldest first, each with its replies")
    async def list_comments(record: RecordToView, session: Session,  # type: ignore[valid-type, unused-ignore]
                            principal: CurrentPrincipal) -> list[CommentRead]:
        return await comments.threads(session, record=record, reader=principal)

    @router.get("/mentionable", response_model=list[Mentionable],
                summary="Who a comment on the record may mention: people who may already see it")
    async def mentionable(record: RecordToView, principal: CurrentPrincipal,  # type: ignore[valid-type, unused-ignore]
                          rt: RuntimeDep,
                          q: str | None = Query(None, max_length=100, description="Part of a name, unit or position"),
                          limit: int = Query(20, ge=1, le=100)) -> list[Mentionable]:
        return await comments.mentionable(rt, record=record, reader=principal, q=q, limit=limit)

    @router.post("", response_model=CommentRead, status_code=201,
                 summary="Comment on the record (or reply); mentions as @[name](user:ID) tell those people")
    async def add_comment(record: RecordToView, body: CommentCreate,  # type: ignore[valid-type, unused-ignore]
                          session: Session, principal: CurrentPrincipal, rt: RuntimeDep,
                          response: Response) -> CommentRead:
        out = await comments.add(session, rt, record=record, principal=principal, body=body)
        set_etag(response, etag("comment", out.id, out.version))
        return out

    @router.patch("/{comment_id}", response_model=CommentRead,
                  summary="Edit your comment within the edit window (If-Match: its ETag)")
    async def edit_comment(record: RecordToView, comment_id: int,  # type: ignore[valid-type, unused-ignore]
                           body: CommentUpdate, request: Request, session: Session, principal: CurrentPrincipal,
                           rt: RuntimeDep, response: Response) -> CommentRead:
        out = await comments.edit(session, rt, record=record, principal=principal, comment_id=comment_id,
                                  version=if_match_version(request, comment_id), body=body)
        set_etag(response, etag("comment", out.id, out.version))
        return out

    @router.delete("/{comment_id}", status_code=204,
                   summary="Delete your comment within the edit window (If-Match: its ETag); its place stays")
    async def delete_comment(record: RecordToView, comment_id: int,  # type: ignore[valid-type, unused-ignore]
                             request: Request, session: Session, principal: CurrentPrincipal) -> Response:
        await comments.delete(session, record=record, principal=principal, comment_id=comment_id,
                              version=if_match_version(request, comment_id))
        return Response(status_code=204)

    return router

