"""What risk does on other services' events: CONSUMES (the payload views are in events.py)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from services.common.contracts import Consumer
from services.common.problems import Invalid
from services.risk.alerts import service
from services.risk.events import ThresholdCrossedView


async def on_threshold_crossed(session: AsyncSession, event: dict[str, Any]) -> None:
    """``kpi.threshold.crossed``: give the value to every KRI watching that indicator and unit."""
    try:
        data = ThresholdCrossedView.model_validate(event["data"])
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"kpi.threshold.crossed data does not follow the contract: {where}: {first['msg']}",
                      field=f"data.{where}", zh="指标服务发来的预警事件数据不符合约定格式。") from exc
    await service.record_crossing(session, data, event_id=event.get("id"),
                                  recorded_by=f"event:{event.get('source', 'kpi')}")


CONSUMES = [
    Consumer("kpi.threshold.crossed", on_threshold_crossed, reads=ThresholdCrossedView,
             summary="A kpi indicator of a unit crossed a threshold: the KRIs watching it take the value and "
                     "raise alerts"),
]
