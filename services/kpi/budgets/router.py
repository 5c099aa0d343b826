"""Budgets: the chart of budget items (company admin), budgets from plans (view), actual spend (plan over the
unit, or an API client granted it: finance systems), budget vs actual and its 预算执行表 export."""

from __future__ import annotations

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from services.common.db import Session
from services.common.files import download_response
from services.common.runtime import RuntimeDep
from services.common.security import CurrentPrincipal
from services.kpi.budgets import service
from services.kpi.budgets.schemas import (
    ActualBatchResult,
    ActualImportReport,
    ActualIn,
    ActualRead,
    BudgetItemCreate,
    BudgetItemRead,
    BudgetItemUpdate,
    BudgetRead,
    ExecutionRead,
)
from services.kpi.deps import BudgetWriter, CompanyAdmin
from services.kpi.measurements import imports

router = APIRouter(prefix="/budgets", tags=["budgets"])

_BATCH = TypeAdapter(list[ActualIn])
_BATCH_SCHEMA = {"type": "array", "maxItems": service.MAX_BATCH, "items": ActualIn.model_json_schema()}


@router.get("/items", response_model=list[BudgetItemRead], summary="The company's chart of budget items")
async def list_items(session: Session, principal: CurrentPrincipal, active: bool | None = Query(None)):
    return await service.list_items(session, active=active)


@router.post("/items", response_model=BudgetItemRead, status_code=201, summary="Add a budget item (company admin)")
async def create_item(body: BudgetItemCreate, session: Session, principal: CompanyAdmin):
    return await service.create_item(session, principal=principal, body=body)


@router.patch("/items/{code}", response_model=BudgetItemRead, summary="Change or retire a budget item (company admin)")
async def update_item(code: str, body: BudgetItemUpdate, session: Session, principal: CompanyAdmin):
    return await service.update_item(session, principal=principal, code=code, body=body)


@router.get("", response_model=list[BudgetRead], summary="A unit's own budgets from its plans (view over the unit)")
async def list_budgets(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                       period: str | None = Query(None, description="Any period of the year wanted"),
                       history: bool = Query(False, description="Also the budgets later revisions replaced")):
    return await service.list_budgets(session, principal=principal, unit_id=unit_id, period=period, history=history)


@router.post("/actuals/batch", response_model=ActualBatchResult, summary="Store up to 10,000 actual spends",
             description="A JSON array of `{unit_id, period (a month), item_code, amount (元), source, ref?}`. Upserts "
                         "on (unit, period, item, source). A malformed item (unknown field, wrong type) rejects the "
                         "whole request (422 naming the item's index); an item that breaks a rule (unknown unit or "
                         "item, no plan right over the unit, a period that is not a month, a repeated key) is "
                         "refused on its own and the others are stored. The budget execution rate follows.",
             openapi_extra={"requestBody": {"required": True,
                                            "content": {"application/json": {"schema": _BATCH_SCHEMA}}}})
async def post_actuals(request: Request, session: Session, writer: BudgetWriter, rt: RuntimeDep):
    try:
        items = _BATCH.validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from None
    return await service.store_actuals(session, writer=writer, items=items, rt=rt)


@router.get("/actuals", response_model=list[ActualRead], summary="Actual spend under a unit (view over the unit)")
async def list_actuals(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                       period: str | None = Query(None)):
    return await service.list_actuals(session, principal=principal, unit_id=unit_id, period=period)


@router.post("/actuals/import", response_model=ActualImportReport,
             summary="Import actual spend from .xlsx (preview=true checks it and writes nothing)",
             description="Columns unit_code (or unit_id), period, item_code (or the item's name), amount (元), "
                         "source, ref. Imported whole or not at all: any bad cell rejects the file (422) with every "
                         "error's row and column, and nothing is stored.")
async def import_actuals(session: Session, writer: BudgetWriter, rt: RuntimeDep, file: UploadFile = File(...),
                         preview: bool = Query(False)):
    content = await file.read(imports.MAX_BYTES + 1)
    return await service.import_actuals(session, writer=writer, content=content, filename=file.filename or "",
                                        preview=preview, rt=rt)


@router.get("/actuals/template", summary="The actual-spend import template (.xlsx)",
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
async def actuals_template(session: Session, principal: CurrentPrincipal):
    content = await service.template(session)
    return download_response(content, "实际支出导入模板.xlsx", fallback="budget-actuals-template")


@router.get("/execution", response_model=ExecutionRead, summary="Budget vs actual of a unit's subtree",
            description="For a year, quarter or month: per item and in total, budget and actual in 元, the execution "
                        "rate, the share of the period gone by, and over-budget flags.")
async def get_execution(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                        period: str = Query(...)):
    return await service.execution(session, principal=principal, unit_id=unit_id, period=period)


@router.get("/execution/export", summary="预算执行表 (.xlsx, 元)",
            responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
async def export_execution(session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                           period: str = Query(...)):
    out = await service.export_execution(session, principal=principal, unit_id=unit_id, period=period)
    return download_response(out.content, out.filename, fallback="budget-execution")
