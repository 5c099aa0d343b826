"""Evidence files of inspections and audits: stored by the kernel's file store, described by ``kpi_file`` and
served only to who may see the unit they belong to (and to whoever uploaded them)."""

from __future__ import annotations

from fastapi import Response, UploadFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.attachments import keep_upload, read_upload
from services.common.authz import Principal, Right
from services.common.files import FileStore, file_response
from services.common.guards import Place, authorize
from services.common.runtime import Runtime
from services.kpi.files.schemas import FileRead
from services.kpi.models import KpiFile

PREFIX = "/api/kpi/files"


def file_read(f: KpiFile) -> FileRead:
    return FileRead(id=f.id, name=f.name, content_type=f.content_type, size=f.size, url=f"{PREFIX}/{f.id}",
                    owner_kind=f.owner_kind, owner_id=f.owner_id, uploaded_by=f.uploaded_by,
                    uploaded_by_name=f.uploaded_by_name, uploaded_at=f.uploaded_at)


async def store_upload(session: AsyncSession, rt: Runtime, *, principal: Principal, upload: UploadFile,
                       owner_kind: str, owner_id: int, unit_path: str) -> FileRead:
    """Keep an uploaded file for ``owner_kind``/``owner_id`` (the caller's concept has authorised it), checked as
    every attachment is: larger than ``attachment_max_bytes`` 413; empty, of a kind not accepted, disguised (a
    name claiming another type than its bytes hold) or failing the virus scan 422; refused whole, nothing kept."""
    content = await read_upload(upload, rt.settings.attachment_max_bytes)
    name, kind, key = await keep_upload(content, upload.filename or "", rt.settings)
    row = KpiFile(key=key, name=name, content_type=kind, size=len(content), owner_kind=owner_kind,
                  owner_id=owner_id, unit_path=unit_path, uploaded_by=principal.sub,
                  uploaded_by_name=principal.name)
    session.add(row)
    await session.flush()
    return file_read(row)


async def files_of(session: AsyncSession, owner_kind: str, owner_id: int) -> list[FileRead]:
    rows = (await session.execute(select(KpiFile).where(KpiFile.owner_kind == owner_kind,
                                                        KpiFile.owner_id == owner_id)
                                  .order_by(KpiFile.id))).scalars().all()
    return [file_read(f) for f in rows]


async def download(rt: Runtime, *, principal: Principal, f: KpiFile, inline: bool) -> Response:
    """The file's bytes, to holders of view over its unit and to whoever uploaded it."""
    if principal.sub != f.uploaded_by:
        authorize(principal, Place(f.unit_path, "this file's unit"), Right.view)
    return await file_response(FileStore.for_settings(rt.settings), f, inline=inline)
