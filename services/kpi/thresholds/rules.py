"""Which warning and critical values apply at a unit, and whether a pair is in the right order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.i18n import Bilingual, zh_of
from services.common.problems import Invalid
from services.kpi.models import Indicator, ThresholdRule


@dataclass
class Thresholds:
    warning: float | None
    critical: float | None
    mode: str  # absolute | relative
    source: str  # indicator | unit:<id>

    def absolute(self, target: float | None) -> tuple[float | None, float | None]:
        """The warning and critical values as numbers (relative ones need a target)."""
        if self.mode == "relative":
            if target is None:
                return None, None
            return (None if self.warning is None else self.warning * target,
                    None if self.critical is None else self.critical * target)
        return self.warning, self.critical


async def load_threshold_rules(session: AsyncSession, indicator_ids: Iterable[int]) -> dict[int, list[ThresholdRule]]:
    out: dict[int, list[ThresholdRule]] = {}
    ids = sorted(set(indicator_ids))
    if not ids:
        return out
    for r in (await session.execute(select(ThresholdRule).where(ThresholdRule.indicator_id.in_(ids)))).scalars():
        out.setdefault(r.indicator_id, []).append(r)
    return out


def thresholds_for(indicator: Indicator, unit_path: str, rules: Mapping[int, list[ThresholdRule]]) -> Thresholds | None:
    """The unit's own thresholds, else the nearest ancestor's, else the indicator's defaults."""
    best = None
    for r in rules.get(indicator.id, ()):
        if unit_path.startswith(r.unit_path) and (best is None or len(r.unit_path) > len(best.unit_path)):
            best = r
    if best is not None:
        return Thresholds(best.warning, best.critical, best.mode, f"unit:{best.unit_id}")
    if indicator.warning is None and indicator.critical is None:
        return None
    return Thresholds(indicator.warning, indicator.critical, indicator.threshold_mode, "indicator")


def threshold_order_problem(direction: str, warning: float | None, critical: float | None) -> str | None:
    """Why a warning / critical pair would not be judged as meant, or None.

    The critical value lies past the warning one on the bad side (below it when higher is better,
    above it when lower is better, a wider deviation for a band); otherwise level_of() would jump
    straight to critical and the warning level could never be reached.
    """
    if direction == "band" and any(v is not None and v < 0 for v in (warning, critical)):
        return Bilingual("For a band the values are allowed deviations from the target, so they cannot be negative.",
                         "区间指标的阈值是允许偏离目标的幅度，不能为负数。")
    if warning is None or critical is None:
        return None
    if direction == "higher_better" and critical > warning:
        return Bilingual(f"Higher is better for this indicator, so its critical value ({critical:g}) must be at or "
                         f"below its warning value ({warning:g}).",
                         f"此指标越高越好，告警值（{critical:g}）不能高于预警值（{warning:g}）。")
    if direction == "lower_better" and critical < warning:
        return Bilingual(f"Lower is better for this indicator, so its critical value ({critical:g}) must be at or "
                         f"above its warning value ({warning:g}).",
                         f"此指标越低越好，告警值（{critical:g}）不能低于预警值（{warning:g}）。")
    if direction == "band" and critical < warning:
        return Bilingual(f"For a band the critical deviation ({critical:g}) must be at least the warning one "
                         f"({warning:g}).", f"区间指标的告警偏离（{critical:g}）不能小于预警偏离（{warning:g}）。")
    return None


def check_threshold_order(direction: str, warning: float | None, critical: float | None) -> None:
    """422 for a warning / critical pair in the wrong order for the indicator's direction."""
    problem = threshold_order_problem(direction, warning, critical)
    if problem:
        raise Invalid(problem, field="critical", zh=zh_of(problem))
