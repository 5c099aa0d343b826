"""Rewards and penalties (奖惩): the register, confirmation by assess over the unit, innovation rewards, the
company scale (company admin) and the payroll export."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request, Response

from services.common.api import CursorParam, LimitParam, check_if_match, etag, set_etag
from services.common.db import Session
from services.common.files import XLSX, download_response
from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal
from services.kpi.deps import CompanyAdmin, CurrentScale, SanctionToAssess, ValidSanction
from services.kpi.sanctions import service
from services.kpi.sanctions.schemas import (
    InnovationReward,
    SanctionConfirm,
    SanctionDismiss,
    SanctionList,
    SanctionRead,
    ScaleRead,
    ScaleUpdate,
)

router = APIRouter(prefix="/sanctions", tags=["sanctions"])


def _line(response: Response, out: SanctionRead) -> SanctionRead:
    set_etag(response, etag("sanction", out.id, out.version))
    return out


def _scale(response: Response, out: ScaleRead) -> ScaleRead:
    set_etag(response, etag("sanction-scale", "company", out.version))
    return out


@router.get("", response_model=SanctionList,
            summary="The register (奖惩登记): lines under the caller's assess right and their own, with totals in 元")
async def list_sanctions(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                         cursor: str | None = CursorParam, unit_id: int | None = Query(None),
                         person_id: int | None = Query(None), period: str | None = Query(None),
                         status: Literal["proposed", "confirmed", "dismissed"] | None = Query(None),
                         kind: Literal["reward", "penalty"] | None = Query(None),
                         source: Literal["assessment", "innovation", "proposal"] | None = Query(None),
                         mine: bool = Query(False, description="Only the caller's own lines")):
    return await service.list_sanctions(session, principal=principal, limit=limit, cursor=cursor, unit_id=unit_id,
                                        person_id=person_id, period=period, status=status, kind=kind,
                                        source=source, mine=mine)


@router.get("/to-confirm", response_model=list[SanctionRead],
            summary="Proposed lines waiting on the caller (assess over their unit): the inbox part")
async def to_confirm(session: Session, principal: CurrentPrincipal, limit: int = LimitParam):
    return await service.to_confirm(session, principal=principal, limit=limit)


@router.get("/scale", response_model=ScaleRead, summary="The company scale (奖惩标准): grade → rewards / penalties")
async def get_scale(session: Session, principal: CurrentPrincipal, response: Response):
    return _scale(response, await service.get_scale(session))


@router.put("/scale", response_model=ScaleRead,
            summary="Set the company scale (company admin; If-Match). Finalised assessments keep their lines")
async def put_scale(body: ScaleUpdate, request: Request, response: Response, session: Session,
                    admin: CompanyAdmin, scale: CurrentScale):
    check_if_match(request, etag("sanction-scale", "company", scale.version if scale is not None else 0))
    return _scale(response, await service.put_scale(session, principal=admin, scale=scale, body=body))


@router.get("/payroll.xlsx", responses={200: {"content": {XLSX: {}}}},
            summary="Payroll export (姓名, 单位, 类型, 金额（元）, 期间, 依据) of the confirmed lines of a period "
                    "(assess over the unit)")
async def export_payroll(request: Request, session: Session, principal: CurrentPrincipal, rt: RuntimeDep,
                         period: str = Query(..., description="2026, 2026-Q4 or 2026-12"),
                         unit_id: int | None = Query(None)):
    content = await service.export_payroll(session, rt=rt, authorization=request.headers.get("authorization", ""),
                                           principal=principal,
                                           period=period, unit_id=unit_id)
    return download_response(content, f"奖惩工资表-{period}.xlsx", fallback="payroll")


@router.post("/innovation", response_model=SanctionRead, status_code=201,
             summary="Grant a special reward for innovation (创新奖励; assess over the unit), with a reason")
async def grant_innovation(body: InnovationReward, response: Response, session: Session,
                           principal: CurrentPrincipal):
    return _line(response, await service.grant_innovation(session, principal=principal, body=body))


@router.get("/{sanction_id}", response_model=SanctionRead,
            summary="A line (assess over its unit, or the person it names)")
async def get_sanction(sanction: ValidSanction, session: Session, principal: CurrentPrincipal, response: Response):
    return _line(response, await service.get_sanction(session, principal=principal, sanction=sanction))


@router.post("/{sanction_id}/confirm", response_model=SanctionRead,
             summary="Confirm a proposed line, or change its kind, type or amount with a reason (assess; If-Match)")
async def confirm(body: SanctionConfirm, request: Request, response: Response, session: Session,
                  sanction: SanctionToAssess):
    check_if_match(request, etag("sanction", sanction.item.id, sanction.item.version))
    return _line(response, await service.confirm(session, sanction=sanction, body=body))


@router.post("/{sanction_id}/dismiss", response_model=SanctionRead,
             summary="Dismiss a proposed line with a reason (assess over its unit; If-Match)")
async def dismiss(body: SanctionDismiss, request: Request, response: Response, session: Session,
                  sanction: SanctionToAssess):
    check_if_match(request, etag("sanction", sanction.item.id, sanction.item.version))
    return _line(response, await service.dismiss(session, sanction=sanction, body=body))
