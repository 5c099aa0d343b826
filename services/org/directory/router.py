"""Directory sync (admins over the company): plan or apply a sync from a DingTalk, WeCom or Feishu provider's
contacts, and the runs so far."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.common.api import CursorParam, LimitParam, Page
from services.common.db import Session
from services.common.runtime import RuntimeDep
from services.org.deps import AdminPrincipal, ValidProvider
from services.org.directory import service
from services.org.directory.schemas import SyncRunRead, SyncRunSummary

router = APIRouter(tags=["directory"])


@router.post("/directory/{provider_id}/sync", response_model=SyncRunRead,
             summary="Sync the provider's contacts into the org: a plan (dry run, the default) or the plan applied")
async def sync(provider: ValidProvider, principal: AdminPrincipal, session: Session, runtime: RuntimeDep,
               dry_run: bool = Query(True, description="Only report what would change")):
    return await service.sync(session, http=runtime.http, principal=principal, provider=provider, dry_run=dry_run)


@router.get("/directory/{provider_id}/runs", response_model=Page[SyncRunSummary],
            summary="The provider's directory sync runs, oldest first (admin)")
async def list_runs(provider: ValidProvider, principal: AdminPrincipal, session: Session, limit: int = LimitParam,
                    cursor: str | None = CursorParam):
    return await service.list_runs(session, provider=provider, limit=limit, cursor=cursor)
