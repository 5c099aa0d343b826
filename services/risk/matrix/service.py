"""The risk matrix (风险矩阵): likelihood 1–5 × impact 1–5 = score, banded into levels."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.api import Page, paginate
from services.common.authz import Principal
from services.common.db import utcnow
from services.common.i18n import zh_list
from services.common.problems import Invalid
from services.risk.journal import journal
from services.risk.matrix.schemas import MatrixCreate, MatrixRead
from services.risk.models import RiskMatrix

LEVELS = ("low", "medium", "high", "critical")
LEVEL_ZH = {"low": "低", "medium": "中", "high": "高", "critical": "重大"}  # as the SPA shows them
LEVEL_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}
SEVERE = {"high", "critical"}

DEFAULT_NAME = "默认风险矩阵"
DEFAULT_BANDS: list[dict[str, Any]] = [
    {"level": "low", "label": "低", "min_score": 1, "max_score": 4},
    {"level": "medium", "label": "中", "min_score": 5, "max_score": 9},
    {"level": "high", "label": "高", "min_score": 10, "max_score": 16},
    {"level": "critical", "label": "极高", "min_score": 20, "max_score": 25},
]

# Every score a 5 × 5 matrix can produce (17, 18, 19 … cannot occur).
POSSIBLE_SCORES = sorted({likelihood * impact for likelihood in range(1, 6) for impact in range(1, 6)})


def check_bands(bands: list[dict[str, Any]]) -> None:
    """Bands must be ascending, not overlap, use each level once in order and cover every possible score."""
    seen: list[str] = []
    prev_max = 0
    for n, band in enumerate(bands):
        field = f"bands.{n}"
        level, lo, hi = band["level"], band["min_score"], band["max_score"]
        if level not in LEVELS:
            raise Invalid(f"'{level}' is not a level; use one of {', '.join(LEVELS)}.", field=f"{field}.level",
                          zh=f"等级无效；应为{zh_list(LEVEL_ZH[lv] for lv in LEVELS)}之一。")
        if level in seen:
            raise Invalid(f"The level '{level}' appears twice.", field=f"{field}.level",
                          zh=f"等级“{LEVEL_ZH.get(level, level)}”出现了两次。")
        if seen and LEVEL_RANK[level] < LEVEL_RANK[seen[-1]]:
            raise Invalid("Bands must go from the lowest level to the highest.", field=f"{field}.level",
                          zh="等级区间须从最低等级排到最高等级。")
        if lo > hi:
            raise Invalid(f"min_score {lo} is above max_score {hi}.", field=f"{field}.min_score",
                          zh=f"最低分值 {lo} 高于最高分值 {hi}。")
        if lo <= prev_max:
            raise Invalid(f"This band overlaps the previous one (which ends at {prev_max}).",
                          field=f"{field}.min_score", zh=f"此区间与上一区间重叠（上一区间止于 {prev_max}）。")
        seen.append(level)
        prev_max = hi
    for score in POSSIBLE_SCORES:
        if not any(b["min_score"] <= score <= b["max_score"] for b in bands):
            raise Invalid(f"No band covers the score {score}; every score from 1 to 25 that L × I can give "
                          "must fall in one band.", field="bands",
                          zh=f"分值 {score} 不在任何区间内；"
                             "可能性 × 影响程度可得的 1 至 25 每个分值都须落在一个区间内。")


def band_for(bands: list[dict[str, Any]], score: int) -> dict[str, Any]:
    for band in bands:
        if band["min_score"] <= score <= band["max_score"]:
            return band
    raise Invalid(f"The matrix in force has no band for the score {score}.", field="likelihood",
                  zh=f"现行评估矩阵中没有覆盖分值 {score} 的区间。")


def snapshot(matrix: RiskMatrix) -> dict[str, Any]:
    return {"id": matrix.id, "name": matrix.name, "version": matrix.version, "bands": matrix.bands}


async def in_force(session: AsyncSession) -> RiskMatrix:
    """The matrix in force; the default one is created the first time it is needed."""
    matrix = (await session.execute(select(RiskMatrix).where(RiskMatrix.active.is_(True))
                                    .order_by(RiskMatrix.id.desc()).limit(1))).scalar_one_or_none()
    if matrix is None:
        matrix = RiskMatrix(name=DEFAULT_NAME, bands=DEFAULT_BANDS, active=True, created_by="system")
        session.add(matrix)
        await session.flush()
    return matrix


async def current(session: AsyncSession) -> MatrixRead:
    return MatrixRead.model_validate(await in_force(session))  # the default one exists from start-up on


async def list_matrices(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[MatrixRead]:
    rows, nxt = await paginate(session, select(RiskMatrix), RiskMatrix.id, limit=limit, cursor=cursor)
    return Page[MatrixRead](items=[MatrixRead.model_validate(m) for m in rows], next_cursor=nxt)


async def replace(session: AsyncSession, *, principal: Principal, body: MatrixCreate) -> MatrixRead:
    """Put a new matrix in force and retire the old one; earlier assessments keep their snapshots."""
    bands = [b.model_dump(mode="json") for b in body.bands]
    check_bands(bands)
    old = await in_force(session)
    old.active, old.retired_at = False, utcnow()
    await session.flush()
    new = RiskMatrix(name=body.name, bands=bands, active=True, created_by=principal.sub)
    session.add(new)
    await session.flush()
    await journal.audit(session, actor=principal, action="matrix.replaced", subject_type="matrix", subject_id=new.id,
                        before=snapshot(old), after=snapshot(new))
    return MatrixRead.model_validate(new)
