"""What risk does on other services' events: CONSUMES (the payload views are in events.py)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.contracts import Consumer, EventView
from services.common.problems import Invalid
from services.risk.alerts import service
from services.risk.events import FindingRaisedView, ThresholdCrossedView
from services.risk.register.from_findings import on_finding

V = TypeVar("V", bound=EventView)


def _view(event: dict[str, Any], view: type[V], what_zh: str) -> V:
    """The event's data as ``view`` reads it; a payload off the contract is a 422 naming the field."""
    try:
        return view.model_validate(event["data"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"{event.get('type')} data does not follow the contract: {where}: {first['msg']}",
                      field=f"data.{where}", zh=f"指标服务发来的{what_zh}事件数据不符合约定格式。") from exc


async def on_threshold_crossed(session: AsyncSession, event: dict[str, Any]) -> None:
    """``kpi.threshold.crossed``: give the value to every KRI watching that indicator and unit."""
    data = _view(event, ThresholdCrossedView, "预警")
    await service.record_crossing(session, data, event_id=event.get("id"),
                                  recorded_by=f"event:{event.get('source', 'kpi')}")


async def on_finding_raised(session: AsyncSession, event: dict[str, Any]) -> None:
    """``kpi.finding.raised``: a finding that asks for it raises a risk for its unit or re-assesses one."""
    await on_finding(session, _view(event, FindingRaisedView, "发现问题"))


CONSUMES = [
    Consumer("kpi.threshold.crossed", on_threshold_crossed, reads=ThresholdCrossedView,
             summary="A kpi indicator of a unit crossed a threshold: the KRIs watching it take the value and "
                     "raise alerts"),
    Consumer("kpi.finding.raised", on_finding_raised, reads=FindingRaisedView,
             summary="An inspection or audit finding asks for a risk: raised for its unit, or an existing risk "
                     "re-assessed"),
]
