"""Evidence files: fetched with the bearer token by whoever may see their unit (or uploaded them)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal
from services.kpi.deps import ValidFile
from services.kpi.files import service

router = APIRouter(prefix="/files", tags=["evidence files"])


@router.get("/{file_id}", summary="An evidence file's bytes (view over its unit, or its uploader)",
            responses={200: {"content": {"application/octet-stream": {}}}})
async def get_file(f: ValidFile, principal: CurrentPrincipal, rt: RuntimeDep,
                   inline: bool = Query(False, description="Show an image or PDF in the page instead of downloading")):
    return await service.download(rt, principal=principal, f=f, inline=inline)
