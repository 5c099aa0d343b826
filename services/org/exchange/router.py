"""The org in and out of Excel: export, and imports staged as a preview, then applied whole or discarded."""

from __future__ import annotations

from fastapi import APIRouter, File, Query, Request, Response, UploadFile

from services.common.api import check_if_match, etag, set_etag
from services.common.db import Session
from services.common.problems import PreconditionRequired
from services.common.security import CurrentPrincipal
from services.org.deps import AdminPrincipal, ValidOrgImport
from services.org.exchange import service
from services.org.exchange.schemas import OrgImportRead
from services.org.exchange.sheet import MAX_BYTES

router = APIRouter(prefix="/exchange", tags=["org exchange"])


@router.get("/org.xlsx", response_class=Response, responses={200: {"content": {service.XLSX: {}}}},
            summary="The org as an Excel workbook (组织单元, 岗位, 人员): the company for administrators, or the "
                    "subtree of a unit you may view")
async def export_org(session: Session, principal: CurrentPrincipal,
                     unit_id: int | None = Query(None, description="Only this unit's subtree (view over it)")):
    out = await service.export_workbook(session, principal=principal, unit_id=unit_id)
    return Response(out.content, media_type=out.media_type, headers={"Content-Disposition": out.disposition})


@router.post("/imports", response_model=OrgImportRead, status_code=201,
             summary="Upload an org workbook: stored as a preview of what it would change, with every row error "
                     "(administrators)")
async def stage_import(session: Session, principal: AdminPrincipal, response: Response,
                       file: UploadFile = File(description="An .xlsx in the export's layout (at most 5 MB)")):
    content = await file.read(MAX_BYTES + 1)  # one byte more than allowed tells a file too large
    out = await service.stage(session, principal=principal, content=content, filename=file.filename or "")
    set_etag(response, etag("org-import", out.id, out.version))
    return out


@router.get("/imports/{import_id}", response_model=OrgImportRead, summary="A staged (or decided) import's preview")
async def get_import(item: ValidOrgImport, principal: AdminPrincipal, response: Response):
    set_etag(response, etag("org-import", item.id, item.version))
    return service.read(item)


@router.post("/imports/{import_id}/apply", response_model=OrgImportRead,
             summary="Apply a preview whole (If-Match its version); 409 when it has errors or the org changed")
async def apply_import(item: ValidOrgImport, principal: AdminPrincipal, session: Session, request: Request,
                       response: Response):
    if request.headers.get("if-match") is None:
        raise PreconditionRequired("Send If-Match with the import's ETag (the preview you looked at).",
                                   zh="请在 If-Match 中带上此导入的版本（您查看的预览）。")
    check_if_match(request, etag("org-import", item.id, item.version))
    out = await service.apply(session, principal=principal, item=item)
    set_etag(response, etag("org-import", out.id, out.version))
    return out


@router.delete("/imports/{import_id}", status_code=204, summary="Discard a staged import")
async def discard_import(item: ValidOrgImport, principal: AdminPrincipal, session: Session):
    await service.discard(session, principal=principal, item=item)
    return Response(status_code=204)
