"""Records people discuss, attach files to and follow (plans, tasks, proposals, risks, 整改 actions, findings).

Comments, attachments and the activity stream are the same for every kind of record: what differs is how a
record is found and who may see it. Each service declares its kinds once, in its ``records.py``::

    RECORDS = RecordKinds("planning", {"plan": RecordKind("计划", "plan", resolve_plan), ...})

where a resolver loads the record and answers with a :class:`Record` when the caller may see it, and raises
``NotFound`` otherwise (whether someone else's record exists is not the caller's business). A router takes
``record: RecordToView`` (``Annotated[Record, Depends(RECORDS.to_view)]``) with the path parameters
``kind`` and ``record_id``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.common.authz import Principal
from services.common.db import Session
from services.common.i18n import zh_list
from services.common.problems import NotFound
from services.common.security import CurrentPrincipal


@dataclass(frozen=True)
class Record:
    """A record the caller may see: its kind and id, where it sits, how it is named and where the SPA shows it."""

    service: str
    kind: str
    id: int
    unit_path: str
    title: str
    link: str
    # the audit chain's subject_type for this kind (its decisions and edits are recorded under it)
    subject_type: str
    # people who see the record without a grant over its unit (its owner, proposer, …), as token subjects
    participants: tuple[str, ...] = ()
    # the row itself, for a caller that needs more than the above
    item: Any = None


Resolver = Callable[[AsyncSession, Principal, int], Awaitable[Record]]


@dataclass(frozen=True)
class RecordKind:
    name_zh: str
    name_en: str
    resolve: Resolver


class RecordKinds:
    """The kinds of record one service keeps, and the dependency that loads one the caller may see."""

    def __init__(self, service: str, kinds: dict[str, RecordKind]) -> None:
        self.service = service
        self.kinds = kinds

    def unknown(self, kind: str) -> NotFound:
        return NotFound(f"There is no kind of record '{kind}' here; kinds are {', '.join(self.kinds)}.",
                        zh=f"没有这类记录；可用的记录类型为：{zh_list(k.name_zh for k in self.kinds.values())}。")

    async def resolve(self, session: AsyncSession, principal: Principal, kind: str, record_id: int) -> Record:
        found = self.kinds.get(kind)
        if found is None:
            raise self.unknown(kind)
        return await found.resolve(session, principal, record_id)

    async def to_view(self, kind: str, record_id: int, principal: CurrentPrincipal, session: Session) -> Record:
        """A FastAPI dependency: the record named by the path, when the caller may see it (401, then 404)."""
        return await self.resolve(session, principal, kind, record_id)


def not_found(name_en: str, name_zh: str, record_id: int) -> NotFound:
    return NotFound(f"There is no {name_en} with id {record_id}.", zh=f"没有编号为 {record_id} 的{name_zh}。")
