"""Files attached to records (plans, tasks, proposals, risks, 整改 actions, findings), the same in every service.

Anyone who may see a record may attach files to it and fetch them, as on DingTalk or Feishu: a file is part of
the discussion, and the record's access check is the file's. Removing one is narrower: its uploader, or a holder
of ``plan`` over the record's unit (who runs the record). The bytes are served only through
``/records/{kind}/{record_id}/attachments/{id}``, after the record's check; an id of another record's file is
404 there, whoever asks.

An upload is checked before anything is kept: no larger than ``attachment_max_bytes`` (413; no more than that
and one byte is read), at most ``attachment_max_per_record`` files on a record (409), a type read from the bytes
and agreeing with the name (422: :func:`services.common.files.check_upload`), then the virus scanner
(:func:`services.common.files.scan`). A refused upload leaves no row, no blob and no audit entry. What is kept
is recorded on the record's audit chain (``attachment.added`` / ``attachment.removed``), where its activity
stream reads it.

Each service declares its table (``class Attachment(AttachmentMixin, Base)``), an :class:`Attachments` over it in
``<service>/attachments/service.py`` and the routes in ``<service>/attachments/router.py``
(:func:`attachments_router`).
"""

# No ``from __future__ import annotations``: the routes' annotations name the service's record dependency, a local
# of attachments_router, which FastAPI must see as an object.
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.db import Session
from services.common.files import AttachmentMixin, FileStore, check_upload, file_response, scan, too_large
from services.common.journal import Journal
from services.common.problems import Conflict, Forbidden, Invalid, NotFound, Problem
from services.common.records import Record
from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal
from services.common.settings import ServiceSettings
from services.common.sheets import UploadRejected

# Who runs a record, and so may remove any file on it: the plan right over its unit.
REMOVER_RIGHT = "plan"


class AttachmentRead(BaseModel):
    id: int
    name: str
    content_type: str
    size: int = Field(description="bytes")
    uploaded_by: str = Field(description="the uploader's token subject")
    uploaded_by_name: str
    uploaded_at: datetime
    url: str = Field(description="Where to fetch the bytes (with the bearer token); add ?inline=1 to show an image "
                                 "or PDF in the page")
    can_delete: bool = Field(description="Whether the caller may remove it (its uploader, or plan over the unit)")


class AttachmentList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"description": "A record's files, newest first, with the limits "
                                                                "an upload must keep"})

    items: list[AttachmentRead]
    max_bytes: int = Field(description="The largest file accepted, in bytes")
    max_count: int = Field(description="How many files one record holds")


def payload_too_large(max_bytes: int) -> Problem:
    refused = too_large(max_bytes)
    return Problem(refused.message, zh=refused.zh, status=413, slug="payload-too-large", title="Payload too large",
                   errors=[{"field": "file", "message": refused.message}])


async def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    """The uploaded file's bytes, reading no more than ``max_bytes`` and one: a larger file is refused (413) without
    the rest of it ever being read."""
    content = await upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise payload_too_large(max_bytes)
    return content


async def keep_upload(content: bytes, filename: str, settings: ServiceSettings) -> tuple[str, str, str]:
    """Check an upload's bytes (read by :func:`read_upload`) and keep them: its cleaned name, its type read from
    the bytes and its store key. Empty, of a kind not accepted, disguised or failing the virus scan: refused
    (422) and nothing is kept."""
    try:
        name, kind = check_upload(content, filename, max_bytes=settings.attachment_max_bytes)
    except UploadRejected as exc:
        raise Invalid(exc.message, field="file", zh=exc.zh) from exc
    await scan(content, settings)
    return name, kind, await FileStore.for_settings(settings).save(content)


class Attachments:
    """One service's attachments: its table, its audit chain, and where its routes are served."""

    def __init__(self, model: type[AttachmentMixin], journal: Journal, service: str):
        self.model = model
        self.journal = journal
        self.service = service

    def url(self, record: Record, attachment_id: int) -> str:
        return f"/api/{self.service}/records/{record.kind}/{record.id}/attachments/{attachment_id}"

    def may_remove(self, principal: Principal, record: Record, row: AttachmentMixin) -> bool:
        return principal.sub == row.uploaded_by or principal.can(REMOVER_RIGHT, record.unit_path)

    def read(self, principal: Principal, record: Record, row: AttachmentMixin) -> AttachmentRead:
        return AttachmentRead(id=row.id, name=row.name, content_type=row.content_type, size=row.size,
                              uploaded_by=row.uploaded_by, uploaded_by_name=row.uploaded_by_name,
                              uploaded_at=row.uploaded_at, url=self.url(record, row.id),
                              can_delete=self.may_remove(principal, record, row))

    def _of(self, record: Record) -> Any:
        m = self.model
        return (m.owner_kind == record.kind) & (m.owner_id == record.id)

    async def count(self, session: AsyncSession, record: Record) -> int:
        return int(await session.scalar(select(func.count()).select_from(self.model).where(self._of(record))) or 0)

    async def listing(self, session: AsyncSession, settings: ServiceSettings, *, principal: Principal,
                      record: Record) -> AttachmentList:
        """The record's files, newest first."""
        m = self.model
        rows = (await session.execute(select(m).where(self._of(record))
                                      .order_by(m.uploaded_at.desc(), m.id.desc()))).scalars().all()
        return AttachmentList(items=[self.read(principal, record, r) for r in rows],
                              max_bytes=settings.attachment_max_bytes, max_count=settings.attachment_max_per_record)

    async def get(self, session: AsyncSession, record: Record, attachment_id: int) -> AttachmentMixin:
        """The file ``attachment_id`` of this record (404 for another record's file, whoever asks)."""
        row = await session.get(self.model, attachment_id)
        if row is None or row.owner_kind != record.kind or row.owner_id != record.id:
            raise NotFound(f"This {record.kind} has no file with id {attachment_id}.",
                           zh=f"此记录没有编号为 {attachment_id} 的附件。")
        return row

    async def add(self, session: AsyncSession, settings: ServiceSettings, *, principal: Principal, record: Record,
                  upload: UploadFile) -> AttachmentRead:
        """Keep an uploaded file on the record, once it has passed every check; refused whole otherwise."""
        content = await read_upload(upload, settings.attachment_max_bytes)
        if record.item is not None:
            # uploads to one record queue on its row (FOR UPDATE on PostgreSQL; SQLite's writers already
            # queue): two at once cannot both count one below the limit and both be kept
            await session.refresh(record.item, with_for_update=True)
        if await self.count(session, record) >= settings.attachment_max_per_record:
            n = settings.attachment_max_per_record
            raise Conflict(f"This record already holds {n} files, the most it may; remove one first.",
                           zh=f"此记录已有 {n} 个附件，已达上限；请先删除不需要的附件。")
        name, kind, key = await keep_upload(content, upload.filename or "", settings)
        row = self.model(key=key, name=name, content_type=kind, size=len(content), owner_kind=record.kind,
                         owner_id=record.id, unit_path=record.unit_path, uploaded_by=principal.sub,
                         uploaded_by_name=principal.name)
        session.add(row)
        await session.flush()
        await self.journal.audit(session, actor=principal, action="attachment.added",
                                 subject_type=record.subject_type, subject_id=str(record.id),
                                 unit_path=record.unit_path, after=self._described(row))
        return self.read(principal, record, row)

    async def download(self, session: AsyncSession, settings: ServiceSettings, *, record: Record,
                       attachment_id: int, inline: bool) -> Response:
        row = await self.get(session, record, attachment_id)
        return await file_response(FileStore.for_settings(settings), row, inline=inline)

    async def remove(self, session: AsyncSession, *, principal: Principal, record: Record,
                     attachment_id: int) -> None:
        """Remove a file from the record (its uploader, or plan over the unit). The bytes stay in the store:
        they are addressed by their content, and another record may hold the same file."""
        row = await self.get(session, record, attachment_id)
        if not self.may_remove(principal, record, row):
            raise Forbidden("Only whoever attached a file, or a holder of 'plan' over the record's unit, may remove "
                            "it.", right=REMOVER_RIGHT, zh="只有上传者或对该记录所在单位有计划权的人可以删除附件。")
        described = self._described(row)
        await session.delete(row)
        await session.flush()
        await self.journal.audit(session, actor=principal, action="attachment.removed",
                                 subject_type=record.subject_type, subject_id=str(record.id),
                                 unit_path=record.unit_path, after=described)

    @staticmethod
    def _described(row: AttachmentMixin) -> dict[str, Any]:
        return {"attachment_id": row.id, "name": row.name, "size": row.size, "content_type": row.content_type}


def attachments_router(attachments: Attachments,
                       to_view: Callable[..., Awaitable[Record]]) -> APIRouter:
    """The routes of a service's attachments, under ``/records/{kind}/{record_id}/attachments``; ``to_view`` is the
    service's ``RECORDS.to_view`` (the record, when the caller may see it; 404 otherwise)."""
    RecordToView = Annotated[Record, Depends(to_view)]  # noqa: N806 (a type alias, named as the others)
    router = APIRouter(prefix="/records/{kind}/{record_id}/attachments", tags=["attachments"])

    @router.get("", response_model=AttachmentList,
                summary="A record's attachments, newest first (whoever may see the record)")
    async def list_attachments(record: RecordToView, principal: CurrentPrincipal, session: Session,
                               rt: RuntimeDep) -> AttachmentList:
        return await attachments.listing(session, rt.settings, principal=principal, record=record)

    @router.post("", response_model=AttachmentRead, status_code=201,
                 summary="Attach a file (multipart field `file`; whoever may see the record). Refused whole when "
                         "too large (413), one too many (409), empty, of a type not accepted or disguised, or "
                         "failing the virus scan (422)")
    async def add_attachment(record: RecordToView, principal: CurrentPrincipal, session: Session, rt: RuntimeDep,
                             file: UploadFile = File(...)) -> AttachmentRead:
        return await attachments.add(session, rt.settings, principal=principal, record=record, upload=file)

    @router.get("/{attachment_id}", summary="An attachment's bytes (whoever may see the record)",
                responses={200: {"content": {"application/octet-stream": {}}}})
    async def get_attachment(record: RecordToView, attachment_id: int, session: Session, rt: RuntimeDep,
                             inline: bool = Query(False, description="Show an image or PDF in the page instead of "
                                                                     "downloading")) -> Response:
        return await attachments.download(session, rt.settings, record=record, attachment_id=attachment_id,
                                          inline=inline)

    @router.delete("/{attachment_id}", status_code=204,
                   summary="Remove an attachment (its uploader, or plan over the record's unit)")
    async def remove_attachment(record: RecordToView, attachment_id: int, principal: CurrentPrincipal,
                                session: Session) -> Response:
        await attachments.remove(session, principal=principal, record=record, attachment_id=attachment_id)
        return Response(status_code=204)

    return router
