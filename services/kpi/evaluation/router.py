"""Evaluations, trend series and industry benchmarks."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select

from services.common import generation
from services.common.api import CursorParam, LimitParam, Page, etag, paginate, set_etag
from services.common.audit_api import require_admin
from services.common.db import Session
from services.common.problems import Invalid, NotFound
from services.common.security import CurrentPrincipal
from services.kpi import evaluation
from services.kpi.aggregate import Library
from services.kpi.api.deps import audit, indicator_by_code, parse_period_param, unit_or_404
from services.kpi.models import Benchmark, DataGeneration, Indicator
from services.kpi.schemas import BenchmarkCreate, BenchmarkRead, EvaluationPage, SeriesRead

router = APIRouter(tags=["evaluations"])

MAX_SERIES = 120


class _Answer:
    """A read answered from the per-generation cache when it can be (`services/common/generation.py`).

    Dashboards ask for the same evaluations and series over and over between writes; every
    change to an input moves the data generation (in any replica), so an answer computed at
    the current one is still right. Rights are checked on every request, cached or not.
    """

    def __init__(self, request: Request, gen: int, *key):
        self.request, self.cache = request, request.app.state.evaluations
        self.key, self.tag = (gen, request.url.path, *key), f'W/"g{gen}"'
        self.gen = gen

    def cached(self, principal) -> Response | None:
        hit = self.cache.get(self.key)
        if hit is None:
            return None
        path, name, body = hit
        principal.require("view", path, what=name)
        if self.tag in self.request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers={"ETag": self.tag})
        return Response(body, media_type="application/json", headers={"ETag": self.tag})

    async def library(self, session) -> Library:
        lib = self.cache.get(("library", self.gen))
        if lib is None:  # the library is an evaluation input too: good for the same generation
            lib = await Library.load(session)
            self.cache.put(("library", self.gen), lib)
        return lib

    def answer(self, unit, model) -> Response:
        body = model.model_dump_json()
        self.cache.put(self.key, (unit.path, unit.name, body))
        return Response(body, media_type="application/json", headers={"ETag": self.tag})


async def _answer(request: Request, session, *key) -> _Answer:
    return _Answer(request, await generation.current(session, DataGeneration.__table__), *key)


@router.get("/evaluations", response_model=EvaluationPage,
            summary="Every indicator of a unit (its whole subtree) for a period: actual, target, attainment, "
                    "status, 环比, 同比, benchmark (ETag: unchanged answers are 304 to If-None-Match)")
async def get_evaluation(request: Request, session: Session, principal: CurrentPrincipal, unit_id: int = Query(...),
                         period: str = Query(...), indicator_code: list[str] | None = Query(None),
                         category: str | None = Query(None)):
    out = await _answer(request, session, unit_id, period, tuple(sorted(indicator_code or ())), category)
    if (hit := out.cached(principal)) is not None:
        return hit
    unit = await unit_or_404(session, unit_id)
    principal.require("view", unit.path, what=unit.name)
    p = parse_period_param(period)
    lib = await out.library(session)
    codes = None
    if indicator_code:
        unknown = [c for c in indicator_code if c not in lib.by_code]
        if unknown:
            raise Invalid(f"There is no indicator '{unknown[0]}'.", field="indicator_code", zh=f"没有指标“{unknown[0]}”。")
        codes = set(indicator_code)
    if category:
        codes = (codes or set(lib.by_code)) & {i.code for i in lib.all if i.category == category}
    rows = await evaluation.evaluate(session, lib=lib, unit=unit, p=p, codes=codes)
    return out.answer(unit, EvaluationPage(items=rows, unit_id=unit.id, unit_path=unit.path, period=p.text))


@router.get("/series", response_model=SeriesRead, summary="An indicator's actual and target per period, for a chart "
            "(ETag like evaluations)")
async def get_series(request: Request, session: Session, principal: CurrentPrincipal,
                     indicator_code: str = Query(...), unit_id: int = Query(...),
                     start: str = Query(..., alias="from"), end: str = Query(..., alias="to")):
    out = await _answer(request, session, indicator_code, unit_id, start, end)
    if (hit := out.cached(principal)) is not None:
        return hit
    unit = await unit_or_404(session, unit_id)
    principal.require("view", unit.path, what=unit.name)
    lib = await out.library(session)
    ind = lib.by_code.get(indicator_code)
    if ind is None:
        raise Invalid(f"There is no indicator '{indicator_code}'.", field="indicator_code",
                      zh=f"没有指标“{indicator_code}”。")
    a, b = parse_period_param(start, field="from"), parse_period_param(end, field="to")
    if a.kind != b.kind:
        raise Invalid("'from' and 'to' must be periods of the same kind (e.g. 2025-01 and 2026-10).", field="to",
                      zh="起始和截止须为同一类期间（如 2025-01 和 2026-10）。")
    if b.start < a.start:
        raise Invalid("'to' is before 'from'.", field="to", zh="截止期间早于起始期间。")
    periods, q = [], a
    while len(periods) <= MAX_SERIES and (q.start <= b.start):
        periods.append(q)
        q = q.next()
    if len(periods) > MAX_SERIES:
        raise Invalid(f"A series has at most {MAX_SERIES} periods.", field="to", zh=f"一个趋势最多 {MAX_SERIES} 个期间。")
    items = await evaluation.series(session, lib=lib, unit=unit, indicator=ind, periods=periods)
    return out.answer(unit, SeriesRead(indicator_code=ind.code, unit_id=unit.id, kind=a.kind.value, items=items))


def _bench(b: Benchmark, code: str) -> BenchmarkRead:
    return BenchmarkRead(id=b.id, indicator_code=code, period=b.period, value=b.value, source=b.source,
                         as_of=b.as_of, note=b.note, version=b.version)


@router.get("/benchmarks", response_model=Page[BenchmarkRead], summary="Industry benchmarks (行业标桿)",
            tags=["benchmarks"])
async def list_benchmarks(session: Session, principal: CurrentPrincipal, limit: int = LimitParam,
                          cursor: str | None = CursorParam, indicator_code: str | None = Query(None),
                          period: str | None = Query(None)):
    stmt = select(Benchmark)
    if indicator_code:
        stmt = stmt.where(Benchmark.indicator_id == (await indicator_by_code(session, indicator_code)).id)
    if period:
        stmt = stmt.where(Benchmark.period == parse_period_param(period).text)
    rows, nxt = await paginate(session, stmt, Benchmark.id, limit=limit, cursor=cursor)
    codes = dict((await session.execute(select(Indicator.id, Indicator.code))).all())
    return Page[BenchmarkRead](items=[_bench(b, codes[b.indicator_id]) for b in rows], next_cursor=nxt)


@router.post("/benchmarks", response_model=BenchmarkRead, status_code=201, tags=["benchmarks"],
             summary="Load a benchmark value with its source and date (admin)")
async def create_benchmark(body: BenchmarkCreate, request: Request, response: Response, session: Session,
                           principal: CurrentPrincipal):
    require_admin(principal)
    ind = await indicator_by_code(session, body.indicator_code)
    b = Benchmark(indicator_id=ind.id, period=body.period, value=body.value, source=body.source, as_of=body.as_of,
                  note=body.note)
    session.add(b)
    await session.flush()
    out = _bench(b, ind.code)
    await audit(session, request, principal, "benchmark.created", "benchmark", b.id, after=out.model_dump(mode="json"))
    set_etag(response, etag("benchmark", b.id, b.version))
    return out


@router.delete("/benchmarks/{benchmark_id}", status_code=204, tags=["benchmarks"], summary="Remove a benchmark (admin)")
async def delete_benchmark(benchmark_id: int, request: Request, session: Session, principal: CurrentPrincipal):
    require_admin(principal)
    b = await session.get(Benchmark, benchmark_id)
    if b is None:
        raise NotFound(f"There is no benchmark with id {benchmark_id}.", zh=f"没有编号为 {benchmark_id} 的行业标杆。")
    ind = await session.get(Indicator, b.indicator_id)
    before = _bench(b, ind.code).model_dump(mode="json")
    await session.delete(b)
    await audit(session, request, principal, "benchmark.deleted", "benchmark", benchmark_id, before=before)
    return Response(status_code=204)
