"""The activity streams (动态) of kpi's records: 整改 (improvement) actions and findings."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.activity import (
    Activity,
    ActivityEntryRead,
    Catalogue,
    Facts,
    Fill,
    Kind,
    Order,
    Quote,
    Template,
    Words,
    same,
    vocabulary,
)
from services.common.api import Page
from services.common.records import Record
from services.kpi.actions.service import ACTION_STATUS_ZH
from services.kpi.findings.schemas import FINDING_STATUS_ZH
from services.kpi.models import AuditEntry
from services.kpi.records import RECORDS

# the SPA's words (frontend/src/locales/en-US/kpi.json, inspections.json)
ACTION_STATUS = vocabulary(ACTION_STATUS_ZH, {"open": "Open", "done": "Awaiting verification",
                                              "verified": "Verified", "cancelled": "Cancelled"})
FINDING_STATUS = vocabulary(FINDING_STATUS_ZH, {"open": "Open", "closed": "Closed", "withdrawn": "Withdrawn"})


def _progress(f: Facts) -> Mapping[str, Words]:
    return {"progress": same(f.text("progress") or "0")}


def _evidence_note(f: Facts) -> str:
    """The note of the newest evidence item: a progress report's words, a verifier's or a cancellation's."""
    return f.last("evidence", "note")


def _action(kind: Kind, zh: str, en: str, *, fill: Fill | None = None, quote: Quote | None = None) -> Template:
    return Template(kind, zh, en, fill=fill, quote=quote, status=ACTION_STATUS)


CATALOGUE: Catalogue = {
    # 整改 actions (services/kpi/actions/service.py)
    "action.created": _action("edit", "{actor} 发起了整改措施", "{actor} raised the improvement action"),
    "action.updated": _action("edit", "{actor} 修改了整改措施", "{actor} edited the improvement action"),
    "action.progress": _action("edit", "{actor} 报告了整改进度 {progress}%", "{actor} reported {progress}% progress",
                               fill=_progress, quote=_evidence_note),
    "action.completed": _action("decision", "{actor} 提交了整改完成", "{actor} completed the improvement action"),
    "action.verified": _action("decision", "{actor} 验证通过了整改", "{actor} verified the improvement action",
                               quote=_evidence_note),
    "action.reopened": _action("decision", "{actor} 验证未通过，退回整改", "{actor} sent the action back for rework",
                               quote=_evidence_note),
    "action.cancelled": _action("decision", "{actor} 撤销了整改措施", "{actor} cancelled the improvement action",
                                quote=_evidence_note),
    # findings (services/kpi/findings)
    "finding.raised": Template("edit", "{actor} 提出了发现问题", "{actor} raised the finding", status=FINDING_STATUS),
    "finding.withdrawn": Template("decision", "{actor} 撤回了发现问题", "{actor} withdrew the finding",
                                  status=FINDING_STATUS),
    "finding.closed": Template("decision", "{actor} 关闭了发现问题（整改已验证）",
                               "{actor} closed the finding (its improvement action was verified)",
                               status=FINDING_STATUS),
}

ACTIVITY = Activity(AuditEntry, RECORDS, CATALOGUE)


async def activity(session: AsyncSession, *, record: Record, limit: int, cursor: str | None,
                   order: Order) -> Page[ActivityEntryRead]:
    return await ACTIVITY.page(session, record, limit=limit, cursor=cursor, order=order)
