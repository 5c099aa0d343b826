"""The activity stream (动态) of a risk: registration, assessments, status changes, acceptance, contingency."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.activity import (
    Activity,
    ActivityEntryRead,
    Catalogue,
    Facts,
    Fill,
    Order,
    Template,
    Words,
    note,
    same,
    vocabulary,
    word,
)
from services.common.api import Page
from services.common.records import Record
from services.risk.matrix.service import LEVEL_ZH
from services.risk.models import AuditEntry
from services.risk.records import RECORDS
from services.risk.register.service import STATUS_ZH

# the SPA's words (frontend/src/locales/en-US/risk.json)
STATUS = vocabulary(STATUS_ZH, {"identified": "Identified", "assessed": "Assessed", "treating": "Treating",
                                "monitoring": "Monitoring", "closed": "Closed"})
LEVEL = vocabulary(LEVEL_ZH, {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"})
ASSESSMENT = vocabulary({"inherent": "固有风险", "residual": "剩余风险"},
                        {"inherent": "inherent risk", "residual": "residual risk"})


def _assessed(f: Facts) -> Mapping[str, Words]:
    level, kind = word(LEVEL, f.after("level")), word(ASSESSMENT, f.after("kind"))
    likelihood, impact = f.text("likelihood"), f.text("impact")
    odds = (Words(f"（可能性 {likelihood} × 影响 {impact}）", f" (likelihood {likelihood} × impact {impact})")
            if likelihood and impact else Words("", ""))
    return {"kind": kind, "level": level, "odds": odds}


def _until(key: str) -> Fill:
    def fill(f: Facts) -> Mapping[str, Words]:
        return {"date": same(f.text(key))}
    return fill


CATALOGUE: Catalogue = {
    "risk.created": Template("edit", "{actor} 登记了风险", "{actor} registered the risk", status=STATUS),
    "risk.updated": Template("edit", "{actor} 修改了风险", "{actor} edited the risk", status=STATUS),
    "risk.status.changed": Template("decision", "{actor} 更改了风险状态", "{actor} changed the risk's status",
                                    status=STATUS),
    "risk.assessed": Template("decision", "{actor} 评估了{kind}：{level}{odds}",
                              "{actor} assessed the {kind}: {level}{odds}", fill=_assessed, quote=note,
                              status=STATUS),
    "risk.acceptance.signed": Template("decision", "{actor} 签署了风险接受，有效期至 {date}",
                                       "{actor} signed the risk's acceptance, valid until {date}",
                                       fill=_until("expires_on"), quote=note, status=STATUS),
    "risk.acceptance.expired": Template("other", "风险接受已于 {date} 到期，风险回到评审",
                                        "The acceptance expired on {date}; the risk is back in review",
                                        fill=_until("expired_on"), status=STATUS),
    "risk.contingency.activated": Template("decision", "{actor} 启动了应急预案",
                                           "{actor} activated the contingency plan", status=STATUS),
}

ACTIVITY = Activity(AuditEntry, RECORDS, CATALOGUE)


async def activity(session: AsyncSession, *, record: Record, limit: int, cursor: str | None,
                   order: Order) -> Page[ActivityEntryRead]:
    return await ACTIVITY.page(session, record, limit=limit, cursor=cursor, order=order)
